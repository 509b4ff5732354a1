package resolvers_test

import (
	"fmt"
	"maps"
	"os"
	"sort"
	"strconv"
	"strings"

	"bytes"
	"context"
	"encoding/json"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/coe-child-online/knowledge-graph/auth"
	"github.com/coe-child-online/knowledge-graph/graph"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore/neo4jtest"
	"github.com/coe-child-online/knowledge-graph/resolvers"
	"github.com/coe-child-online/knowledge-graph/resolvers/loaders"
	"github.com/coe-child-online/knowledge-graph/telemetry"
)

// apis serves the same schema on the test Neo4j twice: through the read
// planner, and level by level through the resolvers and their batch
// loaders, the planner's oracle.
type apis struct {
	planned, levels http.Handler
}

// answer is one GraphQL answer with the statements it cost.
type answer struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	trips int64
}

func newAPIs(tb testing.TB, store *neo4jstore.Store, now func() time.Time) *apis {
	tb.Helper()
	r := resolvers.New(store, now)
	es := graph.NewExecutableSchema(graph.Config{Resolvers: r})
	p, err := resolvers.NewPlanner(r, es, 200)
	if err != nil {
		tb.Fatal(err)
	}
	serve := func(planned bool) http.Handler {
		h := handler.New(es)
		h.AddTransport(transport.POST{})
		if planned {
			h.Use(p)
		}
		return loaders.Middleware(store, h)
	}
	return &apis{planned: serve(true), levels: serve(false)}
}

// ask sends a query to h and returns its answer.
func ask(tb testing.TB, h http.Handler, query string, vars map[string]any) answer {
	tb.Helper()
	return askAs(tb, h, auth.Principal{}, query, vars)
}

// askAs sends a query to h as the caller p.
func askAs(tb testing.TB, h http.Handler, p auth.Principal, query string, vars map[string]any) answer {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	ctx, rt := telemetry.WithRoundTrips(auth.WithPrincipal(context.Background(), p))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req.WithContext(ctx))
	var a answer
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
		tb.Fatalf("query %s: answer is not JSON: %v\n%s", query, err, rec.Body.String())
	}
	a.trips = rt.Count()
	return a
}

// rootFields counts the root fields of a query's operation.
func rootFields(tb testing.TB, query string) int {
	tb.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		tb.Fatalf("query %s: %v", query, err)
	}
	return len(doc.Operations[0].SelectionSet)
}

// firstDifference returns where two JSON values first differ, and how;
// "" when they are equal.
func firstDifference(path string, a, b any) string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: %s vs %s", path, short(a), short(b))
		}
		keys := make([]string, 0, len(x)+len(y))
		for k := range x {
			keys = append(keys, k)
		}
		for k := range y {
			if _, ok := x[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			if d := firstDifference(path+"."+k, x[k], y[k]); d != "" {
				return d
			}
		}
		return ""
	case []any:
		y, ok := b.([]any)
		if !ok {
			return fmt.Sprintf("%s: %s vs %s", path, short(a), short(b))
		}
		for i := 0; i < len(x) && i < len(y); i++ {
			if d := firstDifference(fmt.Sprintf("%s[%d]", path, i), x[i], y[i]); d != "" {
				return d
			}
		}
		if len(x) != len(y) {
			return fmt.Sprintf("%s: %d items vs %d", path, len(x), len(y))
		}
		return ""
	}
	if fmt.Sprint(a) != fmt.Sprint(b) {
		return fmt.Sprintf("%s: %s vs %s", path, short(a), short(b))
	}
	return ""
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 200 {
		return string(b[:200]) + "..."
	}
	return string(b)
}

// compare returns the first difference between the planner's answer and
// the oracle's: their data, then their errors' codes.
func compare(got, want answer) string {
	var g, w any
	_ = json.Unmarshal(got.Data, &g)
	_ = json.Unmarshal(want.Data, &w)
	if d := firstDifference("data", g, w); d != "" {
		return d
	}
	codes := func(a answer) []any {
		var out []any
		for _, e := range a.Errors {
			out = append(out, e.Extensions["code"])
		}
		return out
	}
	return firstDifference("errors", codes(got), codes(want))
}

// plannerOnly reports whether every error of the oracle's answer is the
// resolvers' refusal of a field only the planner answers
// (resolvers/analytics.go).
func plannerOnly(a answer) bool {
	for _, e := range a.Errors {
		if !strings.Contains(e.Message, "is answered below the root lists") {
			return false
		}
	}
	return len(a.Errors) > 0
}

// TestPlannedQueriesOfTheProject runs every worked example of
// docs/queries.md and every document of the explorer through the planner
// and level by level: the answers must be equal, and the planner must send
// one statement per root field.
func TestPlannedQueriesOfTheProject(t *testing.T) {
	store := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, store)
	a := newAPIs(t, store, time.Now)
	corpus := append(append(exampleQueries(t), explorerQueries(t)...), featureQueries()...)
	if len(corpus) < 30 {
		t.Fatalf("%d queries in the corpus: the examples or the explorer's queries were not found", len(corpus))
	}
	for _, q := range corpus {
		got := ask(t, a.planned, q.query, q.vars)
		want := ask(t, a.levels, q.query, q.vars)
		if len(want.Errors) > 0 && plannerOnly(want) {
			// Analytics (aggregate, groupBy, values, nested sorts) have no
			// level-by-level resolver: the planner must answer them, in
			// one statement per root field; httpapi's tests compare the
			// answers with the seed.
			if len(got.Errors) > 0 {
				t.Errorf("%s: the planner answers errors %v", q.name, got.Errors)
			}
			if n := rootFields(t, q.query); got.trips != int64(n) {
				t.Errorf("%s: %d statements for %d root fields, want one each\nquery: %s", q.name, got.trips, n, q.query)
			}
			continue
		}
		if len(want.Errors) > 0 {
			t.Errorf("%s: the oracle answers errors %v", q.name, want.Errors)
			continue
		}
		if d := compare(got, want); d != "" {
			t.Errorf("%s: the planner's answer differs from the resolvers' at %s\nquery: %s\nvariables: %v", q.name, d, q.query, q.vars)
		}
		if n := rootFields(t, q.query); got.trips != int64(n) {
			t.Errorf("%s: %d statements for %d root fields, want one each\nquery: %s", q.name, got.trips, n, q.query)
		}
	}
}

// TestMutationPayloadIsOneMoreStatement updates a node three times: asking
// only for the node's id (the write alone), with a nested selection through
// the planner, and with the same selection level by level. The planned
// payload costs one statement more than the write, and answers like the
// resolvers.
func TestMutationPayloadIsOneMoreStatement(t *testing.T) {
	store := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, store)
	a := newAPIs(t, store, time.Now)
	curator := auth.Principal{Name: "planner test", Role: auth.RoleCurator, Method: auth.MethodAPIKey}
	const mutation = `mutation($v: Int!, $name: String!) { updateEntity(input: {id: "glacy-plus", version: $v, name: $name, sources: [{title: "test"}]}) {
  change { action } node { %s } } }`
	const nested = `id name ... on Project { targets(first: 100) { totalCount edges { node { iso2 treaties(first: 3) { edges { node { id } status } } } } } funders { edges { node { __typename id } } } }`
	version := func() int {
		v := ask(t, a.levels, `{ project(id: "glacy-plus") { version } }`, nil)
		var d struct {
			Project struct{ Version int } `json:"project"`
		}
		if err := json.Unmarshal(v.Data, &d); err != nil {
			t.Fatal(err)
		}
		return d.Project.Version
	}
	update := func(h http.Handler, selection, name string) answer {
		got := askAs(t, h, curator, fmt.Sprintf(mutation, selection), map[string]any{"v": version(), "name": name})
		if len(got.Errors) > 0 {
			t.Fatalf("update %s: %+v", selection, got.Errors)
		}
		return got
	}
	write := update(a.planned, "id", "GLACY+ one")
	planned := update(a.planned, nested, "GLACY+ two")
	levels := update(a.levels, nested, "GLACY+ two")
	if planned.trips != write.trips+1 {
		t.Errorf("the planned payload cost %d statements, the write alone %d: want one more", planned.trips, write.trips)
	}
	if d := compare(planned, levels); d != "" {
		t.Errorf("the planned payload differs from the resolvers' at %s", d)
	}
	if !bytes.Contains(planned.Data, []byte(`"totalCount":`)) || bytes.Contains(planned.Data, []byte(`"totalCount":0`)) {
		t.Errorf("the payload's node has no targets: %s", planned.Data)
	}
}

// nodeIDs returns the ids of the seed graph's nodes by label, and the
// treaties under "Treaty".
func nodeIDs(tb testing.TB, h http.Handler) map[string][]string {
	tb.Helper()
	out := map[string][]string{}
	for label, field := range map[string]string{"Instrument": "instruments", "Body": "bodies", "Project": "projects", "Country": "countries",
		"Resource": "resources", "Event": "events", "MonitoringRound": "monitoringRounds", "Topic": "topics"} {
		number := ""
		if label == "Instrument" {
			number = "number"
		}
		a := ask(tb, h, fmt.Sprintf(`{ l: %s(first: 500) { edges { node { id %s } } } }`, field, number), nil)
		var d struct {
			L struct {
				Edges []struct {
					Node struct {
						ID     string  `json:"id"`
						Number *string `json:"number"`
					} `json:"node"`
				} `json:"edges"`
			} `json:"l"`
		}
		if err := json.Unmarshal(a.Data, &d); err != nil || len(d.L.Edges) == 0 {
			tb.Fatalf("ids of %s: %v %s", label, err, a.Data)
		}
		for _, e := range d.L.Edges {
			out[label] = append(out[label], e.Node.ID)
			if e.Node.Number != nil {
				out["Treaty"] = append(out["Treaty"], e.Node.ID)
			}
		}
	}
	return out
}

// envUint reads a number from the environment, or returns dflt.
func envUint(tb testing.TB, name string, dflt uint64) uint64 {
	tb.Helper()
	s := os.Getenv(name)
	if s == "" {
		return dflt
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		tb.Fatalf("%s=%q: %v", name, s, err)
	}
	return n
}

// TestPlannerMatchesResolvers is the planner's differential test: random
// queries over the schema (nodes nested to depth 4 through every kind of
// connection, aliases, fragments, filters, sorts, languages, asOf dates,
// and root lists read page after page through their cursors), each run
// through the planner and level by level through the resolvers, must get
// equal answers. PLANNER_SEED replays another seed (the default is fixed);
// PLANNER_SHAPE runs only one of a seed's query shapes. A failure names
// the seed, the shape, the query, its variables and the first difference.
func TestPlannerMatchesResolvers(t *testing.T) {
	seed := envUint(t, "PLANNER_SEED", 1)
	only := int(envUint(t, "PLANNER_SHAPE", 0))
	const minQueries, setsPerShape = 2000, 35
	store := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, store)
	// Neo4j samples the new indexes in the background and then plans
	// cached statements again; sampled now, each statement is planned once.
	neo4jtest.Query(t, "CALL db.prepareForReplanning()", nil)
	a := newAPIs(t, store, time.Now)
	g := newQueryGen(seed, graph.NewExecutableSchema(graph.Config{}).Schema(), nodeIDs(t, a.levels))
	ran, failed := 0, 0
	for shape := 1; ran < minQueries && failed < 5; shape++ {
		q := g.query(1+(shape-1)%4, setsPerShape)
		if only != 0 && shape != only {
			continue
		}
		for _, vars := range q.vars {
			for page := 0; page < 2; page++ {
				want := ask(t, a.levels, q.text, vars)
				got := ask(t, a.planned, q.text, vars)
				ran++
				for _, e := range want.Errors {
					if e.Extensions["code"] == "GRAPHQL_VALIDATION_FAILED" || e.Extensions["code"] == "GRAPHQL_PARSE_FAILED" {
						t.Fatalf("seed %d shape %d: the generator wrote an invalid query: %s\nquery: %s", seed, shape, e.Message, q.text)
					}
				}
				if d := compare(got, want); d != "" {
					failed++
					t.Errorf("seed %d shape %d (PLANNER_SEED=%d PLANNER_SHAPE=%d): the planner's answer differs from the resolvers' at %s\nquery: %s\nvariables: %v",
						seed, shape, seed, shape, d, q.text, vars)
					break
				}
				if got.trips != 1 {
					failed++
					t.Errorf("seed %d shape %d: %d statements for one root field\nquery: %s", seed, shape, got.trips, q.text)
				}
				// The next page, through the oracle's cursor.
				cursor := endCursor(want.Data)
				if !q.pages || cursor == "" {
					break
				}
				vars = maps.Clone(vars)
				vars["after"] = cursor
			}
		}
		if only != 0 {
			return
		}
	}
	t.Logf("seed %d: %d queries", seed, ran)
}

// endCursor returns the end cursor of the root connection of an answer,
// when it has a next page.
func endCursor(data json.RawMessage) string {
	var d map[string]struct {
		PageInfo struct {
			HasNextPage bool   `json:"hasNextPage"`
			EndCursor   string `json:"endCursor"`
		} `json:"pageInfo"`
	}
	if json.Unmarshal(data, &d) != nil {
		return ""
	}
	for _, v := range d {
		if v.PageInfo.HasNextPage {
			return v.PageInfo.EndCursor
		}
	}
	return ""
}

// TestOneStatementPerRootField sends generated queries whose nodes nest
// one to five levels deep, each root field of every kind the planner
// answers: each costs one statement, however deep. (The differential test
// checks the same of its own queries.)
func TestOneStatementPerRootField(t *testing.T) {
	store := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, store)
	a := newAPIs(t, store, time.Now)
	g := newQueryGen(envUint(t, "PLANNER_SEED", 1)+1000, graph.NewExecutableSchema(graph.Config{}).Schema(), nodeIDs(t, a.levels))
	for depth := 1; depth <= 5; depth++ {
		for i := 0; i < 2; i++ {
			q := g.query(depth, 1)
			got := ask(t, a.planned, q.text, q.vars[0])
			if len(got.Errors) > 0 {
				t.Errorf("depth %d: errors %v\nquery: %s\nvariables: %v", depth, got.Errors, q.text, q.vars[0])
				continue
			}
			if got.trips != 1 {
				t.Errorf("depth %d: %d statements for one root field\nquery: %s", depth, got.trips, q.text)
			}
		}
	}
}
