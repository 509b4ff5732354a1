package neo4jstore

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// schemaStatements create what the graph relies on before any data lands:
// unique ids (which also index every lookup by id) and the full-text index
// Search reads (entityNamesStatement).
var schemaStatements = []string{
	`CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE`,
	entityNamesStatement(),
}

// EnsureSchema creates the constraints and indexes the graph needs. It is
// idempotent.
func (s *Store) EnsureSchema(ctx context.Context) error {
	if err := s.dropStaleFulltextIndex(ctx); err != nil {
		return err
	}
	for _, stmt := range schemaStatements {
		_, err := neo4j.ExecuteQuery(ctx, s.driver, stmt, nil, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase(s.db), neo4j.ExecuteQueryWithWritersRouting())
		if err != nil {
			return classify("create schema", err)
		}
	}
	return s.awaitFulltextIndex(ctx)
}

// ReplaceSeed makes the seed-managed part of the graph equal to the given
// entities and relationships, in one transaction: nodes and relationships are
// merged by id and key, their properties replaced, and seed-managed ones no
// longer given are removed. Nothing else in the graph is touched, and a
// failure leaves the graph as it was.
func (s *Store) ReplaceSeed(ctx context.Context, entities []model.Entity, relations []model.RelationRecord) error {
	byLabel := map[string][]map[string]any{}
	ids := make([]string, 0, len(entities))
	for _, e := range entities {
		if !model.IsLabel(e.Label) {
			return fmt.Errorf("replace seed: entity %s has unknown label %q", e.ID, e.Label)
		}
		props, err := entityProps(e)
		if err != nil {
			return fmt.Errorf("replace seed: %w", err)
		}
		byLabel[e.Label] = append(byLabel[e.Label], props)
		ids = append(ids, e.ID)
	}
	byType := map[string][]map[string]any{}
	keys := make([]string, 0, len(relations))
	seen := map[string]int{}
	for _, r := range relations {
		if !relTypePattern.MatchString(r.Type) {
			return fmt.Errorf("replace seed: relationship %s -> %s has invalid type %q", r.From, r.To, r.Type)
		}
		// Two facts may join the same nodes with the same type (two roles in
		// one project, say); the ordinal keeps them apart.
		base := r.From + "|" + r.Type + "|" + r.To
		key := fmt.Sprintf("%s|%d", base, seen[base])
		seen[base]++
		props := map[string]any{keyKey: key, keyOrigin: originSeed}
		if err := encodeFree(props, r.Properties); err != nil {
			return fmt.Errorf("replace seed: relationship %s: %w", key, err)
		}
		setValidity(props, r.Properties, relFromKeys, relUntilKeys)
		encodeSources(props, r.Sources)
		byType[r.Type] = append(byType[r.Type], map[string]any{"from": r.From, "to": r.To, "key": key, "props": props})
		keys = append(keys, key)
	}

	allLabels := ":" + strings.Join(model.Labels, ":")
	return s.write(ctx, "replace seed", func(tx neo4j.ManagedTransaction) error {
		for _, label := range sortedKeys(byLabel) {
			// Labels and relationship types come from the checked lists
			// above: Cypher cannot take them as parameters.
			cypher := fmt.Sprintf(`
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n = row
REMOVE n%s
SET n:%s`, allLabels, label)
			if _, err := tx.Run(ctx, cypher, map[string]any{"rows": byLabel[label]}); err != nil {
				return fmt.Errorf("merge %s nodes: %w", label, err)
			}
		}
		for _, typ := range sortedKeys(byType) {
			cypher := fmt.Sprintf(`
UNWIND $rows AS row
MATCH (a:Entity {id: row.from}), (b:Entity {id: row.to})
MERGE (a)-[r:%s {relKey: row.key}]->(b)
SET r = row.props
RETURN count(r) AS merged`, typ)
			res, err := tx.Run(ctx, cypher, map[string]any{"rows": byType[typ]})
			if err != nil {
				return fmt.Errorf("merge %s relationships: %w", typ, err)
			}
			rec, err := res.Single(ctx)
			if err != nil {
				return fmt.Errorf("merge %s relationships: %w", typ, err)
			}
			merged, _, err := neo4j.GetRecordValue[int64](rec, "merged")
			if err != nil {
				return fmt.Errorf("merge %s relationships: %w", typ, err)
			}
			if int(merged) != len(byType[typ]) {
				return fmt.Errorf("merge %s relationships: %d of %d written; an endpoint is missing", typ, merged, len(byType[typ]))
			}
		}
		if _, err := tx.Run(ctx, `
MATCH ()-[r]->() WHERE r.managedBy = 'seed' AND NOT r.relKey IN $keys
DELETE r`, map[string]any{"keys": keys}); err != nil {
			return fmt.Errorf("remove stale relationships: %w", err)
		}
		if _, err := tx.Run(ctx, `
MATCH (n:Entity) WHERE n.managedBy = 'seed' AND NOT n.id IN $ids
DETACH DELETE n`, map[string]any{"ids": ids}); err != nil {
			return fmt.Errorf("remove stale nodes: %w", err)
		}
		return nil
	})
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
