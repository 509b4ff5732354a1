package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore/neo4jtest"
	"github.com/coe-child-online/knowledge-graph/seed"
)

// testConfig is the configuration the tests serve with.
func testConfig() config {
	return config{CORSOrigins: []string{"https://dashboard.example"}, QueryTimeout: 10 * time.Second, ShutdownTimeout: 5 * time.Second}
}

// newTestServer serves the real handler over HTTP on the test Neo4j, with
// the seed graph loaded.
func newTestServer(t *testing.T) (*httptest.Server, *seed.Data) {
	t.Helper()
	store := neo4jtest.Open(t)
	data := neo4jtest.LoadSeed(t, store)
	srv := httptest.NewServer(newHandler(testConfig(), store, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now))
	t.Cleanup(srv.Close)
	return srv, data
}

type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

// post sends a GraphQL request and decodes the answer into data.
func post(t *testing.T, url, query string, vars map[string]any, data any) gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	res, err := http.Post(url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out gqlResponse
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatalf("query %q: answer is not JSON: %v", query, err)
	}
	if data != nil {
		if len(out.Errors) > 0 {
			t.Fatalf("query %q: errors %+v", query, out.Errors)
		}
		if err := json.Unmarshal(out.Data, data); err != nil {
			t.Fatalf("query %q: %v", query, err)
		}
	}
	return out
}

// readCSV reads a seed CSV file straight from disk, apart from the loader.
func readCSV(t *testing.T, name string) []map[string]string {
	t.Helper()
	f, err := os.Open("../../seed/data/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, name := range recs[0] {
			row[name] = rec[i]
		}
		out = append(out, row)
	}
	return out
}

type party struct {
	Country struct {
		Name string `json:"name"`
		Iso2 string `json:"iso2"`
	} `json:"country"`
	Status         string  `json:"status"`
	Signed         *string `json:"signed"`
	Ratified       *string `json:"ratified"`
	Action         *string `json:"action"`
	EntryIntoForce *string `json:"entryIntoForce"`
}

func orNil(s string) *string {
	if s == "" || s == "signature_only" {
		return nil
	}
	return &s
}

// TestExampleQueryReturnsTheLanzaroteParties runs the query GraphiQL opens
// with (and the README shows) and checks every party against the seed CSV.
func TestExampleQueryReturnsTheLanzaroteParties(t *testing.T) {
	srv, _ := newTestServer(t)
	var got struct {
		Instrument struct {
			Number      string `json:"number"`
			MonitoredBy []struct {
				Acronym string `json:"acronym"`
			} `json:"monitoredBy"`
			Parties []party `json:"parties"`
		} `json:"instrument"`
	}
	post(t, srv.URL, exampleQuery, nil, &got)

	names := map[string]string{}
	for _, c := range readCSV(t, "countries.csv") {
		names[c["id"]] = c["name"]
	}
	today := time.Now().Format("2006-01-02")
	var want []party
	for _, r := range readCSV(t, "treaty_parties.csv") {
		if r["instrument"] != "cets-201" || r["status"] != "party" {
			continue
		}
		var p party
		p.Country.Name, p.Country.Iso2 = names[r["country"]], strings.ToUpper(strings.TrimPrefix(r["country"], "country-"))
		p.Signed, p.Ratified, p.Action, p.EntryIntoForce = orNil(r["signed"]), orNil(r["ratified"]), orNil(r["action"]), orNil(r["entry_into_force"])
		p.Status = "RATIFIED"
		if r["entry_into_force"] != "" && r["entry_into_force"] <= today {
			p.Status = "IN_FORCE"
		}
		want = append(want, p)
	}
	sort.Slice(want, func(i, j int) bool { return want[i].Country.Name < want[j].Country.Name })

	if got.Instrument.Number != "CETS 201" {
		t.Errorf("number = %q, want CETS 201", got.Instrument.Number)
	}
	if len(got.Instrument.MonitoredBy) != 1 || got.Instrument.MonitoredBy[0].Acronym != "T-ES" {
		t.Errorf("monitoredBy = %+v, want the Lanzarote Committee (T-ES)", got.Instrument.MonitoredBy)
	}
	if len(want) < 40 {
		t.Fatalf("treaty_parties.csv has %d CETS 201 parties; the test expects the full list", len(want))
	}
	if diff := cmp.Diff(want, got.Instrument.Parties); diff != "" {
		t.Errorf("parties of CETS 201 (-treaty_parties.csv +API):\n%s", diff)
	}
}

func TestGetRequestsAnswerToo(t *testing.T) {
	srv, _ := newTestServer(t)
	res, err := http.Get(srv.URL + "/graphql?query=" + url.QueryEscape(`{ country(id: "MU") { id name iso3 coeStatus } }`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	want := `{"data":{"country":{"id":"country-mu","name":"Mauritius","iso3":"MUS","coeStatus":"NON_MEMBER"}}}`
	if string(b) != want {
		t.Errorf("GET country MU:\n got %s\nwant %s", b, want)
	}
}

func TestProjectAndCountryRelationships(t *testing.T) {
	srv, data := newTestServer(t)
	related := func(from, typ string, out bool) []string {
		var ids []string
		for _, r := range data.Relations {
			if r.Type == typ && out && r.From == from {
				ids = append(ids, r.To)
			}
			if r.Type == typ && !out && r.To == from {
				ids = append(ids, r.From)
			}
		}
		sort.Strings(ids)
		return ids
	}
	type ref struct {
		ID string `json:"id"`
	}
	idsOf := func(refs []ref) []string {
		out := []string{}
		for _, r := range refs {
			out = append(out, r.ID)
		}
		sort.Strings(out)
		return out
	}
	var got struct {
		Project struct {
			Targets       []ref `json:"targets"`
			Funders       []ref `json:"funders"`
			ImplementedBy []ref `json:"implementedBy"`
			Supports      []ref `json:"supports"`
		} `json:"project"`
		Country struct {
			Projects []ref `json:"projects"`
			Treaties []struct {
				Instrument ref    `json:"instrument"`
				Status     string `json:"status"`
			} `json:"treaties"`
		} `json:"country"`
	}
	post(t, srv.URL, `query ($p: ID!, $c: ID!) {
  project(id: $p) { targets { id } funders { id } implementedBy { id } supports { id } }
  country(id: $c) { projects { id } treaties { instrument { id } status } }
}`, map[string]any{"p": "glacy-plus", "c": "country-mu"}, &got)

	checks := []struct {
		field string
		got   []string
		want  []string
	}{
		{"glacy-plus targets", idsOf(got.Project.Targets), related("glacy-plus", "TARGETS", true)},
		{"glacy-plus funders", idsOf(got.Project.Funders), related("glacy-plus", "FUNDED_BY", true)},
		{"glacy-plus implementedBy", idsOf(got.Project.ImplementedBy), related("glacy-plus", "IMPLEMENTED_BY", true)},
		{"glacy-plus supports", idsOf(got.Project.Supports), related("glacy-plus", "SUPPORTS", true)},
		{"country-mu projects", idsOf(got.Country.Projects), related("country-mu", "TARGETS", false)},
	}
	for _, c := range checks {
		if len(c.want) == 0 {
			t.Errorf("%s: the seed has none; pick data that has some", c.field)
		}
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s (-seed +API):\n%s", c.field, diff)
		}
	}
	var treaties []string
	for _, tr := range got.Country.Treaties {
		treaties = append(treaties, tr.Instrument.ID)
	}
	sort.Strings(treaties)
	var wantTreaties []string
	for _, r := range readCSV(t, "treaty_parties.csv") {
		if r["country"] == "country-mu" {
			wantTreaties = append(wantTreaties, r["instrument"])
		}
	}
	sort.Strings(wantTreaties)
	if diff := cmp.Diff(wantTreaties, treaties); diff != "" {
		t.Errorf("country-mu treaties (-treaty_parties.csv +API):\n%s", diff)
	}
}

func TestPaginationVisitsEveryCountryOnce(t *testing.T) {
	srv, _ := newTestServer(t)
	want := len(readCSV(t, "countries.csv"))
	seen := map[string]int{}
	var after any
	for page := 0; page <= want; page++ {
		var got struct {
			Nodes struct {
				Edges []struct {
					Node struct {
						ID string `json:"id"`
					} `json:"node"`
				} `json:"edges"`
				PageInfo struct {
					HasNextPage bool    `json:"hasNextPage"`
					EndCursor   *string `json:"endCursor"`
				} `json:"pageInfo"`
				TotalCount int `json:"totalCount"`
			} `json:"nodes"`
		}
		post(t, srv.URL, `query ($after: String) { nodes(type: COUNTRY, first: 7, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } totalCount } }`,
			map[string]any{"after": after}, &got)
		if got.Nodes.TotalCount != want {
			t.Fatalf("totalCount = %d, want %d", got.Nodes.TotalCount, want)
		}
		if len(got.Nodes.Edges) > 7 {
			t.Fatalf("page of %d, want at most 7", len(got.Nodes.Edges))
		}
		for _, e := range got.Nodes.Edges {
			seen[e.Node.ID]++
		}
		if !got.Nodes.PageInfo.HasNextPage {
			break
		}
		after = *got.Nodes.PageInfo.EndCursor
	}
	if len(seen) != want {
		t.Errorf("visited %d countries, want %d", len(seen), want)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s visited %d times, want once", id, n)
		}
	}
}

func TestErrorsCarryACode(t *testing.T) {
	srv, _ := newTestServer(t)
	tests := []struct {
		name, query, code string
	}{
		{"unknown id", `{ node(id: "no-such-node") { id } }`, "NOT_FOUND"},
		{"id of another kind", `{ project(id: "cets-201") { id } }`, "NOT_FOUND"},
		{"unknown country code", `{ country(id: "QQ") { id } }`, "NOT_FOUND"},
		{"page over the maximum", `{ nodes(type: COUNTRY, first: 501) { totalCount } }`, "BAD_USER_INPUT"},
		{"negative page", `{ nodes(type: COUNTRY, first: -1) { totalCount } }`, "BAD_USER_INPUT"},
		{"cursor not from this API", `{ nodes(type: COUNTRY, after: "bm9wZQ") { totalCount } }`, "BAD_USER_INPUT"},
		{"syntax error", `{ node(id: "x") { id }`, "GRAPHQL_PARSE_FAILED"},
		{"unknown field", `{ nope }`, "GRAPHQL_VALIDATION_FAILED"},
		{"unknown enum value", `{ nodes(type: PLANET) { totalCount } }`, "GRAPHQL_VALIDATION_FAILED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := post(t, srv.URL, tt.query, nil, nil)
			if len(res.Errors) == 0 {
				t.Fatalf("query %q: no error, want %s", tt.query, tt.code)
			}
			for _, e := range res.Errors {
				if e.Extensions["code"] != tt.code {
					t.Errorf("query %q: code %v (%s), want %s", tt.query, e.Extensions["code"], e.Message, tt.code)
				}
				if strings.Contains(e.Message, "neo4j") || strings.Contains(e.Message, "goroutine") {
					t.Errorf("query %q: message leaks internals: %s", tt.query, e.Message)
				}
			}
		})
	}
}

func TestCORSAllowsOnlyConfiguredOrigins(t *testing.T) {
	srv, _ := newTestServer(t)
	preflight := func(origin string) *http.Response {
		req, _ := http.NewRequest(http.MethodOptions, srv.URL+"/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	allowed := preflight("https://dashboard.example")
	if got := allowed.Header.Get("Access-Control-Allow-Origin"); got != "https://dashboard.example" {
		t.Errorf("preflight from the configured origin: Access-Control-Allow-Origin = %q, want it echoed", got)
	}
	if got := allowed.Header.Get("Access-Control-Allow-Credentials"); got != "" {
		t.Errorf("credentials allowed by default: %q", got)
	}
	other := preflight("https://elsewhere.example")
	if got := other.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("preflight from another origin: Access-Control-Allow-Origin = %q, want none", got)
	}
}

func TestGraphiQLOpensWithTheExample(t *testing.T) {
	srv, _ := newTestServer(t)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, _ := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusFound || loc.Query().Get("query") != exampleQuery {
		t.Fatalf("GET /: %d to %q, want a redirect carrying the example query", res.StatusCode, res.Header.Get("Location"))
	}
	res, err = client.Get(srv.URL + res.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(b), "GraphiQL") {
		t.Errorf("GraphiQL page: status %d, contains GraphiQL: %v", res.StatusCode, strings.Contains(string(b), "GraphiQL"))
	}
}

func TestHealthAndReadiness(t *testing.T) {
	srv, _ := newTestServer(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", path, res.StatusCode)
		}
	}

	// A service whose database is away: live, not ready, and GraphQL says
	// UNAVAILABLE with no driver text.
	away, err := neo4jstore.Open(neo4jstore.Config{URI: "bolt://127.0.0.1:1", User: "neo4j", Password: "x", QueryTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer away.Close(context.Background())
	down := httptest.NewServer(newHandler(testConfig(), away, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now))
	defer down.Close()
	res, err := http.Get(down.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	var reason map[string]string
	_ = json.NewDecoder(res.Body).Decode(&reason)
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(reason["reason"], "127.0.0.1:1") {
		t.Errorf("readyz with the database away: %d %v, want 503 naming the URI", res.StatusCode, reason)
	}
	gres := post(t, down.URL, `{ countries { id } }`, nil, nil)
	if len(gres.Errors) != 1 || gres.Errors[0].Extensions["code"] != "UNAVAILABLE" {
		t.Errorf("query with the database away: %+v, want one UNAVAILABLE error", gres.Errors)
	}
}
