package chart

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

func testSource() model.Source {
	return model.Source{URL: ptr(DefaultSourceURL("201")), Title: "Chart of signatures and ratifications of Treaty 201", Retrieved: date("2024-03-01")}
}

func rel(from, typ string, props map[string]any) model.RelationRecord {
	return model.RelationRecord{From: from, Type: typ, To: "cets-201", Properties: props, Sources: []model.Source{testSource()}}
}

func TestFacts(t *testing.T) {
	tests := []struct {
		name string
		row  Row
		want []model.RelationRecord
	}{
		{
			name: "ratification",
			row:  Row{Line: 2, Signed: date("2007-10-25"), Ratified: date("2009-01-14"), EntryIntoForce: date("2010-07-01"), Action: "ratification"},
			want: []model.RelationRecord{
				rel("country-al", "RATIFIED", map[string]any{"date": "2009-01-14", "action": "ratification", "entryIntoForce": "2010-07-01"}),
				rel("country-al", "SIGNED", map[string]any{"date": "2007-10-25"}),
			},
		},
		{
			name: "signature only",
			row:  Row{Line: 2, Signed: date("2007-10-25")},
			want: []model.RelationRecord{rel("country-al", "SIGNED", map[string]any{"date": "2007-10-25"})},
		},
		{
			name: "accession keeps no notes",
			row:  Row{Line: 2, Ratified: date("2019-11-15"), EntryIntoForce: date("2020-03-01"), Notes: "a", Action: "accession"},
			want: []model.RelationRecord{
				rel("country-al", "RATIFIED", map[string]any{"date": "2019-11-15", "action": "accession", "entryIntoForce": "2020-03-01"}),
			},
		},
		{
			name: "accession with another code keeps the notes",
			row:  Row{Line: 2, Ratified: date("2019-11-15"), Notes: "a, r", Action: "accession"},
			want: []model.RelationRecord{
				rel("country-al", "RATIFIED", map[string]any{"date": "2019-11-15", "action": "accession", "chartNotes": "a, r"}),
			},
		},
		{
			name: "succession has no action the graph knows",
			row:  Row{Line: 2, Ratified: date("2010-03-03"), EntryIntoForce: date("2010-07-01"), Notes: "su", Action: "succession"},
			want: []model.RelationRecord{
				rel("country-al", "RATIFIED", map[string]any{"date": "2010-03-03", "entryIntoForce": "2010-07-01", "chartNotes": "su"}),
			},
		},
		{
			name: "signature ad referendum",
			row:  Row{Line: 2, Signed: date("2007-10-25"), Notes: "r"},
			want: []model.RelationRecord{rel("country-al", "SIGNED", map[string]any{"date": "2007-10-25", "chartNotes": "r"})},
		},
		{
			name: "definitive signature makes a party",
			row:  Row{Line: 2, Signed: date("2004-05-13"), EntryIntoForce: date("2010-06-01"), Notes: "s"},
			want: []model.RelationRecord{
				rel("country-al", "RATIFIED", map[string]any{"entryIntoForce": "2010-06-01", "chartNotes": "s"}),
				rel("country-al", "SIGNED", map[string]any{"date": "2004-05-13", "chartNotes": "s"}),
			},
		},
		{
			name: "row without a country",
			row:  Row{Line: 3, Signed: date("2007-10-25")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Facts("cets-201", []Row{tt.row}, map[int]string{2: "country-al"}, testSource())
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Facts (-want +got):\n%s", diff)
			}
		})
	}
}

// TestChart runs a whole export through Parse, Match and Facts.
func TestChart(t *testing.T) {
	res, err := Parse(strings.NewReader(lanzarote))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	countryOf, err := Match(res.Rows, testCountries())
	if err != nil {
		t.Fatalf("Match: %v", err)
	}
	got := Facts("cets-201", res.Rows, countryOf, testSource())
	want := []model.RelationRecord{
		rel("country-al", "RATIFIED", map[string]any{"date": "2009-01-14", "action": "ratification", "entryIntoForce": "2010-07-01"}),
		rel("country-al", "SIGNED", map[string]any{"date": "2007-10-25"}),
		rel("country-ie", "SIGNED", map[string]any{"date": "2007-10-25"}),
		rel("country-md", "RATIFIED", map[string]any{"date": "2012-03-12", "action": "ratification", "entryIntoForce": "2012-07-01"}),
		rel("country-md", "SIGNED", map[string]any{"date": "2007-10-25"}),
		rel("country-tn", "RATIFIED", map[string]any{"date": "2019-11-15", "action": "accession", "entryIntoForce": "2020-03-01"}),
		rel("country-tr", "RATIFIED", map[string]any{"date": "2011-12-07", "action": "ratification", "entryIntoForce": "2012-04-01"}),
		rel("country-tr", "SIGNED", map[string]any{"date": "2007-10-25"}),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("facts of the chart (-want +got):\n%s", diff)
	}
}
