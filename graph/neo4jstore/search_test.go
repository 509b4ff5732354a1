package neo4jstore_test

import (
	"context"
	"slices"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore/neo4jtest"
)

func hitIDs(hits []model.SearchHit) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.Entity.ID
	}
	return ids
}

func TestSearchRanksExactNamesFirst(t *testing.T) {
	s := neo4jtest.Open(t)
	data := neo4jtest.LoadSeed(t, s)
	ctx := context.Background()
	byID := map[string]model.Entity{}
	for _, e := range data.Entities {
		byID[e.ID] = e
	}
	// Check the names the cases rely on are in the seed as written, so a
	// data change shows up here rather than as a puzzling ranking.
	has := func(id string, name string) bool {
		e := byID[id]
		names := append([]string{e.Name}, e.Aliases...)
		for _, p := range []*string{e.NameFr, e.ShortName, e.Acronym} {
			if p != nil {
				names = append(names, *p)
			}
		}
		if n, ok := e.Properties["number"].(string); ok {
			names = append(names, n)
		}
		return slices.Contains(names, name)
	}
	cases := []struct {
		query  string
		want   string
		within int
		name   string // the seed name the query is taken from
	}{
		{query: "GLACY+", want: "glacy-plus", within: 1, name: "GLACY+"},
		{query: "T-CY", want: "t-cy", within: 1, name: "T-CY"},
		{query: "CETS 224", want: "cets-224", within: 1, name: "CETS 224"},
		{query: "ETS 185", want: "ets-185", within: 1, name: "ETS 185"},
		{query: "Budapest Convention", want: "ets-185", within: 3, name: "Budapest Convention"},
		{query: "t-cy", want: "t-cy", within: 1, name: "T-CY"},
		{query: "GLAC", want: "glacy-plus", within: 6, name: "GLACY+"},
		// Case and accents: the seed writes "Türkiye" and "Côte d'Ivoire".
		{query: "turkiye", want: "country-tr", within: 1, name: "Türkiye"},
		{query: "TÜRKIYE", want: "country-tr", within: 1, name: "Türkiye"},
		{query: "cote d'ivoire", want: "country-ci", within: 1, name: "Côte d'Ivoire"},
		// Words inside a longer French name, typed without accents ("Georgie"
		// alone is the French name of the country, which comes first).
		{query: "Georgie phase", want: "georgia-responding-csea-2017-2019", within: 1,
			name: "Répondre à l'exploitation et aux abus sexuels des enfants en Géorgie, phase I"},
		{query: "repondre exploitation", want: "georgia-responding-csea-2017-2019", within: 1,
			name: "Répondre à l'exploitation et aux abus sexuels des enfants en Géorgie, phase I"},
		// A word behind a French elision ("l'environnement").
		{query: "environnement numerique", want: "handbook-policy-makers-digital-2020", within: 3,
			name: "Manuel pour les décideurs politiques sur les droits de l'enfant dans l'environnement numérique"},
	}
	for _, c := range cases {
		if !has(c.want, c.name) {
			t.Errorf("test data: %s has no name %q", c.want, c.name)
			continue
		}
		hits, total, _, err := s.Search(ctx, c.query, nil, 10, nil)
		if err != nil {
			t.Errorf("search %q: %v", c.query, err)
			continue
		}
		ids := hitIDs(hits)
		if i := slices.Index(ids, c.want); i < 0 || i >= c.within {
			t.Errorf("search %q: %s at %d in %v, want within the first %d", c.query, c.want, i, ids, c.within)
		}
		if total < len(hits) {
			t.Errorf("search %q: total %d below the %d hits returned", c.query, total, len(hits))
		}
		for i := 1; i < len(hits); i++ {
			a, b := hits[i-1], hits[i]
			if a.Score < b.Score || (a.Score == b.Score && a.Entity.ID >= b.Entity.ID) {
				t.Errorf("search %q: hit %d (%s %v) before hit %d (%s %v) breaks score-then-id order", c.query, i-1, a.Entity.ID, a.Score, i, b.Entity.ID, b.Score)
			}
		}
	}
}

func TestSearchLabelsFilter(t *testing.T) {
	s := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, s)
	ctx := context.Background()
	const query = "GLACY"
	all, total, _, err := s.Search(ctx, query, nil, 500, nil)
	if err != nil {
		t.Fatal(err)
	}
	if total != len(all) {
		t.Fatalf("search %q: total %d, %d hits", query, total, len(all))
	}
	for _, labels := range [][]string{{"Event"}, {"Project"}, {"Event", "Project"}, {"Topic"}} {
		want := []string{}
		for _, h := range all {
			if slices.Contains(labels, h.Entity.Label) {
				want = append(want, h.Entity.ID)
			}
		}
		hits, total, hasNext, err := s.Search(ctx, query, labels, 500, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := hitIDs(hits)
		sort.Strings(want)
		sort.Strings(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("search %q labels %v (-unfiltered hits of those labels +filtered):\n%s", query, labels, diff)
		}
		if total != len(want) || hasNext {
			t.Errorf("search %q labels %v: total %d hasNext %v, want %d false", query, labels, total, hasNext, len(want))
		}
	}
	if len(all) < 3 {
		t.Errorf("test data: search %q finds %d entities, want several of different types", query, len(all))
	}
	if _, _, _, err := s.Search(ctx, query, []string{"Nonsense"}, 10, nil); model.ErrorCode(err) != model.CodeBadUserInput {
		t.Errorf("search with an unknown label: code %s (%v), want BAD_USER_INPUT", model.ErrorCode(err), err)
	}
}

func TestSearchPagesVisitEveryHitOnce(t *testing.T) {
	s := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, s)
	ctx := context.Background()
	const query = "convention"
	whole, total, hasNext, err := s.Search(ctx, query, nil, 500, nil)
	if err != nil {
		t.Fatal(err)
	}
	if total != len(whole) || hasNext {
		t.Fatalf("search %q in one page: total %d, %d hits, hasNext %v", query, total, len(whole), hasNext)
	}
	if total < 7 {
		t.Fatalf("test data: search %q finds %d entities, want enough for several pages", query, total)
	}
	var paged []string
	var after *model.SearchAfter
	for pages := 0; ; pages++ {
		if pages > total {
			t.Fatal("pagination does not end")
		}
		hits, n, more, err := s.Search(ctx, query, nil, 3, after)
		if err != nil {
			t.Fatal(err)
		}
		if n != total {
			t.Errorf("search %q page %d: total %d, want %d", query, pages, n, total)
		}
		if len(hits) > 3 || (more && len(hits) != 3) {
			t.Errorf("search %q page %d: %d hits, hasNext %v", query, pages, len(hits), more)
		}
		paged = append(paged, hitIDs(hits)...)
		if !more {
			break
		}
		last := hits[len(hits)-1]
		after = &model.SearchAfter{Score: last.Score, ID: last.Entity.ID}
	}
	if diff := cmp.Diff(hitIDs(whole), paged); diff != "" {
		t.Errorf("search %q pages of 3 (-one page +pages):\n%s", query, diff)
	}
}

func TestSearchRejectsBlankQueries(t *testing.T) {
	s := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, s)
	for _, q := range []string{"", "   ", "\t\n"} {
		if _, _, _, err := s.Search(context.Background(), q, nil, 10, nil); model.ErrorCode(err) != model.CodeBadUserInput {
			t.Errorf("search %q: code %s (%v), want BAD_USER_INPUT", q, model.ErrorCode(err), err)
		}
	}
	// Lucene syntax in the query is searched for, never obeyed.
	for _, q := range []string{`"`, `\`, `AND`, `name:*`, `(a OR b`, `+-&&||!(){}[]^"~*?:\/`, `the`} {
		if _, _, _, err := s.Search(context.Background(), q, nil, 10, nil); err != nil {
			t.Errorf("search %q: %v, want hits or none", q, err)
		}
	}
}
