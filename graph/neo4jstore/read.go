package neo4jstore

import (
	"context"
	"fmt"
	"regexp"
	"sort"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

var relTypePattern = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

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

// List returns up to first entities with the label whose id sorts after
// after ("" for the first page), and how many the label holds in all.
func (s *Store) List(ctx context.Context, label string, first int, after string) (model.Page, error) {
	if !model.IsLabel(label) {
		return model.Page{}, model.Errorf(model.CodeBadUserInput, "unknown entity type %q", label)
	}
	// The label comes from the fixed list above, never from a client, so it
	// may stand in the query text (Cypher cannot take a label as a parameter).
	cypher := fmt.Sprintf(`
MATCH (n:%[1]s) WITH count(n) AS total
OPTIONAL MATCH (m:%[1]s) WHERE m.id > $after
WITH total, m ORDER BY m.id LIMIT $limit
RETURN total, collect(m) AS nodes`, label)
	res, err := s.read(ctx, "list "+label, cypher, map[string]any{"after": after, "limit": first + 1})
	if err != nil {
		return model.Page{}, err
	}
	if len(res.Records) != 1 {
		return model.Page{}, fmt.Errorf("list %s: %d records, want 1", label, len(res.Records))
	}
	rec := res.Records[0]
	total, _, err := neo4j.GetRecordValue[int64](rec, "total")
	if err != nil {
		return model.Page{}, fmt.Errorf("list %s: %w", label, err)
	}
	nodes, _, err := neo4j.GetRecordValue[[]any](rec, "nodes")
	if err != nil {
		return model.Page{}, fmt.Errorf("list %s: %w", label, err)
	}
	page := model.Page{Total: int(total)}
	for _, v := range nodes {
		n, ok := v.(dbtype.Node)
		if !ok {
			return model.Page{}, fmt.Errorf("list %s: got %T, want a node", label, v)
		}
		page.Entities = append(page.Entities, decodeNode(n))
	}
	if len(page.Entities) > first {
		page.Entities = page.Entities[:first]
		page.HasNext = true
	}
	return page, nil
}

// Neighbours follows one hop from each of the ids and returns the nodes
// reached, by starting id, ordered by name. One statement serves the whole
// batch.
func (s *Store) Neighbours(ctx context.Context, hop model.Hop, ids []string) (map[string][]model.Entity, error) {
	label := hop.Label
	if label == "" {
		label = "Entity"
	}
	if !relTypePattern.MatchString(hop.Type) || (label != "Entity" && !model.IsLabel(label)) {
		return nil, fmt.Errorf("neighbours: invalid hop %+v", hop)
	}
	pattern := "(a)-[:%s]->(b:%s)"
	if !hop.Out {
		pattern = "(a)<-[:%s]-(b:%s)"
	}
	cypher := `
UNWIND $ids AS id
MATCH (a:Entity {id: id})
MATCH ` + fmt.Sprintf(pattern, hop.Type, label) + `
RETURN id, collect(DISTINCT b) AS nodes`
	op := fmt.Sprintf("neighbours %s %s", hop.Type, label)
	res, err := s.read(ctx, op, cypher, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	out := make(map[string][]model.Entity, len(res.Records))
	for _, rec := range res.Records {
		id, _, err := neo4j.GetRecordValue[string](rec, "id")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		nodes, _, err := neo4j.GetRecordValue[[]any](rec, "nodes")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		list := make([]model.Entity, 0, len(nodes))
		for _, v := range nodes {
			if n, ok := v.(dbtype.Node); ok {
				list = append(list, decodeNode(n))
			}
		}
		sortByName(list)
		out[id] = list
	}
	return out, nil
}

func sortByName(list []model.Entity) {
	sort.Slice(list, func(i, j int) bool {
		if list[i].Name != list[j].Name {
			return list[i].Name < list[j].Name
		}
		return list[i].ID < list[j].ID
	})
}

// Participations returns the signatures and ratifications of the given
// instruments (fromInstrument) or countries, by id, ordered by country name.
func (s *Store) Participations(ctx context.Context, fromInstrument bool, ids []string) (map[string][]model.TreatyParticipation, error) {
	cypher := `
UNWIND $ids AS id
MATCH (i:Entity {id: id})<-[r:SIGNED|RATIFIED|STATUS_UNKNOWN]-(c:Country)
RETURN id, i, c, collect(r) AS rels`
	if !fromInstrument {
		cypher = `
UNWIND $ids AS id
MATCH (c:Entity {id: id})-[r:SIGNED|RATIFIED|STATUS_UNKNOWN]->(i:Instrument)
RETURN id, i, c, collect(r) AS rels`
	}
	const op = "read treaty participations"
	res, err := s.read(ctx, op, cypher, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	out := map[string][]model.TreatyParticipation{}
	for _, rec := range res.Records {
		id, _, err := neo4j.GetRecordValue[string](rec, "id")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		i, _, err := neo4j.GetRecordValue[dbtype.Node](rec, "i")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		c, _, err := neo4j.GetRecordValue[dbtype.Node](rec, "c")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		rels, _, err := neo4j.GetRecordValue[[]any](rec, "rels")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		p := model.TreatyParticipation{Instrument: model.Instrument{Entity: decodeNode(i)}, Country: model.Country{Entity: decodeNode(c)}}
		for _, v := range rels {
			r, ok := v.(dbtype.Relationship)
			if !ok {
				continue
			}
			switch r.Type {
			case model.RelSigned:
				p.Signed = optDate(r.Props["date"])
			case model.RelRatified:
				p.Ratified = optDate(r.Props["date"])
				p.Party = true
				p.Action = optString(r.Props["action"])
				p.EntryIntoForce = optDate(r.Props["entryIntoForce"])
			case model.RelStatusUnknown:
				p.Disputed = true
			}
			p.Sources = appendNew(p.Sources, decodeSources(r.Props))
		}
		out[id] = append(out[id], p)
	}
	for _, ps := range out {
		model.SortParticipations(ps)
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

// Relations returns every relationship of the given nodes, by id, optionally
// only of the given types and direction, ordered by type then the other
// node's name.
func (s *Store) Relations(ctx context.Context, ids []string, types []string, dir model.Direction) (map[string][]model.Relation, error) {
	const op = "read relations"
	var typeParam any
	if types != nil {
		typeParam = types
	}
	res, err := s.read(ctx, op, `
UNWIND $ids AS id
MATCH (a:Entity {id: id})-[r]-(b:Entity)
WITH id, r, b, startNode(r) = a AS outgoing
WHERE ($types IS NULL OR type(r) IN $types)
  AND ($dir = 'BOTH' OR ($dir = 'OUTGOING') = outgoing)
RETURN id, r, b, outgoing`, map[string]any{"ids": ids, "types": typeParam, "dir": string(dir)})
	if err != nil {
		return nil, err
	}
	out := map[string][]model.Relation{}
	for _, rec := range res.Records {
		id, _, err := neo4j.GetRecordValue[string](rec, "id")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		r, _, err := neo4j.GetRecordValue[dbtype.Relationship](rec, "r")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		b, _, err := neo4j.GetRecordValue[dbtype.Node](rec, "b")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		outgoing, _, err := neo4j.GetRecordValue[bool](rec, "outgoing")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		rel := model.Relation{Type: r.Type, Direction: model.DirectionIncoming, Node: model.Typed(decodeNode(b)),
			Properties: decodeFree(r.Props), Sources: decodeSources(r.Props)}
		if outgoing {
			rel.Direction = model.DirectionOutgoing
		}
		out[id] = append(out[id], rel)
	}
	for _, rels := range out {
		sort.SliceStable(rels, func(i, j int) bool {
			if rels[i].Type != rels[j].Type {
				return rels[i].Type < rels[j].Type
			}
			return rels[i].Node.GetName() < rels[j].Node.GetName()
		})
	}
	return out, nil
}

// Counts returns how many nodes carry each entity label and how many
// relationships each type has.
func (s *Store) Counts(ctx context.Context) (labels, relTypes map[string]int, err error) {
	const op = "count graph"
	res, err := s.read(ctx, op, `
CALL () { MATCH (n:Entity) UNWIND labels(n) AS name RETURN 'label' AS kind, name, count(*) AS c
  UNION ALL
  MATCH ()-[r]->() RETURN 'rel' AS kind, type(r) AS name, count(*) AS c }
RETURN kind, name, c`, nil)
	if err != nil {
		return nil, nil, err
	}
	labels, relTypes = map[string]int{}, map[string]int{}
	for _, rec := range res.Records {
		kind, _, err1 := neo4j.GetRecordValue[string](rec, "kind")
		name, _, err2 := neo4j.GetRecordValue[string](rec, "name")
		c, _, err3 := neo4j.GetRecordValue[int64](rec, "c")
		if err1 != nil || err2 != nil || err3 != nil {
			return nil, nil, fmt.Errorf("%s: bad record %v", op, rec.Values)
		}
		if kind == "label" && model.IsLabel(name) {
			labels[name] = int(c)
		} else if kind == "rel" {
			relTypes[name] = int(c)
		}
	}
	return labels, relTypes, nil
}
