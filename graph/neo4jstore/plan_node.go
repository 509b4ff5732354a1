package neo4jstore

import (
	"fmt"
	"sort"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// cols are the columns of a projection: Cypher expressions, each once.
type cols struct {
	exprs []string
	idx   map[string]int
}

func newCols() *cols { return &cols{idx: map[string]int{}} }

func (c *cols) add(expr string) int {
	if i, ok := c.idx[expr]; ok {
		return i
	}
	c.exprs = append(c.exprs, expr)
	c.idx[expr] = len(c.exprs) - 1
	return len(c.exprs) - 1
}

func (c *cols) list() string { return "[" + strings.Join(c.exprs, ", ") + "]" }

// valueWriter writes one JSON value from the columns of a projection.
type valueWriter func(w *jsonOut, row []any, st *bound) error

// fieldWriter writes one field of an object: its key and its value.
type fieldWriter struct {
	key   string
	write valueWriter
}

// writeObject writes the fields of one object from row.
func writeObject(w *jsonOut, fields []fieldWriter, row []any, st *bound) error {
	w.open('{')
	for i, f := range fields {
		w.key(i == 0, f.key)
		if err := f.write(w, row, st); err != nil {
			return err
		}
	}
	w.close('}')
	return nil
}

// labelsText lists the node labels as a Cypher literal, for finding a
// node's own label among its labels.
var labelsText = "['" + strings.Join(model.Labels, "', '") + "']"

// nodeScalar is how a type-specific field reads a node property.
type nodeScalar int

const (
	scalarText     nodeScalar = iota // text, null when absent or empty
	scalarTextReq                    // text, "" when absent
	scalarDate                       // a Date, null when absent or not a date
	scalarCoeState                   // the CoeStatus enum
)

// nodeScalars are the fields each node type reads from one of its
// properties (see the getters of model.Instrument, model.Country...).
var nodeScalars = map[string]map[string]nodeScalar{
	"Instrument": {"number": scalarText, "opened": scalarDate, "openedPlace": scalarText, "entryIntoForce": scalarDate},
	"Project":    {"startDate": scalarDate, "endDate": scalarDate},
	"Country":    {"iso2": scalarTextReq, "iso3": scalarText, "coeStatus": scalarCoeState, "coeAccession": scalarDate, "coeLeft": scalarDate},
	"Resource":   {"published": scalarDate},
	"Event":      {"startDate": scalarDate, "endDate": scalarDate},
}

// node compiles the selections of the node in variable v: for each label
// it may have, the fields selected on it (one label where the position is
// of a concrete type). It returns the Cypher list of the columns they read
// and the writer of the node's JSON object.
func (c *compiler) node(v string, byLabel map[string][]model.Selection, concrete bool) (string, valueWriter, error) {
	cl := newCols()
	labelCol := -1
	if !concrete {
		labelCol = cl.add(fmt.Sprintf("head([l IN labels(%s) WHERE l IN %s])", v, labelsText))
	}
	labels := make([]string, 0, len(byLabel))
	for l := range byLabel {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	writers := make(map[string][]fieldWriter, len(labels))
	for _, label := range labels {
		// A subquery of a fragment on one type runs only for nodes of
		// that type.
		heavy := func(expr string) int {
			if concrete {
				return cl.add(expr)
			}
			return cl.add(fmt.Sprintf("CASE WHEN %s:%s THEN %s END", v, label, expr))
		}
		var fields []fieldWriter
		for i := range byLabel[label] {
			f := &byLabel[label][i]
			fw, err := c.nodeField(v, label, labelCol, f, cl, heavy)
			if err != nil {
				return "", nil, err
			}
			fields = append(fields, fieldWriter{key: f.Alias, write: fw})
		}
		writers[label] = fields
	}
	only := ""
	if concrete && len(labels) == 1 {
		only = labels[0]
	}
	write := func(w *jsonOut, row []any, st *bound) error {
		label := only
		if labelCol >= 0 {
			label, _ = row[labelCol].(string)
		}
		fields, ok := writers[label]
		if !ok {
			return fmt.Errorf("node of label %q outside the selection", label)
		}
		return writeObject(w, fields, row, st)
	}
	return cl.list(), write, nil
}

// nodeField compiles one field of a node of the given label.
func (c *compiler) nodeField(v, label string, labelCol int, f *model.Selection, cl *cols, heavy func(string) int) (valueWriter, error) {
	prop := func(name string) int { return cl.add(v + "." + name) }
	switch f.Field {
	case "__typename":
		if labelCol >= 0 {
			return func(w *jsonOut, row []any, _ *bound) error { s, _ := row[labelCol].(string); w.str(s); return nil }, nil
		}
		return func(w *jsonOut, _ []any, _ *bound) error { w.str(label); return nil }, nil
	case "id", "name":
		i := prop(f.Field)
		return func(w *jsonOut, row []any, _ *bound) error { s, _ := row[i].(string); w.str(s); return nil }, nil
	case "nameFr", "shortName", "acronym":
		i := prop(f.Field)
		return func(w *jsonOut, row []any, _ *bound) error { w.optStr(optString(row[i])); return nil }, nil
	case "aliases":
		i := prop(keyAliases)
		return func(w *jsonOut, row []any, _ *bound) error { writeStrings(w, stringsOf(row[i])); return nil }, nil
	case "version":
		i := prop(keyVersion)
		return func(w *jsonOut, row []any, _ *bound) error { n, _ := row[i].(int64); w.int(n); return nil }, nil
	case "sources":
		u, t, d := prop(keySourceURLs), prop(keySourceTtl), prop(keySourceDate)
		src, err := sourcesWriter(f)
		if err != nil {
			return nil, err
		}
		return func(w *jsonOut, row []any, st *bound) error {
			return src(w, decodeSources(map[string]any{keySourceURLs: row[u], keySourceTtl: row[t], keySourceDate: row[d]}))
		}, nil
	case "properties":
		i := cl.add("properties(" + v + ")")
		return func(w *jsonOut, row []any, _ *bound) error {
			props, _ := row[i].(map[string]any)
			// The long tail: what no typed field of the label answers
			// (model.Entity.LongTail).
			free := decodeFree(props)
			for k := range free {
				if model.IsTypedKey(label, k) {
					delete(free, k)
				}
			}
			if len(free) == 0 {
				w.null()
				return nil
			}
			return w.value(free)
		}, nil
	case "variants":
		i := prop(keyVariants)
		vw, err := variantsWriter(f)
		if err != nil {
			return nil, err
		}
		return func(w *jsonOut, row []any, _ *bound) error {
			return vw(w, decodeVariants(map[string]any{keyVariants: row[i]}))
		}, nil
	case "statedFigures":
		i := prop(keyFigures)
		fw, err := figuresWriter(f)
		if err != nil {
			return nil, err
		}
		return func(w *jsonOut, row []any, _ *bound) error {
			return fw(w, decodeFigures(map[string]any{keyFigures: row[i]}))
		}, nil
	case "partyCount":
		if label == "Instrument" {
			return c.partyCount(v, f, heavy)
		}
	}
	if kind, ok := nodeScalars[label][f.Field]; ok {
		i := prop(f.Field)
		return scalarWriter(kind, i), nil
	}
	switch {
	case f.Relation != nil:
		return c.related(v, label, f, cl, heavy)
	case f.Type == "PartyConnection" || f.Type == "TreatyConnection":
		return c.participations(v, label, f, cl, heavy)
	case f.Type == "RelationConnection":
		return c.relations(v, f, cl, heavy)
	}
	return nil, fmt.Errorf("%w: %s.%s", model.ErrUnplanned, label, f.Field)
}

func scalarWriter(kind nodeScalar, i int) valueWriter {
	return func(w *jsonOut, row []any, _ *bound) error {
		s, _ := row[i].(string)
		switch kind {
		case scalarTextReq:
			w.str(s)
		case scalarText:
			if s == "" {
				w.null()
			} else {
				w.str(s)
			}
		case scalarDate:
			if d, err := model.ParseDate(s); s != "" && err == nil {
				w.str(string(d))
			} else {
				w.null()
			}
		case scalarCoeState:
			e := model.Country{Entity: model.Entity{Properties: map[string]any{"coeStatus": row[i]}}}
			w.str(string(e.CoeStatus()))
		}
		return nil
	}
}

func writeStrings(w *jsonOut, list []string) {
	w.open('[')
	for i, s := range list {
		if i > 0 {
			w.comma()
		}
		w.str(s)
	}
	w.close(']')
}

// sourcesWriter compiles the selection of a list of sources.
func sourcesWriter(f *model.Selection) (func(w *jsonOut, list []model.Source) error, error) {
	var fields []func(w *jsonOut, s model.Source)
	for _, sf := range f.Fields {
		switch sf.Field {
		case "url":
			fields = append(fields, func(w *jsonOut, s model.Source) { w.optStr(s.URL) })
		case "title":
			fields = append(fields, func(w *jsonOut, s model.Source) { w.str(s.Title) })
		case "retrieved":
			fields = append(fields, func(w *jsonOut, s model.Source) { w.optStr((*string)(s.Retrieved)) })
		case "__typename":
			fields = append(fields, func(w *jsonOut, _ model.Source) { w.str("Source") })
		default:
			return nil, fmt.Errorf("%w: Source.%s", model.ErrUnplanned, sf.Field)
		}
	}
	return func(w *jsonOut, list []model.Source) error {
		w.open('[')
		for i, s := range list {
			if i > 0 {
				w.comma()
			}
			w.open('{')
			for j, fw := range fields {
				w.key(j == 0, f.Fields[j].Alias)
				fw(w, s)
			}
			w.close('}')
		}
		w.close(']')
		return nil
	}, nil
}

// windowWriter compiles the selection of a DateWindow.
func windowWriter(f *model.Selection) (func(w *jsonOut, win *model.DateWindow), error) {
	for _, sf := range f.Fields {
		switch sf.Field {
		case "from", "to", "__typename":
		default:
			return nil, fmt.Errorf("%w: DateWindow.%s", model.ErrUnplanned, sf.Field)
		}
	}
	return func(w *jsonOut, win *model.DateWindow) {
		if win == nil {
			w.null()
			return
		}
		w.open('{')
		for j, sf := range f.Fields {
			w.key(j == 0, sf.Alias)
			switch sf.Field {
			case "from":
				w.str(string(win.From))
			case "to":
				w.str(string(win.To))
			default:
				w.str("DateWindow")
			}
		}
		w.close('}')
	}, nil
}

// relProjection is the column list of a relationship the edge fields read.
func relProjection(r string) string {
	return fmt.Sprintf("[type(%[1]s), properties(%[1]s), elementId(%[1]s)]", r)
}

// relOf reads a relProjection back.
func relOf(v any) (typ string, props map[string]any, key string) {
	l, _ := v.([]any)
	if len(l) != 3 {
		return "", nil, ""
	}
	typ, _ = l[0].(string)
	props, _ = l[1].(map[string]any)
	eid, _ := l[2].(string)
	return typ, props, relKeyOf(dbtype.Relationship{ElementId: eid, Props: props})
}

// sourcedWriter compiles the selection of a list of objects that carry
// sources: each selected field writes from one item, sources through
// sourcesWriter.
func sourcedWriter[T any](f *model.Selection, typeName string, fields map[string]func(w *jsonOut, item T) error, sources func(item T) []model.Source) (func(w *jsonOut, list []T) error, error) {
	writers := make([]func(w *jsonOut, item T) error, len(f.Fields))
	for i := range f.Fields {
		sf := &f.Fields[i]
		switch sf.Field {
		case "__typename":
			writers[i] = func(w *jsonOut, _ T) error { w.str(typeName); return nil }
		case "sources":
			src, err := sourcesWriter(sf)
			if err != nil {
				return nil, err
			}
			writers[i] = func(w *jsonOut, item T) error { return src(w, sources(item)) }
		default:
			fw, ok := fields[sf.Field]
			if !ok {
				return nil, fmt.Errorf("%w: %s.%s", model.ErrUnplanned, typeName, sf.Field)
			}
			writers[i] = fw
		}
	}
	return func(w *jsonOut, list []T) error {
		w.open('[')
		for i, item := range list {
			if i > 0 {
				w.comma()
			}
			w.open('{')
			for j, fw := range writers {
				w.key(j == 0, f.Fields[j].Alias)
				if err := fw(w, item); err != nil {
					return err
				}
			}
			w.close('}')
		}
		w.close(']')
		return nil
	}, nil
}

// variantsWriter compiles the selection of a list of variants.
func variantsWriter(f *model.Selection) (func(w *jsonOut, list []model.Variant) error, error) {
	return sourcedWriter(f, "Variant", map[string]func(w *jsonOut, v model.Variant) error{
		"property":  func(w *jsonOut, v model.Variant) error { w.str(v.Property); return nil },
		"value":     func(w *jsonOut, v model.Variant) error { return w.value(v.Value) },
		"preferred": func(w *jsonOut, v model.Variant) error { w.bool(v.Preferred); return nil },
		"note":      func(w *jsonOut, v model.Variant) error { w.optStr(v.Note); return nil },
	}, func(v model.Variant) []model.Source { return v.Sources })
}

// figuresWriter compiles the selection of a list of stated figures.
func figuresWriter(f *model.Selection) (func(w *jsonOut, list []model.StatedFigure) error, error) {
	return sourcedWriter(f, "StatedFigure", map[string]func(w *jsonOut, v model.StatedFigure) error{
		"what":  func(w *jsonOut, v model.StatedFigure) error { w.str(v.What); return nil },
		"value": func(w *jsonOut, v model.StatedFigure) error { return w.value(v.Value) },
		"date":  func(w *jsonOut, v model.StatedFigure) error { w.optStr((*string)(v.Date)); return nil },
		"note":  func(w *jsonOut, v model.StatedFigure) error { w.optStr(v.Note); return nil },
	}, func(v model.StatedFigure) []model.Source { return v.Sources })
}
