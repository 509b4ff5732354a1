package httpapi

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/seed"
	"github.com/coe-child-online/knowledge-graph/seed/seedcsv"
)

// Analytics on connections (aggregate, groupBy, values), each answer
// compared with the same figures computed here from the seed files.

// groupRow is a group as the tests compare it: its key joined with "|"
// ("-" for a null key) and its count.
type groupRow struct {
	Key   string
	Count int
}

type apiGroup struct {
	Key   []*string `json:"key"`
	Count int       `json:"count"`
}

func groupRows(gs []apiGroup) []groupRow {
	out := make([]groupRow, len(gs))
	for i, g := range gs {
		parts := make([]string, len(g.Key))
		for j, k := range g.Key {
			if k == nil {
				parts[j] = "-"
			} else {
				parts[j] = *k
			}
		}
		out[i] = groupRow{strings.Join(parts, "|"), g.Count}
	}
	return out
}

// countRows turns a tally into groups ordered by key.
func countRows(tally map[string]int) []groupRow {
	out := make([]groupRow, 0, len(tally))
	for k, n := range tally {
		out = append(out, groupRow{k, n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// byKey orders groups by key, the null key ("-") as the seed tally writes it.
func byKey(rows []groupRow) []groupRow {
	out := append([]groupRow(nil), rows...)
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func yearOf(d string) string {
	if d == "" {
		return "-"
	}
	return d[:4]
}

func quarterOf(d string) string {
	switch len(d) {
	case 0:
		return "-"
	case 4:
		return d
	}
	var m int
	fmt.Sscanf(d[5:7], "%d", &m)
	return fmt.Sprintf("%s-Q%d", d[:4], (m+2)/3)
}

// participationRows are the treaty_parties.csv rows of one treaty.
func participationRows(t *testing.T, instrument string) []map[string]string {
	var out []map[string]string
	for _, r := range seedcsv.Rows(t, "treaty_parties.csv") {
		if r["instrument"] == instrument {
			out = append(out, r)
		}
	}
	return out
}

// visibleOn reports whether a participation shows on day: a step may have
// happened, or its status is disputed (as the participants list shows it).
func visibleOn(rd seedcsv.Reading) bool {
	return rd.Possible != "NOT_SIGNED"
}

// shownOn is a step's date as an edge shows it on day: only once it may
// have happened.
func shownOn(d, day string) string {
	if d != "" && d <= day {
		return d
	}
	return ""
}

func TestGroupByParticipations(t *testing.T) {
	srv, _ := newTestServer(t)
	today := time.Now().UTC().Format("2006-01-02")
	// A day inside the window of a ratification the sources date only to
	// the month or year, or not at all, so some statuses are uncertain.
	uncertainDay := ""
	opened := seedcsv.Opened(t)["cets-201"]
	read := seedcsv.Retrieved(t, "treaty_parties.csv")
	for _, r := range participationRows(t, "cets-201") {
		_, from := seedcsv.Begun(r, opened, read)
		for _, d := range []string{from, from + "-01", from + "-01-01"} {
			if len(d) == 10 && d < today && !readingOn(t, r, d).Certain {
				uncertainDay = d
				break
			}
		}
		if uncertainDay != "" {
			break
		}
	}
	if uncertainDay == "" {
		t.Fatal("the seed gives no uncertain ratification of CETS 201; the test needs one")
	}
	type want func(rd seedcsv.Reading, r map[string]string, day string) (string, bool)
	cases := []struct {
		name, field, args string
		day               string
		key               want
	}{
		{"parties by ratification year", "parties", `keys: [{edge: "ratified"}]`, today, func(rd seedcsv.Reading, r map[string]string, day string) (string, bool) {
			return yearOf(shownOn(r["ratified"], day)), rd.Status == "RATIFIED" || rd.Status == "IN_FORCE"
		}},
		{"parties by ratification quarter", "parties", `keys: [{edge: "ratified"}], interval: QUARTER`, today, func(rd seedcsv.Reading, r map[string]string, day string) (string, bool) {
			return quarterOf(shownOn(r["ratified"], day)), rd.Status == "RATIFIED" || rd.Status == "IN_FORCE"
		}},
		{"participants by status today", "participants", `keys: [{status: true}]`, today, func(rd seedcsv.Reading, _ map[string]string, _ string) (string, bool) {
			return rd.Status, visibleOn(rd)
		}},
		{"participants by status in an uncertain window", "participants", `keys: [{status: true}]`, uncertainDay, func(rd seedcsv.Reading, _ map[string]string, _ string) (string, bool) {
			return rd.Status, visibleOn(rd)
		}},
		{"participants by possible status in an uncertain window", "participants", `keys: [{possibleStatus: true}]`, uncertainDay, func(rd seedcsv.Reading, _ map[string]string, _ string) (string, bool) {
			return rd.Possible, visibleOn(rd)
		}},
		{"participants by status and certainty in an uncertain window", "participants", `keys: [{status: true}, {certain: true}]`, uncertainDay, func(rd seedcsv.Reading, _ map[string]string, _ string) (string, bool) {
			return fmt.Sprintf("%s|%t", rd.Status, rd.Certain), visibleOn(rd)
		}},
		{"participants as of 2015 by signature year", "participants", `keys: [{edge: "signed"}]`, "2015-01-01", func(rd seedcsv.Reading, r map[string]string, day string) (string, bool) {
			return yearOf(shownOn(r["signed"], day)), visibleOn(rd)
		}},
	}
	for _, instrument := range []string{"cets-201", "ets-185"} {
		for _, tc := range cases {
			t.Run(instrument+"/"+tc.name, func(t *testing.T) {
				tally := map[string]int{}
				for _, r := range participationRows(t, instrument) {
					rd := readingOn(t, r, tc.day)
					if k, ok := tc.key(rd, r, tc.day); ok {
						tally[k]++
					}
				}
				if strings.Contains(tc.name, "certainty") && instrument == "cets-201" && !strings.Contains(fmt.Sprint(countRows(tally)), "|false") {
					t.Fatalf("no uncertain status of %s on %s; the case needs one", instrument, tc.day)
				}
				q := fmt.Sprintf(`query($id: ID!, $day: Date) { instrument(id: $id) { %s(asOf: $day, first: 1) { groupBy(%s, first: 500) { key count } aggregate { count } totalCount } } }`, tc.field, tc.args)
				var got struct {
					Instrument map[string]struct {
						GroupBy   []apiGroup `json:"groupBy"`
						Aggregate struct {
							Count int `json:"count"`
						} `json:"aggregate"`
						TotalCount int `json:"totalCount"`
					} `json:"instrument"`
				}
				post(t, srv.URL, q, map[string]any{"id": instrument, "day": tc.day}, &got)
				conn := got.Instrument[tc.field]
				if diff := cmp.Diff(countRows(tally), byKey(groupRows(conn.GroupBy))); diff != "" {
					t.Errorf("query %s on %s: groups differ (-seed +API):\n%s", q, tc.day, diff)
				}
				if conn.Aggregate.Count != conn.TotalCount {
					t.Errorf("query %s: aggregate.count %d, totalCount %d", q, conn.Aggregate.Count, conn.TotalCount)
				}
			})
		}
	}
}

func TestAggregateParticipations(t *testing.T) {
	srv, _ := newTestServer(t)
	today := time.Now().UTC().Format("2006-01-02")
	for _, day := range []string{today, "2015-01-01"} {
		for _, instrument := range []string{"cets-201", "ets-185", "ets-189", "cets-224"} {
			var minR, maxR string
			n := 0
			countries := map[string]bool{}
			for _, r := range participationRows(t, instrument) {
				rd := readingOn(t, r, day)
				if rd.Status != "RATIFIED" && rd.Status != "IN_FORCE" {
					continue
				}
				n++
				countries[r["country"]] = true
				if d := shownOn(r["ratified"], day); d != "" {
					if minR == "" || d < minR {
						minR = d
					}
					if d > maxR {
						maxR = d
					}
				}
			}
			q := `query($id: ID!, $day: Date) { instrument(id: $id) { parties(asOf: $day) { aggregate {
  count earliest: min(field: {edge: "ratified"}) latest: max(field: {edge: "ratified"}) states: distinct(field: {node: "id"}) } } } }`
			var got struct {
				Instrument struct {
					Parties struct {
						Aggregate struct {
							Count    int     `json:"count"`
							Earliest *string `json:"earliest"`
							Latest   *string `json:"latest"`
							States   int     `json:"states"`
						} `json:"aggregate"`
					} `json:"parties"`
				} `json:"instrument"`
			}
			post(t, srv.URL, q, map[string]any{"id": instrument, "day": day}, &got)
			a := got.Instrument.Parties.Aggregate
			gotRow := fmt.Sprintf("count=%d earliest=%s latest=%s states=%d", a.Count, deref(a.Earliest), deref(a.Latest), a.States)
			wantRow := fmt.Sprintf("count=%d earliest=%s latest=%s states=%d", n, minR, maxR, len(countries))
			if gotRow != wantRow {
				t.Errorf("query %s for %s on %s: got %s, seed gives %s", q, instrument, day, gotRow, wantRow)
			}
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func TestGroupByRootLists(t *testing.T) {
	srv, _ := newTestServer(t)
	kinds := map[string]int{}
	for _, e := range seedcsv.Entities(t) {
		label, _ := e["label"].(string)
		kinds[strings.ToUpper(label)]++
	}
	countries := seedcsv.Rows(t, "countries.csv")
	byStatus := map[string]int{}
	for _, c := range countries {
		byStatus[strings.ToUpper(c["coe_status"])]++
	}
	byMonth, byQuarter := map[string]int{}, map[string]int{}
	for _, e := range seedcsv.Entities(t) {
		if e["label"] != "Project" {
			continue
		}
		props, _ := e["properties"].(map[string]any)
		d, _ := props["startDate"].(string)
		switch {
		case d == "":
			byMonth["-"]++
		case len(d) == 4:
			byMonth[d]++
		default:
			byMonth[d[:7]]++
		}
		byQuarter[quarterOf(d)]++
	}
	projectGroups := func(raw json.RawMessage) []apiGroup {
		var v struct {
			Projects struct {
				GroupBy []apiGroup `json:"groupBy"`
			} `json:"projects"`
		}
		_ = json.Unmarshal(raw, &v)
		return v.Projects.GroupBy
	}
	cases := []struct {
		name, query string
		want        []groupRow
		get         func(raw json.RawMessage) []apiGroup
	}{
		{"projects by start month", `{ projects { groupBy(keys: [{node: "startDate"}], interval: MONTH, first: 500) { key count } } }`, countRows(byMonth), projectGroups},
		{"projects by start quarter", `{ projects { groupBy(keys: [{node: "startDate"}], interval: QUARTER, first: 500) { key count } } }`, countRows(byQuarter), projectGroups},
		{"countries by coeStatus", `{ countries { groupBy(keys: [{node: "coeStatus"}]) { key count } } }`, countRows(byStatus), func(raw json.RawMessage) []apiGroup {
			var v struct {
				Countries struct {
					GroupBy []apiGroup `json:"groupBy"`
				} `json:"countries"`
			}
			_ = json.Unmarshal(raw, &v)
			return v.Countries.GroupBy
		}},
		{"projects by kind", `{ projects { groupBy(keys: [{kind: true}]) { key count } } }`, []groupRow{{"PROJECT", kinds["PROJECT"]}}, func(raw json.RawMessage) []apiGroup {
			var v struct {
				Projects struct {
					GroupBy []apiGroup `json:"groupBy"`
				} `json:"projects"`
			}
			_ = json.Unmarshal(raw, &v)
			return v.Projects.GroupBy
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := post(t, srv.URL, tc.query, nil, nil)
			if len(res.Errors) > 0 {
				t.Fatalf("query %s: errors %+v", tc.query, res.Errors)
			}
			if diff := cmp.Diff(tc.want, byKey(groupRows(tc.get(res.Data)))); diff != "" {
				t.Errorf("query %s: groups differ (-seed +API):\n%s", tc.query, diff)
			}
		})
	}
}

// factOn reports whether a node or relationship with props is a fact on
// day ("" for any day), by its validity properties as the store reads them.
func factOn(props map[string]any, relationship bool, day string) bool {
	if day == "" {
		return true
	}
	fromKeys, untilKeys := model.ValidityKeys(relationship)
	first := func(keys []string) string {
		for _, k := range keys {
			if s, ok := props[k].(string); ok {
				if d, err := model.ParseDate(s); err == nil {
					return string(d)
				}
			}
		}
		return ""
	}
	from, until := first(fromKeys), first(untilKeys)
	return from <= day && (until == "" || until >= day)
}

// relationCounts counts, per node of label visible on day, its
// relationships of typ in direction dir visible on day and leading to a
// node visible then.
func relationCounts(data *seed.Data, label, typ string, dir model.Direction, day string) map[string]int {
	nodes := map[string]model.Entity{}
	for _, e := range data.Entities {
		nodes[e.ID] = e
	}
	counts := map[string]int{}
	for _, e := range data.Entities {
		if e.Label == label && factOn(e.Properties, false, day) {
			counts[e.ID] = 0
		}
	}
	for _, r := range data.Relations {
		if r.Type != typ || !factOn(r.Properties, true, day) {
			continue
		}
		for _, end := range []struct {
			self, other string
			d           model.Direction
		}{{r.From, r.To, model.DirectionOutgoing}, {r.To, r.From, model.DirectionIncoming}} {
			if dir != model.DirectionBoth && dir != end.d {
				continue
			}
			if _, ok := counts[end.self]; !ok {
				continue
			}
			if o, ok := nodes[end.other]; ok && factOn(o.Properties, false, day) {
				counts[end.self]++
			}
		}
	}
	return counts
}

func TestRelationCountFilterAndSort(t *testing.T) {
	srv, data := newTestServer(t)
	cases := []struct {
		root, label, typ string
		dir              model.Direction
		gte              int
	}{
		{"projects", "Project", "FUNDED_BY", model.DirectionOutgoing, 2},
		{"projects", "Project", "TARGETS", model.DirectionOutgoing, 3},
		{"countries", "Country", "TARGETS", model.DirectionIncoming, 2},
		{"bodies", "Body", "PART_OF", model.DirectionIncoming, 1},
		{"bodies", "Body", "PART_OF", model.DirectionBoth, 2},
	}
	for _, tc := range cases {
		for _, day := range []string{"", "2015-01-01"} {
			t.Run(fmt.Sprintf("%s/%s/%s/%s", tc.root, tc.typ, tc.dir, day), func(t *testing.T) {
				counts := relationCounts(data, tc.label, tc.typ, tc.dir, day)
				var wantFiltered, wantOrder []string
				for id, n := range counts {
					if n >= tc.gte {
						wantFiltered = append(wantFiltered, id)
					}
					wantOrder = append(wantOrder, id)
				}
				sort.Strings(wantFiltered)
				sort.Slice(wantOrder, func(i, j int) bool {
					a, b := wantOrder[i], wantOrder[j]
					if counts[a] != counts[b] {
						return counts[a] > counts[b]
					}
					return a < b
				})
				if len(wantFiltered) == 0 {
					t.Fatalf("the seed gives no %s with %d %s; the case needs one", tc.label, tc.gte, tc.typ)
				}
				vars := map[string]any{"type": tc.typ, "dir": string(tc.dir), "gte": tc.gte}
				if day != "" {
					vars["asOf"] = day
				}
				q := fmt.Sprintf(`query($type: RelationType!, $dir: Direction, $gte: Int, $asOf: Date) {
  filtered: %[1]s(first: 500, asOf: $asOf, where: {relationCount: {type: $type, direction: $dir, gte: $gte}}) { edges { node { id } } }
  ranked: %[1]s(first: 500, asOf: $asOf, sort: [{relationCount: {type: $type, direction: $dir}, direction: DESC}]) { edges { node { id } } }
}`, tc.root)
				var got map[string]struct {
					Edges []struct {
						Node struct {
							ID string `json:"id"`
						} `json:"node"`
					} `json:"edges"`
				}
				post(t, srv.URL, q, vars, &got)
				ids := func(k string) []string {
					var out []string
					for _, e := range got[k].Edges {
						out = append(out, e.Node.ID)
					}
					return out
				}
				filtered := ids("filtered")
				sort.Strings(filtered)
				if diff := cmp.Diff(wantFiltered, filtered); diff != "" {
					t.Errorf("query %s with %v: relationCount filter differs (-seed +API):\n%s", q, vars, diff)
				}
				if diff := cmp.Diff(wantOrder, ids("ranked")); diff != "" {
					t.Errorf("query %s with %v: relationCount sort differs (-seed +API):\n%s", q, vars, diff)
				}
			})
		}
	}
}

func TestNestedSorts(t *testing.T) {
	srv, data := newTestServer(t)
	today := time.Now().UTC().Format("2006-01-02")
	type row struct{ ID, Key string }
	// Each case's want is the results with their sort key, from the seed;
	// ties are broken by the name's collation, which the comparison leaves
	// out: it checks the ids and the keys' order.
	type tc struct {
		name, query string
		vars        map[string]any
		path        func(raw json.RawMessage) (edges []json.RawMessage, end *string, next bool)
		key         func(edge json.RawMessage) row
		want        []row
		desc        bool
	}
	var cases []tc
	type partyPage struct {
		Instrument struct {
			Parties struct {
				Edges    []json.RawMessage `json:"edges"`
				PageInfo struct {
					EndCursor   *string `json:"endCursor"`
					HasNextPage bool    `json:"hasNextPage"`
				} `json:"pageInfo"`
			} `json:"parties"`
		} `json:"instrument"`
	}
	for _, day := range []string{today, "2015-01-01"} {
		for _, instrument := range []string{"cets-201", "ets-185"} {
			var want []row
			for _, r := range participationRows(t, instrument) {
				rd := readingOn(t, r, day)
				if rd.Status == "RATIFIED" || rd.Status == "IN_FORCE" {
					want = append(want, row{r["country"], shownOn(r["ratified"], day)})
				}
			}
			cases = append(cases, tc{
				name:  fmt.Sprintf("parties of %s by ratification, latest first, on %s", instrument, day),
				query: `query($id: ID!, $day: Date, $first: Int, $after: String) { instrument(id: $id) { parties(asOf: $day, first: $first, after: $after, sort: [{field: RATIFIED, direction: DESC}]) { edges { node { id } ratified } pageInfo { endCursor hasNextPage } } } }`,
				vars:  map[string]any{"id": instrument, "day": day},
				path: func(raw json.RawMessage) ([]json.RawMessage, *string, bool) {
					var p partyPage
					_ = json.Unmarshal(raw, &p)
					return p.Instrument.Parties.Edges, p.Instrument.Parties.PageInfo.EndCursor, p.Instrument.Parties.PageInfo.HasNextPage
				},
				key: func(e json.RawMessage) row {
					var v struct {
						Node struct {
							ID string `json:"id"`
						} `json:"node"`
						Ratified *string `json:"ratified"`
					}
					_ = json.Unmarshal(e, &v)
					return row{v.Node.ID, deref(v.Ratified)}
				},
				want: want, desc: true,
			})
		}
	}
	starts := map[string]string{}
	for _, e := range data.Entities {
		if e.Label == "Project" {
			s, _ := e.Properties["startDate"].(string)
			starts[e.ID] = s
		}
	}
	for _, country := range []string{"country-ua", "country-md"} {
		var want []row
		for _, r := range data.Relations {
			if r.Type == "TARGETS" && r.To == country {
				want = append(want, row{r.From, starts[r.From]})
			}
		}
		cases = append(cases, tc{
			name:  "projects targeting " + country + " by start date",
			query: `query($id: ID!, $first: Int, $after: String) { country(id: $id) { projects(first: $first, after: $after, sort: [{field: START_DATE}]) { edges { node { id startDate } } pageInfo { endCursor hasNextPage } } } }`,
			vars:  map[string]any{"id": country},
			path: func(raw json.RawMessage) ([]json.RawMessage, *string, bool) {
				var p struct {
					Country struct {
						Projects struct {
							Edges    []json.RawMessage `json:"edges"`
							PageInfo struct {
								EndCursor   *string `json:"endCursor"`
								HasNextPage bool    `json:"hasNextPage"`
							} `json:"pageInfo"`
						} `json:"projects"`
					} `json:"country"`
				}
				_ = json.Unmarshal(raw, &p)
				return p.Country.Projects.Edges, p.Country.Projects.PageInfo.EndCursor, p.Country.Projects.PageInfo.HasNextPage
			},
			key: func(e json.RawMessage) row {
				var v struct {
					Node struct {
						ID        string  `json:"id"`
						StartDate *string `json:"startDate"`
					} `json:"node"`
				}
				_ = json.Unmarshal(e, &v)
				return row{v.Node.ID, deref(v.Node.StartDate)}
			},
			want: want,
		})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if len(c.want) < 3 {
				t.Fatalf("the seed gives %d results; the case needs more", len(c.want))
			}
			// Pages of two, one after another, read the whole list.
			var got []row
			var after any
			for i := 0; i < 200; i++ {
				vars := map[string]any{"first": 2, "after": after}
				for k, v := range c.vars {
					vars[k] = v
				}
				res := post(t, srv.URL, c.query, vars, nil)
				if len(res.Errors) > 0 {
					t.Fatalf("query %s with %v: %+v", c.query, vars, res.Errors)
				}
				edges, end, next := c.path(res.Data)
				for _, e := range edges {
					got = append(got, c.key(e))
				}
				if !next {
					break
				}
				after = *end
			}
			wantKeys, gotKeys := make([]string, 0, len(c.want)), make([]string, 0, len(got))
			for _, r := range c.want {
				wantKeys = append(wantKeys, r.Key)
			}
			for _, r := range got {
				gotKeys = append(gotKeys, r.Key)
			}
			sort.Strings(wantKeys)
			if c.desc {
				for i, j := 0, len(wantKeys)-1; i < j; i, j = i+1, j-1 {
					wantKeys[i], wantKeys[j] = wantKeys[j], wantKeys[i]
				}
			}
			if diff := cmp.Diff(wantKeys, gotKeys); diff != "" {
				t.Errorf("query %s with %v: sort keys in order differ (-seed +API):\n%s", c.query, c.vars, diff)
			}
			ids := func(rows []row) []string {
				var out []string
				for _, r := range rows {
					out = append(out, r.ID+"="+r.Key)
				}
				sort.Strings(out)
				return out
			}
			if diff := cmp.Diff(ids(c.want), ids(got)); diff != "" {
				t.Errorf("query %s with %v: results differ (-seed +API):\n%s", c.query, c.vars, diff)
			}
		})
	}
}

func TestAnalyticsLimits(t *testing.T) {
	srv, _ := newTestServer(t)
	cases := []struct {
		name, query, code string
		// single reports whether the query is answered in one statement.
		ok bool
	}{
		{"four keys", `{ projects { groupBy(keys: [{kind: true}, {node: "startDate"}, {node: "endDate"}, {related: {type: FUNDED_BY}}]) { count } } }`, "COST_LIMIT_EXCEEDED", false},
		{"a group-by by related nodes under every country", `{ countries(first: 500) { edges { node { projects { groupBy(keys: [{related: {type: FUNDED_BY, direction: OUTGOING}}, {related: {type: IMPLEMENTED_BY, direction: OUTGOING}}]) { count } } } } } }`, "COST_LIMIT_EXCEEDED", false},
		{"every node of 500 groups", `{ projects { groupBy(keys: [{kind: true}], first: 500) { nodes(first: 100) { ... on Project { funders(first: 500) { edges { node { id } } } } } } } }`, "COST_LIMIT_EXCEEDED", false},
		{"too many nodes per group", `{ projects { groupBy(keys: [{kind: true}]) { nodes(first: 101) { id } } } }`, "BAD_USER_INPUT", false},
		{"a key that is two", `{ projects { groupBy(keys: [{kind: true, node: "startDate"}]) { count } } }`, "BAD_USER_INPUT", true},
		{"a status outside participations", `{ projects { groupBy(keys: [{status: true}]) { count } } }`, "BAD_USER_INPUT", true},
		{"an edge of a root list", `{ projects { aggregate { min(field: {edge: "date"}) } } }`, "BAD_USER_INPUT", true},
		{"a store property", `{ projects { values(field: {node: "sourceUrls"}) { value } } }`, "BAD_USER_INPUT", true},
		{"quarters of the timeline", `{ timeline(instrument: "ets-185", action: RATIFICATION, interval: QUARTER) { period } }`, "BAD_USER_INPUT", false},
		{"aggregates the resolvers reach", `{ dataQuality { treaties { instrument { parties { aggregate { count } } } } } }`, "BAD_USER_INPUT", false},
		{"a top-level group-by over three keys", `{ projects { groupBy(keys: [{kind: true}, {node: "startDate"}, {related: {type: FUNDED_BY, direction: OUTGOING}}]) { count } } }`, "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, trips := postDebug(t, srv.URL, tc.query)
			code := ""
			if len(res.Errors) > 0 {
				code, _ = res.Errors[0].Extensions["code"].(string)
			}
			if code != tc.code {
				t.Fatalf("query %s: code %q, want %q (errors %+v)", tc.query, code, tc.code, res.Errors)
			}
			if tc.code == "COST_LIMIT_EXCEEDED" && trips > 0 {
				t.Errorf("query %s: %d statements ran before the refusal, want none", tc.query, trips)
			}
			if tc.code == "" && trips != 1 {
				t.Errorf("query %s: %d statements, want one", tc.query, trips)
			}
		})
	}
}

// seedGroup is a group computed from the seed: its key ("-" for null),
// its count and its members' ids.
type seedGroup struct {
	Key   string
	Count int
	Nodes []string
}

// rankGroups orders groups largest first, then by key with null last, as
// the API does by default.
func rankGroups(m map[string][]string) []seedGroup {
	var out []seedGroup
	for k, ids := range m {
		sort.Strings(ids)
		out = append(out, seedGroup{k, len(ids), ids})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if (a.Key == "-") != (b.Key == "-") {
			return b.Key == "-"
		}
		return a.Key < b.Key
	})
	return out
}

func TestGroupByRelatedAndValues(t *testing.T) {
	srv, data := newTestServer(t)
	for _, day := range []string{"", "2015-01-01"} {
		visible := map[string]bool{}
		for _, e := range data.Entities {
			if factOn(e.Properties, false, day) {
				visible[e.ID] = true
			}
		}
		byFunder, byStart := map[string][]string{}, map[string][]string{}
		for _, e := range data.Entities {
			if e.Label != "Project" || !visible[e.ID] {
				continue
			}
			seen := map[string]bool{}
			for _, r := range data.Relations {
				if r.Type == "FUNDED_BY" && r.From == e.ID && visible[r.To] && factOn(r.Properties, true, day) && !seen[r.To] {
					seen[r.To] = true
					byFunder[r.To] = append(byFunder[r.To], e.ID)
				}
			}
			if len(seen) == 0 {
				byFunder["-"] = append(byFunder["-"], e.ID)
			}
			start, _ := e.Properties["startDate"].(string)
			if start == "" {
				start = "-"
			}
			byStart[start] = append(byStart[start], e.ID)
		}
		want := rankGroups(byFunder)
		// having count >= 2, smallest first, the top three.
		var small []seedGroup
		for _, g := range want {
			if g.Count >= 2 {
				small = append(small, g)
			}
		}
		sort.SliceStable(small, func(i, j int) bool { return small[i].Count < small[j].Count })
		if len(small) > 3 {
			small = small[:3]
		}
		q := `query($asOf: Date) { projects(asOf: $asOf, first: 0) {
  all: groupBy(keys: [{related: {type: FUNDED_BY, direction: OUTGOING}}], first: 500) { key count keyNode { id } nodes(first: 100) { id } }
  small: groupBy(keys: [{related: {type: FUNDED_BY, direction: OUTGOING}}], having: {count: {gte: 2}}, sort: [{field: COUNT, direction: ASC}], first: 3) { key count }
  starts: values(field: {node: "startDate"}, first: 500) { value count }
} }`
		var vars map[string]any
		if day != "" {
			vars = map[string]any{"asOf": day}
		}
		var got struct {
			Projects struct {
				All []struct {
					Key     []*string `json:"key"`
					Count   int       `json:"count"`
					KeyNode *struct {
						ID string `json:"id"`
					} `json:"keyNode"`
					Nodes []struct {
						ID string `json:"id"`
					} `json:"nodes"`
				} `json:"all"`
				Small  []apiGroup `json:"small"`
				Starts []struct {
					Value *string `json:"value"`
					Count int     `json:"count"`
				} `json:"starts"`
			} `json:"projects"`
		}
		post(t, srv.URL, q, vars, &got)
		var all []seedGroup
		for _, g := range got.Projects.All {
			k := "-"
			if g.Key[0] != nil {
				k = *g.Key[0]
			}
			var ids []string
			for _, n := range g.Nodes {
				ids = append(ids, n.ID)
			}
			all = append(all, seedGroup{k, g.Count, ids})
			if kn := g.KeyNode; (kn == nil) != (k == "-") || kn != nil && kn.ID != k {
				t.Errorf("query %s on %q: group %s has keyNode %+v", q, day, k, kn)
			}
		}
		if diff := cmp.Diff(want, all); diff != "" {
			t.Errorf("query %s on %q: projects by funder (-seed +API):\n%s", q, day, diff)
		}
		var smallRows []groupRow
		for _, g := range small {
			smallRows = append(smallRows, groupRow{g.Key, g.Count})
		}
		if diff := cmp.Diff(smallRows, groupRows(got.Projects.Small)); diff != "" {
			t.Errorf("query %s on %q: the three smallest funders with two projects or more (-seed +API):\n%s", q, day, diff)
		}
		var starts []groupRow
		for _, g := range rankGroups(byStart) {
			starts = append(starts, groupRow{g.Key, g.Count})
		}
		var gotStarts []groupRow
		for _, v := range got.Projects.Starts {
			gotStarts = append(gotStarts, groupRow{deref(v.Value), v.Count})
			if v.Value == nil {
				gotStarts[len(gotStarts)-1].Key = "-"
			}
		}
		if diff := cmp.Diff(starts, gotStarts); diff != "" {
			t.Errorf("query %s on %q: projects' start dates (-seed +API):\n%s", q, day, diff)
		}
	}
}

// TestGroupBySearch groups a search's hits by kind and checks the groups
// against every hit the search lists.
func TestGroupBySearch(t *testing.T) {
	srv, _ := newTestServer(t)
	for _, term := range []string{"cybercrime", "children"} {
		q := `query($q: String!) { search(query: $q, first: 500) { totalCount aggregate { count } groupBy(keys: [{kind: true}]) { key count } edges { node { __typename } } } }`
		var got struct {
			Search struct {
				TotalCount int `json:"totalCount"`
				Aggregate  struct {
					Count int `json:"count"`
				} `json:"aggregate"`
				GroupBy []apiGroup `json:"groupBy"`
				Edges   []struct {
					Node struct {
						Typename string `json:"__typename"`
					} `json:"node"`
				} `json:"edges"`
			} `json:"search"`
		}
		post(t, srv.URL, q, map[string]any{"q": term}, &got)
		tally := map[string]int{}
		for _, e := range got.Search.Edges {
			k := strings.ToUpper(e.Node.Typename)
			if k == "MONITORINGROUND" {
				k = "MONITORING_ROUND"
			}
			tally[k]++
		}
		if len(tally) == 0 || got.Search.TotalCount != len(got.Search.Edges) {
			t.Fatalf("search %q: %d hits listed of %d; the case needs them all", term, len(got.Search.Edges), got.Search.TotalCount)
		}
		if diff := cmp.Diff(countRows(tally), byKey(groupRows(got.Search.GroupBy))); diff != "" {
			t.Errorf("query %s for %q: hits by kind (-listed +grouped):\n%s", q, term, diff)
		}
		if got.Search.Aggregate.Count != got.Search.TotalCount {
			t.Errorf("query %s for %q: aggregate.count %d, totalCount %d", q, term, got.Search.Aggregate.Count, got.Search.TotalCount)
		}
	}
}
