package neo4jstore

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// Each curation method changes one fact in one transaction together with
// its audit entry, so the trail never misses a change nor records one that
// did not happen. Updates and deletions name the version the client read:
// a different version means someone changed the fact meanwhile, and the
// change is refused with CodeConflict. Under a write key in ctx
// (model.WithWriteKey) each is idempotent, and settles a lost commit answer
// by reading the key back: see writeKeyed.

func oneChange(ctx context.Context, actor model.Actor, action string, sources []model.Source) model.Change {
	at := time.Now().UTC()
	c := model.Change{ID: newBatch(at) + "-000000", At: at, Actor: actor, Action: action, Sources: sources}
	if k := model.WriteKeyFrom(ctx); k != nil {
		c.IdempotencyKey = &k.Key
	}
	return c
}

// lockNode takes the node's write lock before reading it, so two updates of
// one version cannot both pass the version check.
func lockNode(ctx context.Context, tx neo4j.ManagedTransaction, id string) (*dbtype.Node, error) {
	recs, err := collect(ctx, tx, `
MATCH (n:Entity {id: $id})
SET n.version = coalesce(n.version, 0)
RETURN n`, map[string]any{"id": id})
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	n, _, err := neo4j.GetRecordValue[dbtype.Node](recs[0], "n")
	if err != nil {
		return nil, err
	}
	return &n, nil
}

// writeNode runs a statement that writes one node and returns it as n.
func writeNode(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) (model.Entity, error) {
	recs, err := collect(ctx, tx, cypher, params)
	if err != nil {
		return model.Entity{}, err
	}
	if len(recs) != 1 {
		return model.Entity{}, fmt.Errorf("write node: %d nodes written, want 1", len(recs))
	}
	n, _, err := neo4j.GetRecordValue[dbtype.Node](recs[0], "n")
	if err != nil {
		return model.Entity{}, err
	}
	return decodeNode(n), nil
}

func checkVersion(what string, have, sent int) error {
	if have != sent {
		return model.Errorf(model.CodeConflict, "%s is at version %d, not %d: someone changed it since you read it; read it again and reapply your change", what, have, sent)
	}
	return nil
}

// CreateEntity adds a node. The id must be new.
func (s *Store) CreateEntity(ctx context.Context, actor model.Actor, e model.Entity) (model.Entity, model.Change, error) {
	props, err := entityProps(e, model.OriginCuration, 1)
	if err != nil {
		return model.Entity{}, model.Change{}, fmt.Errorf("create entity: %w", err)
	}
	if !model.IsLabel(e.Label) {
		return model.Entity{}, model.Change{}, model.Errorf(model.CodeBadUserInput, "type: unknown label %q", e.Label)
	}
	change := oneChange(ctx, actor, model.ChangeCreateEntity, e.Sources)
	change.EntityID = &e.ID
	change.After = nodeFact(e.Label, props)
	var created model.Entity
	err = s.writeKeyed(ctx, "create entity", results{&created, &change}, func(tx neo4j.ManagedTransaction) error {
		existing, err := lockNode(ctx, tx, e.ID)
		if err != nil {
			return err
		}
		if existing != nil {
			return model.Errorf(model.CodeConflict, "id: %q is already taken by a %s", e.ID, decodeNode(*existing).Label)
		}
		// The label comes from model.Labels, checked above.
		if created, err = writeNode(ctx, tx, fmt.Sprintf(`CREATE (n:Entity:%s) SET n = $props RETURN n`, e.Label), map[string]any{"props": props}); err != nil {
			return err
		}
		return recordOne(ctx, tx, &change)
	})
	if err != nil {
		return model.Entity{}, model.Change{}, err
	}
	return created, change, nil
}

// UpdateEntity replaces a node's fields with what edit returns from the
// current ones. edit may refuse with an error, which is returned as it is.
// The node's sources keep the old ones and gain those of the change.
func (s *Store) UpdateEntity(ctx context.Context, actor model.Actor, id string, version int, sources []model.Source, edit func(model.Entity) (model.Entity, error)) (model.Entity, model.Change, error) {
	change := oneChange(ctx, actor, model.ChangeUpdateEntity, sources)
	change.EntityID = &id
	var updated model.Entity
	err := s.writeKeyed(ctx, "update entity", results{&updated, &change}, func(tx neo4j.ManagedTransaction) error {
		n, err := lockNode(ctx, tx, id)
		if err != nil {
			return err
		}
		if n == nil {
			return model.Errorf(model.CodeNotFound, "id: no entity has the id %q", id)
		}
		cur := decodeNode(*n)
		if err := checkVersion(id, cur.Version, version); err != nil {
			return err
		}
		next, err := edit(cur)
		if err != nil {
			return err
		}
		next.ID, next.Label = cur.ID, cur.Label
		next.Sources = mergeSources(cur.Sources, sources)
		props, err := entityProps(next, model.OriginCuration, cur.Version+1)
		if err != nil {
			return err
		}
		change.Before = nodeFact(cur.Label, n.Props)
		change.After = nodeFact(cur.Label, props)
		if updated, err = writeNode(ctx, tx, `MATCH (n:Entity {id: $id}) SET n = $props RETURN n`, map[string]any{"id": id, "props": props}); err != nil {
			return err
		}
		return recordOne(ctx, tx, &change)
	})
	if err != nil {
		return model.Entity{}, model.Change{}, err
	}
	return updated, change, nil
}

// DeleteEntity removes a node and its relationships. The audit trail keeps
// the node as it was, and one entry per relationship removed with it.
func (s *Store) DeleteEntity(ctx context.Context, actor model.Actor, id string, version int, sources []model.Source) (model.Change, error) {
	change := oneChange(ctx, actor, model.ChangeDeleteEntity, sources)
	change.EntityID = &id
	err := s.writeKeyed(ctx, "delete entity", results{&change}, func(tx neo4j.ManagedTransaction) error {
		n, err := lockNode(ctx, tx, id)
		if err != nil {
			return err
		}
		if n == nil {
			return model.Errorf(model.CodeNotFound, "id: no entity has the id %q", id)
		}
		cur := decodeNode(*n)
		if err := checkVersion(id, cur.Version, version); err != nil {
			return err
		}
		change.Before = nodeFact(cur.Label, n.Props)
		recs, err := collect(ctx, tx, `
MATCH (n:Entity {id: $id})-[r]-(m:Entity)
RETURN startNode(r) = n AS out, m.id AS other, r`, map[string]any{"id": id})
		if err != nil {
			return err
		}
		changes := []model.Change{change}
		for i, rec := range recs {
			out, _ := rec.Values[0].(bool)
			other, _ := rec.Values[1].(string)
			r, _ := rec.Values[2].(dbtype.Relationship)
			from, to := id, other
			if !out {
				from, to = other, id
			}
			key, typ := relKeyOf(r), r.Type
			c := model.Change{ID: fmt.Sprintf("%s%06d", change.ID[:len(change.ID)-6], i+1), At: change.At, Actor: actor,
				Action: model.ChangeUnlink, RelationKey: &key, RelationType: &typ, From: &from, To: &to,
				Before: edgeFact(typ, from, to, r.Props), Sources: sources}
			changes = append(changes, c)
		}
		if _, err := collect(ctx, tx, `MATCH (n:Entity {id: $id}) DETACH DELETE n`, map[string]any{"id": id}); err != nil {
			return err
		}
		if err := recordChanges(ctx, tx, model.OriginCuration, changes); err != nil {
			return err
		}
		change.Seq = changes[0].Seq
		return nil
	})
	if err != nil {
		return model.Change{}, err
	}
	return change, nil
}

// endsOf reads the labels of a relationship's ends, naming the argument
// that holds an unknown id.
func endsOf(ctx context.Context, tx neo4j.ManagedTransaction, from, to string) (string, string, error) {
	recs, err := collect(ctx, tx, `
OPTIONAL MATCH (a:Entity {id: $from})
OPTIONAL MATCH (b:Entity {id: $to})
RETURN [l IN labels(a) WHERE l <> 'Entity'] AS a, [l IN labels(b) WHERE l <> 'Entity'] AS b`, map[string]any{"from": from, "to": to})
	if err != nil {
		return "", "", err
	}
	label := func(v any) string {
		for _, l := range stringsOf(v) {
			if model.IsLabel(l) {
				return l
			}
		}
		return ""
	}
	a, b := label(recs[0].Values[0]), label(recs[0].Values[1])
	if a == "" {
		return "", "", model.Errorf(model.CodeBadUserInput, "from: no entity has the id %q", from)
	}
	if b == "" {
		return "", "", model.Errorf(model.CodeBadUserInput, "to: no entity has the id %q", to)
	}
	return a, b, nil
}

// Link adds a relationship. A state has at most one signature, one
// ratification and one unknown status per treaty: recording a second one is
// refused, since the first should be updated instead.
func (s *Store) Link(ctx context.Context, actor model.Actor, rec model.RelationRecord) (model.Edge, model.Change, error) {
	if !model.IsRelationTypeName(rec.Type) {
		return model.Edge{}, model.Change{}, model.Errorf(model.CodeBadUserInput, "type: invalid relationship type %q", rec.Type)
	}
	change := oneChange(ctx, actor, model.ChangeLink, rec.Sources)
	var edge model.Edge
	err := s.writeKeyed(ctx, "link", results{&edge, &change}, func(tx neo4j.ManagedTransaction) error {
		fromLabel, toLabel, err := endsOf(ctx, tx, rec.From, rec.To)
		if err != nil {
			return err
		}
		known, ok, allowed := model.CheckRelation(rec.Type, fromLabel, toLabel)
		if !known {
			return model.Errorf(model.CodeBadUserInput, "type: unknown relationship type %q", rec.Type)
		}
		if !ok {
			return model.Errorf(model.CodeBadUserInput, "type: %s cannot join %s %s to %s %s (it joins %s)", rec.Type, fromLabel, rec.From, toLabel, rec.To, allowed)
		}
		if _, err := lockNode(ctx, tx, rec.From); err != nil {
			return err
		}
		// The type was checked against the vocabulary above.
		recs, err := collect(ctx, tx, fmt.Sprintf(`
MATCH (:Entity {id: $from})-[r:%s]->(:Entity {id: $to})
RETURN r.relKey AS key`, rec.Type), map[string]any{"from": rec.From, "to": rec.To})
		if err != nil {
			return err
		}
		used := map[string]bool{}
		for _, r := range recs {
			k, _ := r.Values[0].(string)
			used[k] = true
			if rec.Type == model.RelSigned || rec.Type == model.RelRatified || rec.Type == model.RelStatusUnknown {
				return model.Errorf(model.CodeConflict, "%s %s %s is already recorded (key %q): update it instead", rec.From, rec.Type, rec.To, k)
			}
		}
		n := 0
		for used[model.RelationKey(rec.From, rec.Type, rec.To, n)] {
			n++
		}
		key := model.RelationKey(rec.From, rec.Type, rec.To, n)
		props, err := relProps(rec, key, model.OriginCuration, 1)
		if err != nil {
			return err
		}
		created, err := collect(ctx, tx, fmt.Sprintf(`
MATCH (a:Entity {id: $from}), (b:Entity {id: $to})
CREATE (a)-[r:%s]->(b) SET r = $props
RETURN r`, rec.Type), map[string]any{"from": rec.From, "to": rec.To, "props": props})
		if err != nil {
			return err
		}
		r, _, err := neo4j.GetRecordValue[dbtype.Relationship](created[0], "r")
		if err != nil {
			return err
		}
		edge = edgeOf(r, rec.From, rec.To)
		change.RelationKey, change.RelationType, change.From, change.To = &key, &rec.Type, &rec.From, &rec.To
		change.After = edgeFact(rec.Type, rec.From, rec.To, props)
		return recordOne(ctx, tx, &change)
	})
	if err != nil {
		return model.Edge{}, model.Change{}, err
	}
	return edge, change, nil
}

// lockEdge finds a relationship by key, locked for writing.
func lockEdge(ctx context.Context, tx neo4j.ManagedTransaction, key string) (*dbtype.Relationship, string, string, error) {
	from, _, to, _, ok := model.SplitRelationKey(key)
	if !ok {
		return nil, "", "", model.Errorf(model.CodeBadUserInput, "key: %q is not a relationship key (from|TYPE|to|n)", key)
	}
	recs, err := collect(ctx, tx, `
MATCH (:Entity {id: $from})-[r {relKey: $key}]->(:Entity {id: $to})
SET r.version = coalesce(r.version, 0)
RETURN r`, map[string]any{"from": from, "to": to, "key": key})
	if err != nil {
		return nil, "", "", err
	}
	if len(recs) == 0 {
		return nil, "", "", model.Errorf(model.CodeNotFound, "key: no relationship has the key %q", key)
	}
	r, _, err := neo4j.GetRecordValue[dbtype.Relationship](recs[0], "r")
	if err != nil {
		return nil, "", "", err
	}
	return &r, from, to, nil
}

// UpdateLink replaces a relationship's properties; its sources keep the old
// ones and gain those of the change.
func (s *Store) UpdateLink(ctx context.Context, actor model.Actor, key string, version int, properties map[string]any, sources []model.Source) (model.Edge, model.Change, error) {
	change := oneChange(ctx, actor, model.ChangeUpdateLink, sources)
	var edge model.Edge
	err := s.writeKeyed(ctx, "update link", results{&edge, &change}, func(tx neo4j.ManagedTransaction) error {
		r, from, to, err := lockEdge(ctx, tx, key)
		if err != nil {
			return err
		}
		if err := checkVersion(key, versionOf(r.Props), version); err != nil {
			return err
		}
		// The values the sources disagree on stay: a curator's change of the
		// properties does not make them agree.
		rec := model.RelationRecord{From: from, Type: r.Type, To: to, Properties: properties, Sources: mergeSources(decodeSources(r.Props), sources),
			Variants: decodeVariants(r.Props)}
		props, err := relProps(rec, key, model.OriginCuration, version+1)
		if err != nil {
			return err
		}
		recs, err := collect(ctx, tx, `
MATCH (:Entity {id: $from})-[r {relKey: $key}]->(:Entity {id: $to})
SET r = $props
RETURN r`, map[string]any{"from": from, "to": to, "key": key, "props": props})
		if err != nil {
			return err
		}
		updated, _, err := neo4j.GetRecordValue[dbtype.Relationship](recs[0], "r")
		if err != nil {
			return err
		}
		edge = edgeOf(updated, from, to)
		change.RelationKey, change.RelationType, change.From, change.To = &key, &r.Type, &from, &to
		change.Before = edgeFact(r.Type, from, to, r.Props)
		change.After = edgeFact(r.Type, from, to, props)
		return recordOne(ctx, tx, &change)
	})
	if err != nil {
		return model.Edge{}, model.Change{}, err
	}
	return edge, change, nil
}

// Unlink removes a relationship; the audit trail keeps it as it was.
func (s *Store) Unlink(ctx context.Context, actor model.Actor, key string, version int, sources []model.Source) (model.Change, error) {
	change := oneChange(ctx, actor, model.ChangeUnlink, sources)
	err := s.writeKeyed(ctx, "unlink", results{&change}, func(tx neo4j.ManagedTransaction) error {
		r, from, to, err := lockEdge(ctx, tx, key)
		if err != nil {
			return err
		}
		if err := checkVersion(key, versionOf(r.Props), version); err != nil {
			return err
		}
		if _, err := collect(ctx, tx, `
MATCH (:Entity {id: $from})-[r {relKey: $key}]->(:Entity {id: $to})
DELETE r`, map[string]any{"from": from, "to": to, "key": key}); err != nil {
			return err
		}
		change.RelationKey, change.RelationType, change.From, change.To = &key, &r.Type, &from, &to
		change.Before = edgeFact(r.Type, from, to, r.Props)
		return recordOne(ctx, tx, &change)
	})
	if err != nil {
		return model.Change{}, err
	}
	return change, nil
}
