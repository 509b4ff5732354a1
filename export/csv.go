package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// File is one file of an export: a name without directories and its content.
type File struct {
	Name string
	Data []byte
}

// listSep joins the values of a list in one CSV cell or GraphML value. A
// value that itself holds " | " cannot be told apart; JSON is the lossless
// form.
const listSep = " | "

// WriteCSV lays doc out as CSV files, ordered by name: nodes-<Label>.csv for
// each node label and edges-<TYPE>.csv for each relationship type present.
// Rows follow id or key order. Each free property present in a file gets a
// column, in name order, between the fixed columns and the three source
// columns; scalars are written as text, lists and objects as compact JSON.
// The source columns list urls, titles and retrieval dates in the same
// order, with an empty entry where a url or date is missing.
//
// A label outside model.Labels, a malformed relationship type (both become
// part of a file name) or a property named like a fixed column is an error.
func WriteCSV(doc model.GraphDocument) ([]File, error) {
	var files []File
	nodes := map[string][]model.DocNode{}
	for _, n := range sortedNodes(doc.Nodes) {
		if !model.IsLabel(n.Label) {
			return nil, fmt.Errorf("write csv: node %q: unknown label %q", n.ID, n.Label)
		}
		nodes[n.Label] = append(nodes[n.Label], n)
	}
	for label, ns := range nodes {
		f, err := nodeFile(label, ns)
		if err != nil {
			return nil, fmt.Errorf("write csv: %w", err)
		}
		files = append(files, f)
	}
	edges := map[string][]model.DocEdge{}
	for _, e := range sortedEdges(doc.Edges) {
		if !isRelationType(e.Type) {
			return nil, fmt.Errorf("write csv: edge %q: malformed type %q", e.Key, e.Type)
		}
		edges[e.Type] = append(edges[e.Type], e)
	}
	for typ, es := range edges {
		f, err := edgeFile(typ, es)
		if err != nil {
			return nil, fmt.Errorf("write csv: %w", err)
		}
		files = append(files, f)
	}
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	return files, nil
}

func sourceColumns() []string { return []string{"source_urls", "source_titles", "source_retrieved"} }

func nodeFile(label string, nodes []model.DocNode) (File, error) {
	name := "nodes-" + label + ".csv"
	fixed := []string{"id", "name", "nameFr", "shortName", "acronym", "aliases", "managedBy", "version"}
	props := make([]map[string]any, len(nodes))
	for i, n := range nodes {
		props[i] = n.Properties
	}
	keys, err := propertyColumns(name, fixed, props)
	if err != nil {
		return File{}, err
	}
	rows := make([][]string, len(nodes))
	for i, n := range nodes {
		row := []string{n.ID, n.Name, deref(n.NameFr), deref(n.ShortName), deref(n.Acronym),
			strings.Join(n.Aliases, listSep), n.ManagedBy, strconv.Itoa(n.Version)}
		if row, err = appendFact(row, keys, n.Properties, n.Sources); err != nil {
			return File{}, fmt.Errorf("%s: node %q: %w", name, n.ID, err)
		}
		rows[i] = row
	}
	return csvFile(name, header(fixed, keys), rows)
}

func edgeFile(typ string, edges []model.DocEdge) (File, error) {
	name := "edges-" + typ + ".csv"
	fixed := []string{"key", "from", "to", "managedBy", "version"}
	props := make([]map[string]any, len(edges))
	for i, e := range edges {
		props[i] = e.Properties
	}
	keys, err := propertyColumns(name, fixed, props)
	if err != nil {
		return File{}, err
	}
	rows := make([][]string, len(edges))
	for i, e := range edges {
		row := []string{e.Key, e.From, e.To, e.ManagedBy, strconv.Itoa(e.Version)}
		if row, err = appendFact(row, keys, e.Properties, e.Sources); err != nil {
			return File{}, fmt.Errorf("%s: edge %q: %w", name, e.Key, err)
		}
		rows[i] = row
	}
	return csvFile(name, header(fixed, keys), rows)
}

// propertyColumns returns the sorted property names used in a file. A name
// equal to a column of the file would make the header ambiguous.
func propertyColumns(file string, fixed []string, props []map[string]any) ([]string, error) {
	seen := map[string]bool{}
	var keys []string
	for _, p := range props {
		for k := range p {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		if slices.Contains(fixed, k) || slices.Contains(sourceColumns(), k) {
			return nil, fmt.Errorf("%s: property %q has the name of a column", file, k)
		}
	}
	return keys, nil
}

func header(fixed, keys []string) []string {
	return slices.Concat(fixed, keys, sourceColumns())
}

// appendFact adds the property and source cells to row.
func appendFact(row, keys []string, props map[string]any, sources []model.Source) ([]string, error) {
	for _, k := range keys {
		v, ok := props[k]
		if !ok {
			row = append(row, "")
			continue
		}
		s, err := cell(v)
		if err != nil {
			return nil, fmt.Errorf("property %q: %w", k, err)
		}
		row = append(row, s)
	}
	urls := make([]string, len(sources))
	titles := make([]string, len(sources))
	dates := make([]string, len(sources))
	for i, s := range sources {
		urls[i] = deref(s.URL)
		titles[i] = s.Title
		if s.Retrieved != nil {
			dates[i] = string(*s.Retrieved)
		}
	}
	return append(row, strings.Join(urls, listSep), strings.Join(titles, listSep), strings.Join(dates, listSep)), nil
}

// cell writes a property value: strings as they are, other scalars as JSON
// spells them (whole floats with ".0", as WriteJSON does), lists and objects
// as compact JSON.
func cell(v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	return compactJSON(keepFloat(v))
}

// compactJSON encodes v without HTML escaping, which would only garble "&"
// and "<" for whoever reads the cell.
func compactJSON(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

func csvFile(name string, header []string, rows [][]string) (File, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.Write(header); err != nil {
		return File{}, fmt.Errorf("%s: %w", name, err)
	}
	if err := w.WriteAll(rows); err != nil {
		return File{}, fmt.Errorf("%s: %w", name, err)
	}
	return File{Name: name, Data: b.Bytes()}, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
