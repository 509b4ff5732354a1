package httpapi

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/coe-child-online/knowledge-graph/seed"
	"github.com/coe-child-online/knowledge-graph/seed/seedcsv"
	"github.com/coe-child-online/knowledge-graph/web"
)

// The analyst questions of the API, each answered over HTTP and compared
// with what the seed files say, computed here apart from the service.

// statusOn is the status a treaty_parties.csv row gives on day.
// statusOn returns a row's status on day, the highest certainly reached,
// by the window rules of docs/model.md.
func statusOn(t *testing.T, r map[string]string, day string) string {
	return readingOn(t, r, day).Status
}

func readingOn(t *testing.T, r map[string]string, day string) seedcsv.Reading {
	t.Helper()
	opened, ok := seedcsv.Opened(t)[r["instrument"]]
	if !ok {
		t.Fatalf("no opening date for %s", r["instrument"])
	}
	return seedcsv.ReadingOn(r, opened, seedcsv.Retrieved(t, "treaty_parties.csv"), day)
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
		if st := statusOn(t, r, today); st == "RATIFIED" || st == "IN_FORCE" {
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

// TestCoverageOfTheThreeConventions reads the matrix on days before the
// treaties opened, inside month-precision and undated windows, and today,
// and compares every cell's status, certainty and window with the seed.
func TestCoverageOfTheThreeConventions(t *testing.T) {
	srv, _ := newTestServer(t)
	rows := seedcsv.Rows(t, "treaty_parties.csv")
	instruments := []string{"cets-201", "ets-185", "cets-224"}
	type cell struct {
		Status, Possible string
		Certain          bool
		From, To         string
	}
	uncertain := map[string]int{}
	for _, day := range []string{"2000-01-01", "2007-10-28", "2012-06-30", "2014-07-15", "2014-08-01", "2020-01-01", time.Now().Format("2006-01-02")} {
		t.Run(day, func(t *testing.T) {
			members := membersOn(t, day)
			want := map[string][]cell{}
			for id := range members {
				want[id] = []cell{{"NOT_SIGNED", "NOT_SIGNED", true, "", ""}, {"NOT_SIGNED", "NOT_SIGNED", true, "", ""}, {"NOT_SIGNED", "NOT_SIGNED", true, "", ""}}
			}
			for _, r := range rows {
				for i, inst := range instruments {
					if r["instrument"] == inst && want[r["country"]] != nil {
						rd := readingOn(t, r, day)
						want[r["country"]][i] = cell{rd.Status, rd.Possible, rd.Certain, rd.From, rd.To}
						if !rd.Certain {
							uncertain[day]++
						}
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
						Status         string `json:"status"`
						PossibleStatus string `json:"possibleStatus"`
						Certain        bool   `json:"certain"`
						Window         *struct {
							From string `json:"from"`
							To   string `json:"to"`
						} `json:"window"`
						StatusNote string `json:"statusNote"`
					} `json:"cells"`
				} `json:"coverage"`
			}
			post(t, srv.URL, fmt.Sprintf(`{ coverage(instruments: ["cets-201", "ets-185", "cets-224"], asOf: %q) {
  country { id } cells { instrument { id } status possibleStatus certain window { from to } statusNote } } }`, day), nil, &got)
			gotMap := map[string][]cell{}
			for _, row := range got.Coverage {
				var cells []cell
				for i, c := range row.Cells {
					if c.Instrument.ID != instruments[i] {
						t.Errorf("%s: cell %d is %s, want %s", row.Country.ID, i, c.Instrument.ID, instruments[i])
					}
					x := cell{Status: c.Status, Possible: c.PossibleStatus, Certain: c.Certain}
					if c.Window != nil {
						x.From, x.To = c.Window.From, c.Window.To
					}
					if !c.Certain && c.Status != "UNKNOWN" && !strings.Contains(c.StatusNote, "between "+x.From+" and "+x.To) {
						t.Errorf("%s %s on %s: statusNote %q does not give the window %s..%s", row.Country.ID, c.Instrument.ID, day, c.StatusNote, x.From, x.To)
					}
					cells = append(cells, x)
				}
				gotMap[row.Country.ID] = cells
			}
			if diff := cmp.Diff(want, gotMap); diff != "" {
				t.Errorf("coverage on %s (-seed +API):\n%s", day, diff)
			}
		})
	}
	// The days were chosen to reach every case: nothing uncertain before
	// the treaties opened, uncertain cells inside the windows.
	if uncertain["2000-01-01"] != 0 {
		t.Errorf("seed: %d uncertain cells before any treaty opened", uncertain["2000-01-01"])
	}
	for _, day := range []string{"2012-06-30", "2014-07-15"} {
		if uncertain[day] == 0 {
			t.Errorf("seed: no uncertain cell on %s; the test no longer reaches a window", day)
		}
	}
}

// TestParticipationCertaintyFilters checks the Cypher that filters
// participations by status and certainty against the seed, for each treaty
// on days inside and outside the windows, through the connections'
// arguments and through a country filter.
func TestParticipationCertaintyFilters(t *testing.T) {
	srv, _ := newTestServer(t)
	rows := seedcsv.Rows(t, "treaty_parties.csv")
	is := func(rd seedcsv.Reading, statuses ...string) bool {
		for _, s := range statuses {
			if rd.Status == s {
				return true
			}
		}
		return false
	}
	filters := []struct {
		field, args string
		keep        func(rd seedcsv.Reading) bool
	}{
		{"participants", "certain: false", func(rd seedcsv.Reading) bool { return !rd.Certain }},
		{"participants", "certain: true", func(rd seedcsv.Reading) bool { return rd.Certain }},
		{"participants", "status: [RATIFIED, IN_FORCE]", func(rd seedcsv.Reading) bool { return is(rd, "RATIFIED", "IN_FORCE") }},
		{"participants", "status: [NOT_SIGNED, SIGNED], certain: false", func(rd seedcsv.Reading) bool { return !rd.Certain && is(rd, "NOT_SIGNED", "SIGNED") }},
		{"participants", "status: [UNKNOWN]", func(rd seedcsv.Reading) bool { return is(rd, "UNKNOWN") }},
		{"parties", "certain: true", func(rd seedcsv.Reading) bool { return rd.Certain && is(rd, "RATIFIED", "IN_FORCE") }},
	}
	for _, inst := range []string{"cets-201", "ets-185", "ets-189", "cets-224"} {
		for _, day := range []string{"2001-01-01", "2009-06-30", "2014-07-15", "2018-06-24", time.Now().Format("2006-01-02")} {
			uncertain := []string{}
			for _, f := range filters {
				var want []string
				for _, r := range rows {
					if r["instrument"] != inst {
						continue
					}
					rd := readingOn(t, r, day)
					// A pair shows on a day once a step may have happened,
					// or when its status is disputed.
					if rd.Possible == "NOT_SIGNED" {
						continue
					}
					if f.args == "certain: false" && f.field == "participants" && !rd.Certain {
						uncertain = append(uncertain, r["country"])
					}
					if f.keep(rd) {
						want = append(want, r["country"])
					}
				}
				sort.Strings(want)
				q := fmt.Sprintf(`{ instrument(id: %q) { c: %s(first: 500, asOf: %q, %s) { totalCount edges { node { id } certain status } } } }`, inst, f.field, day, f.args)
				var got struct {
					Instrument struct {
						C struct {
							TotalCount int `json:"totalCount"`
							Edges      []struct {
								Node struct {
									ID string `json:"id"`
								} `json:"node"`
							} `json:"edges"`
						} `json:"c"`
					} `json:"instrument"`
				}
				post(t, srv.URL, q, nil, &got)
				var ids []string
				for _, e := range got.Instrument.C.Edges {
					ids = append(ids, e.Node.ID)
				}
				sort.Strings(ids)
				if diff := cmp.Diff(want, ids, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("%s (-seed +API):\n%s", q, diff)
				}
				if got.Instrument.C.TotalCount != len(want) {
					t.Errorf("%s: totalCount %d, want %d", q, got.Instrument.C.TotalCount, len(want))
				}
			}
			// The same through a filter on countries.
			sort.Strings(uncertain)
			q := fmt.Sprintf(`{ countries(first: 500, where: {treaties: {some: {instrument: {id: {eq: %q}}, certain: false}}}, asOf: %q) { edges { node { id } } } }`, inst, day)
			var got struct {
				Countries struct {
					Edges []struct {
						Node struct {
							ID string `json:"id"`
						} `json:"node"`
					} `json:"edges"`
				} `json:"countries"`
			}
			post(t, srv.URL, q, nil, &got)
			var ids []string
			for _, e := range got.Countries.Edges {
				ids = append(ids, e.Node.ID)
			}
			sort.Strings(ids)
			if diff := cmp.Diff(uncertain, ids, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s (-seed +API):\n%s", q, diff)
			}
		}
	}
}

// TestParticipationEdgesShowFromTheirWindow reads the treaties' signature
// and ratification relationships as of several days, through a node's
// relations and a neighbourhood: each shows from the first day its window
// begins, an undated one never before the treaty opened.
func TestParticipationEdgesShowFromTheirWindow(t *testing.T) {
	srv, _ := newTestServer(t)
	rows := seedcsv.Rows(t, "treaty_parties.csv")
	opened, read := seedcsv.Opened(t), seedcsv.Retrieved(t, "treaty_parties.csv")
	for _, inst := range []string{"cets-201", "ets-185"} {
		for _, day := range []string{"2000-01-01", "2007-10-26", "2009-06-30", "2014-07-15", time.Now().Format("2006-01-02")} {
			want := map[string][]string{"SIGNED": {}, "RATIFIED": {}}
			for _, r := range rows {
				if r["instrument"] != inst {
					continue
				}
				sig, rat := seedcsv.Begun(r, opened[inst], read)
				if sig != "" && sig <= day {
					want["SIGNED"] = append(want["SIGNED"], r["country"])
				}
				if rat != "" && rat <= day {
					want["RATIFIED"] = append(want["RATIFIED"], r["country"])
				}
			}
			for typ, ids := range want {
				sort.Strings(ids)
				q := fmt.Sprintf(`{ instrument(id: %q) { relations(types: [%s], first: 500, asOf: %q) { totalCount edges { node { id } } } }
  neighbourhood(id: %q, depth: 1, relationTypes: [%s], asOf: %q, limit: 500) { nodes { id } } }`, inst, typ, day, inst, typ, day)
				var got struct {
					Instrument struct {
						Relations struct {
							TotalCount int `json:"totalCount"`
							Edges      []struct {
								Node struct {
									ID string `json:"id"`
								} `json:"node"`
							} `json:"edges"`
						} `json:"relations"`
					} `json:"instrument"`
					Neighbourhood struct {
						Nodes []struct {
							ID string `json:"id"`
						} `json:"nodes"`
					} `json:"neighbourhood"`
				}
				post(t, srv.URL, q, nil, &got)
				var rel, hood []string
				for _, e := range got.Instrument.Relations.Edges {
					rel = append(rel, e.Node.ID)
				}
				for _, n := range got.Neighbourhood.Nodes {
					if n.ID != inst {
						hood = append(hood, n.ID)
					}
				}
				sort.Strings(rel)
				sort.Strings(hood)
				if diff := cmp.Diff(ids, rel, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("%s %s relations on %s (-seed +API):\n%s", inst, typ, day, diff)
				}
				if diff := cmp.Diff(ids, hood, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("%s %s neighbourhood on %s (-seed +API):\n%s", inst, typ, day, diff)
				}
			}
		}
	}
}

func TestRatificationsOfBudapestPerYear(t *testing.T) {
	srv, _ := newTestServer(t)
	counts := map[string]int{}
	for _, r := range seedcsv.Rows(t, "treaty_parties.csv") {
		// Undated ratifications are counted in their own last bucket.
		if r["instrument"] == "ets-185" && r["status"] == "party" {
			if r["ratified"] == "" {
				counts["undated"]++
			} else {
				counts[r["ratified"][:4]]++
			}
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
	sort.Slice(want, func(i, j int) bool {
		if (want[i].Period == "undated") != (want[j].Period == "undated") {
			return want[j].Period == "undated"
		}
		return want[i].Period < want[j].Period
	})
	var got struct {
		Timeline []bucket `json:"timeline"`
	}
	post(t, srv.URL, exampleNamed(t, "07-budapest-ratifications-per-year"), nil, &got)
	if diff := cmp.Diff(want, got.Timeline); diff != "" {
		t.Errorf("ETS 185 ratifications per year (-treaty_parties.csv +API):\n%s", diff)
	}
}

// TestDatesKeepTheirPrecision reads every participation date the seed gives
// only to the month or year (the CETS 201 additions among them) and checks
// the API answers it as written, with the window it stands for.
func TestDatesKeepTheirPrecision(t *testing.T) {
	srv, _ := newTestServer(t)
	opened, read := seedcsv.Opened(t), seedcsv.Retrieved(t, "treaty_parties.csv")
	type edge struct {
		Node struct {
			ID string `json:"id"`
		} `json:"node"`
		Signed, Ratified, EntryIntoForce *string
		SignedWindow                     *struct{ From, To string }
	}
	byInstrument := map[string]map[string]edge{}
	reduced := 0
	for _, r := range seedcsv.Rows(t, "treaty_parties.csv") {
		inst := r["instrument"]
		for _, col := range []string{"signed", "ratified", "entry_into_force"} {
			d := r[col]
			if d == "" || len(d) == 10 {
				continue
			}
			reduced++
			if byInstrument[inst] == nil {
				var got struct {
					Instrument struct {
						Participants struct {
							Edges []edge `json:"edges"`
						} `json:"participants"`
					} `json:"instrument"`
				}
				post(t, srv.URL, fmt.Sprintf(`{ instrument(id: %q) { participants(first: 500) { edges { node { id } signed ratified entryIntoForce signedWindow { from to } } } } }`, inst), nil, &got)
				byInstrument[inst] = map[string]edge{}
				for _, e := range got.Instrument.Participants.Edges {
					byInstrument[inst][e.Node.ID] = e
				}
			}
			e, ok := byInstrument[inst][r["country"]]
			if !ok {
				t.Errorf("%s %s: not among the participants", inst, r["country"])
				continue
			}
			got := map[string]*string{"signed": e.Signed, "ratified": e.Ratified, "entry_into_force": e.EntryIntoForce}[col]
			if got == nil || *got != d {
				t.Errorf("%s %s %s: API answers %v, the seed says %q", inst, r["country"], col, got, d)
			}
			if col == "signed" {
				sig, _ := seedcsv.Begun(r, opened[inst], read)
				if e.SignedWindow == nil || e.SignedWindow.From != sig {
					t.Errorf("%s %s: signedWindow %+v, want it from %s", inst, r["country"], e.SignedWindow, sig)
				}
			}
		}
	}
	if reduced < 4 {
		t.Errorf("seed: only %d dates known to the month or year; the test no longer reaches them", reduced)
	}
}
