package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore/neo4jtest"
	"github.com/coe-child-online/knowledge-graph/seed"
)

func testEnv(t *testing.T) func(string) string {
	cfg := neo4jtest.Config(t)
	return func(key string) string {
		return map[string]string{"NEO4J_URI": cfg.URI, "NEO4J_USER": cfg.User, "NEO4J_PASSWORD": cfg.Password}[key]
	}
}

func graphSize(t *testing.T) (nodes, rels int64) {
	t.Helper()
	r := neo4jtest.Query(t, `CALL () { MATCH (n) RETURN count(n) AS n } CALL () { MATCH ()-[r]->() RETURN count(r) AS r } RETURN n, r`, nil)
	return r[0]["n"].(int64), r[0]["r"].(int64)
}

func TestLoadPrintsTheCountsOfTheGraph(t *testing.T) {
	neo4jtest.Reset(t)
	var out bytes.Buffer
	if err := run(context.Background(), nil, testEnv(t), &out); err != nil {
		t.Fatal(err)
	}
	data, err := seed.Read(seed.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	labels, rels := data.Counts()
	if want := seed.FormatCounts(labels, rels); !strings.HasSuffix(out.String(), want) {
		t.Errorf("seed output:\n%s\nwant it to end with the counts of the seed files:\n%s", out.String(), want)
	}
}

func TestCheckValidatesWithoutWriting(t *testing.T) {
	neo4jtest.Reset(t)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-check"}, testEnv(t), &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "built-in seed files: valid") {
		t.Errorf("-check output: %q", out.String())
	}
	if n, r := graphSize(t); n != 0 || r != 0 {
		t.Errorf("-check wrote %d nodes and %d relationships", n, r)
	}
}

// TestBrokenFilesWriteNothing loads the real seed, then a copy with one bad
// line: the error names the file and line, and the graph stays as it was.
func TestBrokenFilesWriteNothing(t *testing.T) {
	neo4jtest.Reset(t)
	env := testEnv(t)
	if err := run(context.Background(), nil, env, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	nodes, rels := graphSize(t)

	dir := t.TempDir()
	for _, name := range []string{seed.FileRetrieved, seed.FileCountries, seed.FileEntities, seed.FileNamesFr, seed.FileRelations, seed.FileTreatyParties} {
		b, err := os.ReadFile(filepath.Join("../../seed/data", name))
		if err != nil {
			t.Fatal(err)
		}
		if name == seed.FileTreatyParties {
			// Drop one row and break another: a load would change the graph.
			lines := strings.Split(string(b), "\n")
			lines = append(lines[:1], lines[2:]...)
			lines[1] = strings.Replace(lines[1], "2014-04-30", "2014-04-31", 1)
			b = []byte(strings.Join(lines, "\n"))
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	err := run(context.Background(), []string{"-dir", dir}, env, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), `treaty_parties.csv:2: ratified: "2014-04-31" is not a calendar date`) || !strings.Contains(err.Error(), "nothing was written") {
		t.Errorf("loading a broken copy: %v; want the file, line and problem, and that nothing was written", err)
	}
	if n, r := graphSize(t); n != nodes || r != rels {
		t.Errorf("after a rejected load: %d nodes, %d relationships; want %d and %d as before", n, r, nodes, rels)
	}
}

func TestSyntheticGraphLoadsBesideTheSeed(t *testing.T) {
	neo4jtest.Reset(t)
	env := testEnv(t)
	if err := run(context.Background(), nil, env, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	seedNodes, seedRels := graphSize(t)
	for i := 0; i < 2; i++ { // the second run replaces the first
		if err := run(context.Background(), []string{"-synthetic", "50", "-rand-seed", "7"}, env, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
	}
	data := seed.Synthetic(50, newRand(7))
	nodes, rels := graphSize(t)
	if want := seedNodes + int64(len(data.Entities)); nodes != want {
		t.Errorf("nodes = %d, want %d (seed) + %d (synthetic)", nodes, seedNodes, len(data.Entities))
	}
	if want := seedRels + int64(len(data.Relations)); rels != want {
		t.Errorf("relationships = %d, want %d (seed) + %d (synthetic)", rels, seedRels, len(data.Relations))
	}
	unsourced := neo4jtest.Query(t, `MATCH ()-[r]->() WHERE coalesce(size(r.sourceTitles), 0) = 0 RETURN count(r) AS c`, nil)
	if c := unsourced[0]["c"].(int64); c != 0 {
		t.Errorf("%d synthetic relationships without a source", c)
	}
}

func TestWipeStartsFromAnEmptyGraph(t *testing.T) {
	neo4jtest.Reset(t)
	neo4jtest.Write(t, `CREATE (:Entity:Topic {id: 'curated-leftover', name: 'Left over', managedBy: 'curation'}), (:Change {id: 'old-change'})`, nil)
	if err := run(context.Background(), []string{"-wipe"}, testEnv(t), &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if rows := neo4jtest.Query(t, `MATCH (n) WHERE n.id IN ['curated-leftover', 'old-change'] RETURN n.id AS id`, nil); len(rows) != 0 {
		t.Errorf("-wipe kept %v", rows)
	}
	data, err := seed.Read(seed.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	want, _ := data.Counts()
	got := neo4jtest.Query(t, `MATCH (n:Entity) RETURN count(n) AS n`, nil)[0]["n"].(int64)
	total := 0
	for _, c := range want {
		total += c
	}
	if int(got) != total {
		t.Errorf("after -wipe the graph has %d entities, the seed %d", got, total)
	}
}
