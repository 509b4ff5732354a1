package httpapi

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// TestAnswersFlattenByTheDocumentedRule turns answers of known shape into
// CSV and checks each case of the README's rule: the columns of the
// document, one row per leaf edge, sibling lists one after the other, empty
// lists, plain lists in one cell, sources in the last column.
func TestAnswersFlattenByTheDocumentedRule(t *testing.T) {
	tests := []struct {
		name, query, data string
		want              [][]string
	}{
		{
			name:  "no list: one row",
			query: `{ stats { total: nodeCount } }`,
			data:  `{"stats": {"total": 12}}`,
			want:  [][]string{{"stats.total", "sources"}, {"12", ""}},
		},
		{
			name:  "a row per leaf edge, with its parents' values",
			query: `{ instrument(id: "x") { name parties { edges { node { name } status } } } }`,
			data:  `{"instrument": {"name": "T", "parties": {"edges": [{"node": {"name": "A"}, "status": "RATIFIED"}, {"node": {"name": "B"}, "status": null}]}}}`,
			want: [][]string{{"instrument.name", "instrument.parties.edges.node.name", "instrument.parties.edges.status", "sources"},
				{"T", "A", "RATIFIED", ""}, {"T", "B", "", ""}},
		},
		{
			name:  "sibling lists one after the other, not multiplied",
			query: `{ instrument(id: "x") { name monitoredBy { edges { node { name } } } parties { edges { node { name } } } } }`,
			data:  `{"instrument": {"name": "T", "monitoredBy": {"edges": [{"node": {"name": "Committee"}}]}, "parties": {"edges": [{"node": {"name": "A"}}, {"node": {"name": "B"}}]}}}`,
			want: [][]string{{"instrument.name", "instrument.monitoredBy.edges.node.name", "instrument.parties.edges.node.name", "sources"},
				{"T", "Committee", "", ""}, {"T", "", "A", ""}, {"T", "", "B", ""}},
		},
		{
			name:  "an empty list adds no row; its parent is still one",
			query: `{ instrument(id: "x") { name parties { edges { node { name } } } } }`,
			data:  `{"instrument": {"name": "T", "parties": {"edges": []}}}`,
			want:  [][]string{{"instrument.name", "instrument.parties.edges.node.name", "sources"}, {"T", "", ""}},
		},
		{
			name:  "a list of values is one cell; fragments and aliases name columns",
			query: `query Q { n: node(id: "x") { ...F } } fragment F on Node { id ... on Country { aliases } }`,
			data:  `{"n": {"id": "country-fr", "aliases": ["France", "French Republic"]}}`,
			want:  [][]string{{"n.id", "n.aliases", "sources"}, {"country-fr", "France; French Republic", ""}},
		},
		{
			name:  "sources from the root down, once each, in the last column",
			query: `{ instrument(id: "x") { name sources { title url } parties { edges { node { name } sources { title url retrieved } } } } }`,
			data: `{"instrument": {"name": "T", "sources": [{"title": "Treaty Office", "url": "https://coe.int/t"}], "parties": {"edges": [
  {"node": {"name": "A"}, "sources": [{"title": "Chart", "url": "https://coe.int/c", "retrieved": "2026-11-23"}, {"title": "Treaty Office", "url": "https://coe.int/t", "retrieved": null}]}]}}}`,
			want: [][]string{{"instrument.name", "instrument.parties.edges.node.name", "sources"},
				{"T", "A", "Treaty Office <https://coe.int/t> | Chart <https://coe.int/c> (read 2026-11-23)"}},
		},
		{
			name:  "a null object leaves its columns empty",
			query: `{ instrument(id: "x") { name } }`,
			data:  `{"instrument": null}`,
			want:  [][]string{{"instrument.name", "sources"}, {"", ""}},
		},
	}
	for _, tc := range tests {
		doc, err := parser.ParseQuery(&ast.Source{Input: tc.query})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		tab, err := flattenData([]byte(tc.data), tableColumns(doc, doc.Operations[0]))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var buf bytes.Buffer
		if err := writeCSV(&buf, tab); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatalf("%s: the CSV does not parse: %v", tc.name, err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}
