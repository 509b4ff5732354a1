package export

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// The GraphML as a reader sees it, independent of the writer's types.
type graphmlFile struct {
	XMLName xml.Name
	Keys    []struct {
		ID   string `xml:"id,attr"`
		For  string `xml:"for,attr"`
		Name string `xml:"attr.name,attr"`
		Type string `xml:"attr.type,attr"`
	} `xml:"key"`
	Graph struct {
		EdgeDefault string `xml:"edgedefault,attr"`
		Nodes       []struct {
			ID   string     `xml:"id,attr"`
			Data []dataElem `xml:"data"`
		} `xml:"node"`
		Edges []struct {
			ID     string     `xml:"id,attr"`
			Source string     `xml:"source,attr"`
			Target string     `xml:"target,attr"`
			Data   []dataElem `xml:"data"`
		} `xml:"edge"`
	} `xml:"graph"`
}

type dataElem struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

// parseGraphML decodes GraphML and returns it with each node's and edge's
// data by attr.name.
func parseGraphML(t *testing.T, b []byte) (graphmlFile, map[string]map[string]string, map[string]map[string]string) {
	t.Helper()
	var g graphmlFile
	if err := xml.Unmarshal(b, &g); err != nil {
		t.Fatalf("GraphML does not parse: %v\n%s", err, b)
	}
	names := map[string]string{}
	for _, k := range g.Keys {
		names[k.ID] = k.For + ":" + k.Name
	}
	byName := func(owner string, data []dataElem) map[string]string {
		out := map[string]string{}
		for _, d := range data {
			name, ok := names[d.Key]
			if !ok {
				t.Errorf("%s: data for undeclared key %q", owner, d.Key)
			}
			out[name] = d.Value
		}
		return out
	}
	nodes := map[string]map[string]string{}
	for _, n := range g.Graph.Nodes {
		nodes[n.ID] = byName(n.ID, n.Data)
	}
	edges := map[string]map[string]string{}
	for _, e := range g.Graph.Edges {
		m := byName(e.ID, e.Data)
		m["source"], m["target"] = e.Source, e.Target
		edges[e.ID] = m
	}
	return g, nodes, edges
}

func TestWriteGraphML(t *testing.T) {
	var b bytes.Buffer
	if err := WriteGraphML(&b, sample()); err != nil {
		t.Fatalf("WriteGraphML: %v", err)
	}
	if !strings.HasPrefix(b.String(), `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Errorf("no XML declaration: %.60q", b.String())
	}
	g, nodes, edges := parseGraphML(t, b.Bytes())
	if g.XMLName.Space != "http://graphml.graphdrawing.org/xmlns" || g.XMLName.Local != "graphml" {
		t.Errorf("root element %v, want graphml in the GraphML namespace", g.XMLName)
	}
	if g.Graph.EdgeDefault != "directed" {
		t.Errorf("edgedefault %q, want directed", g.Graph.EdgeDefault)
	}
	keyTypes := map[string]string{}
	for _, k := range g.Keys {
		if _, dup := keyTypes[k.ID]; dup {
			t.Errorf("key id %q declared twice", k.ID)
		}
		keyTypes[k.ID] = k.For + ":" + k.Name + ":" + k.Type
	}
	for _, want := range []string{"node:version:int", "edge:version:int", "node:label:string", "node:sources:string", "edge:type:string"} {
		found := false
		for _, got := range keyTypes {
			found = found || got == want
		}
		if !found {
			t.Errorf("no key declared as %s; keys: %v", want, keyTypes)
		}
	}
	var order []string
	for _, n := range g.Graph.Nodes {
		order = append(order, n.ID)
	}
	if diff := cmp.Diff([]string{"france", "lanzarote-committee", "lanzarote-convention"}, order); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
	if len(g.Graph.Edges) != 2 {
		t.Errorf("%d edges, want 2", len(g.Graph.Edges))
	}
	tests := []struct {
		name string
		got  map[string]string
		want map[string]string
	}{
		{"node with accents and a NUL byte", nodes["lanzarote-committee"], map[string]string{
			"node:label": "Lanzarote Committee", "node:entityLabel": "Body", "node:name": "Lanzarote Committee",
			"node:nameFr": "Comité de Lanzarote — Comité des Parties", "node:shortName": "Comité",
			"node:acronym": "T\uFFFDES", "node:managedBy": "curation", "node:version": "1",
			"node:properties": `{"note":"before\u0000after"}`,
			"node:sources":    `[{"url":"https://www.coe.int/en/web/children/lanzarote-committee","title":"Lanzarote Committee","retrieved":"2024-05-01"}]`,
			"node:sourceUrls": "https://www.coe.int/en/web/children/lanzarote-committee",
		}},
		{"node with a property map, a list and a source without url", nodes["lanzarote-convention"], map[string]string{
			"node:label": "Lanzarote Convention", "node:entityLabel": "Instrument", "node:name": "Lanzarote Convention",
			"node:nameFr": "Convention de Lanzarote", "node:aliases": "CETS 201 | Convention on the Protection of Children",
			"node:managedBy": "seed", "node:version": "3",
			"node:properties": `{"number":"CETS 201","opened":"2007-10-25","parties":48,"signature":{"place":"Lanzarote","year":2007},"themes":["sexual exploitation","online"],"weight":2.0}`,
			"node:sources":    `[{"url":"` + treatyURL + `","title":"Treaty Office","retrieved":"2024-05-01"},{"title":"Explanatory Report"}]`,
			"node:sourceUrls": treatyURL,
		}},
		{"node without source urls", nodes["france"], map[string]string{
			"node:label": "France", "node:entityLabel": "Country", "node:name": "France", "node:nameFr": "France",
			"node:managedBy": "seed", "node:version": "0", "node:properties": `{"iso2":"FR"}`,
			"node:sources": `[{"title":"Member states","retrieved":"2024-05"}]`,
		}},
		{"edge with properties", edges["france|MEMBER_OF|lanzarote-committee|0"], map[string]string{
			"source": "france", "target": "lanzarote-committee",
			"edge:label": "MEMBER_OF", "edge:type": "MEMBER_OF", "edge:key": "france|MEMBER_OF|lanzarote-committee|0",
			"edge:managedBy": "seed", "edge:version": "2", "edge:properties": `{"role":"member"}`,
			"edge:sources": `[{"title":"List of members"}]`,
		}},
		{"edge", edges["lanzarote-committee|MONITORS|lanzarote-convention|0"], map[string]string{
			"source": "lanzarote-committee", "target": "lanzarote-convention",
			"edge:label": "MONITORS", "edge:type": "MONITORS", "edge:key": "lanzarote-committee|MONITORS|lanzarote-convention|0",
			"edge:managedBy": "seed", "edge:version": "0",
			"edge:sources":    `[{"url":"` + treatyURL + `","title":"Treaty Office","retrieved":"2024-05-01"}]`,
			"edge:sourceUrls": treatyURL,
		}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("%s: data (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestWriteGraphMLReplacesWhatXMLCannotHold(t *testing.T) {
	src := []model.Source{{Title: "t"}}
	doc := model.GraphDocument{
		Nodes: []model.DocNode{
			{ID: "a\x01", Label: "Topic", Name: "bad\xffbyte", Aliases: []string{"x\uFFFEy", "tab\tnew\nline\rcr"}, Sources: src},
			{ID: "b", Label: "Topic", Name: "\x00\x1f\uFFFF", Sources: src},
		},
		Edges: []model.DocEdge{{Key: "k\x0b", Type: "RELATED_TO", From: "a\x01", To: "b", Sources: src}},
	}
	var b bytes.Buffer
	if err := WriteGraphML(&b, doc); err != nil {
		t.Fatalf("WriteGraphML: %v", err)
	}
	_, nodes, edges := parseGraphML(t, b.Bytes())
	tests := []struct {
		name, got, want string
	}{
		{"node id", fmt.Sprint(nodes["a\uFFFD"] != nil), "true"},
		{"invalid UTF-8", nodes["a\uFFFD"]["node:name"], "bad\uFFFDbyte"},
		{"U+FFFE; tab, newline and CR kept", nodes["a\uFFFD"]["node:aliases"], "x\uFFFDy | tab\tnew\nline\rcr"},
		{"NUL, C0 and U+FFFF", nodes["b"]["node:name"], "\uFFFD\uFFFD\uFFFD"},
		{"edge id", fmt.Sprint(edges["k\uFFFD"] != nil), "true"},
		{"edge source still meets its node", edges["k\uFFFD"]["source"], "a\uFFFD"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestWriteGraphMLRefuses(t *testing.T) {
	src := []model.Source{{Title: "t"}}
	node := func(id string) model.DocNode { return model.DocNode{ID: id, Label: "Topic", Name: id, Sources: src} }
	edge := func(key, from, to string) model.DocEdge {
		return model.DocEdge{Key: key, Type: "RELATED_TO", From: from, To: to, Sources: src}
	}
	tests := []struct {
		name string
		doc  model.GraphDocument
		want string
	}{
		{"edge to a missing node", model.GraphDocument{Nodes: []model.DocNode{node("a")}, Edges: []model.DocEdge{edge("k", "a", "b")}},
			`write graphml: edge "k": to "b" is not a node of the document`},
		{"ids equal once replaced", model.GraphDocument{Nodes: []model.DocNode{node("a\x00"), node("a\x01")}},
			"write graphml: duplicate node id \"a\uFFFD\""},
		{"duplicate edge key", model.GraphDocument{Nodes: []model.DocNode{node("a")}, Edges: []model.DocEdge{edge("k", "a", "a"), edge("k", "a", "a")}},
			`write graphml: duplicate edge key "k"`},
		{"NaN property", model.GraphDocument{Nodes: []model.DocNode{{ID: "a", Label: "Topic", Properties: map[string]any{"x": nan()}}}},
			`write graphml: node "a": properties: json: unsupported value: NaN`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			err := WriteGraphML(&b, tt.doc)
			if err == nil || err.Error() != tt.want {
				t.Errorf("WriteGraphML: error %v, want %q", err, tt.want)
			}
			if b.Len() != 0 {
				t.Errorf("WriteGraphML wrote %d bytes for a document it refused", b.Len())
			}
		})
	}
}
