package httpapi

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/coe-child-online/knowledge-graph/seed/seedcsv"
)

// The analytics examples of GraphiQL and docs/queries.md, each run as it
// stands and compared with the answer computed here from the seed files.

func isParty(rd seedcsv.Reading) bool { return rd.Status == "RATIFIED" || rd.Status == "IN_FORCE" }

func TestExampleLanzaroteRatificationsPerYear(t *testing.T) {
	srv, _ := newTestServer(t)
	today := time.Now().UTC().Format("2006-01-02")
	tally := map[string]int{}
	for _, r := range participationRows(t, "cets-201") {
		if isParty(readingOn(t, r, today)) && r["ratified"] >= "2010" {
			tally[r["ratified"][:4]]++
		}
	}
	q := exampleNamed(t, "13-lanzarote-ratifications-per-year")
	var got struct {
		Instrument struct {
			Parties struct {
				GroupBy []apiGroup `json:"groupBy"`
			} `json:"parties"`
		} `json:"instrument"`
	}
	post(t, srv.URL, q, nil, &got)
	if diff := cmp.Diff(countRows(tally), groupRows(got.Instrument.Parties.GroupBy)); diff != "" {
		t.Errorf("example 13: ratifications of CETS 201 per year since 2010 (-seed +API):\n%s", diff)
	}
}

func TestExampleTopFunders(t *testing.T) {
	srv, data := newTestServer(t)
	members := map[string]bool{}
	for _, c := range seedcsv.Rows(t, "countries.csv") {
		if c["coe_status"] == "member" {
			members[c["id"]] = true
		}
	}
	targetsMember, funders := map[string]bool{}, map[string][]string{}
	for _, r := range data.Relations {
		switch {
		case r.Type == "TARGETS" && members[r.To]:
			targetsMember[r.From] = true
		case r.Type == "FUNDED_BY":
			funders[r.From] = append(funders[r.From], r.To)
		}
	}
	counts, projects := map[string]int{}, 0
	for p := range targetsMember {
		if len(funders[p]) == 0 {
			continue
		}
		projects++
		seen := map[string]bool{}
		for _, f := range funders[p] {
			if !seen[f] {
				seen[f] = true
				counts[f]++
			}
		}
	}
	var want []groupRow
	for f, n := range counts {
		want = append(want, groupRow{f, n})
	}
	sort.Slice(want, func(i, j int) bool {
		if want[i].Count != want[j].Count {
			return want[i].Count > want[j].Count
		}
		return want[i].Key < want[j].Key
	})
	if len(want) > 10 {
		want = want[:10]
	}
	q := exampleNamed(t, "14-top-funders-member-states")
	var got struct {
		Projects struct {
			Aggregate struct {
				Count   int `json:"count"`
				Funders int `json:"funders"`
			} `json:"aggregate"`
			GroupBy []struct {
				Count   int `json:"count"`
				KeyNode struct {
					ID string `json:"id"`
				} `json:"keyNode"`
			} `json:"groupBy"`
		} `json:"projects"`
	}
	post(t, srv.URL, q, nil, &got)
	var rows []groupRow
	for _, g := range got.Projects.GroupBy {
		rows = append(rows, groupRow{g.KeyNode.ID, g.Count})
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("example 14: top funders of projects targeting member states (-seed +API):\n%s", diff)
	}
	if a := got.Projects.Aggregate; a.Count != projects || a.Funders != len(counts) {
		t.Errorf("example 14: aggregate count %d, funders %d; seed gives %d and %d", a.Count, a.Funders, projects, len(counts))
	}
}

func TestExampleBudapestPartiesWithoutProjects(t *testing.T) {
	srv, data := newTestServer(t)
	today := time.Now().UTC().Format("2006-01-02")
	targeted := map[string]bool{}
	for _, r := range data.Relations {
		if r.Type == "TARGETS" {
			targeted[r.To] = true
		}
	}
	var want []string
	for _, r := range participationRows(t, "ets-185") {
		if isParty(readingOn(t, r, today)) && !targeted[r["country"]] {
			want = append(want, r["country"])
		}
	}
	sort.Strings(want)
	q := exampleNamed(t, "15-budapest-parties-without-projects")
	var got struct {
		Instrument struct {
			Parties struct {
				TotalCount int `json:"totalCount"`
				Edges      []struct {
					Node struct {
						ID string `json:"id"`
					} `json:"node"`
				} `json:"edges"`
			} `json:"parties"`
		} `json:"instrument"`
	}
	post(t, srv.URL, q, nil, &got)
	var ids []string
	for _, e := range got.Instrument.Parties.Edges {
		ids = append(ids, e.Node.ID)
	}
	sort.Strings(ids)
	if len(want) == 0 {
		t.Fatal("the seed gives no such state; the example needs data")
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("example 15: Budapest parties no project targets (-seed +API):\n%s", diff)
	}
	if got.Instrument.Parties.TotalCount != len(want) {
		t.Errorf("example 15: totalCount %d, seed gives %d", got.Instrument.Parties.TotalCount, len(want))
	}
}

func TestExampleEarliestAndLatestRatifications(t *testing.T) {
	srv, _ := newTestServer(t)
	today := time.Now().UTC().Format("2006-01-02")
	want := map[string]string{}
	for _, instrument := range []string{"cets-201", "ets-185", "ets-189", "cets-224"} {
		n, lo, hi := 0, "", ""
		for _, r := range participationRows(t, instrument) {
			if !isParty(readingOn(t, r, today)) {
				continue
			}
			n++
			if d := r["ratified"]; d != "" {
				if lo == "" || d < lo {
					lo = d
				}
				if d > hi {
					hi = d
				}
			}
		}
		want[instrument] = fmt.Sprintf("%d %s %s", n, lo, hi)
	}
	q := exampleNamed(t, "16-earliest-latest-ratifications")
	var got struct {
		Instruments struct {
			Edges []struct {
				Node struct {
					ID      string `json:"id"`
					Parties struct {
						Aggregate struct {
							Count    int     `json:"count"`
							Earliest *string `json:"earliest"`
							Latest   *string `json:"latest"`
						} `json:"aggregate"`
					} `json:"parties"`
				} `json:"node"`
			} `json:"edges"`
		} `json:"instruments"`
	}
	post(t, srv.URL, q, nil, &got)
	have := map[string]string{}
	for _, e := range got.Instruments.Edges {
		a := e.Node.Parties.Aggregate
		have[e.Node.ID] = fmt.Sprintf("%d %s %s", a.Count, deref(a.Earliest), deref(a.Latest))
	}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("example 16: parties, earliest and latest ratification per treaty (-seed +API):\n%s", diff)
	}
}

func TestExampleMemberStatesRankedByTreaties(t *testing.T) {
	srv, _ := newTestServer(t)
	today := time.Now().UTC().Format("2006-01-02")
	rows := seedcsv.Rows(t, "treaty_parties.csv")
	count := func(country, day string) int {
		n := 0
		for _, r := range rows {
			if r["country"] == country && isParty(readingOn(t, r, day)) {
				n++
			}
		}
		return n
	}
	q := exampleNamed(t, "17-member-states-by-treaties")
	type list struct {
		Edges []struct {
			Node struct {
				Name     string `json:"name"`
				Treaties struct {
					TotalCount int `json:"totalCount"`
				} `json:"treaties"`
			} `json:"node"`
		} `json:"edges"`
	}
	var got struct {
		In2015 list `json:"in2015"`
		Today  list `json:"today"`
	}
	post(t, srv.URL, q, nil, &got)
	for _, c := range []struct {
		name, day string
		got       list
		members   map[string]string
	}{
		{"in2015", "2015-01-01", got.In2015, membersOn(t, "2015-01-01")},
		{"today", today, got.Today, currentMembers(t)},
	} {
		var want, have []string
		for id, name := range c.members {
			want = append(want, fmt.Sprintf("%d %s", count(id, c.day), name))
		}
		// Ranked: most treaties first, the same count in any order here
		// (the API breaks ties by the name's collation).
		sort.Slice(want, func(i, j int) bool { return rankBefore(want[i], want[j]) })
		for _, e := range c.got.Edges {
			have = append(have, fmt.Sprintf("%d %s", e.Node.Treaties.TotalCount, e.Node.Name))
		}
		haveSorted := append([]string(nil), have...)
		sort.SliceStable(haveSorted, func(i, j int) bool { return rankBefore(haveSorted[i], haveSorted[j]) })
		if diff := cmp.Diff(want, haveSorted); diff != "" {
			t.Errorf("example 17 (%s): member states with their number of treaties (-seed +API):\n%s", c.name, diff)
		}
		for i := 1; i < len(have); i++ {
			var a, b int
			fmt.Sscanf(have[i-1], "%d", &a)
			fmt.Sscanf(have[i], "%d", &b)
			if a < b {
				t.Errorf("example 17 (%s): %q ranks before %q", c.name, have[i-1], have[i])
			}
		}
	}
}

// rankBefore orders "count name" rows by count, most first, then name.
func rankBefore(a, b string) bool {
	var na, nb int
	fmt.Sscanf(a, "%d", &na)
	fmt.Sscanf(b, "%d", &nb)
	if na != nb {
		return na > nb
	}
	return a < b
}

func currentMembers(t *testing.T) map[string]string {
	out := map[string]string{}
	for _, c := range seedcsv.Rows(t, "countries.csv") {
		if c["coe_status"] == "member" {
			out[c["id"]] = c["name"]
		}
	}
	return out
}

func TestExampleFilterChoices(t *testing.T) {
	srv, data := newTestServer(t)
	today := time.Now().UTC().Format("2006-01-02")
	funders := map[string]int{}
	for _, r := range data.Relations {
		if r.Type != "TARGETS" || r.To != "country-ua" {
			continue
		}
		n := 0
		seen := map[string]bool{}
		for _, f := range data.Relations {
			if f.Type == "FUNDED_BY" && f.From == r.From && !seen[f.To] {
				seen[f.To] = true
				funders[f.To]++
				n++
			}
		}
		if n == 0 {
			funders["-"]++
		}
	}
	actions, statuses := map[string]int{}, map[string]int{}
	for _, r := range participationRows(t, "cets-201") {
		rd := readingOn(t, r, today)
		if !visibleOn(rd) {
			continue
		}
		// Only a ratification (or accession...) records how the state
		// joined; a signatory's row says "signature_only".
		a := r["action"]
		if r["status"] != "party" || a == "" {
			a = "-"
		}
		actions[a]++
		statuses[rd.Status+"|"+rd.Possible]++
	}
	q := exampleNamed(t, "18-funders-of-projects-in-ukraine")
	type value struct {
		Value *string `json:"value"`
		Count int     `json:"count"`
	}
	var got struct {
		Country struct {
			Projects struct {
				Values []value `json:"values"`
			} `json:"projects"`
		} `json:"country"`
		Instrument struct {
			Participants struct {
				Values  []value    `json:"values"`
				GroupBy []apiGroup `json:"groupBy"`
			} `json:"participants"`
		} `json:"instrument"`
	}
	post(t, srv.URL, q, nil, &got)
	rowsOf := func(vs []value) []groupRow {
		var out []groupRow
		for _, v := range vs {
			k := "-"
			if v.Value != nil {
				k = *v.Value
			}
			out = append(out, groupRow{k, v.Count})
		}
		return byKey(out)
	}
	if diff := cmp.Diff(countRows(funders), rowsOf(got.Country.Projects.Values)); diff != "" {
		t.Errorf("example 18: funders of the projects targeting Ukraine (-seed +API):\n%s", diff)
	}
	if diff := cmp.Diff(countRows(statuses), byKey(groupRows(got.Instrument.Participants.GroupBy))); diff != "" {
		t.Errorf("example 18: CETS 201 participants by status and possible status (-seed +API):\n%s", diff)
	}
	if diff := cmp.Diff(countRows(actions), rowsOf(got.Instrument.Participants.Values)); diff != "" {
		t.Errorf("example 18: how the CETS 201 participants joined (-seed +API):\n%s", diff)
	}
}
