package httpapi

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// A query's answer as a table (README, "Saved queries"): one row per leaf
// edge, that is per element of the innermost lists of objects, carrying the
// values of every object above it; a column per selected leaf field, named by
// its path of response keys without list positions
// (instrument.parties.edges.node.name); and a last column, sources, holding
// every source met on the row's way down. Lists of objects side by side
// give rows one after the other, never a cross product; an empty list adds no
// row, and an object whose lists are all empty is still one row. A list of
// plain values is one cell. Fields called sources never make rows.

// sourcesColumn is the name of the table's last column.
const sourcesColumn = "sources"

// table is a flattened answer.
type table struct {
	columns []string
	rows    []tableRow
}

type tableRow struct {
	cells   map[string]any
	sources []any
}

// tableColumns returns the columns the operation's selection makes, in the
// order of the document, each once.
func tableColumns(doc *ast.QueryDocument, op *ast.OperationDefinition) []string {
	var out []string
	seen := map[string]bool{}
	var walk func(set ast.SelectionSet, prefix string, fragments map[string]bool)
	walk = func(set ast.SelectionSet, prefix string, fragments map[string]bool) {
		for _, s := range set {
			switch s := s.(type) {
			case *ast.Field:
				key := s.Alias
				if key == "" {
					key = s.Name
				}
				path := key
				if prefix != "" {
					path = prefix + "." + key
				}
				switch {
				case key == sourcesColumn && len(s.SelectionSet) > 0:
				case len(s.SelectionSet) == 0:
					if !seen[path] {
						seen[path] = true
						out = append(out, path)
					}
				default:
					walk(s.SelectionSet, path, fragments)
				}
			case *ast.InlineFragment:
				walk(s.SelectionSet, prefix, fragments)
			case *ast.FragmentSpread:
				// A spread inside itself is a validation error; the guard
				// keeps an unvalidated document from looping.
				if fragments[s.Name] {
					continue
				}
				if f := doc.Fragments.ForName(s.Name); f != nil {
					fragments[s.Name] = true
					walk(f.SelectionSet, prefix, fragments)
					delete(fragments, s.Name)
				}
			}
		}
	}
	walk(op.SelectionSet, "", map[string]bool{})
	return out
}

// orderedObject is a JSON object that keeps its keys' order, so rows come
// in the order of the answer.
type orderedObject struct {
	keys   []string
	values map[string]any
}

// decodeOrdered reads one JSON value, objects as orderedObject and numbers
// as json.Number.
func decodeOrdered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			obj := &orderedObject{values: map[string]any{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				if _, dup := obj.values[k]; !dup {
					obj.keys = append(obj.keys, k)
				}
				obj.values[k] = v
			}
			_, err := dec.Token()
			return obj, err
		case '[':
			list := []any{}
			for dec.More() {
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				list = append(list, v)
			}
			_, err := dec.Token()
			return list, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	}
	return tok, nil
}

// flattenData turns an answer's data into a table with the given columns.
func flattenData(data json.RawMessage, columns []string) (table, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeOrdered(dec)
	if err != nil {
		return table{}, fmt.Errorf("flatten answer: %w", err)
	}
	rows, _ := flattenValue(v, "")
	return table{columns: columns, rows: rows}, nil
}

// flattenValue returns the rows of v at path prefix, and whether v holds a
// list of objects (whose rows replace, rather than join, its parent's one).
func flattenValue(v any, prefix string) ([]tableRow, bool) {
	switch v := v.(type) {
	case *orderedObject:
		single := tableRow{cells: map[string]any{}}
		var many []tableRow
		hasList := false
		for _, k := range v.keys {
			child := v.values[k]
			path := k
			if prefix != "" {
				path = prefix + "." + k
			}
			if list, ok := child.([]any); ok && k == sourcesColumn && !plainList(list) {
				single.sources = append(single.sources, list...)
				continue
			}
			rows, multi := flattenValue(child, path)
			if multi {
				hasList = true
				many = append(many, rows...)
				continue
			}
			for _, r := range rows {
				for c, x := range r.cells {
					single.cells[c] = x
				}
				single.sources = append(single.sources, r.sources...)
			}
		}
		if len(many) == 0 {
			return []tableRow{single}, hasList
		}
		for i := range many {
			for c, x := range single.cells {
				many[i].cells[c] = x
			}
			many[i].sources = append(append([]any{}, single.sources...), many[i].sources...)
		}
		return many, true
	case []any:
		if plainList(v) {
			return []tableRow{{cells: map[string]any{prefix: v}}}, false
		}
		var out []tableRow
		for _, x := range v {
			rows, _ := flattenValue(x, prefix)
			out = append(out, rows...)
		}
		return out, true
	}
	return []tableRow{{cells: map[string]any{prefix: v}}}, false
}

// plainList reports whether a list holds no object: it is one cell.
func plainList(list []any) bool {
	for _, x := range list {
		switch x.(type) {
		case *orderedObject, []any:
			return false
		}
	}
	return true
}

// cellText writes a value in a CSV cell: null as empty, a list of values
// joined by "; ".
func cellText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		if v {
			return "true"
		}
		return "false"
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = cellText(x)
		}
		return strings.Join(parts, "; ")
	case *orderedObject:
		b, _ := json.Marshal(plainJSON(v))
		return string(b)
	}
	return fmt.Sprint(v)
}

// sourceText writes one source as "title <url> (read 2026-11-23)", from
// whichever of its fields the query selected.
func sourceText(v any) string {
	obj, ok := v.(*orderedObject)
	if !ok {
		return cellText(v)
	}
	var parts []string
	if t := cellText(obj.values["title"]); t != "" {
		parts = append(parts, t)
	}
	if u := cellText(obj.values["url"]); u != "" {
		parts = append(parts, "<"+u+">")
	}
	if r := cellText(obj.values["retrieved"]); r != "" {
		parts = append(parts, "(read "+r+")")
	}
	rest := []string{}
	for _, k := range obj.keys {
		if k != "title" && k != "url" && k != "retrieved" && obj.values[k] != nil {
			rest = append(rest, k+"="+cellText(obj.values[k]))
		}
	}
	sort.Strings(rest)
	return strings.Join(append(parts, rest...), " ")
}

// rowSources returns a row's sources once each, in the order met.
func rowSources(r tableRow) []any {
	seen := map[string]bool{}
	out := []any{}
	for _, s := range r.sources {
		k := sourceText(s)
		if !seen[k] {
			seen[k] = true
			out = append(out, s)
		}
	}
	return out
}

// writeCSV writes the table with a header row.
func writeCSV(w io.Writer, t table) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(append(append([]string{}, t.columns...), sourcesColumn)); err != nil {
		return err
	}
	for _, r := range t.rows {
		rec := make([]string, 0, len(t.columns)+1)
		for _, c := range t.columns {
			rec = append(rec, cellText(r.cells[c]))
		}
		srcs := rowSources(r)
		texts := make([]string, len(srcs))
		for i, s := range srcs {
			texts[i] = sourceText(s)
		}
		rec = append(rec, strings.Join(texts, " | "))
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeNDJSON writes one JSON object per row, its keys the columns in order
// and then sources, a list of the row's source objects.
func writeNDJSON(w io.Writer, t table) error {
	var buf bytes.Buffer
	for _, r := range t.rows {
		buf.Reset()
		buf.WriteByte('{')
		for i, c := range append(append([]string{}, t.columns...), sourcesColumn) {
			if i > 0 {
				buf.WriteByte(',')
			}
			k, _ := json.Marshal(c)
			buf.Write(k)
			buf.WriteByte(':')
			var v any
			if c == sourcesColumn && i == len(t.columns) {
				srcs := rowSources(r)
				list := make([]any, len(srcs))
				for j, s := range srcs {
					list[j] = plainJSON(s)
				}
				v = list
			} else {
				v = plainJSON(r.cells[c])
			}
			b, err := json.Marshal(v)
			if err != nil {
				return err
			}
			buf.Write(b)
		}
		buf.WriteString("}\n")
		if _, err := w.Write(buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// plainJSON turns decoded values back into what encoding/json writes, in
// their original order for objects.
func plainJSON(v any) any {
	switch v := v.(type) {
	case *orderedObject:
		var buf bytes.Buffer
		buf.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			kb, _ := json.Marshal(k)
			vb, _ := json.Marshal(plainJSON(v.values[k]))
			buf.Write(kb)
			buf.WriteByte(':')
			buf.Write(vb)
		}
		buf.WriteByte('}')
		return json.RawMessage(buf.Bytes())
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = plainJSON(x)
		}
		return out
	}
	return v
}
