package neo4jstore

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// A syncScope is the part of the graph an import makes equal to what it
// is given: facts in scope and not given are removed, facts out of scope
// are never touched.
type syncScope struct {
	name string
	// origin owns what the import writes; empty keeps each fact's own.
	origin string
	// nodeWhere and edgeWhere are Cypher conditions on n, and on a, r and
	// b, that hold for the facts in scope; an empty nodeWhere leaves nodes
	// out of scope altogether.
	nodeWhere, edgeWhere string
	params               map[string]any
	// withSources counts a change of sources alone as a change; otherwise a
	// changed fact keeps its old sources beside the new ones.
	withSources bool
	// respectCuration leaves alone the facts a curator changed (they are
	// no longer owned by the scope) or removed.
	respectCuration bool
}

type wantNode struct {
	entity  model.Entity
	version int
	origin  string
}

type wantEdge struct {
	key     string
	rec     model.RelationRecord
	version int
	origin  string
}

type haveNode struct {
	label string
	props map[string]any
}

type haveEdge struct {
	typ, from, to string
	props         map[string]any
}

// sync compares the facts in scope with the wanted ones and, when apply is
// set, makes them equal in one transaction that also records every change
// in the audit trail. Without apply it only reads.
func (s *Store) sync(ctx context.Context, op string, actor model.Actor, sc syncScope, nodes []wantNode, edges []wantEdge, sources []model.Source, apply bool) (model.Diff, error) {
	var diff model.Diff
	work := func(tx neo4j.ManagedTransaction) error {
		var err error
		diff, err = s.syncIn(ctx, tx, actor, sc, nodes, edges, sources, apply)
		return err
	}
	if apply {
		err := s.writeKeyed(ctx, op, results{&diff}, work)
		return diff, err
	}
	err := s.readTx(ctx, op, work)
	return diff, err
}

// readTx runs work in one read transaction.
func (s *Store) readTx(ctx context.Context, op string, work func(tx neo4j.ManagedTransaction) error) error {
	ctx, session, done := s.transaction(ctx, op, neo4j.AccessModeRead)
	defer done()
	defer session.Close(context.WithoutCancel(ctx))
	_, err := session.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return nil, work(tx)
	}, neo4j.WithTxTimeout(s.timeout))
	if err != nil {
		return classify(op, err)
	}
	return nil
}

func (s *Store) syncIn(ctx context.Context, tx neo4j.ManagedTransaction, actor model.Actor, sc syncScope, nodes []wantNode, edges []wantEdge, sources []model.Source, apply bool) (model.Diff, error) {
	haveNodes, haveEdges, err := readScope(ctx, tx, sc)
	if err != nil {
		return model.Diff{}, err
	}
	kept := map[string]bool{}
	if sc.respectCuration {
		if kept, err = curated(ctx, tx, nodes, edges, haveNodes, haveEdges); err != nil {
			return model.Diff{}, err
		}
	}
	origin := func(o string) string {
		if sc.origin != "" {
			return sc.origin
		}
		if o == "" {
			return model.OriginCuration
		}
		return o
	}
	version := func(want, have int) int {
		if want > 0 {
			return want
		}
		return have + 1
	}

	var diff model.Diff
	plan := writePlan{nodeRows: map[string][]map[string]any{}, edgeRows: map[string][]map[string]any{}}
	wantedNodes := map[string]bool{}
	for _, w := range nodes {
		id := w.entity.ID
		wantedNodes[id] = true
		if kept[id] {
			diff.Kept = append(diff.Kept, id)
			continue
		}
		cur, exists := haveNodes[id]
		e := w.entity
		if exists && !sc.withSources {
			e.Sources = mergeSources(decodeSources(cur.props), e.Sources)
		}
		v := 0
		if exists {
			v = versionOf(cur.props)
		}
		props, err := entityProps(e, origin(w.origin), version(w.version, v))
		if err != nil {
			return model.Diff{}, err
		}
		after := nodeFact(e.Label, props)
		if exists {
			before := nodeFact(cur.label, cur.props)
			if sameFact(before, after, sc.withSources) && (w.version == 0 || w.version == v) {
				if !sameStored(cur.props, props) {
					// The same fact, stored in an older layout (a derived
					// property added since): rewritten as it is, without
					// counting as a change.
					plan.nodeRows[e.Label] = append(plan.nodeRows[e.Label], map[string]any{"id": id, "props": restamp(props, cur.props)})
				}
				continue
			}
			diff.Entries = append(diff.Entries, model.DiffEntry{Op: "change", Kind: "node", ID: id, Before: before, After: after})
		} else {
			diff.Entries = append(diff.Entries, model.DiffEntry{Op: "add", Kind: "node", ID: id, After: after})
		}
		plan.nodeRows[e.Label] = append(plan.nodeRows[e.Label], map[string]any{"id": id, "props": props})
	}
	for _, id := range sortedKeys(haveNodes) {
		if !wantedNodes[id] {
			diff.Entries = append(diff.Entries, model.DiffEntry{Op: "remove", Kind: "node", ID: id, Before: nodeFact(haveNodes[id].label, haveNodes[id].props)})
			plan.removeNodes = append(plan.removeNodes, id)
		}
	}
	wantedEdges := map[string]bool{}
	for _, w := range edges {
		wantedEdges[w.key] = true
		if kept[w.key] {
			diff.Kept = append(diff.Kept, w.key)
			continue
		}
		cur, exists := haveEdges[w.key]
		rec := w.rec
		if exists && !sc.withSources {
			rec.Sources = mergeSources(decodeSources(cur.props), rec.Sources)
			// The values the sources disagreed on stay, with the import's
			// value as one more statement: a Treaty Office chart settles them.
			if old := decodeVariants(cur.props); len(old) > 0 && len(rec.Variants) == 0 {
				if rec.Variants, rec.Properties, err = model.RestateVariants(old, rec.Properties, sources); err != nil {
					return model.Diff{}, fmt.Errorf("%s %s: %w", sc.name, w.key, err)
				}
			}
		}
		v := 0
		if exists {
			v = versionOf(cur.props)
		}
		props, err := relProps(rec, w.key, origin(w.origin), version(w.version, v))
		if err != nil {
			return model.Diff{}, err
		}
		after := edgeFact(rec.Type, rec.From, rec.To, props)
		if exists {
			before := edgeFact(cur.typ, cur.from, cur.to, cur.props)
			if sameFact(before, after, sc.withSources) && (w.version == 0 || w.version == v) {
				if !sameStored(cur.props, props) {
					plan.edgeRows[rec.Type] = append(plan.edgeRows[rec.Type], map[string]any{"from": rec.From, "to": rec.To, "key": w.key, "props": restamp(props, cur.props)})
				}
				continue
			}
			diff.Entries = append(diff.Entries, model.DiffEntry{Op: "change", Kind: "relationship", ID: w.key, Before: before, After: after})
			if cur.typ != rec.Type || cur.from != rec.From || cur.to != rec.To {
				plan.removeEdges = append(plan.removeEdges, map[string]any{"key": w.key, "from": cur.from, "to": cur.to})
			}
		} else {
			diff.Entries = append(diff.Entries, model.DiffEntry{Op: "add", Kind: "relationship", ID: w.key, After: after})
		}
		plan.edgeRows[rec.Type] = append(plan.edgeRows[rec.Type], map[string]any{"from": rec.From, "to": rec.To, "key": w.key, "props": props})
	}
	for _, key := range sortedKeys(haveEdges) {
		if !wantedEdges[key] {
			h := haveEdges[key]
			diff.Entries = append(diff.Entries, model.DiffEntry{Op: "remove", Kind: "relationship", ID: key, Before: edgeFact(h.typ, h.from, h.to, h.props)})
			plan.removeEdges = append(plan.removeEdges, map[string]any{"key": key, "from": h.from, "to": h.to})
		}
	}
	sortDiff(&diff)
	if !apply || plan.empty() {
		return diff, nil
	}
	if err := plan.run(ctx, tx); err != nil {
		return model.Diff{}, err
	}
	changeOrigin := model.OriginCuration
	if sc.origin == model.OriginSeed {
		changeOrigin = model.OriginSeed
	}
	return diff, recordChanges(ctx, tx, changeOrigin, diffChanges(diff, actor, sources))
}

func sortDiff(d *model.Diff) {
	kind := map[string]int{"node": 0, "relationship": 1}
	sort.SliceStable(d.Entries, func(i, j int) bool {
		a, b := d.Entries[i], d.Entries[j]
		if kind[a.Kind] != kind[b.Kind] {
			return kind[a.Kind] < kind[b.Kind]
		}
		return a.ID < b.ID
	})
	sort.Strings(d.Kept)
}

// diffChanges turns a diff into audit entries of one batch. Each carries the
// sources given for the import, or else the fact's own.
func diffChanges(d model.Diff, actor model.Actor, sources []model.Source) []model.Change {
	at := time.Now().UTC()
	batch := newBatch(at)
	out := make([]model.Change, 0, len(d.Entries))
	for i, e := range d.Entries {
		c := model.Change{ID: fmt.Sprintf("%s-%06d", batch, i), At: at, Actor: actor, Before: e.Before, After: e.After, Batch: &batch, Sources: sources}
		fact := e.After
		if fact == nil {
			fact = e.Before
		}
		if len(c.Sources) == 0 {
			c.Sources = sourcesOfFact(fact)
		}
		id := e.ID
		if e.Kind == "node" {
			c.EntityID = &id
			c.Action = map[string]string{"add": model.ChangeCreateEntity, "change": model.ChangeUpdateEntity, "remove": model.ChangeDeleteEntity}[e.Op]
		} else {
			c.RelationKey = &id
			typ, from, to := fact["type"].(string), fact["from"].(string), fact["to"].(string)
			c.RelationType, c.From, c.To = &typ, &from, &to
			c.Action = map[string]string{"add": model.ChangeLink, "change": model.ChangeUpdateLink, "remove": model.ChangeUnlink}[e.Op]
		}
		out = append(out, c)
	}
	return out
}

func sourcesOfFact(f map[string]any) []model.Source {
	list, _ := f["sources"].([]any)
	out := make([]model.Source, 0, len(list))
	for _, x := range list {
		m, _ := x.(map[string]any)
		src := model.Source{}
		src.Title, _ = m["title"].(string)
		if u, ok := m["url"].(string); ok {
			src.URL = &u
		}
		if r, ok := m["retrieved"].(string); ok {
			d := model.Date(r)
			src.Retrieved = &d
		}
		out = append(out, src)
	}
	return out
}

func readScope(ctx context.Context, tx neo4j.ManagedTransaction, sc syncScope) (map[string]haveNode, map[string]haveEdge, error) {
	nodes := map[string]haveNode{}
	if sc.nodeWhere != "" {
		// The condition is one of the fixed strings of this package.
		recs, err := collect(ctx, tx, `MATCH (n:Entity) WHERE `+sc.nodeWhere+` RETURN n`, sc.params)
		if err != nil {
			return nil, nil, fmt.Errorf("read %s nodes: %w", sc.name, err)
		}
		for _, rec := range recs {
			n, _, err := neo4j.GetRecordValue[dbtype.Node](rec, "n")
			if err != nil {
				return nil, nil, fmt.Errorf("read %s nodes: %w", sc.name, err)
			}
			e := decodeNode(n)
			nodes[e.ID] = haveNode{label: e.Label, props: n.Props}
		}
	}
	edges := map[string]haveEdge{}
	recs, err := collect(ctx, tx, `MATCH (a:Entity)-[r]->(b:Entity) WHERE `+sc.edgeWhere+` RETURN a.id AS from, type(r) AS type, b.id AS to, r`, sc.params)
	if err != nil {
		return nil, nil, fmt.Errorf("read %s relationships: %w", sc.name, err)
	}
	for _, rec := range recs {
		r, _, err := neo4j.GetRecordValue[dbtype.Relationship](rec, "r")
		if err != nil {
			return nil, nil, fmt.Errorf("read %s relationships: %w", sc.name, err)
		}
		from, _ := rec.Get("from")
		to, _ := rec.Get("to")
		typ, _ := rec.Get("type")
		key := relKeyOf(r)
		edges[key] = haveEdge{typ: typ.(string), from: from.(string), to: to.(string), props: r.Props}
	}
	return nodes, edges, nil
}

// curated finds the wanted facts that a curator owns now or removed last:
// an import that respects curation leaves them alone.
func curated(ctx context.Context, tx neo4j.ManagedTransaction, nodes []wantNode, edges []wantEdge, haveNodes map[string]haveNode, haveEdges map[string]haveEdge) (map[string]bool, error) {
	var ids []string
	for _, n := range nodes {
		if _, ok := haveNodes[n.entity.ID]; !ok {
			ids = append(ids, n.entity.ID)
		}
	}
	var rows []map[string]any
	for _, e := range edges {
		if _, ok := haveEdges[e.key]; !ok {
			rows = append(rows, map[string]any{"key": e.key, "from": e.rec.From, "to": e.rec.To})
		}
	}
	kept := map[string]bool{}
	if len(ids) == 0 && len(rows) == 0 {
		return kept, nil
	}
	recs, err := collect(ctx, tx, `
UNWIND $ids AS id
OPTIONAL MATCH (n:Entity {id: id})
CALL (id) {
  OPTIONAL MATCH (c:Change {entityId: id})
  RETURN c ORDER BY c.id DESC LIMIT 1
}
WITH id, n, c
WHERE n IS NOT NULL OR (c.origin = 'curation' AND c.action = 'DELETE_ENTITY')
RETURN id AS fact
UNION
UNWIND $rows AS row
OPTIONAL MATCH (:Entity {id: row.from})-[r {relKey: row.key}]->(:Entity {id: row.to})
CALL (row) {
  OPTIONAL MATCH (c:Change {relKey: row.key})
  RETURN c ORDER BY c.id DESC LIMIT 1
}
WITH row, r, c
WHERE r IS NOT NULL OR (c.origin = 'curation' AND c.action = 'UNLINK')
RETURN row.key AS fact`, map[string]any{"ids": ids, "rows": rows})
	if err != nil {
		return nil, fmt.Errorf("read curated facts: %w", err)
	}
	for _, rec := range recs {
		if f, ok := rec.Values[0].(string); ok {
			kept[f] = true
		}
	}
	return kept, nil
}

// writePlan is what sync writes: removals first, so a relationship that
// moved to other ends is re-created, then nodes, then relationships.
type writePlan struct {
	removeEdges []map[string]any
	removeNodes []string
	nodeRows    map[string][]map[string]any
	edgeRows    map[string][]map[string]any
}

func (p writePlan) empty() bool {
	return len(p.removeEdges) == 0 && len(p.removeNodes) == 0 && len(p.nodeRows) == 0 && len(p.edgeRows) == 0
}

func (p writePlan) run(ctx context.Context, tx neo4j.ManagedTransaction) error {
	if len(p.removeEdges) > 0 {
		if _, err := collect(ctx, tx, `
UNWIND $rows AS row
MATCH (:Entity {id: row.from})-[r]->(:Entity {id: row.to})
WHERE r.relKey = row.key OR (r.relKey IS NULL AND row.key = 'e:' + elementId(r))
DELETE r`, map[string]any{"rows": p.removeEdges}); err != nil {
			return fmt.Errorf("remove relationships: %w", err)
		}
	}
	if len(p.removeNodes) > 0 {
		if _, err := collect(ctx, tx, `
UNWIND $ids AS id
MATCH (n:Entity {id: id})
DETACH DELETE n`, map[string]any{"ids": p.removeNodes}); err != nil {
			return fmt.Errorf("remove nodes: %w", err)
		}
	}
	allLabels := ":" + strings.Join(model.Labels, ":")
	for _, label := range sortedKeys(p.nodeRows) {
		if !model.IsLabel(label) {
			return fmt.Errorf("write nodes: unknown label %q", label)
		}
		// Labels come from model.Labels, checked above: Cypher cannot take
		// them as parameters.
		if _, err := collect(ctx, tx, fmt.Sprintf(`
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n = row.props
REMOVE n%s
SET n:%s`, allLabels, label), map[string]any{"rows": p.nodeRows[label]}); err != nil {
			return fmt.Errorf("write %s nodes: %w", label, err)
		}
	}
	for _, typ := range sortedKeys(p.edgeRows) {
		if !model.IsRelationTypeName(typ) {
			return fmt.Errorf("write relationships: invalid type %q", typ)
		}
		recs, err := collect(ctx, tx, fmt.Sprintf(`
UNWIND $rows AS row
MATCH (a:Entity {id: row.from}), (b:Entity {id: row.to})
MERGE (a)-[r:%s {relKey: row.key}]->(b)
SET r = row.props
RETURN count(r) AS merged`, typ), map[string]any{"rows": p.edgeRows[typ]})
		if err != nil {
			return fmt.Errorf("write %s relationships: %w", typ, err)
		}
		merged, _ := recs[0].Values[0].(int64)
		if int(merged) != len(p.edgeRows[typ]) {
			return model.Errorf(model.CodeBadUserInput, "%d of %d %s relationships have an end that is not in the graph", len(p.edgeRows[typ])-int(merged), len(p.edgeRows[typ]), typ)
		}
	}
	return nil
}
