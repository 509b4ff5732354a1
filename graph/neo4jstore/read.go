package neo4jstore

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// Nodes returns the entities with the given ids, by id; ids that name no
// node are absent from the map.
func (s *Store) Nodes(ctx context.Context, ids []string) (map[string]model.Entity, error) {
	res, err := s.read(ctx, "read nodes", `
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN n`, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	out := make(map[string]model.Entity, len(res.Records))
	for _, rec := range res.Records {
		n, _, err := neo4j.GetRecordValue[dbtype.Node](rec, "n")
		if err != nil {
			return nil, fmt.Errorf("read nodes: %w", err)
		}
		e := decodeNode(n)
		out[e.ID] = e
	}
	return out, nil
}

func appendNew(have, more []model.Source) []model.Source {
	for _, m := range more {
		dup := false
		for _, h := range have {
			if h.Title == m.Title && eqStr(h.URL, m.URL) {
				dup = true
				break
			}
		}
		if !dup {
			have = append(have, m)
		}
	}
	return have
}

func eqStr(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// Counts returns how many nodes carry each entity label and how many
// relationships each type has: Stats, as maps.
func (s *Store) Counts(ctx context.Context) (labels, relTypes map[string]int, err error) {
	st, err := s.Stats(ctx)
	if err != nil {
		return nil, nil, err
	}
	labels, relTypes = map[string]int{}, map[string]int{}
	for _, c := range st.Nodes {
		if c.Count > 0 {
			labels[c.Label] = c.Count
		}
	}
	for _, c := range st.Relationships {
		relTypes[c.Label] = c.Count
	}
	return labels, relTypes, nil
}

// AllEntities returns every node with the label, by id.
func (s *Store) AllEntities(ctx context.Context, label string) ([]model.Entity, error) {
	res, err := s.read(ctx, "read all "+label, `
MATCH (n:Entity) WHERE $label IN labels(n)
RETURN n ORDER BY n.id`, map[string]any{"label": label})
	if err != nil {
		return nil, err
	}
	out := make([]model.Entity, 0, len(res.Records))
	for _, rec := range res.Records {
		n, _, err := neo4j.GetRecordValue[dbtype.Node](rec, "n")
		if err != nil {
			return nil, fmt.Errorf("read all %s: %w", label, err)
		}
		out = append(out, decodeNode(n))
	}
	return out, nil
}
