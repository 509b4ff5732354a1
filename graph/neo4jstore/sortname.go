package neo4jstore

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// addSortNames gives the nodes stored before sort names existed their sort
// names. The seed's own nodes would get them at the seed's next load anyway;
// this reaches the others too (curated ones, benchmark graphs), which no load
// rewrites. Like any layout upgrade it changes no fact, so no version and no
// audit entry.
//
// No index serves the sort names: a list sorts the nodes of one label that
// pass its filter, which the database orders in memory, keeping only a page.
func (s *Store) addSortNames(ctx context.Context) error {
	const op = "add sort names"
	keys := make([]string, 0, len(sortNameKeys))
	for _, k := range sortNameKeys {
		keys = append(keys, k)
	}
	res, err := s.read(ctx, op, `
MATCH (n:Entity) WHERE n.id IS NOT NULL AND any(k IN $keys WHERE n[k] IS NULL)
RETURN n.id AS id, n.name AS name, n.nameFr AS nameFr`, map[string]any{"keys": keys})
	if err != nil {
		return err
	}
	rows := make([]map[string]any, 0, len(res.Records))
	for _, rec := range res.Records {
		id, _, err := neo4j.GetRecordValue[string](rec, "id")
		if err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		m := rec.AsMap()
		e := model.Entity{ID: id, NameFr: optString(m["nameFr"])}
		e.Name, _ = m["name"].(string)
		names := map[string]any{}
		for lang, k := range sortNameKeys {
			names[k] = model.NameSortKey(lang, e.NameIn(lang))
		}
		rows = append(rows, map[string]any{"id": id, "names": names})
	}
	if len(rows) == 0 {
		return nil
	}
	return s.batches(ctx, op, `
UNWIND $rows AS row
MATCH (n:Entity {id: row.id})
SET n += row.names`, rows, 10000)
}
