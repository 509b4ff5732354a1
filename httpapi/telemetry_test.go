package httpapi

import (
	"bufio"
	"bytes"
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore/neo4jtest"
	"github.com/coe-child-online/knowledge-graph/telemetry"
)

// observedServer serves the handler with its own telemetry, on a store that
// reports its statements to it, with the seed loaded.
func observedServer(t *testing.T, tcfg telemetry.Config, changes ...func(*Config)) (string, *telemetry.Telemetry) {
	t.Helper()
	seeded := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, seeded)
	tcfg.RequestID = RequestID
	tel, err := telemetry.New(context.Background(), tcfg)
	if err != nil {
		t.Fatal(err)
	}
	scfg := neo4jtest.Config(t)
	scfg.Observer = tel
	store, err := neo4jstore.Open(scfg)
	if err != nil {
		t.Fatal(err)
	}
	tel.Metrics.WatchPool(store)
	t.Cleanup(func() { store.Close(context.Background()) })
	logger := tcfg.Logger
	if logger == nil {
		logger = discardLogger()
	}
	h, err := New(productionConfig(changes...), Deps{Store: store, Logger: logger, Telemetry: tel})
	if err != nil {
		t.Fatal(err)
	}
	return newServer(t, h).URL, tel
}

// scrape reads /metrics and sums the samples of a metric whose labels
// contain every given "name=\"value\"" pair.
func scrape(t *testing.T, url string) func(name string, labels ...string) float64 {
	t.Helper()
	a := send(t, "GET", url+"/metrics", "", nil)
	if a.status != 200 {
		t.Fatalf("GET /metrics: %d", a.status)
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(a.body))
	for sc.Scan() {
		if l := sc.Text(); !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	return func(name string, labels ...string) float64 {
		sum := 0.0
		for _, l := range lines {
			i := strings.LastIndexByte(l, ' ')
			series, value := l[:i], l[i+1:]
			metric := series
			if j := strings.IndexByte(series, '{'); j >= 0 {
				metric = series[:j]
			}
			if metric != name {
				continue
			}
			ok := true
			for _, lb := range labels {
				ok = ok && strings.Contains(series, lb)
			}
			if ok {
				v, _ := strconv.ParseFloat(value, 64)
				sum += v
			}
		}
		return sum
	}
}

func TestMetricsCountWhatHappened(t *testing.T) {
	url, _ := observedServer(t, telemetry.Config{Version: "test"})
	before := scrape(t, url)
	roundTrips := 0.0
	for i := 0; i < 3; i++ {
		doc, a := call(t, url, "", `query Members { countries(first: 5) { edges { node { id } } } }`, nil)
		if len(doc.Errors) > 0 {
			t.Fatalf("query Members: %+v", doc.Errors)
		}
		_ = a
	}
	a := send(t, "POST", url+"/graphql", "application/json", jsonBody(`query Missing { instrument(id: "no-such-treaty") { id } }`, nil), "X-Debug-Round-Trips", "1")
	if codes := codesOf(t, a); len(codes) != 1 || codes[0] != "NOT_FOUND" {
		t.Fatalf("query Missing: %v", codes)
	}
	after := scrape(t, url)

	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"kg_requests_total", []string{`operation="Members"`, `code="OK"`}, 3},
		{"kg_requests_total", []string{`operation="Missing"`, `code="NOT_FOUND"`}, 1},
		{"kg_request_duration_seconds_count", []string{`operation="Members"`}, 3},
		{"kg_graphql_cost_count", nil, 4},
		{"kg_request_round_trips_count", nil, 4 + 1}, // the first scrape is a request too
	} {
		if got := after(c.name, c.labels...) - before(c.name, c.labels...); got != c.want {
			t.Errorf("%s%v moved by %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	// Every statement the requests sent is counted, with Neo4j's timings.
	statements := after("kg_cypher_statements_total") - before("kg_cypher_statements_total")
	roundTrips = after("kg_request_round_trips_sum") - before("kg_request_round_trips_sum")
	if statements < 4 || statements != roundTrips {
		t.Errorf("kg_cypher_statements_total moved by %v, the requests' round trips by %v; want equal and at least 4", statements, roundTrips)
	}
	if got := after("kg_neo4j_query_seconds_count", `phase="available_after"`) - before("kg_neo4j_query_seconds_count", `phase="available_after"`); got != statements {
		t.Errorf("Neo4j timings recorded for %v statements, want %v", got, statements)
	}
	if after("kg_build_info", `version="test"`) != 1 || after("kg_neo4j_pool_in_use") < 0 {
		t.Errorf("build info or pool gauges missing")
	}
}

func TestRateLimitRejectionsAreCounted(t *testing.T) {
	url, _ := observedServer(t, telemetry.Config{}, func(c *Config) { c.CostPerMinute = 40 })
	for i := 0; i < 4; i++ {
		call(t, url, "", `{ countries(first: 10) { edges { node { id } } } }`, nil)
	}
	if got := scrape(t, url)("kg_rate_limited_total"); got < 1 {
		t.Errorf("kg_rate_limited_total is %v after spending the budget", got)
	}
}

func TestSpansNameOperationsAndStatementsButNoValues(t *testing.T) {
	exporter := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exporter))
	url, _ := observedServer(t, telemetry.Config{TracerProvider: tp})
	const secret = "needle-8472-lanzarote"
	doc, _ := call(t, url, "", `query Find($q: String!) { search(query: $q) { edges { node { id } } } country(id: "MU") { name } }`, map[string]any{"q": secret})
	if len(doc.Errors) > 0 {
		t.Fatalf("query Find: %+v", doc.Errors)
	}
	spans := exporter.GetSpans()
	var request *tracetest.SpanStub
	var statements []tracetest.SpanStub
	for i, s := range spans {
		switch {
		case s.Name == "graphql Find":
			request = &spans[i]
		case strings.HasPrefix(s.Name, "cypher "):
			statements = append(statements, s)
		}
		for _, kv := range s.Attributes {
			if strings.Contains(kv.Value.String(), secret) || strings.Contains(kv.Value.String(), "MU") && string(kv.Key) == "db.query.text" {
				t.Errorf("span %q attribute %s carries a value the client sent: %q", s.Name, kv.Key, kv.Value.String())
			}
		}
	}
	if request == nil {
		t.Fatalf("no span named \"graphql Find\" among %d spans", len(spans))
	}
	if len(statements) < 2 {
		t.Fatalf("%d statement spans, want one per statement (at least 2)", len(statements))
	}
	for _, s := range statements {
		if s.Parent.SpanID() != request.SpanContext.SpanID() {
			t.Errorf("statement span %q is not a child of the request span", s.Name)
		}
		text := ""
		for _, kv := range s.Attributes {
			if kv.Key == "db.query.text" {
				text = kv.Value.AsString()
			}
		}
		if !strings.Contains(text, "$") {
			t.Errorf("statement span %q: db.query.text %q is not a parameterised shape", s.Name, text)
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestSlowStatementsAreLoggedWithTheirShape(t *testing.T) {
	var logs syncBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	// A threshold no statement can beat, so every statement is slow.
	url, _ := observedServer(t, telemetry.Config{SlowQuery: time.Nanosecond, Logger: logger})
	const secret = "needle-5511-budapest"
	call(t, url, "", `query Find($q: String!) { search(query: $q) { edges { node { id } } } }`, map[string]any{"q": secret})
	out := logs.String()
	if !strings.Contains(out, `"msg":"slow query"`) || !strings.Contains(out, `"cypher":"`) || !strings.Contains(out, `"request_id":"`) {
		t.Fatalf("no slow-query line with its Cypher shape and request id in:\n%s", out)
	}
	if strings.Contains(out, secret) {
		t.Errorf("the slow-query log holds a value the client sent:\n%s", out)
	}

	var quiet syncBuffer
	url, _ = observedServer(t, telemetry.Config{SlowQuery: time.Hour, Logger: slog.New(slog.NewJSONHandler(&quiet, nil))})
	call(t, url, "", `{ country(id: "MU") { name } }`, nil)
	if strings.Contains(quiet.String(), "slow query") {
		t.Errorf("a statement under the threshold was logged as slow:\n%s", quiet.String())
	}
}
