package model

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// The rules about facts. Every way a fact enters the graph (the seed files,
// the curation mutations, an import of a JSON export) checks it here and
// nowhere else, so a fact one of them accepts is one the others accept too.
// The checks return every problem, each naming the field at fault; the
// callers only parse their input and place the problems (at a file and
// line, or under "input." for a mutation).

// FactProblem is one rule a fact breaks: the field at fault, named as the
// entity or relationship names it ("id", "aliases[1]", "properties.opened"),
// and what is wrong with its value.
type FactProblem struct {
	Field   string
	Message string
}

// Error reads "field: message", or "field "value": ..." when the message
// starts with the value it is about.
func (p FactProblem) Error() string {
	if strings.HasPrefix(p.Message, `"`) {
		return p.Field + " " + p.Message
	}
	return p.Field + ": " + p.Message
}

// ProblemsError turns problems into one BAD_USER_INPUT error, each field
// named under prefix (such as "input."); nil when there are none.
func ProblemsError(prefix string, problems []FactProblem) error {
	if len(problems) == 0 {
		return nil
	}
	parts := make([]string, len(problems))
	for i, p := range problems {
		parts[i] = prefix + p.Error()
	}
	return &Error{Code: CodeBadUserInput, Message: strings.Join(parts, "; ")}
}

// MaxText bounds names and text properties: a fact, not a document.
const MaxText = 2000

// An id is 2 to 100 lower-case letters, digits and hyphens, starting and
// ending with a letter or digit: it appears in addresses and relationship
// keys ("from|TYPE|to|n"), so it holds nothing that needs escaping there.
// The seed files once also allowed '+', which no id used.
var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,98}[a-z0-9]$`)

// IDProblem returns what is wrong with an entity id, or "" when nothing is.
func IDProblem(id string) string {
	if idPattern.MatchString(id) {
		return ""
	}
	return fmt.Sprintf("%q: want 2 to 100 lower-case letters, digits and hyphens, starting and ending with a letter or digit, such as \"project-cyberkids\"", id)
}

// propertyPattern is what a free property's name looks like: it becomes a
// Neo4j property key and a column of the CSV export.
var propertyPattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{0,63}$`)

var (
	iso2Pattern = regexp.MustCompile(`^[A-Z]{2}$`)
	iso3Pattern = regexp.MustCompile(`^[A-Z]{3}$`)
)

// IsCoEStatus reports whether s is a stored Council of Europe status: the
// CoeStatus enum's values in lower case ("member", "former_member"...).
func IsCoEStatus(s string) bool {
	return s == strings.ToLower(s) && CoeStatus(strings.ToUpper(s)).IsValid()
}

// coeStatusList names the stored statuses, for messages.
func coeStatusList() string {
	names := make([]string, len(AllCoeStatus))
	for i, s := range AllCoeStatus {
		names[i] = strings.ToLower(string(s))
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// TreatyActions are the ways a state becomes party to a treaty, as the
// Treaty Office names them; a RATIFIED relationship's action is one of them.
func TreatyActions() []string {
	return []string{"ratification", "accession", "acceptance", "approval", "succession"}
}

// IsTreatyAction reports whether s is one of TreatyActions.
func IsTreatyAction(s string) bool {
	for _, a := range TreatyActions() {
		if a == s {
			return true
		}
	}
	return false
}

// The free properties that say since when, and until when, a node or a
// relationship is a fact, in order of preference: as-of queries read the
// first one present.
var (
	nodeFromKeys  = []string{"startDate", "opened", "adopted", "launched", "published", "date", "established"}
	nodeUntilKeys = []string{"endDate", "operationalUntil"}
	relFromKeys   = []string{"date", "since"}
	relUntilKeys  = []string{"until"}
)

// ValidityKeys returns the free properties that say since when and until
// when a node (or, with relationship, a relationship) is a fact, in order
// of preference. Each is a date property.
func ValidityKeys(relationship bool) (from, until []string) {
	if relationship {
		return append([]string(nil), relFromKeys...), append([]string(nil), relUntilKeys...)
	}
	return append([]string(nil), nodeFromKeys...), append([]string(nil), nodeUntilKeys...)
}

// otherDates are the date properties that bound no validity: they are read
// as dates (a treaty's entry into force, a state's accession) all the same.
var otherDates = []string{"entryIntoForce", "coeAccession", "coeLeft", "adoptedByCm"}

// IsDateProperty reports whether a free property named name holds a date
// wherever it appears: the validity keys and the other dates the API reads
// as dates. Its value must be a string that ParseDate accepts.
func IsDateProperty(name string) bool {
	for _, list := range [][]string{nodeFromKeys, nodeUntilKeys, relFromKeys, relUntilKeys, otherDates} {
		for _, k := range list {
			if k == name {
				return true
			}
		}
	}
	return false
}

// TextProblem returns what is wrong with a name or a text value, or "".
func TextProblem(s string, required bool) string {
	switch {
	case required && strings.TrimSpace(s) == "":
		return "must not be empty"
	case len(s) > MaxText:
		return fmt.Sprintf("longer than %d bytes", MaxText)
	case strings.ContainsRune(s, 0):
		return "contains a NUL character"
	}
	return ""
}

// PropertyProblems checks free properties: names, no reserved ones, texts,
// and dates that parse. A nil value is accepted: an update uses it to
// remove the property. Fields are "properties.<name>".
func PropertyProblems(props map[string]any) []FactProblem {
	var out []FactProblem
	names := make([]string, 0, len(props))
	for k := range props {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := props[k]
		f := "properties." + k
		if k == "" {
			f = "properties"
		}
		switch {
		case IsReservedProperty(k) || k == "label":
			out = append(out, FactProblem{f, "the name is a field of its own or kept for the store's own use, not a property"})
			continue
		case !propertyPattern.MatchString(k):
			out = append(out, FactProblem{f, "property names are 1 to 64 letters, digits and _, starting with a letter"})
			continue
		}
		s, isText := v.(string)
		switch {
		case isText && TextProblem(s, false) != "":
			out = append(out, FactProblem{f, TextProblem(s, false)})
		case isText && IsDateProperty(k):
			if _, err := ParseDate(s); err != nil {
				out = append(out, FactProblem{f, err.Error()})
			}
		case v != nil && IsDateProperty(k):
			out = append(out, FactProblem{f, "want a date such as \"2010-07-01\""})
		}
	}
	return out
}

// SourceProblems checks the sources of a fact: at least one, each with a
// title, an http or https address when it has one, and a calendar date of
// reading when it has one. Fields are "sources[i]...".
func SourceProblems(sources []Source) []FactProblem {
	if len(sources) == 0 {
		return []FactProblem{{"sources", "give at least one source for the fact"}}
	}
	var out []FactProblem
	for i, s := range sources {
		f := fmt.Sprintf("sources[%d]", i)
		if p := TextProblem(s.Title, true); p != "" {
			out = append(out, FactProblem{f + ".title", p})
		}
		if s.URL != nil {
			u, err := url.Parse(*s.URL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				out = append(out, FactProblem{f + ".url", "want an http or https address"})
			}
		}
		if s.Retrieved != nil {
			if _, err := ParseDate(string(*s.Retrieved)); err != nil {
				out = append(out, FactProblem{f + ".retrieved", err.Error()})
			}
		}
	}
	return out
}

// EntityProblems checks an entity's own fields and the rules of its kind:
// its id, its label, its names, its properties, and for a country its ISO
// codes and Council of Europe status. Sources are checked apart
// (SourceProblems), since a change brings its own.
func EntityProblems(e Entity) []FactProblem {
	var out []FactProblem
	if p := IDProblem(e.ID); p != "" {
		out = append(out, FactProblem{"id", p})
	}
	if !IsLabel(e.Label) {
		out = append(out, FactProblem{"label", fmt.Sprintf("%q: want one of %s", e.Label, strings.Join(Labels, ", "))})
	}
	if p := TextProblem(e.Name, true); p != "" {
		out = append(out, FactProblem{"name", p})
	}
	for _, f := range []struct {
		name  string
		value *string
	}{{"nameFr", e.NameFr}, {"shortName", e.ShortName}, {"acronym", e.Acronym}} {
		if f.value != nil {
			if p := TextProblem(*f.value, false); p != "" {
				out = append(out, FactProblem{f.name, p})
			}
		}
	}
	for i, a := range e.Aliases {
		if p := TextProblem(a, true); p != "" {
			out = append(out, FactProblem{fmt.Sprintf("aliases[%d]", i), p})
		}
	}
	out = append(out, PropertyProblems(e.Properties)...)
	if e.Label == "Country" {
		out = append(out, countryProblems(e.Properties)...)
	}
	return out
}

// countryProblems: lookups by ISO code need the codes right, and the
// status is one of the schema's.
func countryProblems(props map[string]any) []FactProblem {
	var out []FactProblem
	iso2, _ := props["iso2"].(string)
	if !iso2Pattern.MatchString(iso2) {
		out = append(out, FactProblem{"properties.iso2", fmt.Sprintf("%q: a country needs its ISO 3166-1 alpha-2 code, such as \"MU\"", iso2)})
	}
	if v, ok := props["iso3"]; ok && v != nil {
		if s, _ := v.(string); !iso3Pattern.MatchString(s) {
			out = append(out, FactProblem{"properties.iso3", fmt.Sprintf("%v: want an ISO 3166-1 alpha-3 code, such as \"MUS\"", quoted(v))})
		}
	}
	if v, ok := props["coeStatus"]; ok && v != nil {
		if s, _ := v.(string); !IsCoEStatus(s) {
			out = append(out, FactProblem{"properties.coeStatus", fmt.Sprintf("%v: want %s", quoted(v), coeStatusList())})
		}
	}
	return out
}

func quoted(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%v", v)
}

// RelationProblems checks a relationship: its type is in the vocabulary
// and joins the kinds of node it joins (when fromLabel and toLabel are
// known; "" leaves that check to whoever knows them), it does not join a
// node to itself, its properties, and the rules of its type: a
// ratification's action is a treaty action and its entry into force does
// not come before it.
func RelationProblems(r RelationRecord, fromLabel, toLabel string) []FactProblem {
	var out []FactProblem
	known, ok, allowed := CheckRelation(r.Type, fromLabel, toLabel)
	switch {
	case !IsRelationTypeName(r.Type) || !known:
		out = append(out, FactProblem{"type", fmt.Sprintf("%q: not a relationship type of the vocabulary (docs/relation-vocabulary.md)", r.Type)})
	case fromLabel != "" && toLabel != "" && !ok:
		out = append(out, FactProblem{"type", fmt.Sprintf("%s cannot join %s %s to %s %s (it joins %s)", r.Type, fromLabel, r.From, toLabel, r.To, allowed)})
	}
	if r.From != "" && r.From == r.To {
		out = append(out, FactProblem{"to", "a node cannot be related to itself"})
	}
	out = append(out, PropertyProblems(r.Properties)...)
	if r.Type == RelRatified {
		if v, ok := r.Properties["action"]; ok && v != nil {
			if s, _ := v.(string); !IsTreatyAction(s) {
				out = append(out, FactProblem{"properties.action", fmt.Sprintf("%v: want %s", quoted(v), strings.Join(TreatyActions(), ", "))})
			}
		}
		date, _ := r.Properties["date"].(string)
		eif, _ := r.Properties["entryIntoForce"].(string)
		if date != "" && eif != "" && Date(date).After(Date(eif)) {
			out = append(out, FactProblem{"properties.entryIntoForce", fmt.Sprintf("%s is before the ratification date %s", eif, date)})
		}
	}
	return out
}
