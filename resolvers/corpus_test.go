package resolvers_test

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/coe-child-online/knowledge-graph/web"
)

// corpusQuery is a query the project ships: a worked example of
// docs/queries.md or a document the explorer sends, with variables to run
// it on the seed graph.
type corpusQuery struct {
	name  string
	query string
	vars  map[string]any
}

// explorerVars are values for the explorer's operations on the seed graph.
var explorerVars = map[string][]map[string]any{
	"ExplorerSearch":                 {{"q": "lanzarote"}, {"q": "cyber", "types": []any{"PROJECT", "BODY"}, "first": 5}},
	"ExplorerNodeName":               {{"id": "cets-201"}, {"id": "country-fr"}},
	"ExplorerEntity":                 {{"id": "cets-201"}, {"id": "glacy-plus"}, {"id": "country-mu"}, {"id": "lanzarote-committee"}},
	"ExplorerRelations":              {{"id": "glacy-plus"}, {"id": "cets-201", "asOf": "2015-01-01"}},
	"ExplorerNeighbourhood":          {{"id": "glacy-plus", "limit": 50}, {"id": "cets-201", "asOf": "2012-01-01", "limit": 500}},
	"ExplorerShortestPath":           {{"from": "country-mu", "to": "cets-201", "maxHops": 4}, {"from": "glacy-plus", "to": "country-fr", "asOf": "2016-01-01"}},
	"ExplorerCoverage":               {{"instruments": []any{"cets-201", "ets-185", "cets-224"}}, {"instruments": []any{"cets-201"}, "asOf": "2012-06-30"}},
	"ExplorerTimeline":               {{"instrument": "ets-185", "action": "RATIFICATION", "interval": "YEAR"}},
	"ExplorerCountryTreaties":        {{"id": "country-fr"}, {"id": "country-mu"}},
	"ExplorerInstrumentParticipants": {{"id": "cets-201"}, {"id": "ets-185"}},
	"ExplorerMap":                    {{"instrument": "cets-201"}, {"instrument": "ets-185", "asOf": "2015-01-01"}},
	"ExplorerChartRatifications":     {{"instruments": []any{"cets-201", "ets-185", "ets-189", "cets-224"}, "count": 4}, {"instruments": []any{"cets-201"}, "count": 1, "asOf": "2012-06-30"}},
	"ExplorerChartFunders":           {{"first": 10}, {"first": 50, "asOf": "2015-01-01"}},
	"ExplorerChartStatuses":          {{"instrument": "cets-201"}, {"instrument": "ets-185", "asOf": "2012-06-30"}},
}

var (
	jsConst       = regexp.MustCompile("(?s)(?:export )?const ([A-Z_]+) = (?:`(.*?)`|'([^']*)');")
	jsRelations   = regexp.MustCompile("(?s)export function relationsQuery\\(typename\\) \\{.*?return `(.*?)`;")
	jsPlaceholder = regexp.MustCompile(`\$\{(\w+)\}`)
)

// explorerQueries reads the documents of web/explorer/src/explore/queries.js:
// its template strings, with their ${...} parts filled in, and the
// relations query for each node type.
func explorerQueries(tb testing.TB) []corpusQuery {
	tb.Helper()
	b, err := os.ReadFile("../web/explorer/src/explore/queries.js")
	if err != nil {
		tb.Fatal(err)
	}
	src := string(b)
	consts := map[string]string{}
	expand := func(s string, extra map[string]string) string {
		return jsPlaceholder.ReplaceAllStringFunc(s, func(m string) string {
			name := jsPlaceholder.FindStringSubmatch(m)[1]
			if v, ok := extra[name]; ok {
				return v
			}
			v, ok := consts[name]
			if !ok {
				tb.Fatalf("queries.js: %s is not a constant this test can fill in", m)
			}
			return v
		})
	}
	var docs []string
	for _, m := range jsConst.FindAllStringSubmatch(src, -1) {
		consts[m[1]] = expand(m[2]+m[3], nil)
		if strings.Contains(m[2], "query ") {
			docs = append(docs, consts[m[1]])
		}
	}
	rel := jsRelations.FindStringSubmatch(src)
	if rel == nil {
		tb.Fatal("queries.js: relationsQuery not found")
	}
	for _, typ := range []string{"Instrument", "Body", "Project", "Country", "Resource", "Event", "MonitoringRound", "Topic"} {
		docs = append(docs, expand(rel[1], map[string]string{"typename": typ}))
	}
	var out []corpusQuery
	for _, d := range docs {
		op := regexp.MustCompile(`query (\w+)`).FindStringSubmatch(d)[1]
		vars, ok := explorerVars[op]
		if !ok {
			tb.Fatalf("queries.js: no test variables for %s", op)
		}
		for i, v := range vars {
			out = append(out, corpusQuery{name: fmt.Sprintf("explorer %s #%d", op, i+1), query: d, vars: v})
		}
	}
	return out
}

// exampleQueries returns the worked examples of docs/queries.md.
func exampleQueries(tb testing.TB) []corpusQuery {
	tb.Helper()
	examples, err := web.Examples()
	if err != nil {
		tb.Fatal(err)
	}
	var out []corpusQuery
	for _, e := range examples {
		out = append(out, corpusQuery{name: "example " + e.Name, query: e.Query})
	}
	return out
}

// featureQueries reach what neither the examples nor the explorer ask for:
// variants and stated figures, counts, aliases of one field with other
// arguments, fragments on interfaces, every kind of connection, paging.
func featureQueries() []corpusQuery {
	q := func(name, query string, vars map[string]any) corpusQuery {
		return corpusQuery{name: "feature " + name, query: query, vars: vars}
	}
	return []corpusQuery{
		q("variants and figures", `{ countries(first: 100, where: {iso2: {in: ["TR", "IS"]}}) { edges { node { id coeAccession properties variants { property value preferred note sources { url title retrieved } } statedFigures { what value } } } }
  body(id: "council-of-europe") { statedFigures { __typename what value date note sources { title } } variants { property } } }`, nil),
		q("party counts", `query($d: Date) { instruments(first: 10, sort: [{field: PARTIES, direction: DESC}]) { edges { node { id now: partyCount then: partyCount(asOf: $d) } } } }`, map[string]any{"d": "2015-06"}),
		q("participation variants", `{ instrument(id: "cets-201") { participants(first: 500) { edges { node { id } variants { property value preferred } } } } }`, nil),
		q("aliases with their own arguments", `{ c: country(id: "country-fr") { a: treaties(first: 2) { edges { cursor node { id } } pageInfo { endCursor hasNextPage } } b: treaties(first: 3, language: FR, status: [SIGNED]) { totalCount edges { status node { name } } } } }`, nil),
		q("fragments on the interface", `query { node(id: "glacy-plus") { ...N ... on Project { funders { edges { node { ...N ... on Country { iso2 } ... on Body { acronym } } } } } } } fragment N on Node { __typename id name sources { title } }`, nil),
		q("relations by type and direction", `{ body(id: "lanzarote-committee") { out: relations(direction: OUTGOING, types: [MONITORS, PART_OF]) { totalCount edges { type direction node { id } } } all: relations(first: 3, asOf: "2012") { edges { cursor type key version properties } pageInfo { hasNextPage endCursor } } } }`, nil),
		q("search with nested connections", `{ search(query: "convention", types: [INSTRUMENT], first: 3) { totalCount pageInfo { hasNextPage endCursor } edges { cursor score node { id ... on Instrument { parties(first: 2) { totalCount edges { node { iso2 } status } } } } } } }`, nil),
		q("all shortest paths", `{ allShortestPaths(from: "country-mu", to: "ets-185", maxHops: 3, first: 5) { length nodes { __typename id ... on Country { projects(first: 1) { totalCount } } } edges { type from to key version sources { title } } } }`, nil),
		q("neighbourhood without edges", `{ neighbourhood(id: "cets-201", depth: 2, limit: 40, relationTypes: [MONITORS, SUPPORTS, SUPPLEMENTS]) { truncated nodes { id name } } }`, nil),
		q("coverage of chosen states", `{ coverage(instruments: ["ets-185", "ets-189"], countries: {iso2: {in: ["FR", "MU", "US"]}}, asOf: "2010") { __typename country { iso2 treaties(first: 1) { totalCount } } cells { __typename instrument { id number } status possibleStatus certain window { from to } statusNote signedWindow { from } } } }`, nil),
		q("lists by every sort", `{ a: projects(first: 5, sort: [{field: TARGETS, direction: DESC}, {field: NAME, language: FR}]) { edges { cursor node { id startDate endDate } } }
  b: events(first: 5, sort: [{field: START_DATE, direction: DESC}]) { totalCount edges { node { id startDate } } }
  c: bodies(first: 5, sort: [{field: RELATIONS, direction: DESC}]) { edges { node { id } } }
  d: resources(first: 5, sort: [{field: PUBLISHED}], asOf: "2015-01-01") { edges { node { id published } } } }`, nil),
	}
}
