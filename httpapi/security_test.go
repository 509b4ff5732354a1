package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coe-child-online/knowledge-graph/auth"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore/neo4jtest"
)

// productionServer serves the handler as it runs in production, on the
// seeded test database, with the given extra flags.
func productionServer(t *testing.T, changes ...func(*Config)) (string, *neo4jstore.Store) {
	t.Helper()
	store := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, store)
	h, err := New(productionConfig(changes...), Deps{Store: store, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	return newServer(t, h).URL, store
}

type rawAnswer struct {
	status int
	header http.Header
	body   []byte
}

func send(t *testing.T, method, target, contentType string, body io.Reader, headers ...string) rawAnswer {
	t.Helper()
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return rawAnswer{res.StatusCode, res.Header, b}
}

func codesOf(t *testing.T, a rawAnswer) []string {
	t.Helper()
	var doc gqlResponse
	if err := json.Unmarshal(a.body, &doc); err != nil {
		t.Fatalf("answer (%d) is not JSON: %q", a.status, a.body)
	}
	var codes []string
	for _, e := range doc.Errors {
		c, _ := e.Extensions["code"].(string)
		codes = append(codes, c)
	}
	return codes
}

func jsonBody(query string, vars map[string]any) io.Reader {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return bytes.NewReader(b)
}

// TestHostileRequestsAreRefusedBeforeAnyCypher sends what an attacker would
// and checks the exact code, that the status is a client error, and that not
// one statement reached Neo4j.
func TestHostileRequestsAreRefusedBeforeAnyCypher(t *testing.T) {
	base, store := productionServer(t)
	gql := base + "/graphql"
	deep := strings.Repeat("relations { edges { node { ... on Body { ", 12) + "id" + strings.Repeat(" } } } }", 12)
	aliases := make([]string, 1000)
	for i := range aliases {
		aliases[i] = fmt.Sprintf("a%d: stats { newestSource }", i)
	}
	tests := []struct {
		name        string
		method      string
		contentType string
		body        io.Reader
		target      string
		wantStatus  int
		wantCode    string
	}{
		{"malformed JSON", "POST", "application/json", strings.NewReader(`{"query": "{ stats`), gql, 400, "BAD_USER_INPUT"},
		{"empty body", "POST", "application/json", strings.NewReader(""), gql, 400, "BAD_USER_INPUT"},
		{"wrong content type", "POST", "text/plain", strings.NewReader(`{"query":"{ stats { newestSource } }"}`), gql, 415, "BAD_USER_INPUT"},
		{"form post (cross-site)", "POST", "application/x-www-form-urlencoded", strings.NewReader(`query=%7B+stats+%7B+newestSource+%7D+%7D`), gql, 415, "BAD_USER_INPUT"},
		{"10 MB body", "POST", "application/json", jsonBody(strings.Repeat(" ", 10<<20)+"{ stats { newestSource } }", nil), gql, 413, "BAD_USER_INPUT"},
		{"100,000-token query", "POST", "application/json", jsonBody("{ "+strings.Repeat("a ", 100000)+"}", nil), gql, 422, "GRAPHQL_PARSE_FAILED"},
		{"depth 50", "POST", "application/json", jsonBody(`{ instrument(id: "cets-201") { `+deep+` } }`, nil), gql, 200, "COST_LIMIT_EXCEEDED"},
		// A thousand aliases are refused by the parser's token limit before
		// the alias limit is even reached; forty by the alias limit.
		{"1,000 aliases", "POST", "application/json", jsonBody("{ "+strings.Join(aliases, " ")+" }", nil), gql, 422, "GRAPHQL_PARSE_FAILED"},
		{"40 aliases", "POST", "application/json", jsonBody("{ "+strings.Join(aliases[:40], " ")+" }", nil), gql, 200, "COST_LIMIT_EXCEEDED"},
		{"500 duplicated fields", "POST", "application/json", jsonBody("{ stats { "+strings.Repeat("newestSource ", 500)+"} }", nil), gql, 200, "COST_LIMIT_EXCEEDED"},
		{"first: 1000000", "POST", "application/json", jsonBody(`{ countries(first: 1000000) { totalCount } }`, nil), gql, 200, "BAD_USER_INPUT"},
		{"nested first: 1000000", "POST", "application/json", jsonBody(`{ instruments { edges { node { parties(first: 1000000) { totalCount } } } } }`, nil), gql, 200, "BAD_USER_INPUT"},
		{"array batch", "POST", "application/json", strings.NewReader(`[{"query":"{ stats { newestSource } }"},{"query":"{ stats { newestSource } }"}]`), gql, 400, "BAD_USER_INPUT"},
		{"GET without preflight header (CSRF)", "GET", "", nil, gql + "?query=" + url.QueryEscape("{ stats { newestSource } }"), 400, "BAD_USER_INPUT"},
		{"GET mutation", "GET", "", nil, gql + "?query=" + url.QueryEscape("mutation { stats }"), 400, "BAD_USER_INPUT"},
		{"introspection in production", "POST", "application/json", jsonBody(`{ __schema { types { name } } }`, nil), gql, 200, "FORBIDDEN"},
		{"field suggestions in production", "POST", "application/json", jsonBody(`{ instrumnt(id: "cets-201") { id } }`, nil), gql, 422, "GRAPHQL_VALIDATION_FAILED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := store.StatementsSent()
			a := send(t, tt.method, tt.target, tt.contentType, tt.body)
			if got := store.StatementsSent() - before; got != 0 {
				t.Errorf("%d statements reached Neo4j, want none", got)
			}
			codes := codesOf(t, a)
			if len(codes) == 0 || codes[0] != tt.wantCode {
				t.Errorf("codes %v (status %d, %.200s), want %s", codes, a.status, a.body, tt.wantCode)
			}
			if a.status != tt.wantStatus {
				t.Errorf("status %d, want %d (%.200s)", a.status, tt.wantStatus, a.body)
			}
			if bytes.Contains(a.body, []byte("goroutine")) || bytes.Contains(a.body, []byte("Did you mean")) {
				t.Errorf("answer leaks internals or the schema: %.300s", a.body)
			}
		})
	}
}

// TestHostileValuesAreDataNotCode sends Cypher and NUL bytes as variables:
// they are searched for and filtered on as text, and the graph is unchanged.
func TestHostileValuesAreDataNotCode(t *testing.T) {
	base, _ := productionServer(t)
	count := func() int64 {
		return neo4jtest.Query(t, `MATCH (n) RETURN count(n) AS c`, nil)[0]["c"].(int64)
	}
	before := count()
	for _, v := range []string{
		"x' }) MATCH (n) DETACH DELETE n //",
		"\") RETURN 1 UNION MATCH (n) DETACH DELETE n //",
		"cets-201\x00; MATCH (n) DETACH DELETE n",
		"*:* OR name:*",
	} {
		a := send(t, "POST", base+"/graphql", "application/json", jsonBody(`query ($v: String!, $id: ID!) {
  countries(where: { name: { contains: $v } }) { totalCount }
  search(query: $v) { totalCount }
  node: instruments(where: { id: { eq: $id } }) { totalCount }
}`, map[string]any{"v": v, "id": v}))
		var doc struct {
			Data struct {
				Countries struct{ TotalCount int } `json:"countries"`
				Node      struct{ TotalCount int } `json:"node"`
			} `json:"data"`
			Errors []gqlError `json:"errors"`
		}
		if err := json.Unmarshal(a.body, &doc); err != nil {
			t.Fatalf("value %q: answer is not JSON: %s", v, a.body)
		}
		for _, e := range doc.Errors {
			if e.Extensions["code"] != "BAD_USER_INPUT" {
				t.Errorf("value %q: error %+v", v, e)
			}
		}
		if doc.Data.Countries.TotalCount != 0 || doc.Data.Node.TotalCount != 0 {
			t.Errorf("value %q matched %d countries and %d instruments, want none", v, doc.Data.Countries.TotalCount, doc.Data.Node.TotalCount)
		}
	}
	if after := count(); after != before {
		t.Errorf("nodes before %d, after %d", before, after)
	}
}

func TestRateLimitAnswers429WithRetryAfter(t *testing.T) {
	const key = "dashboard-1-key-0123456789abcdef"
	base, _ := productionServer(t, func(c *Config) {
		c.CostPerMinute = 60
		c.Auth.Keys = "dashboard-1 reader " + auth.HashKey(key)
	})
	q := jsonBody(`{ countries(first: 10) { edges { node { id } } } }`, nil) // cost 1+10*(1+1+1)+... > 30
	body, _ := io.ReadAll(q)
	first := send(t, "POST", base+"/graphql", "application/json", bytes.NewReader(body))
	if first.status != 200 || first.header.Get("X-RateLimit-Limit") != "60" || first.header.Get("X-RateLimit-Remaining") == "" {
		t.Fatalf("first request: %d, limit %q remaining %q (%s)", first.status, first.header.Get("X-RateLimit-Limit"), first.header.Get("X-RateLimit-Remaining"), first.body)
	}
	var last rawAnswer
	for i := 0; i < 5; i++ {
		last = send(t, "POST", base+"/graphql", "application/json", bytes.NewReader(body))
		if last.status == http.StatusTooManyRequests {
			break
		}
	}
	if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" {
		t.Fatalf("after spending the budget: %d, Retry-After %q", last.status, last.header.Get("Retry-After"))
	}
	if codes := codesOf(t, last); len(codes) != 1 || codes[0] != "RATE_LIMITED" {
		t.Errorf("codes %v, want RATE_LIMITED", codes)
	}
	// Another client (an API key) has its own budget.
	other := send(t, "POST", base+"/graphql", "application/json", bytes.NewReader(body), "X-Api-Key", key)
	if other.status != 200 {
		t.Errorf("another client: %d, want 200", other.status)
	}
}

func TestTrustedDocumentsAllowOnlyRegisteredOperations(t *testing.T) {
	allowed := `query Stats { stats { newestSource } }`
	dir := t.TempDir()
	file := filepath.Join(dir, "trusted.json")
	b, _ := json.Marshal(map[string]string{hashQuery(allowed): allowed})
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	base, _ := productionServer(t, func(c *Config) { c.TrustedDocuments = file })
	ok := send(t, "POST", base+"/graphql", "application/json", jsonBody(allowed, nil))
	if codes := codesOf(t, ok); ok.status != 200 || len(codes) != 0 {
		t.Errorf("registered operation: %d %v", ok.status, codes)
	}
	// By hash only, as a persisted query.
	byHash, _ := json.Marshal(map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hashQuery(allowed)}}})
	ph := send(t, "POST", base+"/graphql", "application/json", bytes.NewReader(byHash))
	if codes := codesOf(t, ph); ph.status != 200 || len(codes) != 0 || !bytes.Contains(ph.body, []byte("newestSource")) {
		t.Errorf("registered operation by hash: %d %v %s", ph.status, codes, ph.body)
	}
	other := send(t, "POST", base+"/graphql", "application/json", jsonBody(`{ stats { newestSource } }`, nil))
	if codes := codesOf(t, other); len(codes) != 1 || codes[0] != "FORBIDDEN" {
		t.Errorf("unregistered operation: codes %v, want FORBIDDEN", codes)
	}
}

func TestCostIsReported(t *testing.T) {
	base, _ := productionServer(t)
	a := send(t, "POST", base+"/graphql", "application/json", jsonBody(`{ countries(first: 3) { edges { node { id } } } }`, nil))
	var doc struct {
		Extensions map[string]any `json:"extensions"`
	}
	_ = json.Unmarshal(a.body, &doc)
	// countries: 1 + 3 × (edges: 1 + node: 1 + id: 1).
	if doc.Extensions["cost"] != float64(10) {
		t.Errorf("extensions.cost = %v, want 10 (%s)", doc.Extensions["cost"], a.body)
	}
}
