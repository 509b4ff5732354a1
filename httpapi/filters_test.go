package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore/neo4jtest"
	"github.com/coe-child-online/knowledge-graph/seed"
	"github.com/coe-child-online/knowledge-graph/seed/seedcsv"
)

type idPage struct {
	TotalCount int `json:"totalCount"`
	Edges      []struct {
		Node struct {
			ID string `json:"id"`
		} `json:"node"`
	} `json:"edges"`
}

func (p idPage) ids() []string {
	out := []string{}
	for _, e := range p.Edges {
		out = append(out, e.Node.ID)
	}
	return out
}

func sorted(ids []string) []string {
	out := append([]string{}, ids...)
	sort.Strings(out)
	return out
}

func TestFilters(t *testing.T) {
	srv, data := newTestServer(t)
	countries := seedcsv.Rows(t, "countries.csv")
	var members, all []string
	for _, c := range countries {
		all = append(all, c["id"])
		if c["coe_status"] == "member" {
			members = append(members, c["id"])
		}
	}
	var targetsMU []string
	for _, r := range data.Relations {
		if r.Type == "TARGETS" && r.To == "country-mu" {
			targetsMU = append(targetsMU, r.From)
		}
	}
	notMembers := []string{}
	for _, id := range all {
		found := false
		for _, m := range members {
			found = found || m == id
		}
		if !found {
			notMembers = append(notMembers, id)
		}
	}
	tests := []struct {
		name, field, where string
		want               []string
	}{
		{"name ignores case and accents", "countries", `{ name: { eq: "TURKIYE" } }`, []string{"country-tr"}},
		{"name matches an alias or number", "instruments", `{ name: { eq: "budapest convention" } }`, []string{"ets-185"}},
		{"name starts with, accents typed", "countries", `{ name: { startsWith: "Géorg" } }`, []string{"country-ge"}},
		{"OR", "countries", `{ OR: [{ iso2: { eq: "MU" } }, { iso2: { eq: "fr" } }] }`, []string{"country-fr", "country-mu"}},
		{"NOT", "countries", `{ NOT: { coeStatus: { eq: MEMBER } } }`, notMembers},
		{"related node: some", "projects", `{ relations: [{ type: TARGETS, direction: OUTGOING, some: { id: { eq: "country-mu" } } }] }`, targetsMU},
		{"related node: none", "countries", `{ coeStatus: { eq: MEMBER }, relations: [{ type: SIGNED, none: { id: { in: ["cets-201", "ets-185", "ets-189", "cets-224"] } } }, { type: RATIFIED, none: {} }] }`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got map[string]idPage
			q := fmt.Sprintf(`{ %s(first: 500, where: %s) { totalCount edges { node { id } } } }`, tt.field, tt.where)
			post(t, srv.URL, q, nil, &got)
			want := sorted(tt.want)
			if tt.want == nil {
				want = []string{}
			}
			if diff := cmp.Diff(want, sorted(got[tt.field].ids())); diff != "" {
				t.Errorf("query %s (-want +got):\n%s", q, diff)
			}
			if got[tt.field].TotalCount != len(want) {
				t.Errorf("query %s: totalCount %d, want %d", q, got[tt.field].TotalCount, len(want))
			}
		})
	}
}

func TestRatifiedAfterADateFiltersOnTheEdge(t *testing.T) {
	srv, _ := newTestServer(t)
	var want []string
	for _, r := range seedcsv.Rows(t, "treaty_parties.csv") {
		if r["instrument"] == "cets-201" && r["status"] == "party" && r["ratified"] > "2015-01-01" {
			want = append(want, r["country"])
		}
	}
	var got map[string]idPage
	post(t, srv.URL, `{ countries(first: 500, where: { treaties: { some: { instrument: { id: { eq: "cets-201" } }, ratified: { gt: "2015-01-01" } } } }) { totalCount edges { node { id } } } }`, nil, &got)
	if len(want) == 0 {
		t.Fatal("no such ratification in the seed")
	}
	if diff := cmp.Diff(sorted(want), sorted(got["countries"].ids())); diff != "" {
		t.Errorf("ratified CETS 201 after 2015-01-01 (-seed +API):\n%s", diff)
	}
}

func TestSortByRelatedCount(t *testing.T) {
	srv, _ := newTestServer(t)
	today := time.Now().Format("2006-01-02")
	count := map[string]int{}
	for _, r := range seedcsv.Rows(t, "treaty_parties.csv") {
		if r["status"] == "party" && (r["ratified"] == "" || r["ratified"] <= today) {
			count[r["country"]]++
		}
	}
	names := map[string]map[string]string{}
	var want []string
	for _, c := range seedcsv.Rows(t, "countries.csv") {
		names[c["id"]] = map[string]string{"EN": c["name"]}
		want = append(want, c["id"])
	}
	// Names in English alphabetical order, then by ratifications.
	want = collated(want, names, "EN", false)
	sort.SliceStable(want, func(i, j int) bool { return count[want[i]] > count[want[j]] })
	// Page through 9 at a time to check the cursors of a sorted list too.
	var got []string
	var after any
	for i := 0; i < 50; i++ {
		var page struct {
			Countries struct {
				idPage
				PageInfo struct {
					HasNextPage bool   `json:"hasNextPage"`
					EndCursor   string `json:"endCursor"`
				} `json:"pageInfo"`
			} `json:"countries"`
		}
		post(t, srv.URL, `query ($after: String) { countries(first: 9, after: $after, sort: [{ field: TREATIES_RATIFIED, direction: DESC }, { field: NAME }]) {
  edges { node { id } } pageInfo { hasNextPage endCursor } } }`, map[string]any{"after": after}, &page)
		got = append(got, page.Countries.ids()...)
		if !page.Countries.PageInfo.HasNextPage {
			break
		}
		after = page.Countries.PageInfo.EndCursor
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("countries by ratifications, then name (-seed +API):\n%s", diff)
	}
}

func TestAsOfHidesFactsNotYetTrue(t *testing.T) {
	srv, _ := newTestServer(t)
	// GLACY ran from 2013-11-01 to 2016-10-31 according to the seed.
	for _, tt := range []struct {
		asOf string
		want bool
	}{{"2012-01-01", false}, {"2015-01-01", true}, {"2017-01-01", false}} {
		var got map[string]idPage
		post(t, srv.URL, fmt.Sprintf(`{ projects(first: 500, asOf: %q, where: { id: { eq: "glacy" } }) { totalCount edges { node { id } } } }`, tt.asOf), nil, &got)
		if has := got["projects"].TotalCount == 1; has != tt.want {
			t.Errorf("glacy listed as of %s: %v, want %v", tt.asOf, has, tt.want)
		}
	}
	// Armenia ratified CETS 201 on 2020-09-07: not yet a party on 2020-01-01.
	var got struct {
		Instrument struct {
			Parties idPage `json:"parties"`
		} `json:"instrument"`
	}
	post(t, srv.URL, `{ instrument(id: "cets-201") { parties(first: 500, asOf: "2020-01-01", where: { iso2: { eq: "AM" } }) { totalCount edges { node { id } } } } }`, nil, &got)
	if got.Instrument.Parties.TotalCount != 0 {
		t.Errorf("Armenia is a party of CETS 201 as of 2020-01-01: %+v", got.Instrument.Parties)
	}
}

// TestRoundTripsDoNotGrowWithRows asks for the parties of a treaty with each
// party's projects and each project's funders, for 10 parties and for every
// party of a large synthetic graph: the statements sent must be the same.
func TestRoundTripsDoNotGrowWithRows(t *testing.T) {
	store := neo4jtest.Open(t)
	neo4jtest.Reset(t)
	data := seed.Synthetic(3000, rand.New(rand.NewPCG(5, 0)))
	if err := store.BulkCreate(context.Background(), "synthetic", data.Entities, data.Relations, 10000); err != nil {
		t.Fatal(err)
	}
	h, err := New(testConfig(), Deps{Store: store, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, h)
	query := func(first int) (int, int) {
		res, trips := postDebug(t, srv.URL, fmt.Sprintf(`{ instrument(id: "syn-instrument-0") {
  parties(first: %d) { edges { node { id projects(first: 20) { edges { node { id funders(first: 10) { edges { node { id } } } } } } } } } } }`, first))
		if len(res.Errors) > 0 {
			t.Fatalf("errors: %+v", res.Errors)
		}
		return trips, len(res.Data)
	}
	small, smallSize := query(10)
	large, largeSize := query(500)
	if largeSize < 10*smallSize {
		t.Fatalf("the large answer (%d bytes) is not much larger than the small (%d): the synthetic data is too thin", largeSize, smallSize)
	}
	if small != large || small <= 0 {
		t.Errorf("round trips: %d for 10 parties, %d for 500; want the same, bounded by the nesting depth", small, large)
	}
	if large > 4 {
		t.Errorf("round trips: %d, want at most 4 (one per level)", large)
	}

	// The parties of ten conventions in one request, with each party's
	// projects and each project's funders: 10 parties (one each), then
	// more than 1,000 (up to 200 each, under the cost limit).
	parties := func(first int) (trips, count int) {
		q := fmt.Sprintf(`{ instruments(first: 10, sort: [{field: ID}]) { edges { node { id
  parties(first: %d) { edges { node { id projects(first: 20) { edges { node { id funders(first: 10) { edges { node { id } } } } } } } } } } } } }`, first)
		res, trips := postDebug(t, srv.URL, q)
		if len(res.Errors) > 0 {
			t.Fatalf("query %s: errors %+v", q, res.Errors)
		}
		var data struct {
			Instruments struct {
				Edges []struct {
					Node struct {
						Parties struct {
							Edges []json.RawMessage `json:"edges"`
						} `json:"parties"`
					} `json:"node"`
				} `json:"edges"`
			} `json:"instruments"`
		}
		if err := json.Unmarshal(res.Data, &data); err != nil {
			t.Fatal(err)
		}
		for _, e := range data.Instruments.Edges {
			count += len(e.Node.Parties.Edges)
		}
		return trips, count
	}
	tripsFew, few := parties(1)
	tripsMany, many := parties(200)
	if few != 10 || many < 1000 {
		t.Fatalf("parties: %d and %d, want 10 and at least 1,000: the synthetic data is too thin", few, many)
	}
	if tripsFew != tripsMany || tripsMany > 4 {
		t.Errorf("round trips: %d for %d parties, %d for %d; want the same, at most 4 (one per level)", tripsFew, few, tripsMany, many)
	}
}
