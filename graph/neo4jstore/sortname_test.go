package neo4jstore_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore/neo4jtest"
	"github.com/coe-child-online/knowledge-graph/seed"
)

// listedName is the name an entity is listed under in lang, as the API
// documents it: the French name in French where there is one.
func listedName(e model.Entity, lang model.Language) string {
	if lang == model.LanguageFr && e.NameFr != nil && *e.NameFr != "" {
		return *e.NameFr
	}
	return e.Name
}

// collatedIDs orders entities by their names in lang's alphabetical order,
// ignoring case and accents, ties by id ascending whatever the direction.
func collatedIDs(entities []model.Entity, lang model.Language, desc bool) []string {
	tag := language.English
	if lang == model.LanguageFr {
		tag = language.French
	}
	c := collate.New(tag, collate.IgnoreCase, collate.IgnoreDiacritics, collate.IgnoreWidth)
	list := append([]model.Entity{}, entities...)
	sort.SliceStable(list, func(i, j int) bool {
		cmp := c.CompareString(listedName(list[i], lang), listedName(list[j], lang))
		if desc {
			cmp = -cmp
		}
		if cmp != 0 {
			return cmp < 0
		}
		return list[i].ID < list[j].ID
	})
	ids := make([]string, len(list))
	for i, e := range list {
		ids[i] = e.ID
	}
	return ids
}

// firstDifference names the first place two orders part.
func firstDifference(want, got []string) string {
	for i := 0; i < len(want) && i < len(got); i++ {
		if want[i] != got[i] {
			return fmt.Sprintf("position %d: got %s, want %s", i, got[i], want[i])
		}
	}
	return fmt.Sprintf("lengths differ: got %d, want %d", len(got), len(want))
}

func ofLabel(entities []model.Entity, label string) []model.Entity {
	var out []model.Entity
	for _, e := range entities {
		if e.Label == label {
			out = append(out, e)
		}
	}
	return out
}

// listByName pages through the whole list of label sorted by name in lang,
// first at a time, following the cursors.
func listByName(t *testing.T, s *neo4jstore.Store, label string, lang model.Language, desc bool, first int) []string {
	t.Helper()
	var got []string
	var after *model.Cursor
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("pagination does not end")
		}
		page, err := s.ListEntities(context.Background(), label, nil, []model.SortSpec{{Field: "NAME", Desc: desc, Language: lang}},
			model.PageRequest{First: first, After: after, Day: "2026-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) > first {
			t.Fatalf("page of %d, want at most %d", len(page.Items), first)
		}
		for _, it := range page.Items {
			got = append(got, it.Entity.ID)
		}
		if !page.HasNext {
			return got
		}
		after = &model.Cursor{Keys: page.Items[len(page.Items)-1].Keys}
	}
}

func TestCountriesListByNameInEachLanguage(t *testing.T) {
	s := neo4jtest.Open(t)
	data := neo4jtest.LoadSeed(t, s)
	countries := ofLabel(data.Entities, "Country")
	for _, lang := range model.AllLanguage {
		for _, desc := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s desc=%t", lang, desc), func(t *testing.T) {
				want := collatedIDs(countries, lang, desc)
				got := listByName(t, s, "Country", lang, desc, 6)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("countries by name in %s, desc=%t: %s\n(-collation of the seed names +store):\n%s", lang, desc, firstDifference(want, got), diff)
				}
			})
		}
	}
}

// TestLoadsAddMissingSortNames: nodes stored before sort names existed get
// them at the next load, seed nodes and curated ones alike, with no new
// version and no audit entry; the graph ends as a fresh load leaves it.
func TestLoadsAddMissingSortNames(t *testing.T) {
	s := neo4jtest.Open(t)
	data := neo4jtest.LoadSeed(t, s)
	ctx := context.Background()
	curated := model.Entity{ID: "test-curated-topic", Label: "Topic", Name: "Œuvres (test)", Aliases: []string{},
		Sources: []model.Source{{Title: "test"}}}
	if _, _, err := s.CreateEntity(ctx, model.Actor{Name: "test", Role: "curator"}, curated); err != nil {
		t.Fatal(err)
	}
	before := neo4jtest.Facts(t)
	const missing = `MATCH (n:Entity) WHERE n.sortNameEn IS NULL OR n.sortNameFr IS NULL RETURN n.id AS id ORDER BY id`
	count := func() int { return len(neo4jtest.Query(t, missing, nil)) }

	neo4jtest.Write(t, `MATCH (n:Entity) REMOVE n.sortNameEn, n.sortNameFr`, nil)
	nodes := count()
	if nodes != len(data.Entities)+1 {
		t.Fatalf("set-up: %d nodes without sort names, want %d", nodes, len(data.Entities)+1)
	}
	since := time.Now()
	// Syncing the seed rewrites the seed's nodes only.
	if err := s.ReplaceSeed(ctx, data.Entities, data.Relations); err != nil {
		t.Fatal(err)
	}
	if got := neo4jtest.Query(t, missing, nil); len(got) != 1 || got[0]["id"] != curated.ID {
		t.Errorf("after syncing the seed, nodes without sort names: %v, want only %s", got, curated.ID)
	}
	// A whole load (schema first) reaches the others.
	if err := seed.Load(ctx, s, data); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 0 {
		t.Errorf("after a load, %d nodes have no sort names", n)
	}
	added, removed := neo4jtest.DiffFacts(before, neo4jtest.Facts(t))
	if len(added)+len(removed) > 0 {
		t.Errorf("the graph differs from before the sort names were removed:\nadded %v\nremoved %v", added, removed)
	}
	page, err := s.Changes(ctx, model.ChangeFilter{Since: &since}, 10, "")
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 0 {
		t.Errorf("adding sort names made %d audit entries, want none", page.Total)
	}
}

// TestCurationKeepsTheNameOrder: a curated node, and a curated French name,
// take their place in the lists of each language.
func TestCurationKeepsTheNameOrder(t *testing.T) {
	s := neo4jtest.Open(t)
	data := neo4jtest.LoadSeed(t, s)
	ctx := context.Background()
	actor := model.Actor{Name: "test", Role: "curator"}
	topics := ofLabel(data.Entities, "Topic")
	added := model.Entity{ID: "test-topic", Label: "Topic", Name: "Zebra (test)", Aliases: []string{}, Sources: []model.Source{{Title: "test"}}}
	created, _, err := s.CreateEntity(ctx, actor, added)
	if err != nil {
		t.Fatal(err)
	}
	frenchName := "Âge (test)"
	renamed := added
	renamed.NameFr = &frenchName
	if _, _, err := s.UpdateEntity(ctx, actor, added.ID, created.Version, []model.Source{{Title: "test"}}, func(e model.Entity) (model.Entity, error) {
		e.NameFr = &frenchName
		return e, nil
	}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		lang   model.Language
		desc   bool
		listed model.Entity
	}{
		{"English, the English name", model.LanguageEn, false, renamed},
		{"French, the new French name", model.LanguageFr, false, renamed},
		{"French, descending", model.LanguageFr, true, renamed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := collatedIDs(append(append([]model.Entity{}, topics...), tt.listed), tt.lang, tt.desc)
			got := listByName(t, s, "Topic", tt.lang, tt.desc, 4)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("topics by name in %s, desc=%t: %s\n(-collation +store):\n%s", tt.lang, tt.desc, firstDifference(want, got), diff)
			}
		})
	}
}
