package neo4jstore

import (
	"encoding/json"
	"reflect"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// A fact is a node or a relationship as clients and the audit trail see it:
// the named fields, the free properties and the sources, without the
// store's bookkeeping (folded names, validity dates, ownership).

func nodeFact(label string, props map[string]any) map[string]any {
	f := map[string]any{"label": label, "name": props[keyName], "aliases": stringsOf(props[keyAliases])}
	for _, k := range []string{keyNameFr, keyShortName, keyAcronym} {
		if v, ok := props[k].(string); ok && v != "" {
			f[k] = v
		}
	}
	if f["aliases"] == nil {
		f["aliases"] = []string{}
	}
	if free := decodeFree(props); free != nil {
		f["properties"] = free
	}
	f["sources"] = sourceFacts(decodeSources(props))
	f["version"] = versionOf(props)
	addStructures(f, props)
	return f
}

// addStructures adds a fact's variants and stated figures, as stored, so a
// change of them alone is a change of the fact.
func addStructures(f map[string]any, props map[string]any) {
	for _, k := range []string{keyVariants, keyFigures} {
		if s, ok := props[k].(string); ok && s != "" {
			var v any
			if err := json.Unmarshal([]byte(s), &v); err == nil {
				f[k] = v
			}
		}
	}
}

func edgeFact(typ, from, to string, props map[string]any) map[string]any {
	f := map[string]any{"type": typ, "from": from, "to": to}
	if free := decodeFree(props); free != nil {
		f["properties"] = free
	}
	f["sources"] = sourceFacts(decodeSources(props))
	f["version"] = versionOf(props)
	addStructures(f, props)
	return f
}

func sourceFacts(sources []model.Source) []any {
	out := make([]any, len(sources))
	for i, s := range sources {
		m := map[string]any{"title": s.Title}
		if s.URL != nil {
			m["url"] = *s.URL
		}
		if s.Retrieved != nil {
			m["retrieved"] = string(*s.Retrieved)
		}
		out[i] = m
	}
	return out
}

// sameFact compares two facts, leaving out the version (and the sources
// when withSources is false). Both sides go through JSON so that the
// driver's int64 and []any compare equal to Go's int and []string.
func sameFact(a, b map[string]any, withSources bool) bool {
	return reflect.DeepEqual(canonical(a, withSources), canonical(b, withSources))
}

func canonical(f map[string]any, withSources bool) any {
	c := make(map[string]any, len(f))
	for k, v := range f {
		if k == "version" || (!withSources && k == "sources") {
			continue
		}
		c[k] = v
	}
	b, err := json.Marshal(c)
	if err != nil {
		return f
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return f
	}
	return out
}

// mergeSources returns the sources of both lists, each once, old ones
// first, so a fact confirmed by a new source keeps the ones it had.
func mergeSources(old, added []model.Source) []model.Source {
	seen := map[string]bool{}
	out := make([]model.Source, 0, len(old)+len(added))
	for _, list := range [][]model.Source{old, added} {
		for _, s := range list {
			k := s.Title + "\x00" + deref(s.URL)
			if seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, s)
		}
	}
	return out
}

// keyed gives each relationship its key: two facts may join the same nodes
// with the same type (two roles in one project, say), and their ordinal
// keeps them apart.
func keyed(relations []model.RelationRecord) []wantEdge {
	out := make([]wantEdge, 0, len(relations))
	seen := map[string]int{}
	for _, r := range relations {
		base := r.From + "|" + r.Type + "|" + r.To
		out = append(out, wantEdge{key: model.RelationKey(r.From, r.Type, r.To, seen[base]), rec: r})
		seen[base]++
	}
	return out
}

// sameStored compares two property maps as stored, leaving out the owner
// and the version.
func sameStored(a, b map[string]any) bool {
	strip := func(m map[string]any) map[string]any {
		c := make(map[string]any, len(m))
		for k, v := range m {
			if k != keyVersion && k != keyOrigin {
				c[k] = v
			}
		}
		return c
	}
	return reflect.DeepEqual(canonical(strip(a), true), canonical(strip(b), true))
}

// restamp gives props the owner and version of the stored fact they
// rewrite.
func restamp(props, stored map[string]any) map[string]any {
	out := make(map[string]any, len(props))
	for k, v := range props {
		out[k] = v
	}
	out[keyVersion] = int64(versionOf(stored))
	if o, ok := stored[keyOrigin]; ok {
		out[keyOrigin] = o
	}
	return out
}
