package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore/neo4jtest"
)

// An import run with -apply prints the key it wrote under; running it
// again with that key writes nothing twice, and the key with another file
// is refused.
func TestARepeatedImportUnderItsKeyWritesOnce(t *testing.T) {
	s := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, s)
	rows, outside := chartOfSeed(t)
	newcomer := outside[0]
	newcomer.signed = "2026-10-15"
	file := writeChart(t, append(append([]chartRow{}, rows...), newcomer))

	out, err := curate(t, "import-chart", "-treaty", "201", "-apply", file)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`written under the idempotency key (\S+)\n`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the import does not name its key:\n%s", out)
	}
	key := m[1]
	after := facts(t)
	audit := len(neo4jtest.Query(t, `MATCH (c:Change) RETURN c.id AS id`, nil))

	cases := []struct {
		name    string
		args    []string
		wantOut string
		wantErr string
	}{
		{"the same import and key", []string{"import-chart", "-treaty", "201", "-apply", "-idempotency-key", key, file}, "already written under the idempotency key " + key, ""},
		{"the key with another chart", []string{"import-chart", "-treaty", "201", "-apply", "-idempotency-key", key, writeChart(t, rows)}, "", "already used for another request"},
		{"a key without -apply", []string{"import-chart", "-treaty", "201", "-idempotency-key", key, file}, "", "goes with an import and -apply"},
		{"a key that is no key", []string{"import-chart", "-treaty", "201", "-apply", "-idempotency-key", "two words", file}, "", "printable ASCII"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := curate(t, c.args...)
			switch {
			case c.wantErr == "" && err != nil:
				t.Fatalf("curate %v: %v", c.args, err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Fatalf("curate %v: error %v, want one saying %q", c.args, err, c.wantErr)
			}
			if !strings.Contains(out, c.wantOut) {
				t.Errorf("curate %v printed:\n%s\nwant %q", c.args, out, c.wantOut)
			}
			if diff := cmp.Diff(after, facts(t)); diff != "" {
				t.Errorf("curate %v changed the graph (-before +after):\n%s", c.args, diff)
			}
			if n := len(neo4jtest.Query(t, `MATCH (c:Change) RETURN c.id AS id`, nil)); n != audit {
				t.Errorf("curate %v: %d audit entries, %d before", c.args, n, audit)
			}
		})
	}
}
