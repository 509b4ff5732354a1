package neo4jstore_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore/neo4jtest"
	"github.com/coe-child-online/knowledge-graph/seed"
	"github.com/coe-child-online/knowledge-graph/seed/seedcsv"
)

// snapshot renders the graph's entities and relationships as sorted lines.
func snapshot(t *testing.T) []string { return neo4jtest.Facts(t) }

func TestSeedLoadMatchesFiles(t *testing.T) {
	s := neo4jtest.Open(t)
	data := neo4jtest.LoadSeed(t, s)
	wantLabels, wantRels := data.Counts()
	gotLabels, gotRels, err := s.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantLabels, gotLabels); diff != "" {
		t.Errorf("node counts per label (-seed files +graph):\n%s", diff)
	}
	if diff := cmp.Diff(wantRels, gotRels); diff != "" {
		t.Errorf("relationship counts per type (-seed files +graph):\n%s", diff)
	}
}

func TestEveryFactHasASourceAndADate(t *testing.T) {
	s := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, s)
	rows := neo4jtest.Query(t, `
CALL () {
  // The version node is bookkeeping, not a fact.
  MATCH (n) WHERE NOT n:GraphVersion AND (coalesce(size(n.sourceTitles), 0) = 0
     OR any(d IN n.sourceRetrieved WHERE d = '') OR size(n.sourceRetrieved) <> size(n.sourceTitles))
  RETURN count(n) AS c
  UNION ALL
  MATCH ()-[r]->() WHERE coalesce(size(r.sourceTitles), 0) = 0
     OR any(d IN r.sourceRetrieved WHERE d = '') OR size(r.sourceRetrieved) <> size(r.sourceTitles)
  RETURN count(r) AS c
}
RETURN sum(c) AS unsourced`, nil)
	if got := rows[0]["unsourced"].(int64); got != 0 {
		t.Errorf("facts without a dated source: %d, want 0", got)
	}
}

func deref[T ~string](p *T) string {
	if p == nil {
		return ""
	}
	return string(*p)
}

func TestEveryTreatyRowIsInTheGraph(t *testing.T) {
	s := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, s)
	rows := seedcsv.Rows(t, "treaty_parties.csv")
	instruments := map[string]bool{}
	for _, r := range rows {
		instruments[r["instrument"]] = true
	}
	ids := make([]string, 0, len(instruments))
	for id := range instruments {
		ids = append(ids, id)
	}
	got, err := s.Coverage(context.Background(), ids, nil, "2026-01-01", 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Instruments) != len(ids) || got.More {
		t.Fatalf("coverage of %v: %d instruments found, more countries than 1000: %v", ids, len(got.Instruments), got.More)
	}
	type fact struct{ Signed, Ratified, Action, EntryIntoForce string }
	graph := map[string]fact{}
	for inst, byCountry := range got.Participations {
		for country, p := range byCountry {
			graph[inst+" "+country] = fact{deref(p.Signed), deref(p.Ratified), deref(p.Action), deref(p.EntryIntoForce)}
		}
	}
	want := map[string]fact{}
	for _, r := range rows {
		action := r["action"]
		if action == "signature_only" {
			action = ""
		}
		f := fact{Signed: r["signed"], Ratified: r["ratified"], Action: action, EntryIntoForce: r["entry_into_force"]}
		if r["status"] != "party" {
			f.Ratified, f.Action, f.EntryIntoForce = "", "", ""
		}
		want[r["instrument"]+" "+r["country"]] = f
	}
	if diff := cmp.Diff(want, graph); diff != "" {
		t.Errorf("treaty participations (-treaty_parties.csv +graph):\n%s", diff)
	}
}

func TestLoadingTwiceChangesNothing(t *testing.T) {
	s := neo4jtest.Open(t)
	data := neo4jtest.LoadSeed(t, s)
	before := snapshot(t)
	if err := seed.Load(context.Background(), s, data); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, snapshot(t)); diff != "" {
		t.Errorf("second load changed the graph (-first +second):\n%s", diff)
	}
}

func TestLoadingAChangedCopyAppliesExactlyTheChanges(t *testing.T) {
	s := neo4jtest.Open(t)
	data := neo4jtest.LoadSeed(t, s)
	ctx := context.Background()

	// A curator-made node outside the seed must survive any reload.
	if err := s.ReplaceSeed(ctx, data.Entities, data.Relations); err != nil {
		t.Fatal(err)
	}
	neo4jtest.Write(t, `CREATE (:Entity:Topic {id: 'curated-topic', name: 'Curated'})`, nil)
	before := snapshot(t)

	changed := &seed.Data{}
	var removedEntity string
	for _, e := range data.Entities {
		if e.ID == "cets-224" {
			e.Name = "Second Additional Protocol (renamed in the test)"
		}
		if removedEntity == "" && e.Label == "Topic" {
			removedEntity = e.ID
			continue
		}
		changed.Entities = append(changed.Entities, e)
	}
	changed.Entities = append(changed.Entities, model.Entity{ID: "test-added", Label: "Resource", Name: "Added in the test",
		Aliases: []string{}, Sources: []model.Source{{Title: "test"}}})
	for _, r := range data.Relations {
		if r.From == removedEntity || r.To == removedEntity {
			continue
		}
		if r.From == "country-al" && r.Type == model.RelRatified && r.To == "cets-201" {
			r.Properties = map[string]any{"date": "2009-04-15", "action": "ratification", "entryIntoForce": "2010-07-01"}
		}
		changed.Relations = append(changed.Relations, r)
	}
	since := time.Now()
	if err := s.ReplaceSeed(ctx, changed.Entities, changed.Relations); err != nil {
		t.Fatal(err)
	}
	after := snapshot(t)

	added, removed := neo4jtest.DiffFacts(before, after)
	check := func(what string, lines []string, want map[string]int) {
		t.Helper()
		got := map[string]int{}
		for _, l := range lines {
			switch {
			case contains(l, `"id":"test-added"`):
				got["added node"]++
			case contains(l, `"id":"cets-224"`):
				got["renamed node"]++
			case contains(l, `"id":"`+removedEntity+`"`):
				got["removed node"]++
			case contains(l, "rel country-al RATIFIED cets-201"):
				got["changed ratification"]++
			case contains(l, " "+removedEntity+" ") || contains(l, "rel "+removedEntity+" "):
				got["relationship of removed node"]++
			default:
				got["unexpected: "+l]++
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s lines (-want +got):\n%s", what, diff)
		}
	}
	relsOfRemoved := 0
	for _, r := range data.Relations {
		if r.From == removedEntity || r.To == removedEntity {
			relsOfRemoved++
		}
	}
	wantRemoved := map[string]int{"renamed node": 1, "removed node": 1, "changed ratification": 1}
	if relsOfRemoved > 0 {
		wantRemoved["relationship of removed node"] = relsOfRemoved
	}
	check("added", added, map[string]int{"added node": 1, "renamed node": 1, "changed ratification": 1})
	check("removed", removed, wantRemoved)

	// The audit trail gained one entry per changed fact, and nothing else.
	audit, err := s.Changes(ctx, model.ChangeFilter{Since: &since}, 500, "")
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, c := range audit.Changes {
		actions[c.Action]++
	}
	wantActions := map[string]int{model.ChangeCreateEntity: 1, model.ChangeUpdateEntity: 1, model.ChangeDeleteEntity: 1, model.ChangeUpdateLink: 1}
	if relsOfRemoved > 0 {
		wantActions[model.ChangeUnlink] = relsOfRemoved
	}
	if diff := cmp.Diff(wantActions, actions); diff != "" {
		t.Errorf("audit entries of the second load (-want +got):\n%s", diff)
	}
}

func contains(s, sub string) bool { return len(sub) > 0 && len(s) >= len(sub) && indexOf(s, sub) >= 0 }

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestNeighboursFollowTheSeedRelations(t *testing.T) {
	s := neo4jtest.Open(t)
	data := neo4jtest.LoadSeed(t, s)
	tests := []struct {
		hop model.Hop
		ids []string
	}{
		{model.Hop{Type: "TARGETS", Out: true, Label: "Country"}, []string{"glacy-plus", "octopus-project", "no-such-id"}},
		{model.Hop{Type: "MONITORS", Out: false, Label: "Body"}, []string{"cets-201", "ets-185"}},
		{model.Hop{Type: "SUPPLEMENTS", Out: false, Label: "Instrument"}, []string{"ets-185"}},
		{model.Hop{Type: "FUNDED_BY", Out: true}, []string{"glacy-plus", "octopus-project"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s out=%v %v", tt.hop.Type, tt.hop.Out, tt.ids), func(t *testing.T) {
			got, err := s.Related(context.Background(), tt.hop, tt.ids, nil, model.PageRequest{First: 500, Day: "2026-01-01"})
			if err != nil {
				t.Fatal(err)
			}
			gotIDs := map[string][]string{}
			for id, page := range got {
				if page.Total != len(page.Items) {
					t.Errorf("%s: total %d, items %d", id, page.Total, len(page.Items))
				}
				for _, it := range page.Items {
					gotIDs[id] = append(gotIDs[id], it.Entity.ID)
				}
				sort.Strings(gotIDs[id])
			}
			want := map[string][]string{}
			labels := map[string]string{}
			for _, e := range data.Entities {
				labels[e.ID] = e.Label
			}
			for _, id := range tt.ids {
				for _, r := range data.Relations {
					if r.Type != tt.hop.Type {
						continue
					}
					near, far := r.From, r.To
					if !tt.hop.Out {
						near, far = r.To, r.From
					}
					if near == id && (tt.hop.Label == "" || labels[far] == tt.hop.Label) {
						want[id] = append(want[id], far)
					}
				}
				sort.Strings(want[id])
				if want[id] == nil {
					delete(want, id)
				}
			}
			for id, ids := range gotIDs {
				if ids == nil {
					delete(gotIDs, id)
				}
			}
			if diff := cmp.Diff(want, gotIDs); diff != "" {
				t.Errorf("neighbours (-seed +graph):\n%s", diff)
			}
			if len(want) == 0 {
				t.Errorf("test data has no %s relation from %v: pick ids that have some", tt.hop.Type, tt.ids)
			}
		})
	}
}

func TestListVisitsEveryCountryOnce(t *testing.T) {
	s := neo4jtest.Open(t)
	data := neo4jtest.LoadSeed(t, s)
	want := 0
	for _, e := range data.Entities {
		if e.Label == "Country" {
			want++
		}
	}
	seen := map[string]int{}
	var after *model.Cursor
	for pages := 0; ; pages++ {
		if pages > want {
			t.Fatal("pagination does not end")
		}
		page, err := s.ListEntities(context.Background(), "Country", nil, nil, model.PageRequest{First: 7, After: after, Day: "2026-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != want {
			t.Errorf("total = %d, want %d", page.Total, want)
		}
		for _, it := range page.Items {
			seen[it.Entity.ID]++
		}
		if !page.HasNext {
			break
		}
		after = &model.Cursor{Keys: page.Items[len(page.Items)-1].Keys}
	}
	if len(seen) != want {
		t.Errorf("visited %d countries, want %d", len(seen), want)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s visited %d times", id, n)
		}
	}
}

func TestUnreachableDatabaseIsUnavailable(t *testing.T) {
	s, err := neo4jstore.Open(neo4jstore.Config{URI: "bolt://127.0.0.1:1", User: "neo4j", Password: "x", QueryTimeout: 2e9})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	if err := s.Ping(context.Background()); model.ErrorCode(err) != model.CodeUnavailable {
		t.Errorf("Ping on a closed port: code %s (%v), want UNAVAILABLE", model.ErrorCode(err), err)
	}
	if _, err := s.Nodes(context.Background(), []string{"cets-201"}); model.ErrorCode(err) != model.CodeUnavailable {
		t.Errorf("Nodes on a closed port: code %s (%v), want UNAVAILABLE", model.ErrorCode(err), err)
	}
}

// TestReloadUpgradesTheStoredLayout: a fact stored before a derived
// property existed gets it at the next load, without a version or an audit
// entry, since the fact itself did not change.
func TestReloadUpgradesTheStoredLayout(t *testing.T) {
	s := neo4jtest.Open(t)
	data := neo4jtest.LoadSeed(t, s)
	const id = "handbook-policy-makers-digital-2020"
	neo4jtest.Write(t, `MATCH (n:Entity {id: $id}) REMOVE n.elisionText`, map[string]any{"id": id})
	before := neo4jtest.Query(t, `MATCH (n:Entity {id: $id}) RETURN n.version AS v, n.elisionText AS e`, map[string]any{"id": id})
	if len(before) != 1 || before[0]["e"] != nil {
		t.Fatalf("set-up: %v", before)
	}
	since := time.Now()
	if err := s.ReplaceSeed(context.Background(), data.Entities, data.Relations); err != nil {
		t.Fatal(err)
	}
	after := neo4jtest.Query(t, `MATCH (n:Entity {id: $id}) RETURN n.version AS v, n.elisionText AS e`, map[string]any{"id": id})
	if e, _ := after[0]["e"].(string); !strings.Contains(e, "l environnement") || after[0]["v"] != before[0]["v"] {
		t.Errorf("after the reload: %v, want the elision text back at version %v", after[0], before[0]["v"])
	}
	page, err := s.Changes(context.Background(), model.ChangeFilter{Since: &since}, 10, "")
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 0 {
		t.Errorf("the layout upgrade made %d audit entries, want none", page.Total)
	}
}
