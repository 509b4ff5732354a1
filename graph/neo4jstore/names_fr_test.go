package neo4jstore_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore/neo4jtest"
	"github.com/coe-child-online/knowledge-graph/seed/seedcsv"
)

// plainLower is how a reader without a French keyboard types a name: lower
// case, no accents.
func plainLower(t *testing.T, s string) string {
	t.Helper()
	out, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), s)
	if err != nil {
		t.Fatalf("strip accents of %q: %v", s, err)
	}
	return strings.ToLower(out)
}

// nameWhere is a filter on the name of entities with label.
func nameWhere(t *testing.T, label string, f *model.StringFilter) any {
	t.Helper()
	switch label {
	case "Country":
		return &model.CountryWhere{Name: f}
	case "Body":
		return &model.BodyWhere{Name: f}
	case "Instrument":
		return &model.InstrumentWhere{Name: f}
	case "Event":
		return &model.EventWhere{Name: f}
	case "Project":
		return &model.ProjectWhere{Name: f}
	case "Resource":
		return &model.ResourceWhere{Name: f}
	case "Topic":
		return &model.TopicWhere{Name: f}
	case "MonitoringRound":
		return &model.MonitoringRoundWhere{Name: f}
	}
	t.Fatalf("test: no name filter for label %q", label)
	return nil
}

// frenchNames returns the rows of names_fr.csv by id, checking that the
// file covers what the graph must name in French: the four treaties, the
// committees that monitor them or work on them, and every member state.
func frenchNames(t *testing.T) map[string]map[string]string {
	t.Helper()
	rows := map[string]map[string]string{}
	for _, r := range seedcsv.Rows(t, "names_fr.csv") {
		rows[r["id"]] = r
	}
	required := []string{"cets-201", "ets-185", "ets-189", "cets-224", "lanzarote-committee", "t-cy", "cdenf", "cdbio", "c-proc"}
	members := 0
	for _, c := range seedcsv.Rows(t, "countries.csv") {
		if c["coe_status"] == "member" {
			required = append(required, c["id"])
			members++
		}
	}
	if members != 46 {
		t.Errorf("test data: countries.csv has %d member states, want 46", members)
	}
	for _, id := range required {
		if rows[id]["name_fr"] == "" {
			t.Errorf("names_fr.csv has no French name for %s", id)
		}
	}
	return rows
}

// TestFrenchNamesAreSearchable loads the seed and looks every French name
// of names_fr.csv up as written, without accents in lower case, and in
// upper case: the search puts its entity first, and the name filter finds
// it and nothing else. The node carries the French name and the sources
// the file gives for it.
func TestFrenchNamesAreSearchable(t *testing.T) {
	s := neo4jtest.Open(t)
	data := neo4jtest.LoadSeed(t, s)
	ctx := context.Background()
	labels := map[string]string{}
	for _, e := range data.Entities {
		labels[e.ID] = e.Label
	}
	rows := frenchNames(t)
	ids := make([]string, 0, len(rows))
	for id := range rows {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		name := rows[id]["name_fr"]
		label := labels[id]
		if label == "" {
			t.Errorf("names_fr.csv names %s, which the seed does not define", id)
			continue
		}
		for _, query := range []string{name, plainLower(t, name), strings.ToUpper(name)} {
			hits, _, _, err := s.Search(ctx, query, nil, 5, nil)
			if err != nil {
				t.Errorf("search %q: %v", query, err)
				continue
			}
			if got := hitIDs(hits); len(got) == 0 || got[0] != id {
				t.Errorf("search %q: hits %v, want %s first", query, got, id)
				continue
			}
			e := hits[0].Entity
			if e.NameFr == nil || *e.NameFr != name {
				t.Errorf("search %q: %s has French name %v, want %q (names_fr.csv)", query, id, e.NameFr, name)
			}
			page, err := s.ListEntities(ctx, label, nameWhere(t, label, &model.StringFilter{Eq: &query}), nil, model.PageRequest{First: 5})
			if err != nil {
				t.Errorf("list %s with name eq %q: %v", label, query, err)
				continue
			}
			var got []string
			for _, it := range page.Items {
				got = append(got, it.Entity.ID)
			}
			if !slices.Equal(got, []string{id}) {
				t.Errorf("list %s with name eq %q: %v, want [%s]", label, query, got, id)
			}
		}
	}
	// The sources of each French name are among the node's sources, with
	// the date they were read.
	nodes, err := s.Nodes(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		have := map[string]bool{}
		for _, src := range nodes[id].Sources {
			if src.URL != nil && src.Retrieved != nil {
				have[*src.URL] = true
			}
		}
		for _, u := range strings.Split(rows[id]["sources"], " | ") {
			if !have[u] {
				t.Errorf("%s: source %s of its French name is not among its dated sources", id, u)
			}
		}
	}
}

// TestFrenchNamesMatchInPart looks French names up by part of them, the way
// a reader types: a word, the start, typographic apostrophes, or a short
// name made of a French word and an English alias.
func TestFrenchNamesMatchInPart(t *testing.T) {
	s := neo4jtest.Open(t)
	data := neo4jtest.LoadSeed(t, s)
	ctx := context.Background()
	rows := frenchNames(t)
	byID := map[string]model.Entity{}
	for _, e := range data.Entities {
		byID[e.ID] = e
	}
	firstWord := func(id string) string { return strings.Fields(plainLower(t, rows[id]["name_fr"]))[0] }
	cases := []struct {
		id     string
		query  string
		within int
		// holds checks the seed still supports the query.
		holds bool
	}{
		// "Etats-Unis" is the first word of "États-Unis d'Amérique".
		{id: "country-us", query: "Etats-Unis", within: 1, holds: firstWord("country-us") == "etats-unis"},
		{id: "country-us", query: "etats-unis", within: 1, holds: firstWord("country-us") == "etats-unis"},
		// A typographic apostrophe finds the name written with "'".
		{id: "country-ci", query: strings.ReplaceAll(rows["country-ci"]["name_fr"], "'", "\u2019"), within: 1,
			holds: strings.Contains(rows["country-ci"]["name_fr"], "'")},
		// Short names: the French word of the full name, and the place name
		// of the English short name or alias.
		{id: "lanzarote-committee", query: "Comité de Lanzarote", within: 1,
			holds: strings.HasPrefix(rows["lanzarote-committee"]["name_fr"], "Comité ") && slices.Contains(byID["lanzarote-committee"].Aliases, "Lanzarote Committee")},
		{id: "lanzarote-committee", query: "comite de lanzarote", within: 1,
			holds: strings.HasPrefix(rows["lanzarote-committee"]["name_fr"], "Comité ") && slices.Contains(byID["lanzarote-committee"].Aliases, "Lanzarote Committee")},
		{id: "cets-201", query: "Convention de Lanzarote", within: 1,
			holds: strings.HasPrefix(rows["cets-201"]["name_fr"], "Convention ") && slices.Contains(byID["cets-201"].Aliases, "Lanzarote Convention")},
		{id: "ets-185", query: "Convention de Budapest", within: 1,
			holds: strings.HasPrefix(rows["ets-185"]["name_fr"], "Convention ") && slices.Contains(byID["ets-185"].Aliases, "Budapest Convention")},
	}
	for _, c := range cases {
		if !c.holds {
			t.Errorf("test data: the seed no longer supports searching %q for %s", c.query, c.id)
			continue
		}
		hits, _, _, err := s.Search(ctx, c.query, nil, 10, nil)
		if err != nil {
			t.Errorf("search %q: %v", c.query, err)
			continue
		}
		if got := hitIDs(hits); slices.Index(got, c.id) < 0 || slices.Index(got, c.id) >= c.within {
			t.Errorf("search %q: %s at %d in %v, want within the first %d", c.query, c.id, slices.Index(got, c.id), got, c.within)
		}
	}

	// The name filter matches part of a French name, accents or not.
	filters := []struct {
		id string
		f  model.StringFilter
	}{
		{id: "country-us", f: model.StringFilter{Contains: ptr(firstWord("country-us"))}},
		{id: "country-de", f: model.StringFilter{StartsWith: ptr(string([]rune(rows["country-de"]["name_fr"])[:5]))}},
		{id: "country-de", f: model.StringFilter{StartsWith: ptr(strings.ToUpper(string([]rune(rows["country-de"]["name_fr"])[:5])))}},
		{id: "ets-185", f: model.StringFilter{Contains: ptr(plainLower(t, rows["ets-185"]["name_fr"]))}},
		{id: "country-ci", f: model.StringFilter{Eq: ptr(strings.ReplaceAll(rows["country-ci"]["name_fr"], "'", "\u2019"))}},
	}
	for _, c := range filters {
		label := byID[c.id].Label
		page, err := s.ListEntities(ctx, label, nameWhere(t, label, &c.f), nil, model.PageRequest{First: 100})
		if err != nil {
			t.Errorf("list %s with name filter %+v: %v", label, c.f, err)
			continue
		}
		var got []string
		for _, it := range page.Items {
			got = append(got, it.Entity.ID)
		}
		if !slices.Contains(got, c.id) {
			t.Errorf("list %s with name filter %s: %v, want %s among them", label, describe(c.f), got, c.id)
		}
	}
}

func ptr(s string) *string { return &s }

func describe(f model.StringFilter) string {
	switch {
	case f.Eq != nil:
		return "eq " + *f.Eq
	case f.Contains != nil:
		return "contains " + *f.Contains
	case f.StartsWith != nil:
		return "startsWith " + *f.StartsWith
	}
	return "(empty)"
}
