package chart

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

func ptr(s string) *string { return &s }

func country(id, name, iso3 string, aliases ...string) model.Entity {
	iso2 := strings.ToUpper(strings.TrimPrefix(id, "country-"))
	return model.Entity{ID: id, Label: "Country", Name: name, Aliases: aliases,
		Properties: map[string]any{"iso2": iso2, "iso3": iso3}}
}

// testCountries mirror the seed's countries, plus the aliases and names a
// chart needs.
func testCountries() []model.Entity {
	md := country("country-md", "Republic of Moldova", "MDA")
	md.ShortName = ptr("Moldova")
	tn := country("country-tn", "Tunisia", "TUN")
	tn.NameFr = ptr("Tunisie")
	return []model.Entity{
		country("country-al", "Albania", "ALB"),
		country("country-ci", "Ivory Coast", "CIV", "Côte d’Ivoire"),
		country("country-cd", "Democratic Republic of the Congo", "COD", "Congo"),
		country("country-cg", "Republic of the Congo", "COG", "Congo"),
		country("country-ie", "Ireland", "IRL"),
		md,
		country("country-nl", "Netherlands", "NLD"),
		country("country-tr", "Türkiye", "TUR", "Turkey"),
		tn,
		{ID: "body-eu", Label: "Body", Name: "European Union"},
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		state   string
		want    string // country id, or "" when a problem is wanted
		problem string
	}{
		{state: "Albania", want: "country-al"},
		{state: "ALBANIA", want: "country-al"},
		{state: "ALB", want: "country-al"},
		{state: "country-al", want: "country-al"},
		{state: "Turkiye", want: "country-tr"},
		{state: "Turkey", want: "country-tr"},
		{state: "Cote d'Ivoire", want: "country-ci"},
		{state: "Moldova", want: "country-md"},
		{state: "Moldova (Republic of)", want: "country-md"},
		{state: "The Netherlands", want: "country-nl"},
		{state: "Netherlands (Kingdom of the)", want: "country-nl"},
		{state: "Tunisie", want: "country-tn"},
		{state: "Ireland.", want: "country-ie"},
		{state: "Narnia", problem: `state "Narnia" matches no country; add it, or an alias, first`},
		{state: "European Union", problem: `state "European Union" matches no country; add it, or an alias, first`},
		{state: "Congo", problem: `state "Congo" matches more than one country (country-cd, country-cg); give them names that tell them apart`},
	}
	for _, tt := range tests {
		t.Run(tt.state, func(t *testing.T) {
			got, err := Match([]Row{{Line: 12, State: tt.state}}, testCountries())
			if tt.problem == "" {
				if err != nil {
					t.Fatalf("Match: %v", err)
				}
				if diff := cmp.Diff(map[int]string{12: tt.want}, got); diff != "" {
					t.Errorf("Match (-want +got):\n%s", diff)
				}
				return
			}
			if diff := cmp.Diff([]string{"line 12: " + tt.problem}, problemLines(t, err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if len(got) != 0 {
				t.Errorf("Match gave %v for a state it could not place", got)
			}
		})
	}
}

// Two spellings of one state are one country: the second row is a problem,
// reported with its own line, while the other rows still match.
func TestMatchSameCountryTwice(t *testing.T) {
	rows := []Row{{Line: 6, State: "Türkiye"}, {Line: 7, State: "Albania"}, {Line: 9, State: "Turkey"}, {Line: 11, State: "Narnia"}}
	got, err := Match(rows, testCountries())
	wantProblems := []string{
		`line 9: state "Turkey" is country-tr, which line 6 already gives`,
		`line 11: state "Narnia" matches no country; add it, or an alias, first`,
	}
	if diff := cmp.Diff(wantProblems, problemLines(t, err)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[int]string{6: "country-tr", 7: "country-al"}, got); diff != "" {
		t.Errorf("Match (-want +got):\n%s", diff)
	}
}
