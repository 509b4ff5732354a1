package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore/neo4jtest"
	"github.com/coe-child-online/knowledge-graph/seed"
	"github.com/coe-child-online/knowledge-graph/seed/seedcsv"
	"github.com/coe-child-online/knowledge-graph/web"
)

// testConfig is the configuration the tests serve with: development mode,
// one CORS origin.
func testConfig() Config {
	cfg := Defaults()
	cfg.Development = true
	cfg.CORSOrigins = []string{"https://dashboard.example"}
	return cfg
}

// productionConfig is the production policy with the given changes.
func productionConfig(changes ...func(*Config)) Config {
	cfg := Defaults()
	for _, c := range changes {
		c(&cfg)
	}
	return cfg
}

// newTestServer serves the real handler over HTTP on the test Neo4j, with
// the seed graph loaded.
func newTestServer(t *testing.T) (*httptest.Server, *seed.Data) {
	t.Helper()
	store := neo4jtest.Open(t)
	data := neo4jtest.LoadSeed(t, store)
	h, err := New(testConfig(), Deps{Store: store, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
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

type party struct {
	Node struct {
		Name string `json:"name"`
		Iso2 string `json:"iso2"`
	} `json:"node"`
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

// exampleQuery returns the first worked example: the one the README shows
// and GraphiQL opens first.
func exampleQuery(t *testing.T) string {
	t.Helper()
	ex, err := web.Examples()
	if err != nil || len(ex) == 0 {
		t.Fatalf("examples: %v (%d)", err, len(ex))
	}
	return ex[0].Query
}

// TestExampleQueryReturnsTheLanzaroteParties runs the first worked example
// and checks every party against the seed CSV.
func TestExampleQueryReturnsTheLanzaroteParties(t *testing.T) {
	srv, _ := newTestServer(t)
	var got struct {
		Instrument struct {
			Number      string `json:"number"`
			MonitoredBy struct {
				Edges []struct {
					Node struct {
						Acronym string `json:"acronym"`
					} `json:"node"`
				} `json:"edges"`
			} `json:"monitoredBy"`
			Parties struct {
				TotalCount int     `json:"totalCount"`
				Edges      []party `json:"edges"`
			} `json:"parties"`
		} `json:"instrument"`
	}
	post(t, srv.URL, exampleQuery(t), nil, &got)

	names := map[string]string{}
	for _, c := range seedcsv.Rows(t, "countries.csv") {
		names[c["id"]] = c["name"]
	}
	today := time.Now().Format("2006-01-02")
	var want []party
	for _, r := range seedcsv.Rows(t, "treaty_parties.csv") {
		if r["instrument"] != "cets-201" || r["status"] != "party" {
			continue
		}
		var p party
		p.Node.Name, p.Node.Iso2 = names[r["country"]], strings.ToUpper(strings.TrimPrefix(r["country"], "country-"))
		p.Signed, p.Ratified, p.Action, p.EntryIntoForce = orNil(r["signed"]), orNil(r["ratified"]), orNil(r["action"]), orNil(r["entry_into_force"])
		p.Status = "RATIFIED"
		if r["entry_into_force"] != "" && r["entry_into_force"] <= today {
			p.Status = "IN_FORCE"
		}
		want = append(want, p)
	}
	// In English alphabetical order, as the API lists parties by default.
	byName := map[string]map[string]string{}
	order := make([]string, len(want))
	byID := map[string]party{}
	for i, p := range want {
		byName[p.Node.Iso2] = map[string]string{"EN": p.Node.Name}
		order[i] = p.Node.Iso2
		byID[p.Node.Iso2] = p
	}
	for i, iso := range collated(order, byName, "EN", false) {
		want[i] = byID[iso]
	}

	if got.Instrument.Number != "CETS 201" {
		t.Errorf("number = %q, want CETS 201", got.Instrument.Number)
	}
	if e := got.Instrument.MonitoredBy.Edges; len(e) != 1 || e[0].Node.Acronym != "T-ES" {
		t.Errorf("monitoredBy = %+v, want the Lanzarote Committee (T-ES)", e)
	}
	if len(want) < 40 {
		t.Fatalf("treaty_parties.csv has %d CETS 201 parties; the test expects the full list", len(want))
	}
	if got.Instrument.Parties.TotalCount != len(want) {
		t.Errorf("totalCount = %d, want %d", got.Instrument.Parties.TotalCount, len(want))
	}
	if diff := cmp.Diff(want, got.Instrument.Parties.Edges); diff != "" {
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
	want := `{"data":{"country":{"id":"country-mu","name":"Mauritius","iso3":"MUS","coeStatus":"NON_MEMBER"}},"extensions":{"cost":5}}`
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
	type conn struct {
		TotalCount int `json:"totalCount"`
		Edges      []struct {
			Node    ref `json:"node"`
			Sources []struct {
				Title string `json:"title"`
			} `json:"sources"`
		} `json:"edges"`
	}
	idsOf := func(c conn) []string {
		out := []string{}
		for _, e := range c.Edges {
			out = append(out, e.Node.ID)
			if len(e.Sources) == 0 {
				t.Errorf("edge to %s has no source", e.Node.ID)
			}
		}
		if c.TotalCount != len(out) {
			t.Errorf("totalCount %d for %d edges", c.TotalCount, len(out))
		}
		sort.Strings(out)
		return out
	}
	var got struct {
		Project struct {
			Targets       conn `json:"targets"`
			Funders       conn `json:"funders"`
			ImplementedBy conn `json:"implementedBy"`
			Supports      conn `json:"supports"`
		} `json:"project"`
		Country struct {
			Projects conn `json:"projects"`
			Treaties conn `json:"treaties"`
		} `json:"country"`
	}
	const edges = `{ totalCount edges { node { id } sources { title } } }`
	post(t, srv.URL, `query ($p: ID!, $c: ID!) {
  project(id: $p) { targets`+edges+` funders`+edges+` implementedBy`+edges+` supports`+edges+` }
  country(id: $c) { projects`+edges+` treaties`+edges+` }
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
	treaties := idsOf(got.Country.Treaties)
	var wantTreaties []string
	for _, r := range seedcsv.Rows(t, "treaty_parties.csv") {
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
	want := len(seedcsv.Rows(t, "countries.csv"))
	seen := map[string]int{}
	var after any
	for page := 0; page <= want; page++ {
		var got struct {
			Countries struct {
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
			} `json:"countries"`
		}
		post(t, srv.URL, `query ($after: String) { countries(first: 7, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } totalCount } }`,
			map[string]any{"after": after}, &got)
		if got.Countries.TotalCount != want {
			t.Fatalf("totalCount = %d, want %d", got.Countries.TotalCount, want)
		}
		if len(got.Countries.Edges) > 7 {
			t.Fatalf("page of %d, want at most 7", len(got.Countries.Edges))
		}
		for _, e := range got.Countries.Edges {
			seen[e.Node.ID]++
		}
		if !got.Countries.PageInfo.HasNextPage {
			break
		}
		after = *got.Countries.PageInfo.EndCursor
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

// postDebug sends a query asking for the round-trip count and returns the
// answer with that count.
func postDebug(t *testing.T, url, query string) (gqlResponse, int) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Debug-Round-Trips", "1")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		gqlResponse
		Extensions map[string]any `json:"extensions"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatalf("query %q: answer is not JSON: %v", query, err)
	}
	n := -1
	if v, ok := out.Extensions["roundTrips"].(float64); ok {
		n = int(v)
	}
	return out.gqlResponse, n
}

func TestErrorsCarryACode(t *testing.T) {
	srv, _ := newTestServer(t)
	tests := []struct {
		name, query, code string
		// reachesDatabase is set where the check needs the data (an id
		// that may or may not exist); every other bad argument is refused
		// before any statement is sent.
		reachesDatabase bool
	}{
		{"unknown id", `{ node(id: "no-such-node") { id } }`, "NOT_FOUND", true},
		{"id of another kind", `{ project(id: "cets-201") { id } }`, "NOT_FOUND", true},
		{"unknown country code", `{ country(id: "QQ") { id } }`, "NOT_FOUND", true},
		{"path from an unknown id", `{ shortestPath(from: "nowhere", to: "cets-201") { length } }`, "NOT_FOUND", true},
		{"neighbourhood of an unknown id", `{ neighbourhood(id: "nowhere") { truncated } }`, "NOT_FOUND", true},
		{"coverage of an unknown instrument", `{ coverage(instruments: ["cets-999"]) { cells { status } } }`, "NOT_FOUND", true},
		{"timeline of an unknown instrument", `{ timeline(instrument: "cets-999", action: SIGNATURE) { count } }`, "NOT_FOUND", true},
		{"page over the maximum", `{ countries(first: 501) { totalCount } }`, "BAD_USER_INPUT", false},
		{"nested page over the maximum", `{ instruments(first: 1) { edges { node { parties(first: 100000) { totalCount } } } } }`, "BAD_USER_INPUT", false},
		{"negative page", `{ countries(first: -1) { totalCount } }`, "BAD_USER_INPUT", false},
		{"cursor not from this API", `{ countries(after: "bm9wZQ") { totalCount } }`, "BAD_USER_INPUT", false},
		{"cursor of another sort order", `{ countries(after: "eyJsIjoibGlzdDpCb2R5IiwiayI6WyJ4Il19") { totalCount } }`, "BAD_USER_INPUT", false},
		{"maxHops over the cap", `{ shortestPath(from: "country-mu", to: "cets-201", maxHops: 7) { length } }`, "BAD_USER_INPUT", false},
		{"depth over the cap", `{ neighbourhood(id: "glacy-plus", depth: 4) { truncated } }`, "BAD_USER_INPUT", false},
		{"limit over the cap", `{ neighbourhood(id: "glacy-plus", limit: 501) { truncated } }`, "BAD_USER_INPUT", false},
		{"malformed date", `{ countries(asOf: "2020-13-01") { totalCount } }`, "BAD_USER_INPUT", false},
		{"date that is not text", `{ coverage(instruments: ["cets-201"], asOf: 2020) { cells { status } } }`, "BAD_USER_INPUT", false},
		{"too many coverage columns", `{ coverage(instruments: ["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p","q","r","s","t","u"]) { cells { status } } }`, "BAD_USER_INPUT", false},
		{"blank search", `{ search(query: "  ") { totalCount } }`, "BAD_USER_INPUT", false},
		{"syntax error", `{ node(id: "x") { id }`, "GRAPHQL_PARSE_FAILED", false},
		{"unknown field", `{ nope }`, "GRAPHQL_VALIDATION_FAILED", false},
		{"unknown enum value", `{ timeline(instrument: "ets-185", action: PLANTING) { count } }`, "GRAPHQL_VALIDATION_FAILED", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, trips := postDebug(t, srv.URL, tt.query)
			if len(res.Errors) == 0 {
				t.Fatalf("query %q: no error, want %s", tt.query, tt.code)
			}
			for _, e := range res.Errors {
				if e.Extensions["code"] != tt.code {
					t.Errorf("query %q: code %v (%s), want %s", tt.query, e.Extensions["code"], e.Message, tt.code)
				}
				if strings.Contains(e.Message, "neo4j") || strings.Contains(e.Message, "goroutine") || strings.Contains(e.Message, "MATCH") {
					t.Errorf("query %q: message leaks internals: %s", tt.query, e.Message)
				}
			}
			// Parse and validation errors end the request before execution,
			// so no extensions are written: count them as no round trip.
			if trips < 0 {
				trips = 0
			}
			if !tt.reachesDatabase && trips != 0 {
				t.Errorf("query %q: %d statements reached Neo4j, want none", tt.query, trips)
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

func TestGraphiQLOpensWithTheExamples(t *testing.T) {
	srv, _ := newTestServer(t)
	get := func(path string) string {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d", path, res.StatusCode)
		}
		return string(b)
	}
	page := get("/")
	if !strings.Contains(page, "GraphiQL") {
		t.Fatalf("GET /: not the GraphiQL page")
	}
	// The examples are built into the page's scripts, served by the
	// service itself: no CDN.
	var scripts strings.Builder
	for _, m := range regexp.MustCompile(`src="(/[^"]+\.js)"`).FindAllStringSubmatch(page, -1) {
		scripts.WriteString(get(m[1]))
	}
	if strings.Contains(page, "unpkg.com") || strings.Contains(page, "cdn") {
		t.Errorf("the GraphiQL page loads from a CDN")
	}
	ex, err := web.Examples()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ex {
		first := strings.SplitN(e.Query, "\n", 3)[1] // the "query Name {" line
		if !strings.Contains(scripts.String(), strings.TrimSuffix(first, " {")) {
			t.Errorf("GraphiQL's scripts lack the tab of example %s", e.Name)
		}
	}
	if explorer := get("/explore/"); !strings.Contains(explorer, "<script") {
		t.Errorf("GET /explore/ is not the explorer page")
	}
}

// TestEveryExampleAnswers runs each worked example of GraphiQL and the docs:
// none may fail or come back empty.
func TestEveryExampleAnswers(t *testing.T) {
	srv, _ := newTestServer(t)
	ex, err := web.Examples()
	if err != nil {
		t.Fatal(err)
	}
	if len(ex) < 10 {
		t.Errorf("%d examples, want at least ten analyst questions", len(ex))
	}
	for _, e := range ex {
		t.Run(e.Name, func(t *testing.T) {
			res := post(t, srv.URL, e.Query, nil, nil)
			if len(res.Errors) > 0 {
				t.Fatalf("example %s: errors %+v", e.Name, res.Errors)
			}
			if len(res.Data) < 50 {
				t.Errorf("example %s: answer looks empty: %s", e.Name, res.Data)
			}
		})
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
	h, err := New(testConfig(), Deps{Store: away, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	down := httptest.NewServer(h)
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
	gres := post(t, down.URL, `{ countries { totalCount } }`, nil, nil)
	if len(gres.Errors) != 1 || gres.Errors[0].Extensions["code"] != "UNAVAILABLE" {
		t.Errorf("query with the database away: %+v, want one UNAVAILABLE error", gres.Errors)
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newServer(t *testing.T, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}
