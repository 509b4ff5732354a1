package model

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// The sources name one fact in several ways ("treatyNumber" and "number",
// "exactAdoptionDate" and "adopted"), and write notes into values
// ("2016-04 (Sofia)"). NormaliseProperties brings a node's properties to one
// key per fact, the value apart from its note; docs/model.md lists the
// table.

// propertySynonyms maps keys the sources use to the key the graph keeps the
// same fact under.
var propertySynonyms = map[string]string{
	"treatyNumber":            KeyNumber,
	"openedForSignature":      KeyOpened,
	"openedForSignatureDate":  KeyOpened,
	"openedForSignaturePlace": KeyOpenedPlace,
	"entryIntoForceDate":      KeyEntryIntoForce,
	"adoptionDate":            "adopted",
	"exactAdoptionDate":       "adopted",
	"dateOfAdoption":          "adopted",
	"publicationDate":         KeyPublished,
	"start":                   KeyStartDate,
	"end":                     KeyEndDate,
}

// PropertySynonyms returns the table of synonyms: source key to the key the
// graph keeps the fact under.
func PropertySynonyms() map[string]string {
	out := make(map[string]string, len(propertySynonyms))
	for k, v := range propertySynonyms {
		out[k] = v
	}
	return out
}

// NoteKey is the key of the note about the fact under key: "adoptedNote".
func NoteKey(key string) string { return key + "Note" }

// IsNoteKey reports whether key holds a note: about the node ("note") or
// about the fact under another key ("adoptedNote").
func IsNoteKey(key string) bool { return key == "note" || strings.HasSuffix(key, "Note") }

var (
	// "2016-04 (Sofia)", "2006 (Monaco)": a date, then a note in brackets.
	dateWithBracketNote = regexp.MustCompile(`^(\d{4}(?:-\d{2}(?:-\d{2})?)?)\s*\((.+)\)$`)
	// "2022-04-08, Rome": a date, then a note after a comma.
	dateWithCommaNote = regexp.MustCompile(`^(\d{4}(?:-\d{2}(?:-\d{2})?)?),\s*(.+)$`)
	// Values that say the sources were not enough to give one.
	unknownValue = regexp.MustCompile(`(?i)^(not verified|unknown|not known)$`)
)

// SplitDateNote splits a value such as "2016-04 (Sofia)" or "2022-04-08,
// Rome" into the date and its note. ok is false when s is not a date
// followed by a note.
func SplitDateNote(s string) (date Date, note string, ok bool) {
	for _, re := range []*regexp.Regexp{dateWithBracketNote, dateWithCommaNote} {
		if m := re.FindStringSubmatch(strings.TrimSpace(s)); m != nil {
			d, err := ParseDate(m[1])
			if err != nil {
				continue
			}
			return d, strings.TrimSpace(m[2]), true
		}
	}
	return "", "", false
}

// NormaliseProperties returns props with one key per fact:
//
//   - a key of the synonym table is renamed to the graph's key; where both
//     are given with the same value (compared without case, spaces,
//     punctuation and "No."), one is kept, and where the values differ the
//     graph's key keeps its value and the other becomes its note;
//   - a value that is a date followed by a note ("2016-04 (Sofia)") keeps
//     the date, with its precision, and the note goes under key+"Note";
//   - a value that says the sources give none ("not verified") leaves the
//     fact out, unknown, and keeps the words as its note.
//
// Notes already present are kept, and added notes follow them after "; ".
// props itself is not changed.
func NormaliseProperties(props map[string]any) map[string]any {
	if props == nil {
		return nil
	}
	out := make(map[string]any, len(props))
	for k, v := range props {
		out[k] = v
	}
	addNote := func(key, note string) {
		nk := NoteKey(key)
		if old, ok := out[nk].(string); ok && old != "" {
			if strings.Contains(old, note) {
				return
			}
			note = old + "; " + note
		}
		out[nk] = note
	}
	for _, syn := range sortedSynonyms() {
		v, ok := out[syn]
		if !ok {
			continue
		}
		key := propertySynonyms[syn]
		delete(out, syn)
		cur, has := out[key]
		switch {
		case !has:
			out[key] = v
		case sameFactText(cur, v):
		default:
			addNote(key, fmt.Sprint(v))
		}
		if n, ok := out[NoteKey(syn)].(string); ok {
			delete(out, NoteKey(syn))
			addNote(key, n)
		}
	}
	keys := make([]string, 0, len(out))
	for k := range out {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s, ok := out[k].(string)
		if !ok || IsNoteKey(k) {
			continue
		}
		if d, note, ok := SplitDateNote(s); ok {
			out[k] = string(d)
			addNote(k, note)
			continue
		}
		if unknownValue.MatchString(strings.TrimSpace(s)) {
			delete(out, k)
			addNote(k, strings.TrimSpace(s))
		}
	}
	return out
}

func sortedSynonyms() []string {
	out := make([]string, 0, len(propertySynonyms))
	for k := range propertySynonyms {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// sameFactText compares two values as the same fact when they differ only
// in case, spacing, punctuation or a "No." ("CETS No. 201", "CETS 201").
func sameFactText(a, b any) bool {
	sa, oka := a.(string)
	sb, okb := b.(string)
	if !oka || !okb {
		return SameValue(a, b)
	}
	return FactText(sa) == FactText(sb)
}

var numberWord = regexp.MustCompile(`(?i)\b(no|n°|nr)\.?\s*`)

// FactText is a value reduced for comparison: lower case, letters and
// digits only, without the "No." of treaty numbers.
func FactText(s string) string {
	s = numberWord.ReplaceAllString(s, " ")
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// qualifierWords are words of a key that qualify how a fact was found, not
// what it is: "titleVariantInSeed" holds a title.
var qualifierWords = map[string]bool{"variant": true, "variants": true, "in": true, "seed": true, "exact": true}

// IdeaOf returns the fact a key names, for telling keys that hold one idea:
// the graph's key for a synonym, otherwise the key's words in lower case,
// each without a plural "s", qualifiers left out ("chairsAttested" and
// "chair_attested" name one idea).
func IdeaOf(key string) string {
	if k, ok := propertySynonyms[key]; ok {
		key = k
	}
	var words []string
	for _, w := range splitKey(key) {
		if qualifierWords[w] {
			continue
		}
		if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
			w = strings.TrimSuffix(w, "s")
		}
		words = append(words, w)
	}
	return strings.Join(words, " ")
}

// splitKey splits camelCase, snake_case and kebab-case keys into lower-case
// words.
func splitKey(key string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(key)
	for i, r := range rs {
		switch {
		case r == '_' || r == '-' || r == ' ' || r == '.':
			flush()
		case unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1])):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return words
}
