package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore/neo4jtest"
	"github.com/coe-child-online/knowledge-graph/seed/seedcsv"
)

// A connection counts its matches only when totalCount is selected, however
// it is selected, and the count is the same whichever way.
func TestTotalsAreCountedOnlyWhenSelected(t *testing.T) {
	store := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, store)
	h, err := New(testConfig(), Deps{Store: store, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	countries := len(seedcsv.Rows(t, "countries.csv"))
	tests := []struct {
		name, query string
		// counted is how many statements must count matches; total is
		// the countries' totalCount the answer must give, when selected.
		counted int
		total   bool
	}{
		{"not selected", `{ countries(first: 2) { edges { node { id projects(first: 1) { edges { node { id } } } } } } }`, 0, false},
		{"selected", `{ countries(first: 2) { totalCount edges { node { id } } } }`, 1, true},
		{"named fragment", `{ countries(first: 2) { ...C } } fragment C on CountryConnection { totalCount }`, 1, true},
		{"inline fragment", `{ countries(first: 2) { ... on CountryConnection { totalCount } } }`, 1, true},
		{"nested only", `{ countries(first: 2) { edges { node { projects(first: 1) { totalCount } } } } }`, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, log := neo4jstore.WithStatementLog(t.Context())
			body, _ := json.Marshal(map[string]any{"query": tt.query})
			req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body)).WithContext(ctx)
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			var got struct {
				Data struct {
					Countries struct {
						TotalCount *int `json:"totalCount"`
					} `json:"countries"`
				} `json:"data"`
				Errors []gqlError `json:"errors"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || len(got.Errors) > 0 {
				t.Fatalf("query %s: %v %s", tt.query, err, rec.Body.String())
			}
			// A count is a statement's total subquery (level by level), or
			// in a planned statement a root list's size of its matches or
			// a nested connection's COUNT subquery.
			counted := 0
			for _, st := range log.Statements {
				if strings.Contains(st.Cypher, "AS total }") && !strings.Contains(st.Cypher, "RETURN 0 AS total }") {
					counted++
				}
				counted += strings.Count(st.Cypher, "size(matched)") + strings.Count(st.Cypher, "COUNT { MATCH")
			}
			if counted != tt.counted {
				t.Errorf("query %s: %d of %d statements count matches, want %d", tt.query, counted, len(log.Statements), tt.counted)
			}
			if tt.total && (got.Data.Countries.TotalCount == nil || *got.Data.Countries.TotalCount != countries) {
				t.Errorf("query %s: totalCount %v, want %d (countries.csv)", tt.query, got.Data.Countries.TotalCount, countries)
			}
		})
	}
}

// Cursors are left out only when nothing selects them: through an edge, a
// fragment or pageInfo, each one still leads to the next page.
func TestCursorsAreGivenWheneverSelected(t *testing.T) {
	srv, _ := newTestServer(t)
	countries := len(seedcsv.Rows(t, "countries.csv"))
	tests := []struct{ name, query string }{
		{"edge cursor", `query($after: String) { countries(first: 7, after: $after) { edges { cursor node { id } } } }`},
		{"edge cursor in a fragment", `query($after: String) { countries(first: 7, after: $after) { edges { ...E } } } fragment E on CountryEdge { cursor node { id } }`},
		{"page info only", `query($after: String) { countries(first: 7, after: $after) { edges { node { id } } pageInfo { endCursor } } }`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := map[string]bool{}
			var after any
			for page := 0; page < 100; page++ {
				var got struct {
					Countries struct {
						Edges []struct {
							Cursor string `json:"cursor"`
							Node   struct {
								ID string `json:"id"`
							} `json:"node"`
						} `json:"edges"`
						PageInfo struct {
							EndCursor *string `json:"endCursor"`
						} `json:"pageInfo"`
					} `json:"countries"`
				}
				post(t, srv.URL, tt.query, map[string]any{"after": after}, &got)
				edges := got.Countries.Edges
				if len(edges) == 0 {
					break
				}
				for _, e := range edges {
					if seen[e.Node.ID] {
						t.Fatalf("query %s: %s on two pages", tt.query, e.Node.ID)
					}
					seen[e.Node.ID] = true
				}
				if got.Countries.PageInfo.EndCursor != nil {
					after = *got.Countries.PageInfo.EndCursor
				} else {
					after = edges[len(edges)-1].Cursor
				}
				if after == "" {
					t.Fatalf("query %s: page %d gives no cursor", tt.query, page)
				}
			}
			if len(seen) != countries {
				t.Errorf("query %s: %d countries over all pages, want %d (countries.csv)", tt.query, len(seen), countries)
			}
		})
	}
}
