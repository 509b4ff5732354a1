package neo4jstore

import (
	"context"
	"fmt"
	"sort"
	"strings"

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
// the conditions below read: the types follow a "" no relationship type
// is, and no date is "", so the parameters keep their types whatever the
// traversal and Neo4j plans the statement once.
func traversalParams(t model.Traversal, params map[string]any) map[string]any {
	params["types"] = append([]string{""}, t.Types...)
	params["asOf"] = ""
	if t.AsOf != nil {
		params["asOf"] = string(*t.AsOf)
	}
	return params
}

// traversalDate reads the traversal's as-of date, null when it has none.
var traversalDate = dateRef("$asOf")

// relCondition holds for a relationship r the traversal may follow.
func relCondition(r string) string {
	return "(size($types) = 1 OR type(" + r + ") IN $types) AND " + relAsOfConditionAt(r, traversalDate)
}

// ShortestPaths returns the shortest undirected paths of at most maxHops
// relationships between the nodes from and to: one when all is false, else
// up to limit of all the shortest ones, ordered by their node ids. It
// returns an empty slice when no path qualifies.
func (s *Store) ShortestPaths(ctx context.Context, from, to string, maxHops int, all bool, t model.Traversal, limit int) ([]model.Path, error) {
	const op = "shortest paths"
	if maxHops < 1 || maxHops > MaxPathHops {
		return nil, fmt.Errorf("%s: maxHops %d is outside 1..%d", op, maxHops, MaxPathHops)
	}
	if !all || from == to {
		limit = 1
	}
	fn := "shortestPath"
	if all {
		fn = "allShortestPaths"
	}
	// One statement finds both ends and the paths: the ends are checked
	// after, from what it returns. The hop bound stays a constant in the
	// pattern (Cypher takes no parameter there) and the caller's bound is
	// checked after a WITH: inside the WHERE of the path it would make Neo4j
	// fall back to enumerating every path when none is short enough. The
	// start node is exempt from the date condition, so a path from a node
	// that no longer exists can still be asked for.
	cypher := fmt.Sprintf(`
OPTIONAL MATCH (a:Entity {id: $from})
OPTIONAL MATCH (b:Entity {id: $to})
CALL (a, b) {
  WITH a, b WHERE a IS NOT NULL AND b IS NOT NULL AND a <> b AND $limit > 0
  MATCH p = %s((a)-[*..%d]-(b))
  WHERE all(r IN relationships(p) WHERE %s)
    AND all(x IN nodes(p) WHERE x = a OR %s)
  WITH p WHERE length(p) <= $maxHops
  WITH p ORDER BY [x IN nodes(p) | x.id], [r IN relationships(p) | type(r)], [r IN relationships(p) | elementId(r)]
  LIMIT $limit
  RETURN collect(p) AS paths
}
RETURN a, b IS NOT NULL AS toFound, paths`, fn, MaxPathHops, relCondition("r"), asOfConditionAt("x", traversalDate))
	params := traversalParams(t, map[string]any{"from": from, "to": to, "maxHops": maxHops, "limit": max(limit, 0)})
	res, err := s.read(ctx, op, cypher, params)
	if err != nil {
		return nil, err
	}
	if len(res.Records) != 1 {
		return nil, fmt.Errorf("%s: %d records, want 1", op, len(res.Records))
	}
	rec := res.Records[0]
	a, fromMissing, err := neo4j.GetRecordValue[dbtype.Node](rec, "a")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if fromMissing {
		return nil, model.Errorf(model.CodeNotFound, "no node with id %q", from)
	}
	toFound, _, err := neo4j.GetRecordValue[bool](rec, "toFound")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if !toFound {
		return nil, model.Errorf(model.CodeNotFound, "no node with id %q", to)
	}
	if from == to {
		return []model.Path{{Nodes: []model.Node{model.Typed(decodeNode(a))}, Edges: []model.Edge{}}}, nil
	}
	paths, _, err := neo4j.GetRecordValue[[]any](rec, "paths")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	out := make([]model.Path, 0, len(paths))
	for _, v := range paths {
		p, ok := v.(dbtype.Path)
		if !ok {
			return nil, fmt.Errorf("%s: path is %T", op, v)
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
// id, at most limit of them, and the relationships among them, in one
// statement: a dashboard draws neighbourhoods all day, and each round trip
// costs about as much as a level of the walk. Nodes come by level, then id.
// Truncated says that limit left nodes out.
func (s *Store) Neighbourhood(ctx context.Context, id string, depth int, t model.Traversal, limit int) (model.Subgraph, error) {
	const op = "neighbourhood"
	if limit < 1 {
		limit = 1
	}
	if depth < 0 || depth > MaxNeighbourhoodDepth {
		return model.Subgraph{}, model.Errorf(model.CodeBadUserInput, "depth: %d is outside 0..%d", depth, MaxNeighbourhoodDepth)
	}
	// One subquery per level, so the text depends on the depth alone. A
	// level keeps at most room nodes and reads one more than that: the extra
	// one only says the limit cut something off, and no level reads more
	// than the limit however dense the graph.
	var q strings.Builder
	q.WriteString(`
MATCH (root:Entity {id: $id})
WITH [root] AS seen, [root] AS frontier, false AS cut`)
	for d := 1; d <= depth; d++ {
		fmt.Fprintf(&q, `
CALL (seen, frontier, cut) {
  UNWIND CASE WHEN cut THEN [] ELSE frontier END AS a
  MATCH (a)-[r]-(b:Entity)
  WHERE NOT b IN seen AND %s AND %s
  WITH DISTINCT b ORDER BY b.id LIMIT $limit
  RETURN collect(b) AS found
}
WITH seen, found, cut, $limit - size(seen) AS room
WITH seen + found[0..room] AS seen, found[0..room] AS frontier, cut OR size(found) > room AS cut`,
			relCondition("r"), asOfConditionAt("b", traversalDate))
	}
	// Every qualifying relationship among the returned nodes, not only those
	// the walk crossed: a drawing should show how the nodes of one level
	// relate too. Each is found once, from its start node.
	fmt.Fprintf(&q, `
CALL (seen) {
  UNWIND CASE WHEN $edges AND size(seen) > 1 THEN seen ELSE [] END AS a
  MATCH (a)-[r]->(b:Entity)
  WHERE b IN seen AND %s
  RETURN collect({r: r, from: a.id, to: b.id}) AS edges
}
RETURN seen, cut, edges`, relCondition("r"))
	params := traversalParams(t, map[string]any{"id": id, "limit": limit, "edges": !t.NodesOnly})
	res, err := s.read(ctx, op, q.String(), params)
	if err != nil {
		return model.Subgraph{}, err
	}
	if len(res.Records) == 0 {
		return model.Subgraph{}, model.Errorf(model.CodeNotFound, "no node with id %q", id)
	}
	rec := res.Records[0]
	seen, _, err := neo4j.GetRecordValue[[]any](rec, "seen")
	if err != nil {
		return model.Subgraph{}, fmt.Errorf("%s: %w", op, err)
	}
	cut, _, err := neo4j.GetRecordValue[bool](rec, "cut")
	if err != nil {
		return model.Subgraph{}, fmt.Errorf("%s: %w", op, err)
	}
	found, _, err := neo4j.GetRecordValue[[]any](rec, "edges")
	if err != nil {
		return model.Subgraph{}, fmt.Errorf("%s: %w", op, err)
	}
	g := model.Subgraph{Nodes: make([]model.Node, 0, len(seen)), Edges: []model.Edge{}, Truncated: cut}
	for _, v := range seen {
		n, ok := v.(dbtype.Node)
		if !ok {
			return model.Subgraph{}, fmt.Errorf("%s: node is %T", op, v)
		}
		g.Nodes = append(g.Nodes, model.Typed(decodeNode(n)))
	}
	type keyed struct {
		edge model.Edge
		eid  string
	}
	edges := make([]keyed, 0, len(found))
	dup := map[string]bool{}
	for _, v := range found {
		m, ok := v.(map[string]any)
		if !ok {
			return model.Subgraph{}, fmt.Errorf("%s: edge is %T", op, v)
		}
		r, ok1 := m["r"].(dbtype.Relationship)
		from, ok2 := m["from"].(string)
		to, ok3 := m["to"].(string)
		if !ok1 || !ok2 || !ok3 {
			return model.Subgraph{}, fmt.Errorf("%s: bad edge %v", op, m)
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
// order of the periods. Dates known only to the year land in that year's
// own bucket even when monthly, rather than in a month they may not belong
// to; steps recorded without a date are counted in a last, undated bucket,
// so the counts add up to every recorded step.
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
  WITH r[$prop] AS d
  WITH CASE WHEN d IS NULL OR d = '' THEN '' ELSE left(d, CASE WHEN size(d) < $width THEN size(d) ELSE $width END) END AS period, count(*) AS c
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
		b := model.TimeBucket{Period: period, Count: int(count)}
		if period == "" {
			b.Period, b.Undated = model.UndatedPeriod, true
		} else {
			p := model.Date(period).Precision()
			b.Precision = &p
		}
		out = append(out, b)
	}
	// A year's own bucket ("2009") sorts before its months ("2009-01"); the
	// undated bucket comes last.
	sort.Slice(out, func(i, j int) bool {
		if out[i].Undated != out[j].Undated {
			return out[j].Undated
		}
		return out[i].Period < out[j].Period
	})
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
