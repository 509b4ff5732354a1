package neo4jstore

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// Document reads the whole graph, or the neighbourhood of one node when
// root is set (depth relationships away, at most limit nodes), as a
// document an import can rebuild it from.
func (s *Store) Document(ctx context.Context, root string, depth, limit int) (model.GraphDocument, error) {
	const op = "read document"
	doc := model.GraphDocument{Format: model.DocumentFormat, Nodes: []model.DocNode{}, Edges: []model.DocEdge{}}
	var ids any
	if root != "" {
		g, err := s.Neighbourhood(ctx, root, depth, model.Traversal{NodesOnly: true}, limit)
		if err != nil {
			return doc, err
		}
		list := make([]string, len(g.Nodes))
		for i, n := range g.Nodes {
			list[i] = model.EntityOf(n).ID
		}
		ids = list
	}
	// Re-reading the nodes, rather than using the neighbourhood's, keeps
	// their owner and version, which a restore needs.
	res, err := s.read(ctx, op, `
MATCH (n:Entity) WHERE $ids IS NULL OR n.id IN $ids
RETURN n ORDER BY n.id`, map[string]any{"ids": ids})
	if err != nil {
		return doc, err
	}
	for _, rec := range res.Records {
		n, _, err := neo4j.GetRecordValue[dbtype.Node](rec, "n")
		if err != nil {
			return doc, fmt.Errorf("%s: %w", op, err)
		}
		doc.Nodes = append(doc.Nodes, docNode(n))
	}
	res, err = s.read(ctx, op, `
MATCH (a:Entity)-[r]->(b:Entity)
WHERE $ids IS NULL OR (a.id IN $ids AND b.id IN $ids)
RETURN a.id AS from, b.id AS to, r`, map[string]any{"ids": ids})
	if err != nil {
		return doc, err
	}
	for _, rec := range res.Records {
		from, _ := rec.Values[0].(string)
		to, _ := rec.Values[1].(string)
		r, _, err := neo4j.GetRecordValue[dbtype.Relationship](rec, "r")
		if err != nil {
			return doc, fmt.Errorf("%s: %w", op, err)
		}
		e := edgeOf(r, from, to)
		origin, _ := r.Props[keyOrigin].(string)
		doc.Edges = append(doc.Edges, model.DocEdge{Key: e.Key, Type: string(e.Type), From: from, To: to,
			Properties: e.Properties, Sources: e.Sources, Variants: e.Variants, ManagedBy: origin, Version: e.Version})
	}
	return doc, nil
}

func docNode(n dbtype.Node) model.DocNode {
	e := decodeNode(n)
	origin, _ := n.Props[keyOrigin].(string)
	return model.DocNode{ID: e.ID, Label: e.Label, Name: e.Name, NameFr: e.NameFr, ShortName: e.ShortName,
		Acronym: e.Acronym, Aliases: e.Aliases, Properties: e.Properties, Sources: e.Sources,
		Variants: e.Variants, StatedFigures: e.StatedFigures, ManagedBy: origin, Version: e.Version}
}
