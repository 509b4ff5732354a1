package chart

import (
	"fmt"
	"sort"
	"strings"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// names indexes country ids by the folded names they go by. exact holds the
// names as given; short holds them shortened, and is only consulted when
// exact finds nothing, so "Congo" never collides with "Congo (Democratic
// Republic of the)".
type names struct{ exact, short map[string][]string }

func (n names) add(id, name string) {
	put := func(m map[string][]string, key string) {
		if key == "" {
			return
		}
		for _, have := range m[key] {
			if have == id {
				return
			}
		}
		m[key] = append(m[key], id)
	}
	put(n.exact, fold(name))
	put(n.short, shorten(name))
}

// lookup returns the ids the most precise match finds, nil when none does.
func (n names) lookup(state string) []string {
	full, short := fold(state), shorten(state)
	for _, ids := range [][]string{n.exact[full], n.exact[short], n.short[short]} {
		if len(ids) > 0 {
			return ids
		}
	}
	return nil
}

func index(countries []model.Entity) names {
	n := names{exact: map[string][]string{}, short: map[string][]string{}}
	for _, c := range countries {
		// Organisations such as the European Union sign treaties too, but
		// the graph only joins countries to instruments with these facts.
		if c.Label != "" && c.Label != "Country" {
			continue
		}
		all := append([]string{c.ID, c.Name}, c.Aliases...)
		for _, p := range []*string{c.NameFr, c.ShortName} {
			if p != nil {
				all = append(all, *p)
			}
		}
		for _, key := range []string{"iso2", "iso3"} {
			if s, ok := c.Properties[key].(string); ok {
				all = append(all, s)
			}
		}
		for _, name := range all {
			n.add(c.ID, name)
		}
	}
	return n
}

// Match finds the country of each row's state among countries, by name,
// French name, short name, alias, ISO code or id. It knows no names of its
// own: a state the entities do not carry is a problem to fix in the seed
// data, not here.
//
// The map goes from row line to country id. On a *ProblemsError it still
// holds the rows that matched.
func Match(rows []Row, countries []model.Entity) (map[int]string, error) {
	n := index(countries)
	out := make(map[int]string, len(rows))
	byCountry := map[string]int{}
	var ps problems
	for _, row := range rows {
		ids := n.lookup(row.State)
		switch {
		case len(ids) == 0:
			ps.add(row.Line, "state %q matches no country; add it, or an alias, first", row.State)
			continue
		case len(ids) > 1:
			sorted := append([]string(nil), ids...)
			sort.Strings(sorted)
			ps.add(row.Line, "state %q matches more than one country (%s); give them names that tell them apart",
				row.State, strings.Join(sorted, ", "))
			continue
		}
		id := ids[0]
		if prev, dup := byCountry[id]; dup {
			ps.add(row.Line, "state %q is %s, which line %d already gives", row.State, id, prev)
			continue
		}
		byCountry[id] = row.Line
		out[row.Line] = id
	}
	if err := ps.err(); err != nil {
		return out, fmt.Errorf("match chart states: %w", err)
	}
	return out, nil
}
