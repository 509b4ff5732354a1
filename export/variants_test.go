package export

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

func TestJSONRoundTripKeepsVariantsAndFigures(t *testing.T) {
	u := "https://www.coe.int/en/web/sarajevo/member-states-map"
	day := model.Date("2026-11-23")
	note := "probably a typing error on that page"
	src := []model.Source{{URL: &u, Title: u, Retrieved: &day}}
	doc := model.GraphDocument{Format: model.DocumentFormat,
		Nodes: []model.DocNode{{ID: "cets-201", Label: "Instrument", Name: "Lanzarote Convention", Aliases: []string{}, Sources: src, ManagedBy: "seed", Version: 1}, {ID: "country-be", Label: "Country", Name: "Belgium", Aliases: []string{}, Sources: src, ManagedBy: "seed", Version: 1,
			Properties: map[string]any{"iso2": "BE", "coeAccession": "1949-05-05"},
			Variants: []model.Variant{
				{Property: "coeAccession", Value: "1949-05-05", Preferred: true, Sources: src, Mark: model.MarkPreferred},
				{Property: "coeAccession", Value: "1949-05-10", Sources: src, Note: &note, Mark: model.MarkNotPreferred},
			},
			StatedFigures: []model.StatedFigure{{What: "parties", Value: int64(48), Date: &day, Sources: src}},
		}},
		Edges: []model.DocEdge{{Key: "country-be|SIGNED|cets-201|0", Type: "SIGNED", From: "country-be", To: "cets-201", Sources: src, ManagedBy: "seed", Version: 1,
			Variants: []model.Variant{{Property: "date", Value: "2008-05-05", Sources: src}}}},
	}
	var b bytes.Buffer
	if err := WriteJSON(&b, doc); err != nil {
		t.Fatal(err)
	}
	got, err := ReadJSON(&b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(doc, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("document after write and read (-want +got):\n%s", diff)
	}
}

func TestReadJSONRejectsBrokenVariants(t *testing.T) {
	node := func(variants string) string {
		return `{"format": "coe-child-online-graph/1", "nodes": [
  {"id": "a", "label": "Body", "name": "A", "sources": [{"title": "t"}],
   "variants": ` + variants + `}
], "edges": []}`
	}
	tests := []struct{ name, variants, want string }{
		{"no source", `[{"property": "p", "value": 1, "preferred": true, "sources": []}]`, "variants[0] (p) has no source"},
		{"no property", `[{"value": 1, "preferred": true, "sources": [{"title": "t"}]}]`, "variants[0] has no property"},
		{"unknown mark", `[{"property": "p", "value": 1, "preferred": true, "sources": [{"title": "t"}], "mark": "maybe"}]`, `mark "maybe"`},
		{"bad date read", `[{"property": "p", "value": 1, "preferred": true, "sources": [{"title": "t", "retrieved": "2026-13-01"}]}]`, "retrieved"},
	}
	for _, tt := range tests {
		_, err := ReadJSON(strings.NewReader(node(tt.variants)))
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "line 3") {
			t.Errorf("%s: error %v, want one on line 3 saying %q", tt.name, err, tt.want)
		}
	}
}
