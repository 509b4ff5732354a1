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
			n.Properties, at.props, err = r.properties()
			return err
		case "sources":
			n.Sources, at.sources, err = r.sources()
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
	if n.Label == "" {
		r.add(at.of("label"), "%s has no label", what)
	}
	if _, given := at.at["name"]; !given {
		r.add(at.of("name"), "%s has no name", what)
	}
	// One key per fact, each date apart from its note, as the seed files
	// are read (model.NormaliseProperties): a no-op on what WriteJSON wrote.
	if n.Properties != nil {
		n.Properties = model.NormaliseProperties(n.Properties)
	}
	e := model.Entity{ID: n.ID, Label: n.Label, Name: n.Name, NameFr: n.NameFr, ShortName: n.ShortName,
		Acronym: n.Acronym, Aliases: n.Aliases, Properties: n.Properties}
	r.place(what, at, model.EntityProblems(e))
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
			e.Properties, at.props, err = r.properties()
			return err
		case "sources":
			e.Sources, at.sources, err = r.sources()
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
	if e.Type == "" {
		r.add(at.of("type"), "%s has no type", what)
	}
	for _, end := range []struct{ name, id string }{{"from", e.From}, {"to", e.To}} {
		if end.id == "" {
			r.add(at.of(end.name), "%s has no %s", what, end.name)
			continue
		}
		r.ends = append(r.ends, endpoint{edge: what, end: end.name, id: end.id, line: at.of(end.name)})
	}
	// The kinds of node an edge joins are checked once every node is read.
	r.edges = append(r.edges, placedEdge{what: what, at: at})
	r.place(what, at, model.RelationProblems(model.RelationRecord{From: e.From, Type: e.Type, To: e.To, Properties: e.Properties}, "", ""))
	r.checkFact(what, at, e.Version, e.Sources)
	r.doc.Edges = append(r.doc.Edges, e)
	return nil
}

// placedEdge remembers where an edge was read, to report the kinds of node
// it joins at its type's line.
type placedEdge struct {
	what string
	at   lines
}

// checkKinds reports the edges that join kinds of node their type does not
// join; it runs once every node is read, as edges may come first.
func (r *docReader) checkKinds() {
	labels := make(map[string]string, len(r.doc.Nodes))
	for _, n := range r.doc.Nodes {
		labels[n.ID] = n.Label
	}
	for i, e := range r.doc.Edges {
		from, to := labels[e.From], labels[e.To]
		if from == "" || to == "" || !model.IsLabel(from) || !model.IsLabel(to) {
			continue
		}
		if known, ok, allowed := model.CheckRelation(e.Type, from, to); known && !ok {
			pe := r.edges[i]
			r.add(pe.at.of("type"), "%s: type: %s cannot join %s %s to %s %s (it joins %s)", pe.what, e.Type, from, e.From, to, e.To, allowed)
		}
	}
}

// place reports the model's problems about a node or an edge at the line
// of the value each is about. A member that is missing is reported by the
// reader already, so the model's problem with its empty value is not.
func (r *docReader) place(what string, at lines, problems []model.FactProblem) {
	for _, p := range problems {
		top, rest, _ := strings.Cut(p.Field, ".")
		if i := strings.IndexByte(top, '['); i >= 0 {
			top = top[:i]
		}
		if _, given := at.at[top]; !given && (top == "id" || top == "label" || top == "name" || top == "type" || top == "to") {
			continue
		}
		line := at.of(top)
		if top == "properties" {
			if l, ok := at.props[rest]; ok {
				line = l
			}
		}
		r.add(line, "%s: %s", what, p.Error())
	}
}

// checkFact checks what nodes and edges have in common: the version, and
// the sources by the model's rules, each problem at its source's line.
func (r *docReader) checkFact(what string, at lines, version int, sources []model.Source) {
	if version < 0 {
		r.add(at.of("version"), "%s: version %d is negative", what, version)
	}
	if len(sources) == 0 {
		r.add(at.of("sources"), "%s has no source", what)
		return
	}
	for _, p := range model.SourceProblems(sources) {
		line := at.of("sources")
		var i int
		if _, err := fmt.Sscanf(p.Field, "sources[%d]", &i); err == nil && i < len(at.sources) {
			line = at.sources[i]
		}
		r.add(line, "%s: %s", what, p.Error())
	}
}

// sources reads a list of sources and the line of each.
func (r *docReader) sources() ([]model.Source, []int, error) {
	if null, err := r.null(); null || err != nil {
		return nil, nil, err
	}
	var out []model.Source
	var srcAt []int
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
		// The store keeps a missing url as an empty one, so "" would not
		// survive a round trip.
		if s.URL != nil && *s.URL == "" {
			r.add(at.of("url"), "source url is empty: leave it out")
			s.URL = nil
		}
		if retrieved != nil {
			d := model.Date(*retrieved)
			s.Retrieved = &d
		}
		out = append(out, s)
		srcAt = append(srcAt, line)
		return nil
	})
	return out, srcAt, err
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

// properties reads the properties of a node or an edge and the line of
// each.
func (r *docReader) properties() (map[string]any, map[string]int, error) {
	if null, err := r.null(); null || err != nil {
		return nil, nil, err
	}
	props := map[string]any{}
	at := map[string]int{}
	_, err := r.object("properties", nil, func(name string, line int) error {
		var v any
		if err := r.decode(line, "property "+name, &v); err != nil {
			return err
		}
		at[name] = line
		switch {
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
	return props, at, err
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
