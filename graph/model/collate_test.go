package model

import (
	"strings"
	"testing"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

func TestNameSortKeyOrder(t *testing.T) {
	// want is the sign of comparing a's key with b's.
	tests := []struct {
		lang Language
		a, b string
		want int
	}{
		{LanguageEn, "Côte d'Ivoire", "Czech Republic", -1},
		{LanguageEn, "Czech Republic", "Côte d'Ivoire", 1},
		{LanguageEn, "Türkiye", "Tunisia", 1},
		{LanguageEn, "Türkiye", "Turkmenistan", -1},
		{LanguageEn, "Albania", "algeria", -1},
		{LanguageEn, "Holy See", "Hungary", -1},
		{LanguageFr, "Équateur", "Espagne", -1},
		{LanguageFr, "Espagne", "États-Unis", -1},
		{LanguageFr, "États-Unis", "Éthiopie", -1},
		{LanguageFr, "Éthiopie", "Finlande", -1},
		{LanguageFr, "Zimbabwe", "Égypte", 1},
		{LanguageEn, "Zimbabwe", "Égypte", 1},
		// Case and accents are ignored: such names tie, and the id decides.
		{LanguageEn, "Côte d'Ivoire", "COTE D'IVOIRE", 0},
		{LanguageFr, "Équateur", "equateur", 0},
		{LanguageFr, "ÉTATS-UNIS", "États-Unis", 0},
		// An unknown name sorts first.
		{LanguageEn, "", "Albania", -1},
		// The zero Language is English.
		{"", "Côte d'Ivoire", "Czech Republic", -1},
	}
	for _, tt := range tests {
		ka, kb := NameSortKey(tt.lang, tt.a), NameSortKey(tt.lang, tt.b)
		if got := strings.Compare(ka, kb); got != tt.want {
			t.Errorf("%s: key(%q) = %q, key(%q) = %q: compare %d, want %d", tt.lang, tt.a, ka, tt.b, kb, got, tt.want)
		}
	}
}

// TestNameSortKeyFollowsTheCollator checks every pair of a list of names:
// their keys compare as the language's collator compares the names.
func TestNameSortKeyFollowsTheCollator(t *testing.T) {
	names := []string{"Côte d'Ivoire", "Czech Republic", "Cabo Verde", "Équateur", "Espagne", "États-Unis", "Éthiopie",
		"Türkiye", "Turquie", "Bosnia and Herzegovina", "Bosnie-Herzégovine", "Saint-Marin", "San Marino", "Saint Kitts",
		"Îles Marshall", "Iles Salomon", "Liechtenstein", "l'Environnement", "Le Monde", "Œuvre", "Oeuvre", "Ørsted", "Zürich",
		"a b", "ab", "a-b", "A", "", "2nd round", "10th round", "Åland", "Aland"}
	for _, tt := range []struct {
		lang Language
		tag  language.Tag
	}{{LanguageEn, language.English}, {LanguageFr, language.French}} {
		c := collate.New(tt.tag, collate.IgnoreCase, collate.IgnoreDiacritics, collate.IgnoreWidth)
		for _, a := range names {
			for _, b := range names {
				want := c.CompareString(a, b)
				if got := strings.Compare(NameSortKey(tt.lang, a), NameSortKey(tt.lang, b)); got != want {
					t.Errorf("%s: keys of %q and %q compare %d, the collator says %d", tt.lang, a, b, got, want)
				}
			}
		}
	}
}

func TestNameIn(t *testing.T) {
	fr, empty := "Équateur", ""
	tests := []struct {
		name   string
		e      Entity
		lang   Language
		want   string
		reason string
	}{
		{"English", Entity{Name: "Ecuador", NameFr: &fr}, LanguageEn, "Ecuador", "English lists use the English name"},
		{"French", Entity{Name: "Ecuador", NameFr: &fr}, LanguageFr, "Équateur", "French lists use the French name"},
		{"no French name", Entity{Name: "Ecuador"}, LanguageFr, "Ecuador", "without a French name, the English one"},
		{"empty French name", Entity{Name: "Ecuador", NameFr: &empty}, LanguageFr, "Ecuador", "an empty French name is none"},
	}
	for _, tt := range tests {
		if got := tt.e.NameIn(tt.lang); got != tt.want {
			t.Errorf("%s: NameIn(%s) = %q, want %q (%s)", tt.name, tt.lang, got, tt.want, tt.reason)
		}
	}
}
