package model

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func strp(s string) *string { return &s }

func datep(s string) *Date {
	d := Date(s)
	return &d
}

// fields returns the fields problems name, in order.
func fields(problems []FactProblem) []string {
	out := []string{}
	for _, p := range problems {
		out = append(out, p.Field)
	}
	return out
}

// TestEntityRules pins every rule about an entity: each case changes one
// field of a valid entity and names the fields the rules then refuse.
func TestEntityRules(t *testing.T) {
	valid := func() Entity {
		return Entity{ID: "project-cyberkids", Label: "Project", Name: "CyberKids", Aliases: []string{"CK"},
			Properties: map[string]any{"startDate": "2020-01", "budget": int64(5), "themes": []any{"online"}}}
	}
	country := func() Entity {
		return Entity{ID: "country-mu", Label: "Country", Name: "Mauritius",
			Properties: map[string]any{"iso2": "MU", "iso3": "MUS", "coeStatus": "non_member"}}
	}
	tests := []struct {
		name   string
		change func(*Entity)
		base   func() Entity
		want   []string
	}{
		{"valid", func(*Entity) {}, valid, nil},
		{"id of two characters", func(e *Entity) { e.ID = "ab" }, valid, nil},
		{"id of 100 characters", func(e *Entity) { e.ID = strings.Repeat("a", 100) }, valid, nil},
		{"id of one character", func(e *Entity) { e.ID = "a" }, valid, []string{"id"}},
		{"id of 101 characters", func(e *Entity) { e.ID = strings.Repeat("a", 101) }, valid, []string{"id"}},
		{"id with a plus", func(e *Entity) { e.ID = "glacy+" }, valid, []string{"id"}},
		{"id with a plus inside", func(e *Entity) { e.ID = "glacy+plus" }, valid, []string{"id"}},
		{"id ending with a hyphen", func(e *Entity) { e.ID = "glacy-" }, valid, []string{"id"}},
		{"id starting with a hyphen", func(e *Entity) { e.ID = "-glacy" }, valid, []string{"id"}},
		{"id in capitals", func(e *Entity) { e.ID = "Glacy" }, valid, []string{"id"}},
		{"id with a space", func(e *Entity) { e.ID = "glacy plus" }, valid, []string{"id"}},
		{"empty id", func(e *Entity) { e.ID = "" }, valid, []string{"id"}},
		{"unknown label", func(e *Entity) { e.Label = "Treaty" }, valid, []string{"label"}},
		{"label in lower case", func(e *Entity) { e.Label = "project" }, valid, []string{"label"}},
		{"empty name", func(e *Entity) { e.Name = " " }, valid, []string{"name"}},
		{"name too long", func(e *Entity) { e.Name = strings.Repeat("n", MaxText+1) }, valid, []string{"name"}},
		{"name of the longest length", func(e *Entity) { e.Name = strings.Repeat("n", MaxText) }, valid, nil},
		{"NUL in a French name", func(e *Entity) { e.NameFr = strp("a\x00b") }, valid, []string{"nameFr"}},
		{"NUL in a short name", func(e *Entity) { e.ShortName = strp("\x00") }, valid, []string{"shortName"}},
		{"acronym too long", func(e *Entity) { e.Acronym = strp(strings.Repeat("A", MaxText+1)) }, valid, []string{"acronym"}},
		{"empty alias", func(e *Entity) { e.Aliases = []string{"CK", ""} }, valid, []string{"aliases[1]"}},
		{"date property that is no date", func(e *Entity) { e.Properties["opened"] = "2007-10-25 (Lanzarote)" }, valid, []string{"properties.opened"}},
		{"date property that is no calendar date", func(e *Entity) { e.Properties["endDate"] = "2020-02-30" }, valid, []string{"properties.endDate"}},
		{"date property that is a number", func(e *Entity) { e.Properties["published"] = int64(2017) }, valid, []string{"properties.published"}},
		{"date property that is a map", func(e *Entity) { e.Properties["launched"] = map[string]any{"place": "Rome"} }, valid, []string{"properties.launched"}},
		{"date property of a year", func(e *Entity) { e.Properties["published"] = "2017" }, valid, nil},
		{"date property of a month", func(e *Entity) { e.Properties["adopted"] = "2016-04" }, valid, nil},
		{"every validity key checked", func(e *Entity) {
			for _, k := range []string{"startDate", "opened", "adopted", "launched", "published", "date", "established", "endDate", "operationalUntil"} {
				e.Properties[k] = "soon"
			}
		}, valid, []string{"properties.adopted", "properties.date", "properties.endDate", "properties.established", "properties.launched",
			"properties.opened", "properties.operationalUntil", "properties.published", "properties.startDate"}},
		{"other date properties checked", func(e *Entity) {
			for _, k := range []string{"entryIntoForce", "coeAccession", "coeLeft", "adoptedByCm", "since", "until"} {
				e.Properties[k] = "soon"
			}
		}, valid, []string{"properties.adoptedByCm", "properties.coeAccession", "properties.coeLeft", "properties.entryIntoForce", "properties.since", "properties.until"}},
		{"a note is free text", func(e *Entity) { e.Properties["adoptedNote"] = "Sofia" }, valid, nil},
		{"reserved property", func(e *Entity) { e.Properties["managedBy"] = "seed" }, valid, []string{"properties.managedBy"}},
		{"label as a property", func(e *Entity) { e.Properties["label"] = "Body" }, valid, []string{"properties.label"}},
		{"property name with a space", func(e *Entity) { e.Properties["start date"] = "2020" }, valid, []string{"properties.start date"}},
		{"property name starting with a digit", func(e *Entity) { e.Properties["2nd"] = "x" }, valid, []string{"properties.2nd"}},
		{"property name too long", func(e *Entity) { e.Properties[strings.Repeat("p", 65)] = "x" }, valid, []string{"properties." + strings.Repeat("p", 65)}},
		{"empty property name", func(e *Entity) { e.Properties[""] = "x" }, valid, []string{"properties"}},
		{"text property too long", func(e *Entity) { e.Properties["note"] = strings.Repeat("x", MaxText+1) }, valid, []string{"properties.note"}},
		{"NUL in a text property", func(e *Entity) { e.Properties["note"] = "\x00" }, valid, []string{"properties.note"}},
		{"nil property (an update removing it)", func(e *Entity) { e.Properties["startDate"] = nil }, valid, nil},
		{"valid country", func(*Entity) {}, country, nil},
		{"country without iso2", func(e *Entity) { delete(e.Properties, "iso2") }, country, []string{"properties.iso2"}},
		{"country with a lower-case iso2", func(e *Entity) { e.Properties["iso2"] = "mu" }, country, []string{"properties.iso2"}},
		{"country with a three-letter iso2", func(e *Entity) { e.Properties["iso2"] = "MUS" }, country, []string{"properties.iso2"}},
		{"country without iso3", func(e *Entity) { delete(e.Properties, "iso3") }, country, nil},
		{"country with a bad iso3", func(e *Entity) { e.Properties["iso3"] = "MU" }, country, []string{"properties.iso3"}},
		{"country with an iso3 that is a number", func(e *Entity) { e.Properties["iso3"] = int64(480) }, country, []string{"properties.iso3"}},
		{"country without a status", func(e *Entity) { delete(e.Properties, "coeStatus") }, country, nil},
		{"status in capitals", func(e *Entity) { e.Properties["coeStatus"] = "MEMBER" }, country, []string{"properties.coeStatus"}},
		{"unknown status", func(e *Entity) { e.Properties["coeStatus"] = "friend" }, country, []string{"properties.coeStatus"}},
		{"empty status", func(e *Entity) { e.Properties["coeStatus"] = "" }, country, []string{"properties.coeStatus"}},
		{"country dates", func(e *Entity) { e.Properties["coeAccession"] = "1949-05-05"; e.Properties["coeLeft"] = "2022-03" }, country, nil},
		{"iso codes matter only for countries", func(e *Entity) { e.Properties["iso2"] = "x" }, valid, nil},
	}
	for _, s := range AllCoeStatus {
		c := country()
		c.Properties["coeStatus"] = strings.ToLower(string(s))
		if p := EntityProblems(c); len(p) > 0 {
			t.Errorf("status %s: %v", s, p)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.base()
			tt.change(&e)
			got := fields(EntityProblems(e))
			if diff := cmp.Diff(append([]string{}, tt.want...), got); diff != "" {
				t.Errorf("EntityProblems(%+v) fields (-want +got):\n%s", e, diff)
			}
		})
	}
}

// TestRelationRules pins every rule about a relationship.
func TestRelationRules(t *testing.T) {
	ratified := func() RelationRecord {
		return RelationRecord{From: "country-al", Type: RelRatified, To: "cets-201",
			Properties: map[string]any{"date": "2009-04-14", "action": "ratification", "entryIntoForce": "2010-07-01"}}
	}
	tests := []struct {
		name     string
		change   func(*RelationRecord)
		from, to string
		want     []string
	}{
		{"valid", func(*RelationRecord) {}, "Country", "Instrument", nil},
		{"ends not known yet", func(*RelationRecord) {}, "", "", nil},
		{"wrong kinds of node", func(*RelationRecord) {}, "Body", "Instrument", []string{"type"}},
		{"unknown type", func(r *RelationRecord) { r.Type = "WATCHES_OVER" }, "Country", "Instrument", []string{"type"}},
		{"type not in upper case", func(r *RelationRecord) { r.Type = "ratified" }, "", "", []string{"type"}},
		{"a node related to itself", func(r *RelationRecord) { r.To = r.From }, "", "", []string{"to"}},
		{"succession", func(r *RelationRecord) { r.Properties["action"] = "succession" }, "Country", "Instrument", nil},
		{"unknown action", func(r *RelationRecord) { r.Properties["action"] = "signature_only" }, "Country", "Instrument", []string{"properties.action"}},
		{"action that is a number", func(r *RelationRecord) { r.Properties["action"] = int64(1) }, "Country", "Instrument", []string{"properties.action"}},
		{"no action", func(r *RelationRecord) { delete(r.Properties, "action") }, "Country", "Instrument", nil},
		{"entry into force before ratification", func(r *RelationRecord) { r.Properties["entryIntoForce"] = "2009-01-01" }, "Country", "Instrument", []string{"properties.entryIntoForce"}},
		{"entry into force on the day", func(r *RelationRecord) { r.Properties["entryIntoForce"] = "2009-04-14" }, "Country", "Instrument", nil},
		{"bad date", func(r *RelationRecord) { r.Properties["date"] = "2009-13-01" }, "Country", "Instrument", []string{"properties.date"}},
		{"validity keys of relationships", func(r *RelationRecord) {
			r.Type, r.Properties = "MEMBER_OF", map[string]any{"since": "soon", "until": "later"}
		}, "Country", "Body", []string{"properties.since", "properties.until"}},
		{"action matters only for RATIFIED", func(r *RelationRecord) {
			r.Type, r.Properties = RelSigned, map[string]any{"action": "anything", "date": "2009-01-01"}
		}, "Country", "Instrument", nil},
		{"reserved property", func(r *RelationRecord) { r.Properties["relKey"] = "x" }, "Country", "Instrument", []string{"properties.relKey"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ratified()
			tt.change(&r)
			got := fields(RelationProblems(r, tt.from, tt.to))
			if diff := cmp.Diff(append([]string{}, tt.want...), got); diff != "" {
				t.Errorf("RelationProblems(%+v, %q, %q) fields (-want +got):\n%s", r, tt.from, tt.to, diff)
			}
		})
	}
	for _, a := range TreatyActions() {
		r := ratified()
		r.Properties["action"] = a
		if p := RelationProblems(r, "Country", "Instrument"); len(p) > 0 {
			t.Errorf("action %q: %v", a, p)
		}
	}
}

// TestSourceRules pins the rules about sources.
func TestSourceRules(t *testing.T) {
	tests := []struct {
		name    string
		sources []Source
		want    []string
	}{
		{"a title", []Source{{Title: "Explanatory Report"}}, nil},
		{"an address and a date", []Source{{Title: "t", URL: strp("https://www.coe.int/"), Retrieved: datep("2024-05-01")}}, nil},
		{"none", nil, []string{"sources"}},
		{"empty title", []Source{{Title: "t"}, {Title: " "}}, []string{"sources[1].title"}},
		{"not a web address", []Source{{Title: "t", URL: strp("javascript:alert(1)")}}, []string{"sources[0].url"}},
		{"address without host", []Source{{Title: "t", URL: strp("https://")}}, []string{"sources[0].url"}},
		{"bad date of reading", []Source{{Title: "t", Retrieved: datep("2024-13")}}, []string{"sources[0].retrieved"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fields(SourceProblems(tt.sources))
			if diff := cmp.Diff(append([]string{}, tt.want...), got); diff != "" {
				t.Errorf("SourceProblems fields (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidityKeysAreDateProperties holds what as-of queries read to what
// the rules check as dates.
func TestValidityKeysAreDateProperties(t *testing.T) {
	for _, rel := range []bool{false, true} {
		from, until := ValidityKeys(rel)
		if len(from) == 0 || len(until) == 0 {
			t.Errorf("ValidityKeys(%v) = %v, %v", rel, from, until)
		}
		for _, k := range append(from, until...) {
			if !IsDateProperty(k) {
				t.Errorf("validity key %s is not a date property", k)
			}
		}
	}
}

func TestProblemText(t *testing.T) {
	for _, tt := range []struct {
		p    FactProblem
		want string
	}{
		{FactProblem{"name", "must not be empty"}, "name: must not be empty"},
		{FactProblem{"coe_status", `"friend": want member`}, `coe_status "friend": want member`},
	} {
		if got := tt.p.Error(); got != tt.want {
			t.Errorf("%+v.Error() = %q, want %q", tt.p, got, tt.want)
		}
	}
	err := ProblemsError("input.", []FactProblem{{"id", `"A": want`}, {"name", "must not be empty"}})
	if ErrorCode(err) != CodeBadUserInput || err.Error() == "" || ErrorMessage(err) != `input.id "A": want; input.name: must not be empty` {
		t.Errorf("ProblemsError = %v (%s)", err, ErrorCode(err))
	}
	if ProblemsError("input.", nil) != nil {
		t.Errorf("ProblemsError of no problems is not nil")
	}
}
