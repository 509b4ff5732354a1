package httpapi

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/coe-child-online/knowledge-graph/seed/seedcsv"
)

// TestGroupByRelatedNode groups projects by a related node, their funder
// (the explorer's projects-per-funder chart), and compares the groups with
// the FUNDED_BY relationships of seed/data/relations.yaml: a project counts
// once per funder, and the projects without one form the null group.
func TestGroupByRelatedNode(t *testing.T) {
	srv, _ := newTestServer(t)
	projects := map[string]bool{}
	for _, e := range seedcsv.Entities(t) {
		if e["label"] == "Project" {
			projects[e["id"].(string)] = true
		}
	}
	b, err := os.ReadFile("../seed/data/relations.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Relations []struct {
			From string `yaml:"from"`
			Type string `yaml:"type"`
			To   string `yaml:"to"`
		} `yaml:"relations"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("read relations.yaml: %v", err)
	}
	perFunder := map[string]int{}
	funded := map[string]bool{}
	for _, r := range doc.Relations {
		if r.Type == "FUNDED_BY" && projects[r.From] {
			perFunder[r.To]++
			funded[r.From] = true
		}
	}
	if unfunded := len(projects) - len(funded); unfunded > 0 {
		perFunder["-"] = unfunded
	}
	if len(perFunder) < 3 {
		t.Fatalf("the seed files have %d funder groups; the test needs several", len(perFunder))
	}

	cases := []struct{ name, query string }{
		{"groupBy", `{ projects { groupBy(keys: [{related: {type: FUNDED_BY, direction: OUTGOING}}], first: 500) { key count } } }`},
		{"groupBy sorted by count with keyNode", `{ projects { groupBy(keys: [{related: {type: FUNDED_BY, direction: OUTGOING}}], first: 500, sort: [{field: COUNT, direction: DESC}, {field: KEY}]) { key count keyNode { id } } } }`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := post(t, srv.URL, tc.query, nil, nil)
			if len(res.Errors) > 0 {
				t.Fatalf("query %s: errors %+v", tc.query, res.Errors)
			}
			var v struct {
				Projects struct {
					GroupBy []struct {
						apiGroup
						KeyNode *struct {
							ID string `json:"id"`
						} `json:"keyNode"`
					} `json:"groupBy"`
				} `json:"projects"`
			}
			if err := json.Unmarshal(res.Data, &v); err != nil {
				t.Fatalf("query %s: %v", tc.query, err)
			}
			groups := make([]apiGroup, len(v.Projects.GroupBy))
			for i, g := range v.Projects.GroupBy {
				groups[i] = g.apiGroup
				if g.KeyNode != nil && (g.Key[0] == nil || g.KeyNode.ID != *g.Key[0]) {
					t.Errorf("query %s: group %v has keyNode %s", tc.query, g.Key, g.KeyNode.ID)
				}
			}
			if diff := cmp.Diff(countRows(perFunder), byKey(groupRows(groups))); diff != "" {
				t.Errorf("query %s: groups differ (-seed +API):\n%s", tc.query, diff)
			}
		})
	}
}
