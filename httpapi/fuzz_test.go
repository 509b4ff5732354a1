package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore"
)

// FuzzHandler sends arbitrary bodies to the production handler, whose
// database is away: it never panics, always answers JSON, and only with the
// statuses the README documents.
func FuzzHandler(f *testing.F) {
	store, err := neo4jstore.Open(neo4jstore.Config{URI: "bolt://127.0.0.1:1", User: "neo4j", Password: "x", QueryTimeout: 200 * time.Millisecond})
	if err != nil {
		f.Fatal(err)
	}
	defer store.Close(context.Background())
	cfg := productionConfig(func(c *Config) { c.RequestTimeout = time.Second })
	h, err := New(cfg, Deps{Store: store, Logger: discardLogger()})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		`{"query":"{ stats { newestSource } }"}`,
		`{"query":"{ countries(first: 3) { edges { node { id } } } }","variables":{}}`,
		`{"query":"query ($d: Date) { countries(asOf: $d) { totalCount } }","variables":{"d":"2020-13-01"}}`,
		`[{"query":"{ __typename }"}]`,
		`{"query":"{ __typename @a@a@a@a@a@a@a@a@a }"}`,
		`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}`,
		`{"query":1}`,
		"",
	} {
		f.Add(s)
	}
	allowed := map[int]bool{200: true, 400: true, 413: true, 415: true, 422: true, 429: true, 503: true}
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader([]byte(body)))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if !allowed[rec.Code] {
			t.Fatalf("body %q: status %d", body, rec.Code)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("body %q: answer is not JSON: %q", body, rec.Body.String())
		}
	})
}
