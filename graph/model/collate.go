package model

import (
	"encoding/hex"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// tag is the language whose alphabetical order a Language names; the zero
// value is English, the default of every list.
func (l Language) tag() language.Tag {
	if l == LanguageFr {
		return language.French
	}
	return language.English
}

// NameIn returns the name e is listed under in lang: its French name in
// French where a source gives one, else its English name, so a node without
// a translation still has a place in the French order.
func (e Entity) NameIn(lang Language) string {
	if lang == LanguageFr && e.NameFr != nil && *e.NameFr != "" {
		return *e.NameFr
	}
	return e.Name
}

// NameSortKey returns the text that places name in the alphabetical order of
// lang, ignoring case, accents and letter widths: two keys compared as plain
// strings, byte by byte, compare as their names do in that order. The
// database can sort and page by such keys without knowing the language's
// rules ("Côte d'Ivoire" before "Czech Republic", "Équateur" before
// "Espagne"); names that differ only in case or accents get equal keys.
func NameSortKey(lang Language, name string) string {
	// A Collator keeps buffers between calls, so it is made per call rather
	// than shared between goroutines.
	c := collate.New(lang.tag(), collate.Loose)
	var buf collate.Buffer
	return hex.EncodeToString(c.KeyFromString(&buf, name))
}
