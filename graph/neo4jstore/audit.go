package neo4jstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// The audit trail is a set of :Change nodes, joined to nothing: deleting an
// entity leaves its history, and no traversal of the graph meets them.
var auditSchema = []string{
	`CREATE CONSTRAINT change_id IF NOT EXISTS FOR (c:Change) REQUIRE c.id IS UNIQUE`,
	`CREATE INDEX change_at IF NOT EXISTS FOR (c:Change) ON (c.at)`,
	`CREATE INDEX change_entity IF NOT EXISTS FOR (c:Change) ON (c.entityId)`,
	`CREATE INDEX change_from IF NOT EXISTS FOR (c:Change) ON (c.from)`,
	`CREATE INDEX change_to IF NOT EXISTS FOR (c:Change) ON (c.to)`,
	`CREATE INDEX change_rel IF NOT EXISTS FOR (c:Change) ON (c.relKey)`,
	`CREATE CONSTRAINT change_seq IF NOT EXISTS FOR (c:Change) REQUIRE c.seq IS UNIQUE`,
	`CREATE CONSTRAINT graph_version_id IF NOT EXISTS FOR (q:GraphVersion) REQUIRE q.id IS UNIQUE`,
}

// newBatch returns an id for a group of changes made together, which sorts
// by time: change ids extend it with their position.
func newBatch(at time.Time) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return at.UTC().Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(b)
}

// recordChanges writes audit entries inside tx, so they commit or vanish
// with the change they describe. origin tells the seed loader's own changes
// from everyone else's.
func recordChanges(ctx context.Context, tx neo4j.ManagedTransaction, origin string, changes []model.Change) error {
	if len(changes) == 0 {
		return nil
	}
	rows := make([]map[string]any, len(changes))
	for i, c := range changes {
		row := map[string]any{
			"id": c.ID, "at": c.At, "actor": c.Actor.Name, "role": c.Actor.Role, "action": c.Action, "origin": origin,
			"entityId": ptrValue(c.EntityID), "relKey": ptrValue(c.RelationKey), "relType": ptrValue(c.RelationType),
			"from": ptrValue(c.From), "to": ptrValue(c.To), "batch": ptrValue(c.Batch),
		}
		for k, v := range map[string]map[string]any{"before": c.Before, "after": c.After} {
			if v == nil {
				row[k] = nil
				continue
			}
			b, err := json.Marshal(v)
			if err != nil {
				return fmt.Errorf("record change %s: %w", c.ID, err)
			}
			row[k] = string(b)
		}
		if k := model.WriteKeyFrom(ctx); k != nil {
			// The trail keeps the key its change was made under after the
			// key's own record has expired.
			row["idempotencyKey"] = k.Key
		}
		encodeSources(row, c.Sources)
		rows[i] = row
	}
	// The entries take their numbers from the sequence node under its
	// write lock, held until the transaction ends: a concurrent writer waits
	// for this one to commit or roll back before it numbers its own, so the
	// numbers follow commit order and a rolled-back write leaves no gap. A
	// reader that has seen entry n has seen every entry before it.
	res, err := collect(ctx, tx, sequenceLock+`
WITH q
SET q.seq = q.seq + size($rows)
WITH q, q.seq - size($rows) AS base
UNWIND range(0, size($rows) - 1) AS i
CREATE (c:Change)
SET c = $rows[i], c.seq = base + i + 1
RETURN q.epoch AS epoch, q.seed AS seed, max(c.seq) AS seq`, map[string]any{"rows": rows})
	if err != nil {
		return fmt.Errorf("record changes: %w", err)
	}
	noteVersion(tx, res)
	// The entries' numbers go back to the caller, whose answer shows them.
	if len(res) > 0 {
		if last, ok := res[0].AsMap()["seq"].(int64); ok {
			for i := range changes {
				changes[i].Seq = last - int64(len(changes)-1-i)
			}
		}
	}
	return nil
}

// recordOne records one change like recordChanges and gives it its number.
func recordOne(ctx context.Context, tx neo4j.ManagedTransaction, change *model.Change) error {
	recorded := []model.Change{*change}
	if err := recordChanges(ctx, tx, model.OriginCuration, recorded); err != nil {
		return err
	}
	change.Seq = recorded[0].Seq
	return nil
}

func ptrValue(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// Changes returns a page of the audit trail, oldest first, after the change
// with id after (from the start when empty).
func (s *Store) Changes(ctx context.Context, f model.ChangeFilter, first int, after string) (model.ChangePage, error) {
	const op = "read changes"
	params := map[string]any{"since": nil, "entity": nil, "after": nil, "first": int64(first)}
	if f.Since != nil {
		// The driver cannot send the "Local" zone.
		params["since"] = f.Since.UTC()
	}
	if f.Entity != nil {
		params["entity"] = *f.Entity
	}
	if after != "" {
		params["after"] = after
	}
	// Change ids sort by time (newBatch), so one key orders and pages.
	res, err := s.read(ctx, op, `
CALL () {
  MATCH (c:Change)
  WHERE ($since IS NULL OR c.at >= $since)
    AND ($entity IS NULL OR c.entityId = $entity OR c.from = $entity OR c.to = $entity)
  RETURN count(c) AS total
}
CALL () {
  MATCH (c:Change)
  WHERE ($since IS NULL OR c.at >= $since)
    AND ($entity IS NULL OR c.entityId = $entity OR c.from = $entity OR c.to = $entity)
    AND ($after IS NULL OR c.id > $after)
  RETURN c ORDER BY c.id LIMIT $first + 1
}
RETURN total, c`, params)
	if err != nil {
		return model.ChangePage{}, err
	}
	page := model.ChangePage{Changes: []model.Change{}}
	for _, rec := range res.Records {
		total, _, err := neo4j.GetRecordValue[int64](rec, "total")
		if err != nil {
			return model.ChangePage{}, fmt.Errorf("%s: %w", op, err)
		}
		page.Total = int(total)
		n, isNil, err := neo4j.GetRecordValue[dbtype.Node](rec, "c")
		if err != nil || isNil {
			continue
		}
		c, err := decodeChange(n.Props)
		if err != nil {
			return model.ChangePage{}, fmt.Errorf("%s: %w", op, err)
		}
		page.Changes = append(page.Changes, c)
	}
	if len(page.Changes) > first {
		page.Changes = page.Changes[:first]
		page.HasNext = true
	}
	return page, nil
}

func decodeChange(p map[string]any) (model.Change, error) {
	c := model.Change{Sources: decodeSources(p)}
	c.ID, _ = p["id"].(string)
	c.Seq, _ = p["seq"].(int64)
	c.At, _ = p["at"].(time.Time)
	c.Actor.Name, _ = p["actor"].(string)
	c.Actor.Role, _ = p["role"].(string)
	c.Action, _ = p["action"].(string)
	c.EntityID = optString(p["entityId"])
	c.RelationKey = optString(p["relKey"])
	c.RelationType = optString(p["relType"])
	c.From = optString(p["from"])
	c.To = optString(p["to"])
	c.Batch = optString(p["batch"])
	c.IdempotencyKey = optString(p["idempotencyKey"])
	for k, dst := range map[string]*map[string]any{"before": &c.Before, "after": &c.After} {
		if s, ok := p[k].(string); ok {
			if err := json.Unmarshal([]byte(s), dst); err != nil {
				return model.Change{}, fmt.Errorf("change %s %s: %w", c.ID, k, err)
			}
		}
	}
	return c, nil
}

// ChangesAfter returns up to first audit entries numbered after seq, in
// sequence order (commit order), that pass f: what the change feed sends
// next. The unique index on the number serves both the range and the
// order.
func (s *Store) ChangesAfter(ctx context.Context, seq int64, f model.FeedFilter, first int) ([]model.Change, error) {
	const op = "read changes after"
	params := map[string]any{"after": seq, "entity": nil, "types": nil, "first": int64(first)}
	if f.Entity != nil {
		params["entity"] = *f.Entity
	}
	if len(f.RelationTypes) > 0 {
		params["types"] = f.RelationTypes
	}
	res, err := s.read(ctx, op, `
MATCH (c:Change)
WHERE c.seq > $after
  AND ($entity IS NULL OR c.entityId = $entity OR c.from = $entity OR c.to = $entity)
  AND ($types IS NULL OR c.relType IN $types)
RETURN c ORDER BY c.seq LIMIT $first`, params)
	if err != nil {
		return nil, err
	}
	out := make([]model.Change, 0, len(res.Records))
	for _, rec := range res.Records {
		n, _, err := neo4j.GetRecordValue[dbtype.Node](rec, "c")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		c, err := decodeChange(n.Props)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		out = append(out, c)
	}
	return out, nil
}
