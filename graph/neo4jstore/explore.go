package neo4jstore

import (
	"context"
	"fmt"
	"sort"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// Bounds the caller checks before asking: they keep a single request from
// walking the whole graph.
const (
	// MaxPathHops is the longest path ShortestPaths looks for.
	MaxPathHops = 6
	// MaxNeighbourhoodDepth is the most levels Neighbourhood expands.
	MaxNeighbourhoodDepth = 3
	// MaxNeighbourhoodLimit is the most nodes Neighbourhood returns.
	MaxNeighbourhoodLimit = 500
)

// traversalParams turns a traversal into the $types and $asOf parameters
// the conditions below read; null means "no restriction".
func traversalParams(t model.Traversal, params map[string]any) map[string]any {
	params["types"] = nil
	if len(t.Types) > 0 {
		params["types"] = t.Types
	}
	params["asOf"] = nil
	if t.AsOf != nil {
		params["asOf"] = string(*t.AsOf)
	}
	return params
}

// relCondition holds for a relationship r the traversal may follow.
func relCondition(r string) string {
	return "($types IS NULL OR type(" + r + ") IN $types) AND " + asOfCondition(r)
}

// ShortestPaths returns the shortest undirected paths of at most maxHops
// relationships between the nodes from and to: one when all is false, else
// up to limit of all the shortest ones, ordered by their node ids. It
// returns an empty slice when no path qualifies.
func (s *Store) ShortestPaths(ctx context.Context, from, to string, maxHops int, all bool, t model.Traversal, limit int) ([]model.Path, error) {
	const op = "shortest paths"
	ends, err := s.Nodes(ctx, []string{from, to})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	for _, id := range []string{from, to} {
		if _, ok := ends[id]; !ok {
			return nil, model.Errorf(model.CodeNotFound, "no node with id %q", id)
		}
	}
	if from == to {
		return []model.Path{{Nodes: []model.Node{model.Typed(ends[from])}, Edges: []model.Edge{}}}, nil
	}
	if maxHops < 1 || maxHops > MaxPathHops {
		return nil, fmt.Errorf("%s: maxHops %d is outside 1..%d", op, maxHops, MaxPathHops)
	}
	if !all {
		limit = 1
	}
	if limit < 1 {
		return []model.Path{}, nil
	}
	fn := "shortestPath"
	if all {
		fn = "allShortestPaths"
	}
	// The hop bound stays a constant in the pattern (Cypher takes no
	// parameter there) and the caller's bound is checked after a WITH: inside
	// the WHERE of the path it would make Neo4j fall back to enumerating every
	// path when none is short enough. The start node is exempt from the date
	// condition, so a path from a node that no longer exists can still be
	// asked for.
	cypher := fmt.Sprintf(`
MATCH (a:Entity {id: $from}), (b:Entity {id: $to})
MATCH p = %s((a)-[*..%d]-(b))
WHERE all(r IN relationships(p) WHERE %s)
  AND all(x IN nodes(p) WHERE x = a OR %s)
WITH p WHERE length(p) <= $maxHops
WITH p ORDER BY [x IN nodes(p) | x.id], [r IN relationships(p) | type(r)], [r IN relationships(p) | elementId(r)]
LIMIT $limit
RETURN p`, fn, MaxPathHops, relCondition("r"), asOfCondition("x"))
	params := traversalParams(t, map[string]any{"from": from, "to": to, "maxHops": maxHops, "limit": limit})
	res, err := s.read(ctx, op, cypher, params)
	if err != nil {
		return nil, err
	}
	out := make([]model.Path, 0, len(res.Records))
	for _, rec := range res.Records {
		p, _, err := neo4j.GetRecordValue[dbtype.Path](rec, "p")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		path, err := decodePath(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		out = append(out, path)
	}
	return out, nil
}

func decodePath(p dbtype.Path) (model.Path, error) {
	ids := make(map[string]string, len(p.Nodes))
	path := model.Path{Length: len(p.Relationships), Nodes: make([]model.Node, len(p.Nodes)), Edges: make([]model.Edge, len(p.Relationships))}
	for i, n := range p.Nodes {
		e := decodeNode(n)
		ids[n.ElementId] = e.ID
		path.Nodes[i] = model.Typed(e)
	}
	if len(p.Nodes) != len(p.Relationships)+1 {
		return model.Path{}, fmt.Errorf("path of %d nodes and %d relationships", len(p.Nodes), len(p.Relationships))
	}
	for i, r := range p.Relationships {
		edge, err := decodeEdge(r, ids)
		if err != nil {
			return model.Path{}, err
		}
		path.Edges[i] = edge
	}
	return path, nil
}

// decodeEdge reads a relationship whose end nodes are in ids (element id to
// node id).
func decodeEdge(r dbtype.Relationship, ids map[string]string) (model.Edge, error) {
	from, ok1 := ids[r.StartElementId]
	to, ok2 := ids[r.EndElementId]
	if !ok1 || !ok2 {
		return model.Edge{}, fmt.Errorf("relationship %s joins a node that was not returned", r.ElementId)
	}
	return edgeOf(r, from, to), nil
}

// Neighbourhood returns the nodes within depth undirected hops of the node
// id, at most limit of them, and the relationships among them. It expands
// one level per query, so a level costs one round trip however wide it is;
// nodes come by level, then id. Truncated says that limit left nodes out.
func (s *Store) Neighbourhood(ctx context.Context, id string, depth int, t model.Traversal, limit int) (model.Subgraph, error) {
	const op = "neighbourhood"
	start, err := s.Nodes(ctx, []string{id})
	if err != nil {
		return model.Subgraph{}, fmt.Errorf("%s: %w", op, err)
	}
	root, ok := start[id]
	if !ok {
		return model.Subgraph{}, model.Errorf(model.CodeNotFound, "no node with id %q", id)
	}
	if limit < 1 {
		limit = 1
	}
	g := model.Subgraph{Nodes: []model.Node{model.Typed(root)}, Edges: []model.Edge{}}
	seen := []string{id}
	frontier := []string{id}
	// Each level asks for one row more than there is room for: that row
	// only says whether the limit cut anything off, and keeps the answer
	// bounded however dense the graph.
	level := `
UNWIND $frontier AS fid
MATCH (a:Entity {id: fid})-[r]-(b:Entity)
WHERE NOT b.id IN $seen AND ` + relCondition("r") + ` AND ` + asOfCondition("b") + `
WITH DISTINCT b
ORDER BY b.id
LIMIT $room
RETURN b`
	for d := 1; d <= depth && len(frontier) > 0; d++ {
		room := limit - len(g.Nodes)
		params := traversalParams(t, map[string]any{"frontier": frontier, "seen": seen, "room": room + 1})
		res, err := s.read(ctx, fmt.Sprintf("%s level %d", op, d), level, params)
		if err != nil {
			return model.Subgraph{}, err
		}
		var next []string
		for i, rec := range res.Records {
			if i == room {
				g.Truncated = true
				break
			}
			n, _, err := neo4j.GetRecordValue[dbtype.Node](rec, "b")
			if err != nil {
				return model.Subgraph{}, fmt.Errorf("%s level %d: %w", op, d, err)
			}
			e := decodeNode(n)
			g.Nodes = append(g.Nodes, model.Typed(e))
			seen = append(seen, e.ID)
			next = append(next, e.ID)
		}
		if g.Truncated {
			break
		}
		frontier = next
	}
	if len(seen) == 1 || t.NodesOnly {
		return g, nil
	}

	// Every qualifying relationship among the returned nodes, not only those
	// the expansion crossed: a drawing should show how the nodes of one
	// level relate too. Each is found once, from its start node.
	res, err := s.read(ctx, op+" edges", `
UNWIND $seen AS aid
MATCH (a:Entity {id: aid})-[r]->(b:Entity)
WHERE b.id IN $seen AND `+relCondition("r")+`
RETURN r, a.id AS from, b.id AS to, elementId(r) AS eid`, traversalParams(t, map[string]any{"seen": seen}))
	if err != nil {
		return model.Subgraph{}, err
	}
	type keyed struct {
		edge model.Edge
		eid  string
	}
	edges := make([]keyed, 0, len(res.Records))
	dup := map[string]bool{}
	for _, rec := range res.Records {
		r, _, err := neo4j.GetRecordValue[dbtype.Relationship](rec, "r")
		if err != nil {
			return model.Subgraph{}, fmt.Errorf("%s edges: %w", op, err)
		}
		from, _, err1 := neo4j.GetRecordValue[string](rec, "from")
		to, _, err2 := neo4j.GetRecordValue[string](rec, "to")
		if err1 != nil || err2 != nil {
			return model.Subgraph{}, fmt.Errorf("%s edges: bad record %v", op, rec.Values)
		}
		if dup[r.ElementId] {
			continue
		}
		dup[r.ElementId] = true
		edges = append(edges, keyed{edgeOf(r, from, to), r.ElementId})
	}
	sort.Slice(edges, func(i, j int) bool {
		a, b := edges[i], edges[j]
		switch {
		case a.edge.Type != b.edge.Type:
			return a.edge.Type < b.edge.Type
		case a.edge.From != b.edge.From:
			return a.edge.From < b.edge.From
		case a.edge.To != b.edge.To:
			return a.edge.To < b.edge.To
		}
		return a.eid < b.eid
	})
	for _, e := range edges {
		g.Edges = append(g.Edges, e.edge)
	}
	return g, nil
}

// timelineActions maps a treaty action to the Country -> Instrument
// relationship that records it and the property holding its date.
var timelineActions = map[string]struct{ relType, prop string }{
	"SIGNATURE":        {model.RelSigned, "date"},
	"RATIFICATION":     {model.RelRatified, "date"},
	"ENTRY_INTO_FORCE": {model.RelRatified, "entryIntoForce"},
}

// Timeline counts an instrument's signatures, ratifications or entries into
// force per year ("2009") or, when monthly, per month ("2009-03"), in the
// order of the periods. Dates known only to the year are left out of
// monthly counts rather than put in a month they may not belong to.
func (s *Store) Timeline(ctx context.Context, instrument string, action string, monthly bool) ([]model.TimeBucket, error) {
	op := "timeline " + action
	act, ok := timelineActions[action]
	if !ok {
		return nil, model.Errorf(model.CodeBadUserInput, "unknown treaty action %q", action)
	}
	width := 4
	if monthly {
		width = 7
	}
	// The relationship type comes from the fixed table above.
	cypher := fmt.Sprintf(`
MATCH (i:Entity {id: $id})
RETURN i:Instrument AS instrument, COLLECT {
  MATCH (i)<-[r:%s]-(:Country)
  WITH r[$prop] AS d WHERE size(d) >= $width
  WITH left(d, $width) AS period, count(*) AS c
  RETURN {period: period, count: c}
} AS buckets`, act.relType)
	res, err := s.read(ctx, op, cypher, map[string]any{"id": instrument, "prop": act.prop, "width": width})
	if err != nil {
		return nil, err
	}
	if len(res.Records) == 0 {
		return nil, model.Errorf(model.CodeNotFound, "no instrument with id %q", instrument)
	}
	rec := res.Records[0]
	isInstrument, _, err := neo4j.GetRecordValue[bool](rec, "instrument")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if !isInstrument {
		return nil, model.Errorf(model.CodeNotFound, "no instrument with id %q", instrument)
	}
	raw, _, err := neo4j.GetRecordValue[[]any](rec, "buckets")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	out := make([]model.TimeBucket, 0, len(raw))
	for _, v := range raw {
		m, ok := v.(map[string]any)
		period, ok1 := m["period"].(string)
		count, ok2 := m["count"].(int64)
		if !ok || !ok1 || !ok2 {
			return nil, fmt.Errorf("%s: bad bucket %v", op, v)
		}
		out = append(out, model.TimeBucket{Period: period, Count: int(count)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Period < out[j].Period })
	return out, nil
}

// Stats counts the nodes of each entity label (every label, zero when
// absent) and the relationships of each type present, and finds the newest
// date any source was read. It reads the whole graph, so callers that show
// it often should cache it.
func (s *Store) Stats(ctx context.Context) (model.GraphStats, error) {
	const op = "graph stats"
	newest := func(v string) string {
		return "reduce(m = '', d IN coalesce(" + v + ".sourceRetrieved, []) | CASE WHEN d > m THEN d ELSE m END)"
	}
	res, err := s.read(ctx, op, `
CALL () {
  MATCH (n:Entity)
  WITH labels(n) AS names, `+newest("n")+` AS newest
  UNWIND names AS name
  RETURN 'label' AS kind, name, count(*) AS c, max(newest) AS newest
  UNION ALL
  MATCH ()-[r]->()
  WITH type(r) AS name, `+newest("r")+` AS newest
  RETURN 'rel' AS kind, name, count(*) AS c, max(newest) AS newest
}
RETURN kind, name, c, newest`, nil)
	if err != nil {
		return model.GraphStats{}, err
	}
	labels := map[string]int{}
	stats := model.GraphStats{Nodes: []model.LabelCount{}, Relationships: []model.LabelCount{}}
	latest := ""
	for _, rec := range res.Records {
		kind, _, err1 := neo4j.GetRecordValue[string](rec, "kind")
		name, _, err2 := neo4j.GetRecordValue[string](rec, "name")
		c, _, err3 := neo4j.GetRecordValue[int64](rec, "c")
		if err1 != nil || err2 != nil || err3 != nil {
			return model.GraphStats{}, fmt.Errorf("%s: bad record %v", op, rec.Values)
		}
		// Every node has the label Entity too: its count would only repeat
		// the total.
		switch {
		case kind == "label" && model.IsLabel(name):
			labels[name] = int(c)
		case kind == "rel":
			stats.Relationships = append(stats.Relationships, model.LabelCount{Label: name, Count: int(c)})
		default:
			continue
		}
		if d, ok := rec.AsMap()["newest"].(string); ok && d > latest {
			latest = d
		}
	}
	for _, l := range model.Labels {
		stats.Nodes = append(stats.Nodes, model.LabelCount{Label: l, Count: labels[l]})
	}
	sort.Slice(stats.Nodes, func(i, j int) bool { return stats.Nodes[i].Label < stats.Nodes[j].Label })
	sort.Slice(stats.Relationships, func(i, j int) bool { return stats.Relationships[i].Label < stats.Relationships[j].Label })
	stats.NewestSource = optDate(latest)
	return stats, nil
}
