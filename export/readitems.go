package export

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

func (r *docReader) node(line int) error {
	var n model.DocNode
	at := lines{start: line, at: map[string]int{}}
	ok, err := r.object("a node", nodeFields(), func(name string, l int) (err error) {
		at.at[name] = l
		switch name {
		case "id":
			return r.decode(l, name, &n.ID)
		case "label":
			return r.decode(l, name, &n.Label)
		case "name":
			return r.decode(l, name, &n.Name)
		case "nameFr":
			return r.decode(l, name, &n.NameFr)
		case "shortName":
			return r.decode(l, name, &n.ShortName)
		case "acronym":
			return r.decode(l, name, &n.Acronym)
		case "aliases":
			return r.decode(l, name, &n.Aliases)
		case "properties":
			n.Properties, err = r.properties()
			return err
		case "sources":
			n.Sources, err = r.sources()
			return err
		case "variants":
			n.Variants = r.variants(l)
			return nil
		case "statedFigures":
			n.StatedFigures = r.figures(l)
			return nil
		case "managedBy":
			return r.decode(l, name, &n.ManagedBy)
		default:
			return r.decode(l, name, &n.Version)
		}
	})
	if err != nil || !ok {
		return err
	}
	what := "node"
	if n.ID == "" {
		r.add(at.of("id"), "node has no id")
	} else {
		what = fmt.Sprintf("node %q", n.ID)
		if first, dup := r.nodeAt[n.ID]; dup {
			r.add(at.of("id"), "duplicate node id %q (first at line %d)", n.ID, first)
		} else {
			r.nodeAt[n.ID] = at.of("id")
		}
	}
	switch {
	case n.Label == "":
		r.add(at.of("label"), "%s has no label", what)
	case !model.IsLabel(n.Label):
		r.add(at.of("label"), "%s: unknown label %q (want one of %s)", what, n.Label, strings.Join(model.Labels, ", "))
	}
	if strings.TrimSpace(n.Name) == "" {
		r.add(at.of("name"), "%s has no name", what)
	}
	r.checkFact(what, at, n.Version, n.Sources)
	r.doc.Nodes = append(r.doc.Nodes, n)
	return nil
}

func (r *docReader) edge(line int) error {
	var e model.DocEdge
	at := lines{start: line, at: map[string]int{}}
	ok, err := r.object("an edge", edgeFields(), func(name string, l int) (err error) {
		at.at[name] = l
		switch name {
		case "key":
			return r.decode(l, name, &e.Key)
		case "type":
			return r.decode(l, name, &e.Type)
		case "from":
			return r.decode(l, name, &e.From)
		case "to":
			return r.decode(l, name, &e.To)
		case "properties":
			e.Properties, err = r.properties()
			return err
		case "sources":
			e.Sources, err = r.sources()
			return err
		case "variants":
			e.Variants = r.variants(l)
			return nil
		case "managedBy":
			return r.decode(l, name, &e.ManagedBy)
		default:
			return r.decode(l, name, &e.Version)
		}
	})
	if err != nil || !ok {
		return err
	}
	what := "edge"
	if e.Key == "" {
		r.add(at.of("key"), "edge has no key")
	} else {
		what = fmt.Sprintf("edge %q", e.Key)
		if first, dup := r.edgeAt[e.Key]; dup {
			r.add(at.of("key"), "duplicate edge key %q (first at line %d)", e.Key, first)
		} else {
			r.edgeAt[e.Key] = at.of("key")
		}
	}
	switch {
	case e.Type == "":
		r.add(at.of("type"), "%s has no type", what)
	case !isRelationType(e.Type):
		r.add(at.of("type"), "%s: type %q: want upper-case letters and underscores, such as PART_OF", what, e.Type)
	}
	for _, end := range []struct{ name, id string }{{"from", e.From}, {"to", e.To}} {
		if end.id == "" {
			r.add(at.of(end.name), "%s has no %s", what, end.name)
			continue
		}
		r.ends = append(r.ends, endpoint{edge: what, end: end.name, id: end.id, line: at.of(end.name)})
	}
	r.checkFact(what, at, e.Version, e.Sources)
	r.doc.Edges = append(r.doc.Edges, e)
	return nil
}

// checkFact checks what nodes and edges have in common.
func (r *docReader) checkFact(what string, at lines, version int, sources []model.Source) {
	if version < 0 {
		r.add(at.of("version"), "%s: version %d is negative", what, version)
	}
	if len(sources) == 0 {
		r.add(at.of("sources"), "%s has no source", what)
	}
}

func (r *docReader) sources() ([]model.Source, error) {
	if null, err := r.null(); null || err != nil {
		return nil, err
	}
	var out []model.Source
	err := r.array("sources", func(line int) error {
		var s model.Source
		var retrieved *string
		at := lines{start: line, at: map[string]int{}}
		ok, err := r.object("a source", sourceFields(), func(name string, l int) error {
			at.at[name] = l
			switch name {
			case "url":
				return r.decode(l, name, &s.URL)
			case "title":
				return r.decode(l, name, &s.Title)
			default:
				return r.decode(l, name, &retrieved)
			}
		})
		if err != nil || !ok {
			return err
		}
		if strings.TrimSpace(s.Title) == "" {
			r.add(at.of("title"), "source has no title")
		}
		// The store keeps a missing url as an empty one, so "" would not
		// survive a round trip.
		if s.URL != nil && *s.URL == "" {
			r.add(at.of("url"), "source url is empty: leave it out")
		}
		if retrieved != nil {
			d, err := model.ParseDate(*retrieved)
			if err != nil {
				r.add(at.of("retrieved"), "retrieved: %v", err)
			}
			s.Retrieved = &d
		}
		out = append(out, s)
		return nil
	})
	return out, err
}

// variants reads a fact's variants: each names its property, has a value
// and at least one source.
func (r *docReader) variants(line int) []model.Variant {
	var vs []model.Variant
	if err := r.decode(line, "variants", &vs); err != nil {
		r.add(line, "variants: %v", err)
		return nil
	}
	for i := range vs {
		v := &vs[i]
		switch {
		case strings.TrimSpace(v.Property) == "":
			r.add(line, "variants[%d] has no property", i)
		case v.Value == nil:
			r.add(line, "variants[%d] (%s) has no value", i, v.Property)
		case len(v.Sources) == 0:
			r.add(line, "variants[%d] (%s) has no source", i, v.Property)
		case v.Mark != model.Unmarked && v.Mark != model.MarkPreferred && v.Mark != model.MarkNotPreferred:
			r.add(line, "variants[%d] (%s): mark %q: want %q, %q or none", i, v.Property, v.Mark, model.MarkPreferred, model.MarkNotPreferred)
		}
		p, err := plain(v.Value)
		if err != nil {
			r.add(line, "variants[%d]: %v", i, err)
		}
		v.Value = p
		r.checkSources(line, fmt.Sprintf("variants[%d]", i), v.Sources)
	}
	return vs
}

// figures reads a node's stated figures.
func (r *docReader) figures(line int) []model.StatedFigure {
	var fs []model.StatedFigure
	if err := r.decode(line, "statedFigures", &fs); err != nil {
		r.add(line, "statedFigures: %v", err)
		return nil
	}
	for i := range fs {
		f := &fs[i]
		if strings.TrimSpace(f.What) == "" || f.Value == nil {
			r.add(line, "statedFigures[%d] needs what and value", i)
		}
		if len(f.Sources) == 0 {
			r.add(line, "statedFigures[%d] (%s) has no source", i, f.What)
		}
		if f.Date != nil {
			if _, err := model.ParseDate(string(*f.Date)); err != nil {
				r.add(line, "statedFigures[%d] date: %v", i, err)
			}
		}
		p, err := plain(f.Value)
		if err != nil {
			r.add(line, "statedFigures[%d]: %v", i, err)
		}
		f.Value = p
		r.checkSources(line, fmt.Sprintf("statedFigures[%d]", i), f.Sources)
	}
	return fs
}

// checkSources holds the sources of a variant or a figure to what the
// sources of a fact must be.
func (r *docReader) checkSources(line int, what string, sources []model.Source) {
	for j, s := range sources {
		if strings.TrimSpace(s.Title) == "" {
			r.add(line, "%s source %d has no title", what, j)
		}
		if s.URL != nil && *s.URL == "" {
			r.add(line, "%s source %d: url is empty: leave it out", what, j)
		}
		if s.Retrieved != nil {
			if _, err := model.ParseDate(string(*s.Retrieved)); err != nil {
				r.add(line, "%s source %d retrieved: %v", what, j, err)
			}
		}
	}
}

func (r *docReader) properties() (map[string]any, error) {
	if null, err := r.null(); null || err != nil {
		return nil, err
	}
	props := map[string]any{}
	_, err := r.object("properties", nil, func(name string, line int) error {
		var v any
		if err := r.decode(line, "property "+name, &v); err != nil {
			return err
		}
		switch {
		case name == "":
			r.add(line, "a property has an empty name")
		case model.IsReservedProperty(name):
			r.add(line, "property %q: the name is kept for the store's own use", name)
		case v == nil:
			// The store cannot keep a null property.
			r.add(line, "property %q is null: leave it out", name)
		default:
			p, err := plain(v)
			if err != nil {
				r.add(line, "property %q: %v", name, err)
			}
			props[name] = p
		}
		return nil
	})
	return props, err
}

// plain turns the json.Numbers the decoder gives into int64 for integers and
// float64 for the rest, the types the store keeps apart.
func plain(v any) (any, error) {
	switch v := v.(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i, nil
		}
		f, err := v.Float64()
		if err != nil {
			return nil, fmt.Errorf("number %s is out of range", v)
		}
		return f, nil
	case []any:
		for i, x := range v {
			p, err := plain(x)
			if err != nil {
				return nil, err
			}
			v[i] = p
		}
	case map[string]any:
		for k, x := range v {
			p, err := plain(x)
			if err != nil {
				return nil, err
			}
			v[k] = p
		}
	}
	return v, nil
}
