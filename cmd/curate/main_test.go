package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore/neo4jtest"
	"github.com/coe-child-online/knowledge-graph/seed/seedcsv"
)

func testEnv(t *testing.T) func(string) string {
	cfg := neo4jtest.Config(t)
	return func(key string) string {
		return map[string]string{"NEO4J_URI": cfg.URI, "NEO4J_USER": cfg.User, "NEO4J_PASSWORD": cfg.Password, "USER": "test-curator"}[key]
	}
}

func curate(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, testEnv(t), &out, func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) })
	return out.String(), err
}

// facts renders the graph's entities and relationships as sorted lines.
func facts(t *testing.T) []string { return neo4jtest.Facts(t) }

// chartRow is one state's line of a Treaty Office chart.
type chartRow struct{ country, state, signed, ratified, eif, notes string }

func dmy(d string) string {
	if d == "" || strings.Contains(d, "/") {
		return d
	}
	t, _ := time.Parse("2006-01-02", d)
	return t.Format("02/01/2006")
}

func writeChart(t *testing.T, rows []chartRow) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("Chart of signatures and ratifications of Treaty 201\nStates,Signature,Ratification,Entry into Force,Notes,R.,D.,A.,T.,C.,O.\nMembers of the Council of Europe,,,,,,,,,,\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,,,,,,\n", r.state, dmy(r.signed), dmy(r.ratified), dmy(r.eif), r.notes)
	}
	b.WriteString("Total number of ratifications/accessions:,,,,,,,,,,\n")
	path := filepath.Join(t.TempDir(), "chart-201.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// chartOfSeed is the Lanzarote Convention's chart as the seed files give
// it, for the states whose dates a chart can show (full dates, and a
// ratification before any entry into force).
func chartOfSeed(t *testing.T) (rows []chartRow, outside []chartRow) {
	t.Helper()
	names := map[string]string{}
	for _, c := range seedcsv.Rows(t, "countries.csv") {
		names[c["id"]] = c["name"]
	}
	full := func(d string) bool { _, err := time.Parse("2006-01-02", d); return d == "" || err == nil }
	in := map[string]bool{}
	for _, r := range seedcsv.Rows(t, "treaty_parties.csv") {
		if r["instrument"] != "cets-201" {
			continue
		}
		in[r["country"]] = true
		if r["signed"] == "" && r["ratified"] == "" || !full(r["signed"]) || !full(r["ratified"]) || !full(r["entry_into_force"]) ||
			(r["entry_into_force"] != "" && r["ratified"] == "") || (r["status"] == "party" && r["ratified"] == "") ||
			(r["action"] != "" && r["action"] != "ratification" && r["action"] != "accession") {
			continue
		}
		notes := ""
		if r["action"] == "accession" {
			notes = "a"
		}
		rows = append(rows, chartRow{r["country"], names[r["country"]], r["signed"], r["ratified"], r["entry_into_force"], notes})
	}
	for id, name := range names {
		if !in[id] {
			outside = append(outside, chartRow{country: id, state: name})
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].country < rows[j].country })
	sort.Slice(outside, func(i, j int) bool { return outside[i].country < outside[j].country })
	return rows, outside
}

func TestImportOfAChangedChartAppliesExactlyTheDiff(t *testing.T) {
	s := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, s)
	rows, outside := chartOfSeed(t)
	if len(rows) < 10 || len(outside) == 0 {
		t.Fatalf("the seed gives %d chart rows and %d states outside the treaty; the test needs more", len(rows), len(outside))
	}
	if _, err := curate(t, "import-chart", "-treaty", "CETS 201", "-apply", writeChart(t, rows)); err != nil {
		t.Fatal(err)
	}

	// The changed chart: one ratification date moves, one state is gone,
	// one new state signs.
	var moved *chartRow
	for i := range rows {
		if rows[i].ratified != "" && rows[i].eif != "" && rows[i].ratified < rows[i].eif {
			moved = &rows[i]
			break
		}
	}
	if moved == nil {
		t.Fatal("no ratification to move")
	}
	oldDate := moved.ratified
	d, _ := time.Parse("2006-01-02", oldDate)
	moved.ratified = d.AddDate(0, 0, 1).Format("2006-01-02")
	gone := rows[len(rows)-1]
	newcomer := outside[0]
	newcomer.signed = "2026-10-15"
	next := append(append([]chartRow{}, rows[:len(rows)-1]...), newcomer)
	file := writeChart(t, next)

	goneEdges := len(neo4jtest.Query(t, `MATCH (:Entity {id: $c})-[r]->(:Entity {id: 'cets-201'}) RETURN r`, map[string]any{"c": gone.country}))
	before := facts(t)
	out, err := curate(t, "import-chart", "-treaty", "201", file)
	if err != nil {
		t.Fatal(err)
	}
	if after := facts(t); !cmp.Equal(before, after) {
		t.Fatalf("the dry run wrote to the graph")
	}
	wantLines := []string{
		"+ relationship " + newcomer.country + "|SIGNED|cets-201|0",
		"~ relationship " + moved.country + "|RATIFIED|cets-201|0",
		`    properties: {"action":"ratification","date":"` + oldDate + `","entryIntoForce":"` + moved.eif + `"} -> {"action":"ratification","date":"` + moved.ratified + `","entryIntoForce":"` + moved.eif + `"}`,
		"- relationship " + gone.country + "|",
		fmt.Sprintf("would add 1, would change 1, would remove %d facts; nothing was written", goneEdges),
	}
	for _, w := range wantLines {
		if !strings.Contains(out, w) {
			t.Errorf("dry run output lacks %q:\n%s", w, out)
		}
	}

	since := time.Now()
	if _, err := curate(t, "import-chart", "-treaty", "201", "-apply", file); err != nil {
		t.Fatal(err)
	}
	added, removed := neo4jtest.DiffFacts(before, facts(t))
	kinds := map[string]int{}
	for _, l := range added {
		switch {
		case strings.HasPrefix(l, "rel "+newcomer.country+" SIGNED cets-201 ") && strings.Contains(l, `"date":"2026-10-15"`):
			kinds["added signature"]++
		case strings.HasPrefix(l, "rel "+moved.country+" RATIFIED cets-201 ") && strings.Contains(l, `"date":"`+moved.ratified+`"`):
			kinds["moved ratification"]++
		default:
			kinds["unexpected added: "+l]++
		}
	}
	for _, l := range removed {
		switch {
		case strings.HasPrefix(l, "rel "+moved.country+" RATIFIED cets-201 ") && strings.Contains(l, `"date":"`+oldDate+`"`):
			kinds["old ratification"]++
		case strings.HasPrefix(l, "rel "+gone.country+" "):
			kinds["gone state's facts"]++
		default:
			kinds["unexpected removed: "+l]++
		}
	}
	want := map[string]int{"added signature": 1, "moved ratification": 1, "old ratification": 1, "gone state's facts": goneEdges}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("what the import changed (-want +got):\n%s", diff)
	}

	page, err := s.Changes(context.Background(), model.ChangeFilter{Since: &since}, 100, "")
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, c := range page.Changes {
		actions[c.Action]++
		if c.Actor.Name != "test-curator" || len(c.Sources) != 1 || c.Sources[0].URL == nil || !strings.Contains(*c.Sources[0].URL, "treatynum=201") {
			t.Errorf("change %s %s: actor %q, sources %+v; want the CLI user and the Treaty Office chart", c.Action, deref(c.RelationKey), c.Actor.Name, c.Sources)
		}
	}
	if diff := cmp.Diff(map[string]int{model.ChangeLink: 1, model.ChangeUpdateLink: 1, model.ChangeUnlink: goneEdges}, actions); diff != "" {
		t.Errorf("audit entries of the import (-want +got):\n%s", diff)
	}

	// Importing the same chart again changes nothing.
	out, err = curate(t, "import-chart", "-treaty", "201", file)
	if err != nil || !strings.Contains(out, "would add 0, would change 0, would remove 0 facts") {
		t.Errorf("second dry run: %v\n%s", err, out)
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func TestBadChartIsReportedByLineAndWritesNothing(t *testing.T) {
	s := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, s)
	rows, _ := chartOfSeed(t)
	rows = append(rows[:3:3], chartRow{state: "Narnia", signed: "2020-01-01"}, chartRow{state: rows[3].state, signed: "31/02/2020"})
	file := writeChart(t, rows)
	before := facts(t)
	_, err := curate(t, "import-chart", "-treaty", "201", "-apply", file)
	if err == nil {
		t.Fatal("a chart with an unknown state and an impossible date was accepted")
	}
	for _, want := range []string{file + ":7:", "Narnia", file + ":8:", "nothing was written"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if after := facts(t); !cmp.Equal(before, after) {
		t.Errorf("a refused chart changed the graph")
	}
}

type graphml struct {
	Keys  []struct{ ID, For, Name string } `xml:"key"`
	Graph struct {
		Nodes []struct {
			ID   string `xml:"id,attr"`
			Data []struct {
				Key   string `xml:"key,attr"`
				Value string `xml:",chardata"`
			} `xml:"data"`
		} `xml:"node"`
		Edges []struct {
			Source string `xml:"source,attr"`
			Target string `xml:"target,attr"`
		} `xml:"edge"`
	} `xml:"graph"`
}

func TestExportsParseAndTheJSONRoundTripRebuildsTheGraph(t *testing.T) {
	s := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, s)
	// A curated fact too, so the round trip carries owners and versions.
	neo4jtest.Write(t, `MATCH (n:Entity {id: 'cets-201'}) SET n.version = 3, n.managedBy = 'curation', n.note = 'curated'`, nil)
	counts := neo4jtest.Query(t, `CALL () { MATCH (n:Entity) RETURN count(n) AS n } CALL () { MATCH (:Entity)-[r]->(:Entity) RETURN count(r) AS r } RETURN n, r`, nil)[0]
	dir := t.TempDir()

	gml := filepath.Join(dir, "graph.graphml")
	if out, err := curate(t, "export", "-format", "graphml", "-out", gml); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	b, err := os.ReadFile(gml)
	if err != nil {
		t.Fatal(err)
	}
	var g graphml
	if err := xml.Unmarshal(b, &g); err != nil {
		t.Fatalf("the GraphML export is not XML: %v", err)
	}
	if int64(len(g.Graph.Nodes)) != counts["n"].(int64) || int64(len(g.Graph.Edges)) != counts["r"].(int64) {
		t.Errorf("GraphML holds %d nodes and %d edges; the graph has %d and %d", len(g.Graph.Nodes), len(g.Graph.Edges), counts["n"], counts["r"])
	}

	csvDir := filepath.Join(dir, "csv")
	if out, err := curate(t, "export", "-format", "csv", "-out", csvDir); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(csvDir, "nodes-Country.csv")); err != nil {
		t.Errorf("the CSV export has no countries file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(csvDir, "edges-RATIFIED.csv")); err != nil {
		t.Errorf("the CSV export has no ratifications file: %v", err)
	}

	js := filepath.Join(dir, "graph.json")
	if out, err := curate(t, "export", "-out", js); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := facts(t)
	neo4jtest.Reset(t)
	if got := facts(t); len(got) != 0 {
		t.Fatalf("the database is not empty after a reset: %d facts", len(got))
	}
	out, err := curate(t, "import-graph", "-apply", js)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if diff := cmp.Diff(want, facts(t)); diff != "" {
		t.Errorf("the graph rebuilt from its JSON export differs (-exported +rebuilt):\n%s", diff)
	}
	if out, err := curate(t, "import-graph", js); err != nil || !strings.Contains(out, "would add 0, would change 0, would remove 0 facts") {
		t.Errorf("importing the export again: %v\n%s", err, out)
	}
}
