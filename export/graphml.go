package export

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

const (
	graphmlNS     = "http://graphml.graphdrawing.org/xmlns"
	graphmlSchema = "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"
	xsiNS         = "http://www.w3.org/2001/XMLSchema-instance"
)

type gmlDocument struct {
	XMLName        xml.Name `xml:"graphml"`
	NS             string   `xml:"xmlns,attr"`
	XSI            string   `xml:"xmlns:xsi,attr"`
	SchemaLocation string   `xml:"xsi:schemaLocation,attr"`
	Keys           []gmlKey `xml:"key"`
	Graph          gmlGraph `xml:"graph"`
}

type gmlKey struct {
	ID   string `xml:"id,attr"`
	For  string `xml:"for,attr"`
	Name string `xml:"attr.name,attr"`
	Type string `xml:"attr.type,attr"`
}

type gmlGraph struct {
	ID          string    `xml:"id,attr"`
	EdgeDefault string    `xml:"edgedefault,attr"`
	Nodes       []gmlNode `xml:"node"`
	Edges       []gmlEdge `xml:"edge"`
}

type gmlNode struct {
	ID   string    `xml:"id,attr"`
	Data []gmlData `xml:"data"`
}

type gmlEdge struct {
	ID     string    `xml:"id,attr"`
	Source string    `xml:"source,attr"`
	Target string    `xml:"target,attr"`
	Data   []gmlData `xml:"data"`
}

type gmlData struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

// graphmlKeys declares the attributes. Gephi and yEd name their columns
// after attr.name; "label" is what Gephi shows on a node or edge, so it
// holds the name of a node and the type of an edge, and the node label of
// the graph (Instrument, Body, ...) is called entityLabel.
func graphmlKeys() []gmlKey {
	var keys []gmlKey
	for _, k := range []struct{ name, typ string }{
		{"label", "string"}, {"entityLabel", "string"}, {"name", "string"}, {"nameFr", "string"},
		{"shortName", "string"}, {"acronym", "string"}, {"aliases", "string"}, {"managedBy", "string"},
		{"version", "int"}, {"properties", "string"}, {"sources", "string"}, {"sourceUrls", "string"},
	} {
		keys = append(keys, gmlKey{ID: "n_" + k.name, For: "node", Name: k.name, Type: k.typ})
	}
	for _, k := range []struct{ name, typ string }{
		{"label", "string"}, {"type", "string"}, {"key", "string"}, {"managedBy", "string"},
		{"version", "int"}, {"properties", "string"}, {"sources", "string"}, {"sourceUrls", "string"},
	} {
		keys = append(keys, gmlKey{ID: "e_" + k.name, For: "edge", Name: k.name, Type: k.typ})
	}
	return keys
}

// WriteGraphML writes doc as a directed GraphML 1.0 graph: a node per
// entity with its id, an edge per relationship with its key as id. Names,
// aliases and the like are node and edge data; properties and sources are
// JSON text, and sourceUrls lists the source urls, separated by " | ", for
// tools that cannot read JSON. Empty optional values are left out.
//
// XML 1.0 cannot carry NUL, the other C0 control characters but tab,
// newline and carriage return, U+FFFE, U+FFFF or bytes that are not UTF-8,
// not even escaped. Each of them is written as U+FFFD, the replacement
// character, in ids and values alike, so edges still meet their nodes.
//
// GraphML requires node and edge ids to be unique and every edge to join
// nodes of the file, so a document that breaks this, before or after the
// replacement, is an error and nothing is written.
func WriteGraphML(w io.Writer, doc model.GraphDocument) error {
	g := gmlGraph{ID: "G", EdgeDefault: "directed"}
	nodeIDs := map[string]bool{}
	for _, n := range sortedNodes(doc.Nodes) {
		node, err := graphmlNode(n)
		if err != nil {
			return fmt.Errorf("write graphml: node %q: %w", n.ID, err)
		}
		if nodeIDs[node.ID] {
			return fmt.Errorf("write graphml: duplicate node id %q", node.ID)
		}
		nodeIDs[node.ID] = true
		g.Nodes = append(g.Nodes, node)
	}
	edgeIDs := map[string]bool{}
	for _, e := range sortedEdges(doc.Edges) {
		edge, err := graphmlEdge(e)
		if err != nil {
			return fmt.Errorf("write graphml: edge %q: %w", e.Key, err)
		}
		switch {
		case edgeIDs[edge.ID]:
			return fmt.Errorf("write graphml: duplicate edge key %q", edge.ID)
		case !nodeIDs[edge.Source]:
			return fmt.Errorf("write graphml: edge %q: from %q is not a node of the document", e.Key, edge.Source)
		case !nodeIDs[edge.Target]:
			return fmt.Errorf("write graphml: edge %q: to %q is not a node of the document", e.Key, edge.Target)
		}
		edgeIDs[edge.ID] = true
		g.Edges = append(g.Edges, edge)
	}
	out := gmlDocument{NS: graphmlNS, XSI: xsiNS, SchemaLocation: graphmlNS + " " + graphmlSchema, Keys: graphmlKeys(), Graph: g}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write graphml: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write graphml: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write graphml: %w", err)
	}
	return nil
}

func graphmlNode(n model.DocNode) (gmlNode, error) {
	d := dataList{prefix: "n_"}
	d.add("label", n.Name)
	d.add("entityLabel", n.Label)
	d.add("name", n.Name)
	d.add("nameFr", deref(n.NameFr))
	d.add("shortName", deref(n.ShortName))
	d.add("acronym", deref(n.Acronym))
	d.add("aliases", strings.Join(n.Aliases, listSep))
	d.add("managedBy", n.ManagedBy)
	d.add("version", strconv.Itoa(n.Version))
	if err := d.fact(n.Properties, n.Sources); err != nil {
		return gmlNode{}, err
	}
	return gmlNode{ID: xmlText(n.ID), Data: d.data}, nil
}

func graphmlEdge(e model.DocEdge) (gmlEdge, error) {
	d := dataList{prefix: "e_"}
	d.add("label", e.Type)
	d.add("type", e.Type)
	d.add("key", e.Key)
	d.add("managedBy", e.ManagedBy)
	d.add("version", strconv.Itoa(e.Version))
	if err := d.fact(e.Properties, e.Sources); err != nil {
		return gmlEdge{}, err
	}
	return gmlEdge{ID: xmlText(e.Key), Source: xmlText(e.From), Target: xmlText(e.To), Data: d.data}, nil
}

// dataList collects the data elements of a node or an edge.
type dataList struct {
	prefix string
	data   []gmlData
}

// add appends a value unless it is empty: GraphML reads a missing value as
// unset, where an empty string would be a value.
func (d *dataList) add(name, value string) {
	if value != "" {
		d.data = append(d.data, gmlData{Key: d.prefix + name, Value: xmlText(value)})
	}
}

// fact adds the properties, sources and source urls.
func (d *dataList) fact(props map[string]any, sources []model.Source) error {
	if len(props) > 0 {
		s, err := compactJSON(keepFloats(props))
		if err != nil {
			return fmt.Errorf("properties: %w", err)
		}
		d.add("properties", s)
	}
	s, err := compactJSON(nonNil(sources))
	if err != nil {
		return fmt.Errorf("sources: %w", err)
	}
	d.add("sources", s)
	// Only the urls there are: the list is for following links, and the
	// sources value keeps each url with its title.
	var urls []string
	for _, src := range sources {
		if src.URL != nil && *src.URL != "" {
			urls = append(urls, *src.URL)
		}
	}
	d.add("sourceUrls", strings.Join(urls, listSep))
	return nil
}

// xmlText replaces what XML 1.0 cannot hold with U+FFFD. strings.Map hands
// each byte that is not UTF-8 to the mapping as U+FFFD already.
func xmlText(s string) string {
	return strings.Map(func(r rune) rune {
		if xmlChar(r) {
			return r
		}
		return '\uFFFD'
	}, s)
}

// xmlChar reports whether r is a Char of XML 1.0.
func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
