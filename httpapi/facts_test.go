package httpapi

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/seed/seedcsv"
)

// typedFields are the typed fields of each kind of node, named as the
// property keys they read, by the list that returns that kind.
var typedFields = map[string]string{
	"instruments": "number opened openedPlace entryIntoForce",
	"projects":    "startDate endDate",
	"countries":   "iso2 iso3 coeAccession coeLeft",
	"resources":   "published",
	"events":      "startDate endDate",
}

const factFields = `
    __typename id name nameFr shortName acronym properties
    variants { property value preferred note sources { url title retrieved } }
    statedFigures { what value date note sources { url title retrieved } }`

type apiSource struct {
	URL       *string `json:"url"`
	Title     string  `json:"title"`
	Retrieved *string `json:"retrieved"`
}

type apiVariant struct {
	Property  string      `json:"property"`
	Value     any         `json:"value"`
	Preferred bool        `json:"preferred"`
	Note      *string     `json:"note"`
	Sources   []apiSource `json:"sources"`
}

type apiFigure struct {
	What    string      `json:"what"`
	Value   any         `json:"value"`
	Date    *string     `json:"date"`
	Note    *string     `json:"note"`
	Sources []apiSource `json:"sources"`
}

// apiNode is a node with its typed fields kept apart from the rest.
type apiNode struct {
	Typename      string         `json:"__typename"`
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	Properties    map[string]any `json:"properties"`
	Variants      []apiVariant   `json:"variants"`
	StatedFigures []apiFigure    `json:"statedFigures"`
	// Typed holds the typed fields and the names, by property key.
	Typed map[string]any `json:"-"`
}

func (n *apiNode) UnmarshalJSON(b []byte) error {
	type plain apiNode
	if err := json.Unmarshal(b, (*plain)(n)); err != nil {
		return err
	}
	var all map[string]any
	if err := json.Unmarshal(b, &all); err != nil {
		return err
	}
	n.Typed = map[string]any{}
	for k, v := range all {
		switch k {
		case "__typename", "id", "properties", "variants", "statedFigures":
		default:
			if v != nil {
				n.Typed[k] = v
			}
		}
	}
	return nil
}

// answer returns what the API answers for a property: the typed field that
// reads it, the name, or the value under its path in properties.
func (n apiNode) answer(property string) (any, bool) {
	if model.IsTypedKey(n.Typename, property) || property == "name" {
		v, ok := n.Typed[property]
		return v, ok
	}
	var cur any = n.Properties
	for _, part := range strings.Split(property, "/") {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[part]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// allNodes reads every node of the graph through the typed lists.
func allNodes(t *testing.T, url string) []apiNode {
	t.Helper()
	var out []apiNode
	for _, list := range []string{"instruments", "bodies", "projects", "countries", "resources", "events", "monitoringRounds", "topics"} {
		after := ""
		for {
			q := fmt.Sprintf(`query($after: String) { %s(first: 500, after: $after) { pageInfo { hasNextPage endCursor } edges { node { %s %s } } } }`, list, factFields, typedFields[list])
			vars := map[string]any{}
			if after != "" {
				vars["after"] = after
			}
			var got map[string]struct {
				PageInfo struct {
					HasNextPage bool   `json:"hasNextPage"`
					EndCursor   string `json:"endCursor"`
				} `json:"pageInfo"`
				Edges []struct {
					Node apiNode `json:"node"`
				} `json:"edges"`
			}
			post(t, url, q, vars, &got)
			for _, e := range got[list].Edges {
				out = append(out, e.Node)
			}
			if !got[list].PageInfo.HasNextPage {
				break
			}
			after = got[list].PageInfo.EndCursor
		}
	}
	return out
}

// fileVariant is one value a seed file gives for a property with variants.
type fileVariant struct {
	subject, property string
	value             any
	sources           []string
	note              string
	mark              string // "yes", "no" or ""
}

// plainYAML turns what yaml.v3 gives into what the API answers in JSON.
func plainYAML(v any) any {
	switch v := v.(type) {
	case time.Time:
		return v.Format("2006-01-02")
	case int:
		return float64(v)
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = plainYAML(x)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = plainYAML(x)
		}
		return out
	}
	return v
}

func stringList(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

// entityFileVariants reads the `variants:` blocks of entities.yaml; a value
// without sources rests on the entity's.
func entityFileVariants(t *testing.T) []fileVariant {
	var out []fileVariant
	for _, e := range seedcsv.Entities(t) {
		sets, _ := e["variants"].([]any)
		for _, s := range sets {
			set := s.(map[string]any)
			for _, v := range set["values"].([]any) {
				val := v.(map[string]any)
				fv := fileVariant{subject: e["id"].(string), property: set["property"].(string), value: plainYAML(val["value"]),
					sources: stringList(val["sources"])}
				if len(fv.sources) == 0 {
					fv.sources = stringList(e["sources"])
				}
				fv.note, _ = val["note"].(string)
				if p, ok := val["preferred"].(bool); ok {
					fv.mark = map[bool]string{true: "yes", false: "no"}[p]
				}
				out = append(out, fv)
			}
		}
	}
	return out
}

// csvFileVariants reads variants.csv, naming each property as the API does.
func csvFileVariants(t *testing.T) []fileVariant {
	names := map[string]string{"coe_accession": "coeAccession", "coe_left": "coeLeft", "signed": "signed", "ratified": "ratified", "entry_into_force": "entryIntoForce"}
	var out []fileVariant
	for _, r := range seedcsv.Rows(t, "variants.csv") {
		out = append(out, fileVariant{subject: r["subject"], property: names[r["property"]], value: r["value"],
			sources: strings.Split(r["sources"], " | "), note: r["note"], mark: r["preferred"]})
	}
	return out
}

func hasVariant(vs []apiVariant, want fileVariant) (apiVariant, bool) {
	for _, v := range vs {
		if v.Property == want.property && cmp.Equal(v.Value, want.value) {
			return v, true
		}
	}
	return apiVariant{}, false
}

// checkVariant reports how a variant the files give differs from the API's.
func checkVariant(got []apiVariant, want fileVariant) []string {
	v, ok := hasVariant(got, want)
	if !ok {
		return []string{fmt.Sprintf("%s %s: no variant with the value %v", want.subject, want.property, want.value)}
	}
	var problems []string
	titles := map[string]bool{}
	for _, s := range v.Sources {
		titles[s.Title] = true
		if s.Retrieved == nil {
			problems = append(problems, fmt.Sprintf("%s %s %v: source %q has no date read", want.subject, want.property, want.value, s.Title))
		}
	}
	for _, s := range want.sources {
		if !titles[strings.TrimSpace(s)] {
			problems = append(problems, fmt.Sprintf("%s %s %v: source %q missing (got %v)", want.subject, want.property, want.value, s, v.Sources))
		}
	}
	if want.note != "" && (v.Note == nil || !strings.Contains(*v.Note, want.note)) {
		problems = append(problems, fmt.Sprintf("%s %s %v: note %v, want it to hold %q", want.subject, want.property, want.value, v.Note, want.note))
	}
	switch {
	case want.mark == "yes" && !v.Preferred:
		problems = append(problems, fmt.Sprintf("%s %s %v: marked preferred in the files, not preferred in the API", want.subject, want.property, want.value))
	case want.mark == "no" && v.Preferred:
		problems = append(problems, fmt.Sprintf("%s %s %v: marked not preferred in the files, preferred in the API", want.subject, want.property, want.value))
	}
	return problems
}

// checkAnswer reports where a property with variants does not answer its
// preferred value, or answers one when none is preferred.
func checkAnswer(subject string, vs []apiVariant, property string, got any, has bool) []string {
	var preferred []any
	for _, v := range vs {
		if v.Property == property && v.Preferred {
			preferred = append(preferred, v.Value)
		}
	}
	switch {
	case len(preferred) > 1:
		return []string{fmt.Sprintf("%s %s: %d preferred values %v", subject, property, len(preferred), preferred)}
	case len(preferred) == 0 && has:
		return []string{fmt.Sprintf("%s %s: no value is preferred, yet it answers %v", subject, property, got)}
	case len(preferred) == 1 && (!has || !cmp.Equal(got, preferred[0])):
		return []string{fmt.Sprintf("%s %s: answers %v (set: %v), want the preferred %v", subject, property, got, has, preferred[0])}
	}
	return nil
}

// TestVariantsAreReadableWithTheirSources reads every value the seed files
// give where sources disagree (variants.csv and the `variants:` blocks of
// entities.yaml) through the API, with its sources and note, and checks
// that each property answers its preferred value, or nothing when none is.
func TestVariantsAreReadableWithTheirSources(t *testing.T) {
	srv, _ := newTestServer(t)
	nodes := map[string]apiNode{}
	for _, n := range allNodes(t, srv.URL) {
		nodes[n.ID] = n
	}
	type party struct {
		fields   map[string]any
		variants []apiVariant
	}
	parties := map[string]party{}
	treaties := map[string]bool{}
	for _, r := range seedcsv.Rows(t, "treaty_parties.csv") {
		treaties[r["instrument"]] = true
	}
	for inst := range treaties {
		var got struct {
			Instrument struct {
				Participants struct {
					Edges []struct {
						Node           struct{ ID string } `json:"node"`
						Signed         *string             `json:"signed"`
						Ratified       *string             `json:"ratified"`
						EntryIntoForce *string             `json:"entryIntoForce"`
						Variants       []apiVariant        `json:"variants"`
					} `json:"edges"`
				} `json:"participants"`
			} `json:"instrument"`
		}
		post(t, srv.URL, `query($id: ID!) { instrument(id: $id) { participants(first: 500) { edges {
			node { id } signed ratified entryIntoForce variants { property value preferred note sources { url title retrieved } } } } } }`,
			map[string]any{"id": inst}, &got)
		for _, p := range got.Instrument.Participants.Edges {
			fields := map[string]any{}
			for k, v := range map[string]*string{"signed": p.Signed, "ratified": p.Ratified, "entryIntoForce": p.EntryIntoForce} {
				if v != nil {
					fields[k] = *v
				}
			}
			parties[inst+"|"+p.Node.ID] = party{fields: fields, variants: p.Variants}
		}
	}

	want := append(csvFileVariants(t), entityFileVariants(t)...)
	if len(want) == 0 {
		t.Fatal("the seed files give no variants")
	}
	var problems []string
	checked := map[string]bool{}
	for _, w := range want {
		var vs []apiVariant
		var got any
		var has bool
		if p, ok := parties[w.subject]; ok {
			vs = p.variants
			got, has = p.fields[w.property]
		} else if n, ok := nodes[w.subject]; ok {
			vs = n.Variants
			got, has = n.answer(w.property)
		} else {
			problems = append(problems, fmt.Sprintf("%s: not in the API", w.subject))
			continue
		}
		problems = append(problems, checkVariant(vs, w)...)
		if key := w.subject + " " + w.property; !checked[key] {
			checked[key] = true
			problems = append(problems, checkAnswer(w.subject, vs, w.property, got, has)...)
		}
	}
	if len(problems) > 0 {
		t.Errorf("variants of the seed files through the API:\n%s", strings.Join(problems, "\n"))
	}
}

// TestStatedFiguresAndPartyCount: a figure a page states is that page's
// statement, with its date, beside the count the graph makes itself.
func TestStatedFiguresAndPartyCount(t *testing.T) {
	srv, _ := newTestServer(t)
	nodes := map[string]apiNode{}
	for _, n := range allNodes(t, srv.URL) {
		nodes[n.ID] = n
	}
	var problems []string
	for _, e := range seedcsv.Entities(t) {
		figs, _ := e["statedFigures"].([]any)
		id := e["id"].(string)
		got := nodes[id].StatedFigures
		if len(got) != len(figs) {
			problems = append(problems, fmt.Sprintf("%s: %d stated figures, want %d", id, len(got), len(figs)))
			continue
		}
		for i, f := range figs {
			fig := f.(map[string]any)
			want := apiFigure{What: fig["what"].(string), Value: plainYAML(fig["value"])}
			if d, ok := fig["date"]; ok {
				s := fmt.Sprint(plainYAML(d))
				want.Date = &s
			}
			if n, ok := fig["note"].(string); ok {
				want.Note = &n
			}
			srcs := stringList(fig["sources"])
			if len(srcs) == 0 {
				srcs = stringList(e["sources"])
			}
			g := got[i]
			var titles []string
			for _, s := range g.Sources {
				titles = append(titles, s.Title)
			}
			g.Sources = nil
			if diff := cmp.Diff(want, g); diff != "" || !cmp.Equal(titles, srcs) {
				problems = append(problems, fmt.Sprintf("%s figure %d (-files +API):\n%s sources %v, want %v", id, i, diff, titles, srcs))
			}
		}
	}
	for _, n := range nodes {
		for _, k := range []string{"parties", "partiesAttested", "signaturesAttested", "memberStates", "partiesRepresented"} {
			if _, ok := n.Properties[k]; ok {
				problems = append(problems, fmt.Sprintf("%s: properties.%s is a stated figure, not a property", n.ID, k))
			}
		}
	}
	if len(problems) > 0 {
		t.Errorf("stated figures:\n%s", strings.Join(problems, "\n"))
	}

	parties := map[string]int{}
	for _, r := range seedcsv.Rows(t, "treaty_parties.csv") {
		if r["status"] == "party" {
			parties[r["instrument"]]++
		}
	}
	// Counted for a whole list at once, every instrument answers its own.
	var list struct {
		Instruments struct {
			Edges []struct {
				Node struct {
					ID         string `json:"id"`
					PartyCount int    `json:"partyCount"`
				} `json:"node"`
			} `json:"edges"`
		} `json:"instruments"`
	}
	post(t, srv.URL, `{ instruments(first: 500) { edges { node { id partyCount } } } }`, nil, &list)
	for _, e := range list.Instruments.Edges {
		if e.Node.PartyCount != parties[e.Node.ID] {
			t.Errorf("instruments: %s partyCount %d, want %d from treaty_parties.csv", e.Node.ID, e.Node.PartyCount, parties[e.Node.ID])
		}
	}
	for inst, want := range parties {
		var got struct {
			Instrument struct {
				PartyCount int `json:"partyCount"`
				Then       int `json:"then"`
				Parties    struct {
					TotalCount int `json:"totalCount"`
				} `json:"parties"`
				Earlier struct {
					TotalCount int `json:"totalCount"`
				} `json:"earlier"`
			} `json:"instrument"`
		}
		post(t, srv.URL, `query($id: ID!) { instrument(id: $id) { partyCount parties(first: 0) { totalCount }
			then: partyCount(asOf: "2012-01-01") earlier: parties(first: 0, asOf: "2012-01-01") { totalCount } } }`, map[string]any{"id": inst}, &got)
		if g := got.Instrument; g.PartyCount != want || g.PartyCount != g.Parties.TotalCount || g.Then != g.Earlier.TotalCount {
			t.Errorf("%s: partyCount %d (asOf 2012-01-01: %d), parties %d (%d), want %d parties from treaty_parties.csv",
				inst, g.PartyCount, g.Then, g.Parties.TotalCount, g.Earlier.TotalCount, want)
		}
	}
}

// TestPropertiesHoldEachFactOnce walks every node through the API: no key
// of `properties` may repeat a typed field (by its key, its idea or its
// value), no two keys may hold one idea, and no key of the synonym table
// may be left unmerged.
func TestPropertiesHoldEachFactOnce(t *testing.T) {
	srv, data := newTestServer(t)
	nodes := allNodes(t, srv.URL)
	if len(nodes) != len(data.Entities) {
		t.Fatalf("the API lists %d nodes, the seed has %d: the walk misses some", len(nodes), len(data.Entities))
	}
	synonyms := model.PropertySynonyms()
	var problems []string
	for _, n := range nodes {
		typed := map[string]string{}
		for k, v := range n.Typed {
			if s, ok := v.(string); ok {
				typed[k] = s
			}
		}
		ideas := map[string]string{}
		keys := make([]string, 0, len(n.Properties))
		for k := range n.Properties {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if _, ok := synonyms[k]; ok {
				problems = append(problems, fmt.Sprintf("%s: properties.%s is a synonym of %s", n.ID, k, synonyms[k]))
			}
			if model.IsNoteKey(k) {
				continue
			}
			idea := model.IdeaOf(k)
			for tk := range typed {
				if tk == k || model.IdeaOf(tk) == idea {
					problems = append(problems, fmt.Sprintf("%s: properties.%s repeats the typed field %s", n.ID, k, tk))
				}
			}
			if other, dup := ideas[idea]; dup {
				problems = append(problems, fmt.Sprintf("%s: properties.%s and properties.%s hold one idea (%q)", n.ID, other, k, idea))
			}
			ideas[idea] = k
			s, ok := n.Properties[k].(string)
			if !ok {
				continue
			}
			for tk, tv := range typed {
				if model.FactText(s) != "" && model.FactText(s) == model.FactText(tv) {
					problems = append(problems, fmt.Sprintf("%s: properties.%s = %q repeats the typed field %s = %q", n.ID, k, s, tk, tv))
				}
			}
		}
	}
	if len(problems) > 0 {
		t.Errorf("%d properties hold a fact already held elsewhere:\n%s", len(problems), strings.Join(problems, "\n"))
	}
}

var (
	dateAndNote  = regexp.MustCompile(`^(\d{4}(?:-\d{2}(?:-\d{2})?)?)(?:\s*\((.+)\)|,\s*(.+))$`)
	unknownWords = regexp.MustCompile(`(?i)^(not verified|unknown|not known)$`)
)

// TestDatesWithNotesAnswerTheDate: a value the files write as a date with a
// note ("2016-04 (Sofia)") answers the date, with its precision, and keeps
// the note apart; one written "not verified" answers nothing and keeps the
// words as its note.
func TestDatesWithNotesAnswerTheDate(t *testing.T) {
	srv, _ := newTestServer(t)
	nodes := map[string]apiNode{}
	for _, n := range allNodes(t, srv.URL) {
		nodes[n.ID] = n
	}
	synonyms := model.PropertySynonyms()
	seen := 0
	for _, e := range seedcsv.Entities(t) {
		props, _ := e["properties"].(map[string]any)
		id := e["id"].(string)
		n := nodes[id]
		for k, v := range props {
			s, ok := v.(string)
			if !ok || strings.HasSuffix(k, "Note") {
				continue
			}
			key := k
			if syn, ok := synonyms[k]; ok {
				key = syn
			}
			note, _ := n.Properties[key+"Note"].(string)
			got, has := n.answer(key)
			switch m := dateAndNote.FindStringSubmatch(s); {
			case m != nil:
				seen++
				wantNote := m[2] + m[3]
				if !has || got != m[1] || !strings.Contains(note, wantNote) {
					t.Errorf("%s %s %q: answers %v with note %q, want %q with note %q", id, k, s, got, note, m[1], wantNote)
				}
			case unknownWords.MatchString(s):
				seen++
				if has || !strings.Contains(note, s) {
					t.Errorf("%s %s %q: answers %v with note %q, want nothing with note %q", id, k, s, got, note, s)
				}
			}
		}
	}
	if seen == 0 {
		t.Fatal("entities.yaml has no date with a note: the test checks nothing")
	}
}

// factKey names a disputed fact as dataQuality does: a node by its id, a
// participation date by the key of the relationship that holds it.
func factKey(subjectProperty string) string {
	subject, property, _ := strings.Cut(subjectProperty, " ")
	inst, country, ok := strings.Cut(subject, "|")
	if !ok {
		return subjectProperty
	}
	typ := "RATIFIED"
	if property == "signed" {
		typ = "SIGNED"
	}
	return model.RelationKey(country, typ, inst, 0) + " " + property
}

// TestDataQualityCountsTheSeedFiles checks the report against counts made
// from treaty_parties.csv, entities.yaml and variants.csv.
func TestDataQualityCountsTheSeedFiles(t *testing.T) {
	srv, _ := newTestServer(t)
	var got struct {
		DataQuality struct {
			Treaties []struct {
				Instrument struct{ ID string } `json:"instrument"`
				seedcsv.TreatyGaps
			} `json:"treaties"`
			SingleSecondarySource []struct {
				Kind    string      `json:"kind"`
				ID      string      `json:"id"`
				Sources []apiSource `json:"sources"`
			} `json:"singleSecondarySource"`
			Disputed []struct {
				Fact      struct{ ID string } `json:"fact"`
				Property  string              `json:"property"`
				Values    []apiVariant        `json:"values"`
				Preferred any                 `json:"preferred"`
			} `json:"disputed"`
		} `json:"dataQuality"`
	}
	post(t, srv.URL, `{ dataQuality {
		treaties { instrument { id } participations missingSignatureDate missingRatificationDate missingEntryIntoForceDate
			unknownRoute unknownStatus singleSecondarySource disputed }
		singleSecondarySource { kind id sources { url title } }
		disputed { fact { id } property values { value preferred } preferred } } }`, nil, &got)
	gotGaps := map[string]seedcsv.TreatyGaps{}
	for _, tr := range got.DataQuality.Treaties {
		gotGaps[tr.Instrument.ID] = tr.TreatyGaps
	}
	if diff := cmp.Diff(seedcsv.Gaps(t), gotGaps); diff != "" {
		t.Errorf("dataQuality.treaties (-seed files +API):\n%s", diff)
	}

	for _, f := range got.DataQuality.SingleSecondarySource {
		if len(f.Sources) != 1 || model.RankOf(model.Source{URL: f.Sources[0].URL, Title: f.Sources[0].Title}) != model.RankOther {
			t.Errorf("%s %s is listed as resting on one secondary source, but has %v", f.Kind, f.ID, f.Sources)
		}
	}
	// Every property the files give two values or more for is listed, with
	// its values, and nothing else is.
	want := map[string]int{}
	for _, w := range append(csvFileVariants(t), entityFileVariants(t)...) {
		want[w.subject+" "+w.property]++
	}
	cells := map[string]string{}
	for _, r := range seedcsv.Rows(t, "countries.csv") {
		cells[r["id"]+" coeAccession"] = r["coe_accession"]
	}
	for _, r := range seedcsv.Rows(t, "treaty_parties.csv") {
		cells[r["instrument"]+"|"+r["country"]+" ratified"] = r["ratified"]
		cells[r["instrument"]+"|"+r["country"]+" signed"] = r["signed"]
		cells[r["instrument"]+"|"+r["country"]+" entryIntoForce"] = r["entry_into_force"]
	}
	distinct := map[string]map[string]bool{}
	for _, w := range append(csvFileVariants(t), entityFileVariants(t)...) {
		k := w.subject + " " + w.property
		if distinct[k] == nil {
			distinct[k] = map[string]bool{}
			if c := cells[k]; c != "" {
				distinct[k][c] = true
			}
		}
		distinct[k][fmt.Sprint(w.value)] = true
	}
	wantDisputed := map[string]int{}
	for k, vals := range distinct {
		if len(vals) > 1 {
			wantDisputed[factKey(k)] = len(vals)
		}
	}
	gotDisputed := map[string]int{}
	for _, d := range got.DataQuality.Disputed {
		gotDisputed[d.Fact.ID+" "+d.Property] = len(d.Values)
		var preferred []any
		for _, v := range d.Values {
			if v.Preferred {
				preferred = append(preferred, v.Value)
			}
		}
		if (len(preferred) == 0 && d.Preferred != nil) || (len(preferred) == 1 && !cmp.Equal(preferred[0], d.Preferred)) || len(preferred) > 1 {
			t.Errorf("disputed %s %s: preferred %v, values marked preferred %v", d.Fact.ID, d.Property, d.Preferred, preferred)
		}
	}
	if diff := cmp.Diff(wantDisputed, gotDisputed); diff != "" {
		t.Errorf("dataQuality.disputed, number of values per fact (-seed files +API):\n%s", diff)
	}
}

// TestCuratorsValueJoinsTheVariants: a curator setting a property the
// sources disagree on adds a value, preferred and resting on the change's
// sources; the sources' values stay.
func TestCuratorsValueJoinsTheVariants(t *testing.T) {
	url := curationServer(t)
	var subject, before string
	var values []string
	for _, r := range seedcsv.Rows(t, "variants.csv") {
		if strings.HasPrefix(r["subject"], "country-") && r["property"] == "coe_accession" {
			if subject == "" {
				subject = r["subject"]
			}
			if r["subject"] == subject {
				values = append(values, r["value"])
			}
		}
	}
	if subject == "" {
		t.Fatal("variants.csv gives no state's accession: the test needs one")
	}
	for _, r := range seedcsv.Rows(t, "countries.csv") {
		if r["id"] == subject {
			before = r["coe_accession"]
		}
	}
	const read = `query($id: ID!) { node(id: $id) { version ... on Country { coeAccession } variants { property value preferred note sources { title } } } }`
	var got struct {
		Node struct {
			Version      int          `json:"version"`
			CoeAccession *string      `json:"coeAccession"`
			Variants     []apiVariant `json:"variants"`
		} `json:"node"`
	}
	must(t, url, "reader", read, map[string]any{"id": subject}, &got)
	const curated = "1901-01-01"
	var updated struct{ UpdateEntity entityChange }
	must(t, url, "curator", updateEntity, map[string]any{"in": map[string]any{
		"id": subject, "version": got.Node.Version, "properties": map[string]any{"coeAccession": curated}, "sources": coeSource}}, &updated)
	must(t, url, "reader", read, map[string]any{"id": subject}, &got)
	if got.Node.CoeAccession == nil || *got.Node.CoeAccession != curated {
		t.Errorf("%s coeAccession = %v after the curator set %s (was %s)", subject, got.Node.CoeAccession, curated, before)
	}
	seen := map[string]bool{}
	for _, v := range got.Node.Variants {
		s := fmt.Sprint(v.Value)
		seen[s] = true
		if (s == curated) != v.Preferred {
			t.Errorf("%s variant %s: preferred %v", subject, s, v.Preferred)
		}
		if s == curated && (len(v.Sources) != 1 || v.Sources[0].Title != coeSource[0]["title"] || v.Note == nil) {
			t.Errorf("the curator's value rests on %v with note %v, want the change's source and a note", v.Sources, v.Note)
		}
	}
	for _, v := range values {
		if !seen[v] {
			t.Errorf("the sources' value %s is gone after the curator's change", v)
		}
	}
}
