package export

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

func str(s string) *string { return &s }

func date(s string) *model.Date {
	d := model.Date(s)
	return &d
}

const treatyURL = "https://www.coe.int/en/web/conventions/full-list?module=treaty-detail&treatynum=201"

// sample is a small graph with what the writers must cope with: accents, a
// NUL byte, nested and list properties, a source without a url, and nodes
// and edges out of order.
func sample() model.GraphDocument {
	return model.GraphDocument{
		Nodes: []model.DocNode{
			{
				ID: "lanzarote-convention", Label: "Instrument", Name: "Lanzarote Convention",
				NameFr:  str("Convention de Lanzarote"),
				Aliases: []string{"CETS 201", "Convention on the Protection of Children"},
				Properties: map[string]any{
					"number": "CETS 201", "opened": "2007-10-25", "parties": int64(48), "weight": 2.0,
					"themes":    []any{"sexual exploitation", "online"},
					"signature": map[string]any{"place": "Lanzarote", "year": int64(2007)},
				},
				Sources: []model.Source{
					{URL: str(treatyURL), Title: "Treaty Office", Retrieved: date("2024-05-01")},
					{Title: "Explanatory Report"},
				},
				ManagedBy: "seed", Version: 3,
			},
			{
				ID: "lanzarote-committee", Label: "Body", Name: "Lanzarote Committee",
				NameFr:     str("Comité de Lanzarote — Comité des Parties"),
				ShortName:  str("Comité"),
				Acronym:    str("T\x00ES"),
				Properties: map[string]any{"note": "before\x00after"},
				Sources:    []model.Source{{URL: str("https://www.coe.int/en/web/children/lanzarote-committee"), Title: "Lanzarote Committee", Retrieved: date("2024-05-01")}},
				ManagedBy:  "curation", Version: 1,
			},
			{
				ID: "france", Label: "Country", Name: "France", NameFr: str("France"),
				Properties: map[string]any{"iso2": "FR"},
				Sources:    []model.Source{{Title: "Member states", Retrieved: date("2024-05")}},
				ManagedBy:  "seed",
			},
		},
		Edges: []model.DocEdge{
			{
				Key: "lanzarote-committee|MONITORS|lanzarote-convention|0", Type: "MONITORS",
				From: "lanzarote-committee", To: "lanzarote-convention",
				Sources:   []model.Source{{URL: str(treatyURL), Title: "Treaty Office", Retrieved: date("2024-05-01")}},
				ManagedBy: "seed",
			},
			{
				Key: "france|MEMBER_OF|lanzarote-committee|0", Type: "MEMBER_OF",
				From: "france", To: "lanzarote-committee",
				Properties: map[string]any{"role": "member"},
				Sources:    []model.Source{{Title: "List of members"}},
				ManagedBy:  "seed", Version: 2,
			},
		},
	}
}

func TestWriteJSON(t *testing.T) {
	tests := []struct {
		name string
		doc  model.GraphDocument
		want string
	}{
		{"empty document", model.GraphDocument{}, `{
  "format": "coe-child-online-graph/1",
  "nodes": [],
  "edges": []
}
`},
		{"nil lists, whole float, html characters", model.GraphDocument{Format: "other", Nodes: []model.DocNode{
			{ID: "b", Label: "Topic", Name: "B & <C>", Properties: map[string]any{"share": 1.0, "half": 0.5, "n": 3}},
			{ID: "a", Label: "Topic", Name: "A"},
		}}, `{
  "format": "coe-child-online-graph/1",
  "nodes": [
    {
      "id": "a",
      "label": "Topic",
      "name": "A",
      "aliases": [],
      "sources": [],
      "managedBy": "",
      "version": 0
    },
    {
      "id": "b",
      "label": "Topic",
      "name": "B & <C>",
      "aliases": [],
      "properties": {
        "half": 0.5,
        "n": 3,
        "share": 1.0
      },
      "sources": [],
      "managedBy": "",
      "version": 0
    }
  ],
  "edges": []
}
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteJSON(&b, tt.doc); err != nil {
				t.Fatalf("WriteJSON: %v", err)
			}
			if diff := cmp.Diff(tt.want, b.String()); diff != "" {
				t.Errorf("WriteJSON output (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteJSONRefusesNaN(t *testing.T) {
	doc := model.GraphDocument{Nodes: []model.DocNode{{ID: "a", Properties: map[string]any{"x": nan()}}}}
	err := WriteJSON(&bytes.Buffer{}, doc)
	if err == nil || !strings.HasPrefix(err.Error(), "write json: ") {
		t.Errorf("WriteJSON with a NaN property: error %v, want one starting with %q", err, "write json: ")
	}
}

func nan() float64 {
	zero := 0.0
	return zero / zero
}

func TestJSONRoundTrip(t *testing.T) {
	doc := sample()
	var first, second bytes.Buffer
	if err := WriteJSON(&first, doc); err != nil {
		t.Fatalf("WriteJSON: %v", err)
	}
	if err := WriteJSON(&second, doc); err != nil {
		t.Fatalf("WriteJSON: %v", err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Errorf("WriteJSON gave different bytes for the same document")
	}
	if diff := cmp.Diff(sample(), doc); diff != "" {
		t.Errorf("WriteJSON changed its input (-before +after):\n%s", diff)
	}

	// A fact may not hold a NUL byte (model.TextProblem): the reading half
	// takes the sample without them.
	readable := sample()
	readable.Nodes[1].Acronym = str("TES")
	readable.Nodes[1].Properties = map[string]any{"note": "beforeafter"}
	first.Reset()
	if err := WriteJSON(&first, readable); err != nil {
		t.Fatalf("WriteJSON: %v", err)
	}
	want := readable
	want.Format = model.DocumentFormat
	want.Nodes = []model.DocNode{want.Nodes[2], want.Nodes[1], want.Nodes[0]}
	want.Edges = []model.DocEdge{want.Edges[1], want.Edges[0]}
	for name, input := range map[string][]byte{
		"as written":             first.Bytes(),
		"with a byte-order mark": append([]byte("\xef\xbb\xbf"), first.Bytes()...),
	} {
		got, err := ReadJSON(bytes.NewReader(input))
		if err != nil {
			t.Fatalf("%s: ReadJSON: %v", name, err)
		}
		// nil and empty lists mean the same here; the types of numbers do not.
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: document after write and read (-want +got):\n%s", name, diff)
		}
	}
}

func TestReadJSONRejects(t *testing.T) {
	allLabels := strings.Join(model.Labels, ", ")
	tests := []struct {
		name  string
		input string
		want  []Problem
	}{
		{"duplicate id", `{
  "format": "coe-child-online-graph/1",
  "nodes": [
    {"id": "aa", "label": "Body", "name": "A", "sources": [{"title": "t"}]},
    {"id": "aa", "label": "Body", "name": "B", "sources": [{"title": "t"}]}
  ],
  "edges": []
}`, []Problem{{5, `duplicate node id "aa" (first at line 4)`}}},

		{"unknown label", `{
  "format": "coe-child-online-graph/1",
  "nodes": [
    {"id": "aa",
     "label": "Treaty", "name": "A", "sources": [{"title": "t"}]}
  ]
}`, []Problem{{5, `node "aa": label "Treaty": want one of ` + allLabels}}},

		{"edge to a missing node", `{
  "format": "coe-child-online-graph/1",
  "edges": [
    {
      "key": "aa|PART_OF|bb|0",
      "type": "PART_OF",
      "from": "aa",
      "to": "bb",
      "sources": [{"title": "t"}]
    }
  ],
  "nodes": [
    {"id": "aa", "label": "Body", "name": "A", "sources": [{"title": "t"}]}
  ]
}`, []Problem{{8, `edge "aa|PART_OF|bb|0": to "bb" is not a node of the document`}}},

		{"missing source", `{
  "format": "coe-child-online-graph/1",
  "nodes": [
    {"id": "aa", "label": "Body", "name": "A"},
    {"id": "bb", "label": "Body", "name": "B", "sources": [{"title": "t"}]}
  ],
  "edges": [
    {"key": "aa|PART_OF|bb|0", "type": "PART_OF", "from": "aa", "to": "bb",
     "sources": []}
  ]
}`, []Problem{{4, `node "aa" has no source`}, {9, `edge "aa|PART_OF|bb|0" has no source`}}},

		{"source without title", `{
  "format": "coe-child-online-graph/1",
  "nodes": [
    {"id": "aa", "label": "Body", "name": "A", "sources": [
      {"title": "t"},
      {"url": "https://example.org"},
      {"title": " ", "url": ""}
    ]}
  ]
}`, []Problem{{6, `node "aa": sources[1].title: must not be empty`}, {7, `source url is empty: leave it out`}, {7, `node "aa": sources[2].title: must not be empty`}}},

		{"unknown field", `{
  "format": "coe-child-online-graph/1",
  "comment": "exported by hand",
  "nodes": [
    {"id": "aa", "label": "Body", "name": "A", "sources": [{"title": "t"}],
     "colour": "red"}
  ],
  "edges": []
}`, []Problem{{3, `unknown field "comment" in the document`}, {6, `unknown field "colour" in a node`}}},

		{"field given twice", `{
  "format": "coe-child-online-graph/1",
  "nodes": [
    {"id": "aa", "label": "Body", "name": "A", "sources": [{"title": "t"}],
     "name": "B"}
  ]
}`, []Problem{{5, `field "name" given twice in a node`}}},

		{"wrong format", `{
  "format": "coe-child-online-graph/2",
  "nodes": [],
  "edges": []
}`, []Problem{{2, `format "coe-child-online-graph/2": want "coe-child-online-graph/1"`}}},

		{"missing format", `{
  "nodes": [],
  "edges": []
}`, []Problem{{1, `format is missing: want "coe-child-online-graph/1"`}}},

		{"syntax error", `{
  "format": "coe-child-online-graph/1",
  "nodes": [
    {"id": "aa", "label": "Body", "name": "A", "sources": [{"title": "t"}]},
  ],
  "edges": []
}`, []Problem{{5, `invalid JSON: invalid character ']' looking for beginning of value`}}},

		{"cut short", `{
  "format": "coe-child-online-graph/1",
  "nodes": [`, []Problem{{3, `invalid JSON: unexpected end of JSON input`}}},

		{"not an object", `[]`, []Problem{{1, `the document: want an object`}}},

		{"wrong types", `{
  "format": "coe-child-online-graph/1",
  "nodes": [
    {"id": "aa", "label": "Body", "name": "A", "sources": [{"title": "t"}],
     "aliases": "A",
     "version": 1.5},
    "bb"
  ]
}`, []Problem{{5, `aliases: want a list of strings, got string`}, {6, `version: want an integer, got number 1.5`}, {7, `a node: want an object`}}},

		{"edge checks", `{
  "format": "coe-child-online-graph/1",
  "nodes": [
    {"id": "aa", "label": "Body", "name": "A", "sources": [{"title": "t"}]}
  ],
  "edges": [
    {"key": "k", "type": "part-of", "from": "aa", "to": "aa", "sources": [{"title": "t"}]},
    {"key": "k", "type": "PART_OF", "from": "aa", "sources": [{"title": "t"}],
     "version": -1},
    {"type": "PART_OF", "from": "aa", "to": "aa", "sources": [{"title": "t"}]}
  ]
}`, []Problem{
			{7, `edge "k": type "part-of": not a relationship type of the vocabulary (docs/relation-vocabulary.md)`},
			{7, `edge "k": to: a node cannot be related to itself`},
			{8, `duplicate edge key "k" (first at line 7)`},
			{8, `edge "k" has no to`},
			{9, `edge "k": version -1 is negative`},
			{10, `edge has no key`},
			{10, `edge: to: a node cannot be related to itself`},
		}},

		{"node checks", `{
  "format": "coe-child-online-graph/1",
  "nodes": [
    {"label": "Body", "name": "A", "sources": [{"title": "t"}]},
    {"id": "bb", "name": " ",
     "properties": {"aliasText": "x", "empty": null, "": 1, "big": 1e999},
     "sources": [{"title": "t", "retrieved": "2024-13-01"}]}
  ]
}`, []Problem{
			{4, `node has no id`},
			{5, `node "bb" has no label`},
			{5, `node "bb": name: must not be empty`},
			{6, `property "empty" is null: leave it out`},
			{6, `property "big": number 1e999 is out of range`},
			{6, `node "bb": properties: property names are 1 to 64 letters, digits and _, starting with a letter`},
			{6, `node "bb": properties.aliasText: the name is a field of its own or kept for the store's own use, not a property`},
			{7, `node "bb": sources[0].retrieved "2024-13-01" is not a calendar date`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := ReadJSON(strings.NewReader(tt.input))
			var pe *ProblemsError
			if !errors.As(err, &pe) {
				t.Fatalf("ReadJSON: error %v, want a *ProblemsError; document %+v", err, doc)
			}
			if diff := cmp.Diff(tt.want, pe.Problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProblemsErrorText(t *testing.T) {
	_, err := ReadJSON(strings.NewReader(`{"format": "x",
"nodes": [{"id": "aa"}]}`))
	want := `line 1: format "x": want "coe-child-online-graph/1"
line 2: node "aa" has no label
line 2: node "aa" has no name
line 2: node "aa" has no source`
	if err == nil || err.Error() != want {
		t.Errorf("error text:\n%v\nwant:\n%s", err, want)
	}
	if got := (Problem{Line: 7, Msg: "m"}).String(); got != "line 7: m" {
		t.Errorf("Problem.String() = %q, want %q", got, "line 7: m")
	}
}

// TestFieldLists holds the member names ReadJSON accepts to the JSON tags
// of the model, so a field added there is not refused as unknown.
func TestFieldLists(t *testing.T) {
	tags := func(v any) []string {
		var out []string
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			out = append(out, strings.Split(rt.Field(i).Tag.Get("json"), ",")[0])
		}
		return out
	}
	for _, tt := range []struct {
		name      string
		got, want []string
	}{
		{"document", documentFields(), tags(model.GraphDocument{})},
		{"node", nodeFields(), tags(model.DocNode{})},
		{"edge", edgeFields(), tags(model.DocEdge{})},
		{"source", sourceFields(), tags(model.Source{})},
	} {
		if diff := cmp.Diff(tt.want, tt.got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
			t.Errorf("%s fields (-model +reader):\n%s", tt.name, diff)
		}
	}
}
