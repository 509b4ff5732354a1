package neo4jstore_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore/neo4jtest"
	"github.com/coe-child-online/knowledge-graph/seed"
	"github.com/coe-child-online/knowledge-graph/seed/seedcsv"
)

// seedGraph is the seed data as an undirected multigraph, walked in Go to
// compute what the store's traversals must return.
type seedGraph struct {
	data *seed.Data
	byID map[string]model.Entity
	adj  map[string][]int // node id -> indexes into data.Relations
}

func newSeedGraph(data *seed.Data) seedGraph {
	g := seedGraph{data: data, byID: map[string]model.Entity{}, adj: map[string][]int{}}
	for _, e := range data.Entities {
		g.byID[e.ID] = e
	}
	for i, r := range data.Relations {
		g.adj[r.From] = append(g.adj[r.From], i)
		if r.To != r.From {
			g.adj[r.To] = append(g.adj[r.To], i)
		}
	}
	return g
}

func (g seedGraph) other(i int, id string) string {
	if r := g.data.Relations[i]; r.From == id {
		return r.To
	} else {
		return r.From
	}
}

// seedFilter is a traversal as the tests read it: relationship types, and
// the day on which a fact must hold. The date rule is the one the API
// documents: a fact holds from the first date its properties give (for a
// relationship "date" or "since"; for a node the start, opening, adoption,
// launch, publication or establishment date) until its end date, and a
// fact with no date always holds.
type seedFilter struct {
	types map[string]bool
	asOf  string
}

func firstDate(props map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, ok := props[k].(string); ok {
			if d, err := model.ParseDate(s); err == nil {
				return string(d)
			}
		}
	}
	return ""
}

func holdsOn(day, from, until string) bool {
	return day == "" || (from <= day && (until == "" || until >= day))
}

func (f seedFilter) relOK(r model.RelationRecord) bool {
	if len(f.types) > 0 && !f.types[r.Type] {
		return false
	}
	return holdsOn(f.asOf, firstDate(r.Properties, "date", "since"), firstDate(r.Properties, "until"))
}

func (f seedFilter) nodeOK(e model.Entity) bool {
	return holdsOn(f.asOf,
		firstDate(e.Properties, "startDate", "opened", "adopted", "launched", "published", "date", "established"),
		firstDate(e.Properties, "endDate", "operationalUntil"))
}

func (f seedFilter) traversal() model.Traversal {
	t := model.Traversal{}
	for typ := range f.types {
		t.Types = append(t.Types, typ)
	}
	sort.Strings(t.Types)
	if f.asOf != "" {
		d := model.Date(f.asOf)
		t.AsOf = &d
	}
	return t
}

// levels returns the BFS level of every node within depth hops of start
// (the start node itself is exempt from the filter).
func (g seedGraph) levels(start string, depth int, f seedFilter) map[string]int {
	level := map[string]int{start: 0}
	frontier := []string{start}
	for d := 1; d <= depth && len(frontier) > 0; d++ {
		var next []string
		for _, id := range frontier {
			for _, i := range g.adj[id] {
				o := g.other(i, id)
				if _, seen := level[o]; seen || !f.relOK(g.data.Relations[i]) || !f.nodeOK(g.byID[o]) {
					continue
				}
				level[o] = d
				next = append(next, o)
			}
		}
		frontier = next
	}
	return level
}

// shortestPaths lists every shortest path of at most maxHops from one node
// to another, each written by pathLine, sorted.
func (g seedGraph) shortestPaths(from, to string, maxHops int, f seedFilter) []string {
	level := g.levels(from, maxHops, f)
	if _, ok := level[to]; !ok {
		return nil
	}
	var out []string
	var walk func(at string, tail []string)
	walk = func(at string, tail []string) {
		if at == from {
			out = append(out, at+strings.Join(tail, ""))
			return
		}
		for _, i := range g.adj[at] {
			r := g.data.Relations[i]
			prev := g.other(i, at)
			if l, ok := level[prev]; ok && l == level[at]-1 && f.relOK(r) {
				step := fmt.Sprintf(" -[%s %s>%s]- %s", r.Type, r.From, r.To, at)
				walk(prev, append([]string{step}, tail...))
			}
		}
	}
	walk(to, nil)
	sort.Strings(out)
	return out
}

func pathLine(p model.Path) string {
	var b strings.Builder
	b.WriteString(p.Nodes[0].GetID())
	for i, e := range p.Edges {
		fmt.Fprintf(&b, " -[%s %s>%s]- %s", e.Type, e.From, e.To, p.Nodes[i+1].GetID())
	}
	return b.String()
}

// checkPath checks a path's shape: its length, that each edge joins the
// nodes beside it, and that every edge has a source.
func checkPath(t *testing.T, query string, p model.Path) {
	t.Helper()
	if p.Length != len(p.Edges) || len(p.Nodes) != len(p.Edges)+1 {
		t.Errorf("%s: length %d with %d nodes and %d edges", query, p.Length, len(p.Nodes), len(p.Edges))
		return
	}
	for i, e := range p.Edges {
		a, b := p.Nodes[i].GetID(), p.Nodes[i+1].GetID()
		if !(e.From == a && e.To == b) && !(e.From == b && e.To == a) {
			t.Errorf("%s: edge %d %s %s>%s does not join %s and %s", query, i, e.Type, e.From, e.To, a, b)
		}
		if len(e.Sources) == 0 {
			t.Errorf("%s: edge %d %s %s>%s has no source", query, i, e.Type, e.From, e.To)
		}
	}
}

func TestShortestPathsFollowTheSeedRelations(t *testing.T) {
	s := neo4jtest.Open(t)
	g := newSeedGraph(neo4jtest.LoadSeed(t, s))
	ctx := context.Background()
	const from, to = "country-mu", "cets-201"

	all := g.shortestPaths(from, to, neo4jstore.MaxPathHops, seedFilter{})
	if len(all) == 0 {
		t.Fatalf("the seed has no path from %s to %s: pick other ends", from, to)
	}
	dist := strings.Count(all[0], " -[")

	one, err := s.ShortestPaths(ctx, from, to, neo4jstore.MaxPathHops, false, model.Traversal{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(one) != 1 {
		t.Fatalf("shortestPath %s-%s: %d paths, want 1", from, to, len(one))
	}
	checkPath(t, "shortestPath", one[0])
	if one[0].Length != dist {
		t.Errorf("shortestPath %s-%s: length %d, want the seed distance %d", from, to, one[0].Length, dist)
	}
	if got := pathLine(one[0]); !slices.Contains(all, got) {
		t.Errorf("shortestPath %s-%s = %s, which is not a shortest path of the seed:\n%s", from, to, got, strings.Join(all, "\n"))
	}

	// found says whether the seed must have such a path, for the cases
	// whose point is that it has none or that it has some.
	yes, no := true, false
	cases := []struct {
		name    string
		maxHops int
		filter  seedFilter
		found   *bool
	}{
		{name: "unrestricted", maxHops: neo4jstore.MaxPathHops, found: &yes},
		{name: "exactly the distance", maxHops: dist, found: &yes},
		{name: "below the distance", maxHops: dist - 1, found: &no},
		{name: "only TARGETS", maxHops: neo4jstore.MaxPathHops, filter: seedFilter{types: map[string]bool{"TARGETS": true}}, found: &no},
		{name: "as of 2000-01-01", maxHops: neo4jstore.MaxPathHops, filter: seedFilter{asOf: "2000-01-01"}},
		{name: "as of 2012-01-01", maxHops: neo4jstore.MaxPathHops, filter: seedFilter{asOf: "2012-01-01"}},
		{name: "only treaty relationships", maxHops: neo4jstore.MaxPathHops, filter: seedFilter{types: map[string]bool{"SIGNED": true, "RATIFIED": true, "SUPPLEMENTS": true}}, found: &yes},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.maxHops < 1 {
				t.Skipf("distance %d leaves no shorter bound to try", dist)
			}
			want := g.shortestPaths(from, to, c.maxHops, c.filter)
			if c.found != nil && *c.found != (len(want) > 0) {
				t.Fatalf("test data: seed has %d such paths, the case wants found=%v", len(want), *c.found)
			}
			paths, err := s.ShortestPaths(ctx, from, to, c.maxHops, true, c.filter.traversal(), 1000)
			if err != nil {
				t.Fatal(err)
			}
			got := make([]string, len(paths))
			order := make([]string, len(paths))
			for i, p := range paths {
				checkPath(t, "allShortestPaths "+c.name, p)
				got[i] = pathLine(p)
				for _, n := range p.Nodes {
					order[i] += n.GetID() + " "
				}
			}
			if !sort.StringsAreSorted(order) {
				t.Errorf("allShortestPaths %s: not ordered by node ids:\n%s", c.name, strings.Join(order, "\n"))
			}
			sort.Strings(got)
			if want == nil {
				want = []string{}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("allShortestPaths %s-%s %s (-seed +graph):\n%s", from, to, c.name, diff)
			}
			single, err := s.ShortestPaths(ctx, from, to, c.maxHops, false, c.filter.traversal(), 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(single) != min(len(want), 1) {
				t.Errorf("shortestPath %s: %d paths, want %d", c.name, len(single), min(len(want), 1))
			}
		})
	}

	// The as-of view must really hide something here, or the case above
	// proves nothing.
	if asOf := g.shortestPaths(from, to, neo4jstore.MaxPathHops, seedFilter{asOf: "2000-01-01"}); cmp.Equal(asOf, all) {
		t.Errorf("test data: no shortest path from %s to %s goes through a fact dated after 2000-01-01", from, to)
	}

	{
		head, err := s.ShortestPaths(ctx, from, to, neo4jstore.MaxPathHops, true, model.Traversal{}, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(head) != 1 || pathLine(head[0]) != all[0] {
			t.Errorf("allShortestPaths limit 1: got %d paths, want only %s", len(head), all[0])
		}
	}
}

func TestShortestPathEnds(t *testing.T) {
	s := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, s)
	ctx := context.Background()

	same, err := s.ShortestPaths(ctx, "cets-201", "cets-201", 3, true, model.Traversal{}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(same) != 1 || same[0].Length != 0 || len(same[0].Nodes) != 1 || same[0].Nodes[0].GetID() != "cets-201" || len(same[0].Edges) != 0 {
		t.Errorf("path from cets-201 to itself = %+v, want one path of length 0 holding cets-201", same)
	}
	for _, ends := range [][2]string{{"no-such-node", "cets-201"}, {"cets-201", "no-such-node"}} {
		_, err := s.ShortestPaths(ctx, ends[0], ends[1], 3, false, model.Traversal{}, 1)
		if code := model.ErrorCode(err); code != model.CodeNotFound {
			t.Errorf("shortestPath %s-%s: code %s (%v), want NOT_FOUND", ends[0], ends[1], code, err)
		}
	}
}

func subgraphLines(g model.Subgraph) (nodes, edges []string) {
	nodes = []string{}
	edges = []string{}
	for _, n := range g.Nodes {
		nodes = append(nodes, n.GetID())
	}
	for _, e := range g.Edges {
		edges = append(edges, fmt.Sprintf("%s %s>%s", e.Type, e.From, e.To))
	}
	return nodes, edges
}

// wantSubgraph computes the neighbourhood from the seed: nodes by level then
// id, and every relationship the filter keeps between two of them, by type,
// from, to.
func (g seedGraph) wantSubgraph(start string, depth int, f seedFilter) (nodes, edges []string) {
	level := g.levels(start, depth, f)
	for id := range level {
		nodes = append(nodes, id)
	}
	sort.Slice(nodes, func(i, j int) bool {
		if level[nodes[i]] != level[nodes[j]] {
			return level[nodes[i]] < level[nodes[j]]
		}
		return nodes[i] < nodes[j]
	})
	var kept []model.RelationRecord
	for _, r := range g.data.Relations {
		_, a := level[r.From]
		_, b := level[r.To]
		if a && b && f.relOK(r) {
			kept = append(kept, r)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool {
		a, b := kept[i], kept[j]
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		if a.From != b.From {
			return a.From < b.From
		}
		return a.To < b.To
	})
	edges = []string{}
	for _, r := range kept {
		edges = append(edges, fmt.Sprintf("%s %s>%s", r.Type, r.From, r.To))
	}
	return nodes, edges
}

func TestNeighbourhoodMatchesTheSeed(t *testing.T) {
	s := neo4jtest.Open(t)
	g := newSeedGraph(neo4jtest.LoadSeed(t, s))
	ctx := context.Background()
	const start = "glacy-plus"

	cases := []struct {
		name   string
		depth  int
		filter seedFilter
	}{
		{name: "depth 2", depth: 2},
		{name: "depth 1 TARGETS", depth: 1, filter: seedFilter{types: map[string]bool{"TARGETS": true}}},
		{name: "depth 2 as of 2015-01-01", depth: 2, filter: seedFilter{asOf: "2015-01-01"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantNodes, wantEdges := g.wantSubgraph(start, c.depth, c.filter)
			if len(wantNodes) > neo4jstore.MaxNeighbourhoodLimit {
				t.Fatalf("test data: %d nodes is more than the limit", len(wantNodes))
			}
			got, err := s.Neighbourhood(ctx, start, c.depth, c.filter.traversal(), neo4jstore.MaxNeighbourhoodLimit)
			if err != nil {
				t.Fatal(err)
			}
			gotNodes, gotEdges := subgraphLines(got)
			if diff := cmp.Diff(wantNodes, gotNodes); diff != "" {
				t.Errorf("neighbourhood %s %s nodes (-seed +graph):\n%s", start, c.name, diff)
			}
			if diff := cmp.Diff(wantEdges, gotEdges); diff != "" {
				t.Errorf("neighbourhood %s %s edges (-seed +graph):\n%s", start, c.name, diff)
			}
			if got.Truncated {
				t.Errorf("neighbourhood %s %s: truncated, want complete", start, c.name)
			}
			for _, e := range got.Edges {
				if len(e.Sources) == 0 {
					t.Errorf("neighbourhood %s %s: edge %s %s>%s has no source", start, c.name, e.Type, e.From, e.To)
				}
			}
		})
	}

	// The TARGETS case must be glacy-plus and exactly its target countries.
	targets := []string{}
	for _, r := range g.data.Relations {
		if r.Type == "TARGETS" && r.From == start {
			targets = append(targets, r.To)
		}
	}
	sort.Strings(targets)
	got, err := s.Neighbourhood(ctx, start, 1, model.Traversal{Types: []string{"TARGETS"}}, neo4jstore.MaxNeighbourhoodLimit)
	if err != nil {
		t.Fatal(err)
	}
	gotNodes, _ := subgraphLines(got)
	if diff := cmp.Diff(append([]string{start}, targets...), gotNodes); diff != "" {
		t.Errorf("neighbourhood %s depth 1 TARGETS (-glacy-plus and its targets +graph):\n%s", start, diff)
	}

	// A limit keeps the first nodes in level-then-id order and says so.
	wantNodes, _ := g.wantSubgraph(start, 2, seedFilter{})
	if len(wantNodes) <= 10 {
		t.Fatalf("test data: %d nodes within 2 hops of %s, want more than 10", len(wantNodes), start)
	}
	limited, err := s.Neighbourhood(ctx, start, 2, model.Traversal{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	limNodes, _ := subgraphLines(limited)
	if diff := cmp.Diff(wantNodes[:10], limNodes); diff != "" {
		t.Errorf("neighbourhood %s depth 2 limit 10 nodes (-seed +graph):\n%s", start, diff)
	}
	if !limited.Truncated {
		t.Errorf("neighbourhood %s depth 2 limit 10: Truncated = false, want true", start)
	}
	in := map[string]bool{}
	for _, id := range limNodes {
		in[id] = true
	}
	for _, e := range limited.Edges {
		if !in[e.From] || !in[e.To] {
			t.Errorf("neighbourhood %s limit 10: edge %s %s>%s leaves the returned nodes", start, e.Type, e.From, e.To)
		}
	}

	if _, err := s.Neighbourhood(ctx, "no-such-node", 1, model.Traversal{}, 10); model.ErrorCode(err) != model.CodeNotFound {
		t.Errorf("neighbourhood of an unknown id: code %s (%v), want NOT_FOUND", model.ErrorCode(err), err)
	}
}

func TestTimelineCountsTheTreatyFile(t *testing.T) {
	s := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, s)
	ctx := context.Background()
	rows := seedcsv.Rows(t, "treaty_parties.csv")

	// Which rows record each action, and the column that dates it: a
	// signature is recorded when dated or when the state is a signatory; a
	// ratification, and the entry into force that follows it, for a party.
	type recorded func(r map[string]string) (bool, string)
	actions := map[string]recorded{
		"SIGNATURE": func(r map[string]string) (bool, string) {
			return r["signed"] != "" || r["status"] == "signatory", r["signed"]
		},
		"RATIFICATION":     func(r map[string]string) (bool, string) { return r["status"] == "party", r["ratified"] },
		"ENTRY_INTO_FORCE": func(r map[string]string) (bool, string) { return r["status"] == "party", r["entry_into_force"] },
	}
	for _, instrument := range []string{"ets-185", "cets-201", "ets-189", "cets-224"} {
		for action, rec := range actions {
			for _, monthly := range []bool{false, true} {
				width := 4
				if monthly {
					width = 7
				}
				// A date shorter than the bucket (a year, monthly) keeps
				// its own bucket; an undated step goes to the last one.
				counts, steps := map[string]int{}, 0
				for _, r := range rows {
					ok, d := rec(r)
					if r["instrument"] != instrument || !ok {
						continue
					}
					steps++
					switch {
					case d == "":
						counts[model.UndatedPeriod]++
					case len(d) < width:
						counts[d]++
					default:
						counts[d[:width]]++
					}
				}
				want := []model.TimeBucket{}
				for p, c := range counts {
					b := model.TimeBucket{Period: p, Count: c, Undated: p == model.UndatedPeriod}
					if !b.Undated {
						prec := model.Date(p).Precision()
						b.Precision = &prec
					}
					want = append(want, b)
				}
				sort.Slice(want, func(i, j int) bool {
					if want[i].Undated != want[j].Undated {
						return want[j].Undated
					}
					return want[i].Period < want[j].Period
				})
				got, err := s.Timeline(ctx, instrument, action, monthly)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("timeline %s %s monthly=%v (-treaty_parties.csv +graph):\n%s", instrument, action, monthly, diff)
				}
				total := 0
				for _, b := range got {
					total += b.Count
				}
				if total != steps {
					t.Errorf("timeline %s %s monthly=%v: buckets add up to %d, the file records %d", instrument, action, monthly, total, steps)
				}
				if instrument == "ets-185" && action == "RATIFICATION" && len(want) < 2 {
					t.Errorf("test data: ets-185 ratifications fall in %d periods, want several", len(want))
				}
			}
		}
	}

	for _, id := range []string{"no-such-treaty", "country-mu"} {
		if _, err := s.Timeline(ctx, id, "RATIFICATION", false); model.ErrorCode(err) != model.CodeNotFound {
			t.Errorf("timeline of %s: code %s (%v), want NOT_FOUND", id, model.ErrorCode(err), err)
		}
	}
	if _, err := s.Timeline(ctx, "ets-185", "WITHDRAWAL", false); err == nil {
		t.Error("timeline with an unknown action: no error")
	}
}

func TestStatsCountTheSeed(t *testing.T) {
	s := neo4jtest.Open(t)
	data := neo4jtest.LoadSeed(t, s)
	labels, rels := data.Counts()
	want := model.GraphStats{Nodes: []model.LabelCount{}, Relationships: []model.LabelCount{}}
	for _, l := range model.Labels {
		want.Nodes = append(want.Nodes, model.LabelCount{Label: l, Count: labels[l]})
	}
	sort.Slice(want.Nodes, func(i, j int) bool { return want.Nodes[i].Label < want.Nodes[j].Label })
	for typ, c := range rels {
		want.Relationships = append(want.Relationships, model.LabelCount{Label: typ, Count: c})
	}
	sort.Slice(want.Relationships, func(i, j int) bool { return want.Relationships[i].Label < want.Relationships[j].Label })
	newest := ""
	note := func(sources []model.Source) {
		for _, src := range sources {
			if src.Retrieved != nil && string(*src.Retrieved) > newest {
				newest = string(*src.Retrieved)
			}
		}
	}
	for _, e := range data.Entities {
		note(e.Sources)
	}
	for _, r := range data.Relations {
		note(r.Sources)
	}
	if newest == "" {
		t.Fatal("test data: no source has a retrieved date")
	}
	d := model.Date(newest)
	want.NewestSource = &d

	got, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stats (-seed +graph):\n%s", diff)
	}
}
