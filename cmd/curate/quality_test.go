package main

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore/neo4jtest"
	"github.com/coe-child-online/knowledge-graph/seed/seedcsv"
)

var treatyLine = regexp.MustCompile(`^\s*((?:CETS|ETS) \d+)((?:\s+\d+){8})\s*$`)

// TestQualityPrintsTheGapsOfTheSeedFiles: `curate quality` prints one line
// per treaty with the counts made from the seed files, then the facts on
// one secondary source and the disputed ones.
func TestQualityPrintsTheGapsOfTheSeedFiles(t *testing.T) {
	s := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, s)
	out, err := curate(t, "quality")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	number := map[string]string{}
	for _, e := range seedcsv.Entities(t) {
		if props, ok := e["properties"].(map[string]any); ok {
			if n, ok := props["number"].(string); ok {
				number[n] = e["id"].(string)
			}
		}
	}
	got := map[string]seedcsv.TreatyGaps{}
	for _, line := range strings.Split(out, "\n") {
		m := treatyLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		var g seedcsv.TreatyGaps
		if _, err := fmt.Sscan(m[2], &g.Participations, &g.MissingSignatureDate, &g.MissingRatificationDate, &g.MissingEntryIntoForceDate,
			&g.UnknownRoute, &g.UnknownStatus, &g.SingleSecondarySource, &g.Disputed); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		got[number[m[1]]] = g
	}
	if diff := cmp.Diff(seedcsv.Gaps(t), got); diff != "" {
		t.Errorf("curate quality, per treaty (-seed files +printed):\n%s\n%s", diff, out)
	}
	for _, heading := range []string{"Facts resting on a single secondary source (", "Facts the sources disagree on ("} {
		if !strings.Contains(out, heading) {
			t.Errorf("curate quality prints no %q section:\n%s", heading, out)
		}
	}
	// The one ratification the sources leave undecided is listed as such.
	if !regexp.MustCompile(`relationship\s+country-gb\|RATIFIED\|cets-201\|0\s+ratified\s+none preferred`).MatchString(out) {
		t.Errorf("curate quality does not list the United Kingdom's disputed ratification of CETS 201:\n%s", out)
	}
}

// TestJSONRoundTripKeepsVariants: variants and stated figures leave with a
// JSON export and come back, with their sources, from an import of it.
func TestJSONRoundTripKeepsVariants(t *testing.T) {
	s := neo4jtest.Open(t)
	data := neo4jtest.LoadSeed(t, s)
	js := filepath.Join(t.TempDir(), "graph.json")
	if out, err := curate(t, "export", "-out", js); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	neo4jtest.Reset(t)
	if out, err := curate(t, "import-graph", "-apply", js); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	type held struct {
		Variants []model.Variant
		Figures  []model.StatedFigure
	}
	want := map[string]held{}
	var ids []string
	for _, e := range data.Entities {
		if len(e.Variants) > 0 || len(e.StatedFigures) > 0 {
			want[e.ID] = held{e.Variants, e.StatedFigures}
			ids = append(ids, e.ID)
		}
	}
	if len(ids) == 0 {
		t.Fatal("the seed has no variants to carry")
	}
	nodes, err := s.Nodes(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]held{}
	for id, e := range nodes {
		got[id] = held{e.Variants, e.StatedFigures}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("variants and figures after export and import (-seed +rebuilt):\n%s", diff)
	}
	for _, r := range data.Relations {
		if len(r.Variants) == 0 {
			continue
		}
		doc, err := s.Document(context.Background(), r.From, 1, 500)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range doc.Edges {
			if e.From == r.From && e.To == r.To && e.Type == r.Type {
				found = true
				if diff := cmp.Diff(r.Variants, e.Variants); diff != "" {
					t.Errorf("%s %s %s variants after the round trip (-seed +rebuilt):\n%s", r.From, r.Type, r.To, diff)
				}
			}
		}
		if !found {
			t.Errorf("%s %s %s is missing after the round trip", r.From, r.Type, r.To)
		}
	}
}

// TestTreatyOfficeChartSettlesADisputedDate: the United Kingdom's
// ratification of CETS 201 has three dates from secondary sources and none
// preferred; a Treaty Office chart giving one of them makes it the answer,
// and every other value stays a variant.
func TestTreatyOfficeChartSettlesADisputedDate(t *testing.T) {
	s := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, s)
	const uk, treaty = "country-gb", "cets-201"
	var disputed []string
	eif := ""
	for _, r := range seedcsv.Rows(t, "variants.csv") {
		if r["subject"] == treaty+"|"+uk && r["property"] == "ratified" {
			disputed = append(disputed, r["value"])
		}
	}
	for _, r := range seedcsv.Rows(t, "treaty_parties.csv") {
		if r["instrument"] == treaty && r["country"] == uk {
			eif = r["entry_into_force"]
			if r["ratified"] != "" {
				t.Fatalf("treaty_parties.csv now gives the United Kingdom's ratification (%s): the test needs another disputed date", r["ratified"])
			}
		}
	}
	if len(disputed) < 2 || eif == "" {
		t.Fatalf("variants.csv gives %v for the United Kingdom's ratification: the test needs a disputed date", disputed)
	}
	settled := disputed[0]
	rows, _ := chartOfSeed(t)
	rows = append(rows, chartRow{country: uk, state: "United Kingdom", ratified: settled, eif: eif})
	if out, err := curate(t, "import-chart", "-treaty", "201", "-apply", writeChart(t, rows)); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	got, err := s.Coverage(context.Background(), []string{treaty}, nil, "2026-01-01", 1000)
	if err != nil {
		t.Fatal(err)
	}
	p := got.Participations[treaty][uk]
	if p.Ratified == nil || string(*p.Ratified) != settled {
		t.Errorf("after the chart the United Kingdom ratified on %v, want %s", p.Ratified, settled)
	}
	values := map[string]model.Variant{}
	for _, v := range p.Variants {
		if v.Property == "ratified" {
			values[v.Value.(string)] = v
		}
	}
	for _, d := range disputed {
		v, ok := values[d]
		switch {
		case !ok:
			t.Errorf("the variant %s is gone after the chart", d)
		case d == settled && (!v.Preferred || model.BestRank(v.Sources) != model.RankTreatyOffice):
			t.Errorf("%s: preferred %v, sources %v; want it preferred on the Treaty Office chart", d, v.Preferred, v.Sources)
		case d != settled && v.Preferred:
			t.Errorf("%s is still preferred beside the chart's date", d)
		}
	}
}
