package neo4jstore

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// BulkCreate writes a large graph, such as a synthetic benchmark graph, in
// batches of batchSize rows, each batch its own transaction: a million
// relationships do not fit one transaction in a small heap. Everything it
// writes is tagged, and it first removes what an earlier bulk load with the
// same tag wrote; the seed-managed graph is not touched. Unlike ReplaceSeed it
// is not atomic: a failure part-way leaves part of the tagged graph, which the
// next run with the same tag replaces.
func (s *Store) BulkCreate(ctx context.Context, tag string, entities []model.Entity, relations []model.RelationRecord, batchSize int) error {
	if tag == "" || tag == originSeed {
		return fmt.Errorf("bulk create: tag %q is reserved", tag)
	}
	if batchSize <= 0 {
		batchSize = 10000
	}
	// Relationships first, in small batches, so no transaction holds a
	// dense node's whole neighbourhood.
	for _, stmt := range []string{
		`MATCH ()-[r {managedBy: $tag}]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS`,
		`MATCH (n:Entity {managedBy: $tag}) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS`,
	} {
		if err := s.autoCommit(ctx, "bulk remove "+tag, stmt, map[string]any{"tag": tag}); err != nil {
			return err
		}
	}

	byLabel := map[string][]map[string]any{}
	for _, e := range entities {
		if !model.IsLabel(e.Label) {
			return fmt.Errorf("bulk create: entity %s has unknown label %q", e.ID, e.Label)
		}
		props, err := entityProps(e, tag, 1)
		if err != nil {
			return fmt.Errorf("bulk create: %w", err)
		}
		byLabel[e.Label] = append(byLabel[e.Label], props)
	}
	for _, label := range sortedKeys(byLabel) {
		// Labels come from model.Labels, checked above.
		cypher := fmt.Sprintf(`UNWIND $rows AS row CREATE (n:Entity:%s) SET n = row`, label)
		if err := s.batches(ctx, "bulk create "+label, cypher, byLabel[label], batchSize); err != nil {
			return err
		}
	}

	byType := map[string][]map[string]any{}
	for _, r := range relations {
		if !model.IsRelationTypeName(r.Type) {
			return fmt.Errorf("bulk create: relationship %s -> %s has invalid type %q", r.From, r.To, r.Type)
		}
		props := map[string]any{keyOrigin: tag}
		if err := encodeFree(props, r.Properties); err != nil {
			return fmt.Errorf("bulk create: %w", err)
		}
		setValidity(props, r.Properties, true)
		encodeSources(props, r.Sources)
		byType[r.Type] = append(byType[r.Type], map[string]any{"from": r.From, "to": r.To, "props": props})
	}
	for _, typ := range sortedKeys(byType) {
		cypher := fmt.Sprintf(`
UNWIND $rows AS row
MATCH (a:Entity {id: row.from})
MATCH (b:Entity {id: row.to})
CREATE (a)-[r:%s]->(b) SET r = row.props`, typ)
		if err := s.batches(ctx, "bulk create "+typ, cypher, byType[typ], batchSize); err != nil {
			return err
		}
	}
	return s.moveVersion(ctx, "bulk create "+tag)
}

func (s *Store) batches(ctx context.Context, op, cypher string, rows []map[string]any, size int) error {
	for start := 0; start < len(rows); start += size {
		end := min(start+size, len(rows))
		err := s.write(ctx, op, func(tx neo4j.ManagedTransaction) error {
			_, err := collect(ctx, tx, cypher, map[string]any{"rows": rows[start:end]})
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// autoCommit runs a statement outside an explicit transaction, as batched
// CALL ... IN TRANSACTIONS requires.
func (s *Store) autoCommit(ctx context.Context, op, cypher string, params map[string]any) error {
	s.warmUp()
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: neo4j.AccessModeWrite})
	defer session.Close(ctx)
	res, err := session.Run(ctx, cypher, params)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		return classify(op, err)
	}
	return nil
}

// Wipe deletes every node and relationship, the audit trail included, in
// batches. It is for tests and fresh starts: nothing can be recovered from
// the database afterwards.
func (s *Store) Wipe(ctx context.Context) error {
	for _, stmt := range []string{
		`MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS`,
		`MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS`,
	} {
		if err := s.autoCommit(ctx, "wipe", stmt, nil); err != nil {
			return err
		}
	}
	return nil
}
