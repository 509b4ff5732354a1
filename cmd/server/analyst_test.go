package main

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/coe-child-online/knowledge-graph/seed"
	"github.com/coe-child-online/knowledge-graph/seed/seedcsv"
	"github.com/coe-child-online/knowledge-graph/web"
)

// The analyst questions of the API, each answered over HTTP and compared
// with what the seed files say, computed here apart from the service.

// statusOn is the status a treaty_parties.csv row gives on day.
func statusOn(r map[string]string, day string) string {
	switch {
	case r["status"] == "party" && (r["ratified"] == "" || r["ratified"] <= day):
		if r["entry_into_force"] != "" && r["entry_into_force"] <= day {
			return "IN_FORCE"
		}
		return "RATIFIED"
	case r["status"] == "unknown":
		return "UNKNOWN"
	case (r["signed"] != "" && r["signed"] <= day) || (r["signed"] == "" && r["status"] == "signatory"):
		return "SIGNED"
	}
	return "NOT_SIGNED"
}

// membersOn returns the ids of the Council of Europe member states on day.
func membersOn(t *testing.T, day string) map[string]string {
	out := map[string]string{}
	for _, c := range seedcsv.Rows(t, "countries.csv") {
		if (c["coe_status"] == "member" || c["coe_status"] == "former_member") && c["coe_accession"] != "" &&
			c["coe_accession"] <= day && (c["coe_left"] == "" || c["coe_left"] > day) {
			out[c["id"]] = c["name"]
		}
	}
	return out
}

func TestMemberStatesPartyToBudapestButNotCETS224(t *testing.T) {
	srv, _ := newTestServer(t)
	today := time.Now().Format("2006-01-02")
	party := map[string]map[string]bool{}
	for _, r := range seedcsv.Rows(t, "treaty_parties.csv") {
		if st := statusOn(r, today); st == "RATIFIED" || st == "IN_FORCE" {
			if party[r["instrument"]] == nil {
				party[r["instrument"]] = map[string]bool{}
			}
			party[r["instrument"]][r["country"]] = true
		}
	}
	var want []string
	for _, c := range seedcsv.Rows(t, "countries.csv") {
		if c["coe_status"] == "member" && party["ets-185"][c["id"]] && !party["cets-224"][c["id"]] {
			want = append(want, c["id"])
		}
	}
	sort.Strings(want)
	ex := exampleNamed(t, "02-budapest-not-second-protocol")
	var got struct {
		Countries struct {
			TotalCount int `json:"totalCount"`
			Edges      []struct {
				Node struct {
					Iso2 string `json:"iso2"`
				} `json:"node"`
			} `json:"edges"`
		} `json:"countries"`
	}
	post(t, srv.URL, ex, nil, &got)
	var ids []string
	for _, e := range got.Countries.Edges {
		ids = append(ids, "country-"+lower(e.Node.Iso2))
	}
	sort.Strings(ids)
	if len(want) == 0 {
		t.Fatal("the seed gives no such state; the test needs data")
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("member states party to ETS 185 and not to CETS 224 (-seed +API):\n%s", diff)
	}
	if got.Countries.TotalCount != len(want) {
		t.Errorf("totalCount = %d, want %d", got.Countries.TotalCount, len(want))
	}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

func exampleNamed(t *testing.T, name string) string {
	t.Helper()
	ex, err := web.Examples()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ex {
		if e.Name == name {
			return e.Query
		}
	}
	t.Fatalf("no example %s", name)
	return ""
}

// adjacency returns the seed graph as undirected adjacency lists.
func adjacency(data *seed.Data) map[string][]string {
	adj := map[string][]string{}
	for _, r := range data.Relations {
		adj[r.From] = append(adj[r.From], r.To)
		adj[r.To] = append(adj[r.To], r.From)
	}
	return adj
}

// bfs returns the distance of every node within depth of start.
func bfs(adj map[string][]string, start string, depth int) map[string]int {
	dist := map[string]int{start: 0}
	frontier := []string{start}
	for d := 1; d <= depth && len(frontier) > 0; d++ {
		var next []string
		for _, n := range frontier {
			for _, m := range adj[n] {
				if _, seen := dist[m]; !seen {
					dist[m] = d
					next = append(next, m)
				}
			}
		}
		frontier = next
	}
	return dist
}

type edgeJSON struct {
	Type    string `json:"type"`
	From    string `json:"from"`
	To      string `json:"to"`
	Sources []struct {
		Title     string  `json:"title"`
		Retrieved *string `json:"retrieved"`
	} `json:"sources"`
}

func TestShortestPathFromMauritiusToLanzarote(t *testing.T) {
	srv, data := newTestServer(t)
	dist := bfs(adjacency(data), "country-mu", 6)
	want, ok := dist["cets-201"]
	if !ok {
		t.Fatal("the seed does not connect Mauritius to CETS 201 within 6 hops")
	}
	var got struct {
		ShortestPath *struct {
			Length int `json:"length"`
			Nodes  []struct {
				ID string `json:"id"`
			} `json:"nodes"`
			Edges []edgeJSON `json:"edges"`
		} `json:"shortestPath"`
	}
	post(t, srv.URL, `{ shortestPath(from: "country-mu", to: "cets-201", maxHops: 6) {
  length nodes { id } edges { type from to sources { title retrieved } } } }`, nil, &got)
	p := got.ShortestPath
	if p == nil {
		t.Fatal("no path, want one")
	}
	if p.Length != want || len(p.Edges) != want || len(p.Nodes) != want+1 {
		t.Fatalf("path of length %d (%d edges, %d nodes), want %d", p.Length, len(p.Edges), len(p.Nodes), want)
	}
	if p.Nodes[0].ID != "country-mu" || p.Nodes[want].ID != "cets-201" {
		t.Errorf("path runs %s to %s", p.Nodes[0].ID, p.Nodes[want].ID)
	}
	facts := map[string]bool{}
	for _, r := range data.Relations {
		facts[r.From+" "+r.Type+" "+r.To] = true
	}
	for i, e := range p.Edges {
		a, b := p.Nodes[i].ID, p.Nodes[i+1].ID
		if !(e.From == a && e.To == b) && !(e.From == b && e.To == a) {
			t.Errorf("edge %d (%s-%s) does not join %s and %s", i, e.From, e.To, a, b)
		}
		if !facts[e.From+" "+e.Type+" "+e.To] {
			t.Errorf("edge %d %s %s %s is not in the seed files", i, e.From, e.Type, e.To)
		}
		if len(e.Sources) == 0 || e.Sources[0].Retrieved == nil {
			t.Errorf("edge %d has no dated source", i)
		}
	}
}

func TestNeighbourhoodOfGlacyPlus(t *testing.T) {
	srv, data := newTestServer(t)
	dist := bfs(adjacency(data), "glacy-plus", 2)
	var want []string
	for id := range dist {
		want = append(want, id)
	}
	sort.Strings(want)
	if len(want) > 500 {
		t.Fatalf("depth-2 neighbourhood has %d nodes, over the limit the test uses", len(want))
	}
	var got struct {
		Neighbourhood struct {
			Truncated bool `json:"truncated"`
			Nodes     []struct {
				ID string `json:"id"`
			} `json:"nodes"`
			Edges []edgeJSON `json:"edges"`
		} `json:"neighbourhood"`
	}
	post(t, srv.URL, `{ neighbourhood(id: "glacy-plus", depth: 2, limit: 500) { truncated nodes { id } edges { type from to } } }`, nil, &got)
	var ids []string
	in := map[string]bool{}
	for _, n := range got.Neighbourhood.Nodes {
		ids = append(ids, n.ID)
		in[n.ID] = true
	}
	sort.Strings(ids)
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("depth-2 neighbourhood of glacy-plus (-seed +API):\n%s", diff)
	}
	if got.Neighbourhood.Truncated {
		t.Error("truncated = true under the limit")
	}
	for _, e := range got.Neighbourhood.Edges {
		if !in[e.From] || !in[e.To] {
			t.Errorf("edge %s %s %s leaves the subgraph", e.From, e.Type, e.To)
		}
	}
	// One statement whatever the depth, with or without the edges.
	for _, q := range []string{
		`{ neighbourhood(id: "glacy-plus", depth: 1, limit: 500) { nodes { id } } }`,
		`{ neighbourhood(id: "glacy-plus", depth: 2, limit: 500) { nodes { id } edges { type } } }`,
		`{ neighbourhood(id: "glacy-plus", depth: 3, limit: 500) { nodes { id } edges { type } } }`,
	} {
		if _, trips := postDebug(t, srv.URL, q); trips != 1 {
			t.Errorf("%s: %d round trips, want 1", q, trips)
		}
	}
}

func TestCoverageOfTheThreeConventions(t *testing.T) {
	srv, _ := newTestServer(t)
	rows := seedcsv.Rows(t, "treaty_parties.csv")
	instruments := []string{"cets-201", "ets-185", "cets-224"}
	for _, day := range []string{"2020-01-01", time.Now().Format("2006-01-02")} {
		t.Run(day, func(t *testing.T) {
			members := membersOn(t, day)
			want := map[string][]string{}
			for id := range members {
				want[id] = []string{"NOT_SIGNED", "NOT_SIGNED", "NOT_SIGNED"}
			}
			for _, r := range rows {
				for i, inst := range instruments {
					if r["instrument"] == inst && want[r["country"]] != nil {
						want[r["country"]][i] = statusOn(r, day)
					}
				}
			}
			var got struct {
				Coverage []struct {
					Country struct {
						ID string `json:"id"`
					} `json:"country"`
					Cells []struct {
						Instrument struct {
							ID string `json:"id"`
						} `json:"instrument"`
						Status string `json:"status"`
					} `json:"cells"`
				} `json:"coverage"`
			}
			post(t, srv.URL, fmt.Sprintf(`{ coverage(instruments: ["cets-201", "ets-185", "cets-224"], asOf: %q) {
  country { id } cells { instrument { id } status } } }`, day), nil, &got)
			gotMap := map[string][]string{}
			for _, row := range got.Coverage {
				var cells []string
				for i, c := range row.Cells {
					if c.Instrument.ID != instruments[i] {
						t.Errorf("%s: cell %d is %s, want %s", row.Country.ID, i, c.Instrument.ID, instruments[i])
					}
					cells = append(cells, c.Status)
				}
				gotMap[row.Country.ID] = cells
			}
			if diff := cmp.Diff(want, gotMap); diff != "" {
				t.Errorf("coverage on %s (-seed +API):\n%s", day, diff)
			}
		})
	}
}

func TestRatificationsOfBudapestPerYear(t *testing.T) {
	srv, _ := newTestServer(t)
	counts := map[string]int{}
	for _, r := range seedcsv.Rows(t, "treaty_parties.csv") {
		if r["instrument"] == "ets-185" && r["status"] == "party" && len(r["ratified"]) >= 4 {
			counts[r["ratified"][:4]]++
		}
	}
	type bucket struct {
		Period string `json:"period"`
		Count  int    `json:"count"`
	}
	var want []bucket
	for p, c := range counts {
		want = append(want, bucket{p, c})
	}
	sort.Slice(want, func(i, j int) bool { return want[i].Period < want[j].Period })
	var got struct {
		Timeline []bucket `json:"timeline"`
	}
	post(t, srv.URL, exampleNamed(t, "07-budapest-ratifications-per-year"), nil, &got)
	if diff := cmp.Diff(want, got.Timeline); diff != "" {
		t.Errorf("ETS 185 ratifications per year (-treaty_parties.csv +API):\n%s", diff)
	}
}
