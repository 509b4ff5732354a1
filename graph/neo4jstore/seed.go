package neo4jstore

import (
	"context"
	"fmt"
	"sort"

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

// EnsureSchema creates the constraints and indexes the graph needs, and
// gives nodes stored in an older layout the sort names lists order by. It is
// idempotent.
func (s *Store) EnsureSchema(ctx context.Context) error {
	s.warmUp()
	if err := s.dropStaleFulltextIndex(ctx); err != nil {
		return err
	}
	for _, stmt := range append(append(append(schemaStatements, auditSchema...), keySchema...), savedQuerySchema...) {
		_, err := neo4j.ExecuteQuery(ctx, s.driver, stmt, nil, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase(s.db), neo4j.ExecuteQueryWithWritersRouting())
		if err != nil {
			return classify("create schema", err)
		}
	}
	if err := s.addSortNames(ctx); err != nil {
		return err
	}
	if _, err := s.NumberChanges(ctx); err != nil {
		return err
	}
	return s.awaitFulltextIndex(ctx)
}

// seedLoader is who the audit trail names for the seed loader's changes.
var seedLoader = model.Actor{Name: "seed loader", Role: "admin"}

// ReplaceSeed makes the seed-managed part of the graph equal to the given
// entities and relationships, in one transaction, and records each change in
// the audit trail. Facts a curator has changed or removed since are left
// alone. A failure leaves the graph as it was.
func (s *Store) ReplaceSeed(ctx context.Context, entities []model.Entity, relations []model.RelationRecord) error {
	_, err := s.SyncSeed(ctx, seedLoader, entities, relations, true)
	return err
}

// SyncSeed compares the seed-managed part of the graph with the given seed
// data and, with apply, makes it equal; it returns what differs. Facts a
// curator owns now, or removed, stay as the curator left them and are listed
// as kept.
func (s *Store) SyncSeed(ctx context.Context, actor model.Actor, entities []model.Entity, relations []model.RelationRecord, apply bool) (model.Diff, error) {
	nodes := make([]wantNode, 0, len(entities))
	for _, e := range entities {
		if !model.IsLabel(e.Label) {
			return model.Diff{}, fmt.Errorf("sync seed: entity %s has unknown label %q", e.ID, e.Label)
		}
		nodes = append(nodes, wantNode{entity: e})
	}
	for _, r := range relations {
		if !model.IsRelationTypeName(r.Type) {
			return model.Diff{}, fmt.Errorf("sync seed: relationship %s -> %s has invalid type %q", r.From, r.To, r.Type)
		}
	}
	edges := keyed(relations)
	sc := syncScope{name: "seed", origin: model.OriginSeed, withSources: true, respectCuration: true,
		nodeWhere: "n.managedBy = 'seed'", edgeWhere: "r.managedBy = 'seed'"}
	return s.sync(ctx, "sync seed", actor, sc, nodes, edges, nil, apply)
}

// SyncTreaty makes the signatures and ratifications of one instrument equal
// to the given ones (a Treaty Office chart, say): states not given lose
// theirs. Facts that did not change keep their sources; changed ones gain
// the given sources beside their old ones.
func (s *Store) SyncTreaty(ctx context.Context, actor model.Actor, instrument string, relations []model.RelationRecord, sources []model.Source, apply bool) (model.Diff, error) {
	for _, r := range relations {
		if r.To != instrument || (r.Type != model.RelSigned && r.Type != model.RelRatified && r.Type != model.RelStatusUnknown) {
			return model.Diff{}, model.Errorf(model.CodeBadUserInput, "%s %s %s is not a signature or ratification of %s", r.From, r.Type, r.To, instrument)
		}
	}
	edges := keyed(relations)
	sc := syncScope{name: "treaty " + instrument, origin: model.OriginCuration,
		edgeWhere: "b.id = $instrument AND a:Country AND type(r) IN ['SIGNED', 'RATIFIED', 'STATUS_UNKNOWN']",
		params:    map[string]any{"instrument": instrument}}
	return s.sync(ctx, "sync treaty", actor, sc, nil, edges, sources, apply)
}

// Restore makes the whole graph equal to a document, keeping the owners and
// versions it gives: what an export wrote, an import of it rebuilds.
func (s *Store) Restore(ctx context.Context, actor model.Actor, doc model.GraphDocument, apply bool) (model.Diff, error) {
	nodes := make([]wantNode, 0, len(doc.Nodes))
	for _, n := range doc.Nodes {
		if !model.IsLabel(n.Label) {
			return model.Diff{}, model.Errorf(model.CodeBadUserInput, "node %s: unknown label %q", n.ID, n.Label)
		}
		nodes = append(nodes, wantNode{entity: n.Entity(), version: n.Version, origin: n.ManagedBy})
	}
	edges := make([]wantEdge, 0, len(doc.Edges))
	for _, e := range doc.Edges {
		if !model.IsRelationTypeName(e.Type) {
			return model.Diff{}, model.Errorf(model.CodeBadUserInput, "relationship %s: invalid type %q", e.Key, e.Type)
		}
		edges = append(edges, wantEdge{key: e.Key, version: e.Version, origin: e.ManagedBy,
			rec: e.Record()})
	}
	sc := syncScope{name: "graph", withSources: true, nodeWhere: "true", edgeWhere: "true"}
	return s.sync(ctx, "restore graph", actor, sc, nodes, edges, nil, apply)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
