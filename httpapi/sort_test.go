package httpapi

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/coe-child-online/knowledge-graph/seed"
)

// seedNames returns, per id, the names an entity is listed under: English,
// and French where the seed gives one (else English again).
func seedNames(data *seed.Data) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, e := range data.Entities {
		fr := e.Name
		if e.NameFr != nil && *e.NameFr != "" {
			fr = *e.NameFr
		}
		out[e.ID] = map[string]string{"EN": e.Name, "FR": fr}
	}
	return out
}

// collated orders ids by their names in lang's alphabetical order, ignoring
// case and accents, ties by id ascending whatever the direction.
func collated(ids []string, names map[string]map[string]string, lang string, desc bool) []string {
	tag := language.English
	if lang == "FR" {
		tag = language.French
	}
	c := collate.New(tag, collate.IgnoreCase, collate.IgnoreDiacritics, collate.IgnoreWidth)
	out := append([]string{}, ids...)
	sort.SliceStable(out, func(i, j int) bool {
		cmp := c.CompareString(names[out[i]][lang], names[out[j]][lang])
		if desc {
			cmp = -cmp
		}
		if cmp != 0 {
			return cmp < 0
		}
		return out[i] < out[j]
	})
	return out
}

// firstDifference names the first place two orders part.
func firstDifference(want, got []string, names map[string]map[string]string, lang string) string {
	for i := 0; i < len(want) && i < len(got); i++ {
		if want[i] != got[i] {
			return fmt.Sprintf("first difference at position %d: got %s (%q), want %s (%q)", i, got[i], names[got[i]][lang], want[i], names[want[i]][lang])
		}
	}
	return fmt.Sprintf("got %d results, want %d", len(got), len(want))
}

type cursorPage struct {
	Edges []struct {
		Node struct {
			ID string `json:"id"`
		} `json:"node"`
	} `json:"edges"`
	PageInfo struct {
		HasNextPage bool   `json:"hasNextPage"`
		EndCursor   string `json:"endCursor"`
	} `json:"pageInfo"`
}

// pageAll follows a connection's cursors to its end; connection picks the
// connection out of one answer.
func pageAll(t *testing.T, url, query string, vars map[string]any, first int, connection func(json.RawMessage) cursorPage) []string {
	t.Helper()
	var got []string
	vars["after"] = nil
	for pages := 0; ; pages++ {
		if pages > 500 {
			t.Fatalf("query %s: pagination does not end", query)
		}
		var data json.RawMessage
		post(t, url, query, vars, &data)
		page := connection(data)
		if len(page.Edges) > first {
			t.Fatalf("query %s: page of %d, want at most %d", query, len(page.Edges), first)
		}
		for _, e := range page.Edges {
			got = append(got, e.Node.ID)
		}
		if !page.PageInfo.HasNextPage {
			return got
		}
		vars["after"] = page.PageInfo.EndCursor
	}
}

func field(path ...string) func(json.RawMessage) cursorPage {
	return func(data json.RawMessage) cursorPage {
		for _, p := range path {
			var m map[string]json.RawMessage
			_ = json.Unmarshal(data, &m)
			data = m[p]
		}
		var page cursorPage
		_ = json.Unmarshal(data, &page)
		return page
	}
}

func TestListsSortByNameInEachLanguage(t *testing.T) {
	srv, data := newTestServer(t)
	names := seedNames(data)
	byLabel := map[string][]string{}
	for _, e := range data.Entities {
		byLabel[e.Label] = append(byLabel[e.Label], e.ID)
	}
	// Countries are the case in point; resources and projects are where the
	// seed gives French names today.
	for _, tt := range []struct {
		field, label string
		first        int
	}{{"countries", "Country", 5}, {"resources", "Resource", 7}, {"projects", "Project", 7}} {
		q := fmt.Sprintf(`query ($after: String, $dir: SortDirection, $lang: Language) {
  %s(first: %d, after: $after, sort: [{ field: NAME, direction: $dir, language: $lang }]) {
    edges { node { id } } pageInfo { hasNextPage endCursor } } }`, tt.field, tt.first)
		for _, lang := range []string{"EN", "FR"} {
			for _, dir := range []string{"ASC", "DESC"} {
				t.Run(tt.field+" "+lang+" "+dir, func(t *testing.T) {
					want := collated(byLabel[tt.label], names, lang, dir == "DESC")
					got := pageAll(t, srv.URL, q, map[string]any{"dir": dir, "lang": lang}, tt.first, field(tt.field))
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("%s by name, %s %s, %d a page: %s\n(-collation of the seed names +API):\n%s", tt.field, lang, dir, tt.first, firstDifference(want, got, names, lang), diff)
					}
				})
			}
		}
	}
}

// TestNestedConnectionsSortByNameInEachLanguage: connections ordered by name
// follow the language asked for, across pages. Which nodes they hold is
// other tests' business; here each must come in collation order, and both
// languages must hold the same nodes.
func TestNestedConnectionsSortByNameInEachLanguage(t *testing.T) {
	srv, data := newTestServer(t)
	names := seedNames(data)
	targets := map[string]int{}
	for _, r := range data.Relations {
		if r.Type == "TARGETS" {
			targets[r.From]++
		}
	}
	project := ""
	for id, n := range targets {
		if project == "" || n > targets[project] || (n == targets[project] && id < project) {
			project = id
		}
	}
	// The body with the most publications, among those that publish one
	// with a French name, so that the two languages can differ.
	label := map[string]string{}
	for _, e := range data.Entities {
		label[e.ID] = e.Label
	}
	published := map[string]int{}
	french := map[string]bool{}
	for _, r := range data.Relations {
		if r.Type == "PUBLISHED_BY" && label[r.To] == "Body" && label[r.From] == "Resource" {
			published[r.To]++
			if names[r.From]["FR"] != names[r.From]["EN"] {
				french[r.To] = true
			}
		}
	}
	publisher := ""
	for id, n := range published {
		if french[id] && (publisher == "" || n > published[publisher] || (n == published[publisher] && id < publisher)) {
			publisher = id
		}
	}
	if publisher == "" {
		t.Fatal("no body publishes a resource with a French name in the seed: pick another case where the languages differ")
	}
	tests := []struct {
		name, query string
		first       int
		path        []string
	}{
		{"parties of CETS 201 (participants)", `query ($after: String, $lang: Language) { instrument(id: "cets-201") {
  participants(first: 6, after: $after, language: $lang) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }`, 6, []string{"instrument", "participants"}},
		{"treaties of France", `query ($after: String, $lang: Language) { country(id: "country-fr") {
  treaties(first: 2, after: $after, language: $lang) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }`, 2, []string{"country", "treaties"}},
		{"countries targeted by " + project, fmt.Sprintf(`query ($after: String, $lang: Language) { project(id: %q) {
  targets(first: 3, after: $after, language: $lang) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }`, project), 3, []string{"project", "targets"}},
		{"publications of " + publisher, fmt.Sprintf(`query ($after: String, $lang: Language) { body(id: %q) {
  publications(first: 3, after: $after, language: $lang) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }`, publisher), 3, []string{"body", "publications"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			byLang := map[string][]string{}
			for _, lang := range []string{"EN", "FR"} {
				got := pageAll(t, srv.URL, tt.query, map[string]any{"lang": lang}, tt.first, field(tt.path...))
				want := collated(got, names, lang, false)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s in %s: %s\n(-collation +API):\n%s", tt.name, lang, firstDifference(want, got, names, lang), diff)
				}
				byLang[lang] = got
			}
			if len(byLang["EN"]) < 2 {
				t.Fatalf("%s: %d results; the test needs several", tt.name, len(byLang["EN"]))
			}
			if diff := cmp.Diff(sorted(byLang["EN"]), sorted(byLang["FR"])); diff != "" {
				t.Errorf("%s: English and French lists hold different nodes (-EN +FR):\n%s", tt.name, diff)
			}
		})
	}
}

// TestRelationsSortByTypeThenName: a node's relationships come by type, then
// by the other node's name in the language asked for.
func TestRelationsSortByTypeThenName(t *testing.T) {
	srv, data := newTestServer(t)
	names := seedNames(data)
	q := `query ($after: String, $lang: Language) { country(id: "country-fr") {
  relations(first: 4, after: $after, language: $lang) { edges { type node { id } } pageInfo { hasNextPage endCursor } } } }`
	for _, lang := range []string{"EN", "FR"} {
		t.Run(lang, func(t *testing.T) {
			var types, ids []string
			vars := map[string]any{"lang": lang, "after": nil}
			for pages := 0; pages < 500; pages++ {
				var got struct {
					Country struct {
						Relations struct {
							Edges []struct {
								Type string `json:"type"`
								Node struct {
									ID string `json:"id"`
								} `json:"node"`
							} `json:"edges"`
							PageInfo struct {
								HasNextPage bool   `json:"hasNextPage"`
								EndCursor   string `json:"endCursor"`
							} `json:"pageInfo"`
						} `json:"relations"`
					} `json:"country"`
				}
				post(t, srv.URL, q, vars, &got)
				for _, e := range got.Country.Relations.Edges {
					types = append(types, e.Type)
					ids = append(ids, e.Node.ID)
				}
				if !got.Country.Relations.PageInfo.HasNextPage {
					break
				}
				vars["after"] = got.Country.Relations.PageInfo.EndCursor
			}
			if len(ids) < 2 {
				t.Fatalf("France has %d relationships; the test needs several", len(ids))
			}
			if !sort.StringsAreSorted(types) {
				t.Errorf("relationship types are not in order: %v", types)
			}
			for start := 0; start < len(ids); {
				end := start
				for end < len(ids) && types[end] == types[start] {
					end++
				}
				group := ids[start:end]
				if want := collated(group, names, lang, false); !cmp.Equal(want, group) {
					t.Errorf("%s relationships in %s: %s", types[start], lang, firstDifference(want, group, names, lang))
				}
				start = end
			}
		})
	}
}

// TestCursorsOfAnotherOrderAreRefused: a cursor keeps its place only in the
// list and order that issued it; cursors from before names sorted by
// language no longer fit lists ordered by name, and say so.
func TestCursorsOfAnotherOrderAreRefused(t *testing.T) {
	srv, _ := newTestServer(t)
	old := func(list string, keys ...any) string {
		b, _ := json.Marshal(map[string]any{"l": list, "k": keys})
		return base64.RawURLEncoding.EncodeToString(b)
	}
	var fr struct {
		Countries cursorPage `json:"countries"`
	}
	post(t, srv.URL, `{ countries(first: 3, sort: [{ field: NAME, language: FR }]) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`, nil, &fr)
	tests := []struct {
		name, query, after, want string
	}{
		{"an old cursor of countries by name", `query ($after: String) { countries(first: 3, after: $after, sort: [{ field: NAME }]) { edges { node { id } } } }`,
			old("list:Country,NAME", "Albania", "country-al"), "dates from before lists were ordered by name"},
		{"an old cursor of parties", `query ($after: String) { instrument(id: "cets-201") { parties(first: 3, after: $after) { edges { node { id } } } } }`,
			old("parties:RATIFIED,IN_FORCE", "Albania", "country-al"), "dates from before lists were ordered by name"},
		{"a French cursor in the English order", `query ($after: String) { countries(first: 3, after: $after, sort: [{ field: NAME, language: EN }]) { edges { node { id } } } }`,
			fr.Countries.PageInfo.EndCursor, "belongs to another list or sort order"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := post(t, srv.URL, tt.query, map[string]any{"after": tt.after}, nil)
			if len(res.Errors) != 1 || res.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || !strings.Contains(res.Errors[0].Message, tt.want) {
				t.Errorf("query %s with after %q: errors %+v, want one BAD_USER_INPUT saying %q", tt.query, tt.after, res.Errors, tt.want)
			}
		})
	}

	// A cursor from before, of a list not ordered by name, still reads on.
	const byISO2 = `query ($after: String, $first: Int) { countries(first: $first, after: $after, sort: [{ field: ISO2 }]) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`
	var all, page struct {
		Countries cursorPage `json:"countries"`
	}
	post(t, srv.URL, byISO2, map[string]any{"first": 500}, &all)
	post(t, srv.URL, byISO2, map[string]any{"first": 1, "after": old("list:Country,ISO2", "AD", "country-ad")}, &page)
	want := ""
	for i, e := range all.Countries.Edges {
		if e.Node.ID == "country-ad" && i+1 < len(all.Countries.Edges) {
			want = all.Countries.Edges[i+1].Node.ID
		}
	}
	if want == "" || len(page.Countries.Edges) != 1 || page.Countries.Edges[0].Node.ID != want {
		t.Errorf("an old cursor of countries by ISO2 after AD: %+v, want %q", page.Countries.Edges, want)
	}
}
