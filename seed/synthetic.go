package seed

import (
	"fmt"
	"math/rand/v2"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// SyntheticSource is the provenance every synthetic fact carries, so the
// rule "no fact without a source" holds for benchmark graphs too.
var SyntheticSource = model.Source{Title: "synthetic benchmark data"}

// Synthetic returns a graph of the seed graph's shape for benchmarks: n
// countries, n projects and n resources, with bodies, instruments, events and
// topics in proportion, and fan-outs like the real graph's (a project targets
// a handful of countries, a country signs and ratifies several instruments).
// It has about 30·n relationships; rnd fixes the draw, so one seed gives one
// graph.
func Synthetic(n int, rnd *rand.Rand) *Data {
	d := &Data{}
	src := []model.Source{SyntheticSource}
	add := func(label, prefix string, count int) []string {
		ids := make([]string, count)
		for i := range ids {
			ids[i] = fmt.Sprintf("syn-%s-%d", prefix, i)
			d.Entities = append(d.Entities, model.Entity{ID: ids[i], Label: label,
				Name: fmt.Sprintf("Synthetic %s %d", label, i), Aliases: []string{}, Sources: src,
				Properties: map[string]any{"synthetic": true}})
		}
		return ids
	}
	atLeast := func(v, min int) int {
		if v < min {
			return min
		}
		return v
	}
	countries := add("Country", "country", n)
	projects := add("Project", "project", n)
	resources := add("Resource", "resource", n)
	bodies := add("Body", "body", atLeast(n/10, 3))
	instruments := add("Instrument", "instrument", atLeast(n/20, 4))
	events := add("Event", "event", atLeast(n/50, 2))
	topics := add("Topic", "topic", atLeast(n/100, 20))
	for i := range countries {
		d.Entities[i].Properties["iso2"] = fmt.Sprintf("%c%c", 'A'+i%26, 'A'+(i/26)%26)
		d.Entities[i].Properties["coeStatus"] = "non_member"
	}

	rel := func(from, typ, to string, props map[string]any) {
		d.Relations = append(d.Relations, model.RelationRecord{From: from, Type: typ, To: to, Properties: props, Sources: src})
	}
	pick := func(ids []string, k int) []string {
		if k > len(ids) {
			k = len(ids)
		}
		seen := map[int]bool{}
		out := make([]string, 0, k)
		for len(out) < k {
			j := rnd.IntN(len(ids))
			if !seen[j] {
				seen[j] = true
				out = append(out, ids[j])
			}
		}
		return out
	}
	date := func() string {
		return fmt.Sprintf("%04d-%02d-%02d", 2001+rnd.IntN(25), 1+rnd.IntN(12), 1+rnd.IntN(28))
	}

	for _, c := range countries {
		for _, inst := range pick(instruments, 4+rnd.IntN(8)) {
			signed := date()
			rel(c, model.RelSigned, inst, map[string]any{"date": signed})
			if rnd.IntN(10) < 8 {
				rel(c, model.RelRatified, inst, map[string]any{"date": signed, "action": "ratification", "entryIntoForce": signed})
			}
		}
	}
	for _, p := range projects {
		for _, c := range pick(countries, 3+rnd.IntN(10)) {
			rel(p, "TARGETS", c, nil)
		}
		for _, b := range pick(bodies, 1+rnd.IntN(2)) {
			rel(p, "FUNDED_BY", b, nil)
		}
		rel(p, "IMPLEMENTED_BY", bodies[rnd.IntN(len(bodies))], nil)
		for _, inst := range pick(instruments, 1+rnd.IntN(2)) {
			rel(p, "SUPPORTS", inst, nil)
		}
	}
	for _, r := range resources {
		rel(r, "PUBLISHED_BY", bodies[rnd.IntN(len(bodies))], nil)
		for _, t := range pick(topics, 2+rnd.IntN(3)) {
			rel(r, "ADDRESSES", t, nil)
		}
	}
	for i, b := range bodies {
		if i > 0 {
			rel(b, "PART_OF", bodies[rnd.IntN(i)], nil)
		}
	}
	for _, inst := range instruments {
		rel(bodies[rnd.IntN(len(bodies))], "MONITORS", inst, nil)
	}
	for _, e := range events {
		rel(e, "ORGANISED_BY", bodies[rnd.IntN(len(bodies))], nil)
		rel(e, "HELD_IN", countries[rnd.IntN(len(countries))], nil)
	}
	return d
}
