package neo4jstore

import (
	"fmt"
	"sort"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// searchRoot compiles a search: the hits of the full-text index, best
// first, a page after the cursor, each node projected as selected.
func (c *compiler) searchRoot(r *Read, sel *model.Selection) error {
	k := c.conns
	c.conns++
	list := model.CursorList{Name: "search"}
	if err := c.bind(func(env model.ReadEnv, st *bound) error {
		query, err := decodeArg[string](sel, "query", env.Vars)
		if err != nil {
			return err
		}
		types, err := decodeArg[[]model.EntityType](sel, "types", env.Vars)
		if err != nil {
			return err
		}
		var labels []string
		for _, t := range types {
			labels = append(labels, model.LabelOf(t))
		}
		first, err := decodeArg[*int](sel, "first", env.Vars)
		if err != nil {
			return err
		}
		n := 20
		if first != nil {
			n = *first
		}
		if n < 0 || n > planMaxFirst {
			return model.Errorf(model.CodeBadUserInput, "first: %d is outside 0..%d", n, planMaxFirst)
		}
		after, err := decodeArg[*string](sel, "after", env.Vars)
		if err != nil {
			return err
		}
		var sa *model.SearchAfter
		if after != nil {
			cur, err := list.Decode(*after)
			if err != nil {
				return err
			}
			score, ok1 := cur.Keys[0].(float64)
			var id string
			ok2 := len(cur.Keys) == 2
			if ok2 {
				id, ok2 = cur.Keys[1].(string)
			}
			if !ok1 || !ok2 {
				return model.Errorf(model.CodeBadUserInput, "after: %q is not a cursor this API returned", *after)
			}
			sa = &model.SearchAfter{Score: score, ID: id}
		}
		params, err := searchParams(query, labels, n, sa)
		if err != nil {
			return err
		}
		for name, v := range params {
			st.params[name] = v
		}
		st.conns[k] = connState{first: n, hasPrev: after != nil, list: list}
		return nil
	}); err != nil {
		return err
	}
	rows := func(rowList string) string {
		return fmt.Sprintf(`COLLECT {
  %s
  WITH n, score ORDER BY score DESC, n.id ASC LIMIT $limit
  RETURN %s }`, searchPage, rowList)
	}
	cl := newCols()
	write, err := c.connection(sel, k, "[score, n.id]", rows, "size(hits)", func(ef *model.Selection, rc *cols) (edgeWriter, error) {
		switch ef.Field {
		case "node":
			return c.nodeEdge(ef, rc, "n", "")
		case "score":
			return func(w *jsonOut, row, _ []any, _ *bound) error {
				keys, _ := row[0].([]any)
				f, _ := keys[0].(float64)
				w.float(f)
				return nil
			}, nil
		}
		return nil, fmt.Errorf("%w: SearchEdge.%s", model.ErrUnplanned, ef.Field)
	}, cl.add, nil)
	if err != nil {
		return err
	}
	if len(cl.exprs) == 0 {
		cl.add("null")
	}
	r.cypher = searchHits + "\nRETURN " + cl.list() + " AS v"
	r.decode = oneRow(write)
	return nil
}

// oneRow decodes the single record of a statement whose column v is the
// projection write reads.
func oneRow(write valueWriter) func(res *neo4j.EagerResult, st *bound, w *jsonOut) error {
	return func(res *neo4j.EagerResult, st *bound, w *jsonOut) error {
		if len(res.Records) != 1 {
			return fmt.Errorf("%d records, want 1", len(res.Records))
		}
		row, _ := res.Records[0].Values[0].([]any)
		return write(w, row, st)
	}
}

// coverageDay is the day a coverage matrix reads statuses on: asOf, or
// today.
func coverageDay(sel *model.Selection, env model.ReadEnv) (model.Date, error) {
	asOf, err := decodeArg[*model.Date](sel, "asOf", env.Vars)
	if err != nil || asOf == nil {
		return env.Today, err
	}
	return asOf.First(), nil
}

// coverageRoot compiles a coverage matrix: the states matching the
// countries filter (Council of Europe member states on the day when there
// is none) ordered by name, and for each the status of each instrument.
func (c *compiler) coverageRoot(r *Read, sel *model.Selection) error {
	ids, limit := c.name("ids"), c.name("max")
	k := c.conns
	c.conns++
	if err := c.bind(func(env model.ReadEnv, st *bound) error {
		instruments, err := decodeArg[[]string](sel, "instruments", env.Vars)
		if err != nil {
			return err
		}
		if len(instruments) == 0 || len(instruments) > model.MaxCoverageColumns {
			return model.Errorf(model.CodeBadUserInput, "instruments: give 1 to %d instrument ids", model.MaxCoverageColumns)
		}
		day, err := coverageDay(sel, env)
		if err != nil {
			return err
		}
		// The matrix shows the graph as it is, with the statuses of the
		// day: the states' filter reads no as-of date.
		st.params["asOf"], st.params["day"] = nil, string(day)
		st.params[ids], st.params[limit] = instruments, model.MaxCoverageRows+1
		st.conns[k] = connState{day: day}
		return nil
	}); err != nil {
		return err
	}
	filter, err := c.fragment("$asOf", "$day", func(env model.ReadEnv, b *builder) (string, error) {
		w, err := decodeWhere(sel, "countries", "Country", env.Vars)
		if err != nil {
			return "", err
		}
		if cw, _ := w.(*model.CountryWhere); cw == nil {
			// Member states on the matrix day, including those that have
			// left since.
			day, err := coverageDay(sel, env)
			if err != nil {
				return "", err
			}
			yes := true
			w = &model.CountryWhere{
				CoeStatus:    &model.CoeStatusFilter{In: []model.CoeStatus{model.CoeStatusMember, model.CoeStatusFormerMember}},
				CoeAccession: &model.DateFilter{Lte: &day},
				Or:           []model.CountryWhere{{CoeLeft: &model.DateFilter{IsNull: &yes}}, {CoeLeft: &model.DateFilter{Gt: &day}}},
			}
		}
		return b.where("n", w)
	})
	if err != nil {
		return err
	}
	instCols, rowCols := newCols(), newCols()
	instCols.add("iid")
	instCols.add("i IS NOT NULL AND i:Instrument")
	instCols.add("i.opened")
	// cellView hands a cell's participation to the field writers, through
	// the row they read.
	cellView := func(row []any, _ *bound) (model.TreatyParticipation, model.ParticipationView) {
		return row[0].(model.TreatyParticipation), row[1].(model.ParticipationView)
	}
	type cellField struct {
		key   string
		inst  int
		write valueWriter
		edge  edgeWriter
	}
	type rowField struct {
		key   string
		col   int
		write valueWriter
		cells []cellField
	}
	var fields []rowField
	for i := range sel.Fields {
		f := &sel.Fields[i]
		rf := rowField{key: f.Alias}
		switch f.Field {
		case "__typename":
		case "country":
			expr, write, err := c.node("n", map[string][]model.Selection{"Country": f.Fields}, true)
			if err != nil {
				return err
			}
			rf.col, rf.write = rowCols.add(expr), write
		case "cells":
			for j := range f.Fields {
				cf := &f.Fields[j]
				cell := cellField{key: cf.Alias}
				switch cf.Field {
				case "__typename":
				case "instrument":
					expr, write, err := c.node("i", map[string][]model.Selection{"Instrument": cf.Fields}, true)
					if err != nil {
						return err
					}
					cell.inst, cell.write = instCols.add(fmt.Sprintf("CASE WHEN i:Instrument THEN %s END", expr)), write
				default:
					ew, err := participationField(cf, cellView)
					if err != nil {
						return err
					}
					cell.edge = ew
				}
				rf.cells = append(rf.cells, cell)
			}
		default:
			return fmt.Errorf("%w: CoverageRow.%s", model.ErrUnplanned, f.Field)
		}
		fields = append(fields, rf)
	}
	partsCol := rowCols.add(fmt.Sprintf("COLLECT { MATCH (n)-[q:SIGNED|RATIFIED|STATUS_UNKNOWN]->(ci:Instrument) WHERE ci.id IN $%s RETURN [ci.id, %s] }", ids, stepProjection("q")))
	name, _ := sortExpr("Country", "NAME")
	r.cypher = fmt.Sprintf(`CALL () {
  UNWIND $%[1]s AS iid
  OPTIONAL MATCH (i:Entity {id: iid})
  RETURN collect(%[2]s) AS insts
}
CALL () {
  MATCH (n:Country) WHERE %[3]s AND %[4]s
  WITH n, %[5]s AS k0, n.id AS kid ORDER BY k0, kid LIMIT $%[6]s
  RETURN collect(%[7]s) AS rows
}
RETURN insts, rows`, ids, instCols.list(), asOfCondition("n"), filter, name.expr, limit, rowCols.list())
	r.decode = func(res *neo4j.EagerResult, st *bound, w *jsonOut) error {
		if len(res.Records) != 1 {
			return fmt.Errorf("%d records, want 1", len(res.Records))
		}
		insts, _ := res.Records[0].Values[0].([]any)
		rows, _ := res.Records[0].Values[1].([]any)
		columns := make([][]any, 0, len(insts))
		for _, v := range insts {
			row, _ := v.([]any)
			if ok, _ := row[1].(bool); !ok {
				return model.Errorf(model.CodeNotFound, "no instrument with id %q", row[0])
			}
			columns = append(columns, row)
		}
		if len(rows) > model.MaxCoverageRows {
			return model.Errorf(model.CodeBadUserInput, "countries: more than %d states match; narrow the filter", model.MaxCoverageRows)
		}
		day := st.conns[k].day
		w.open('[')
		for ri, rv := range rows {
			if ri > 0 {
				w.comma()
			}
			row, _ := rv.([]any)
			parts, _ := row[partsCol].([]any)
			w.open('{')
			for fi, f := range fields {
				w.key(fi == 0, f.key)
				switch {
				case f.write != nil:
					n, _ := row[f.col].([]any)
					if err := f.write(w, n, st); err != nil {
						return err
					}
				case f.cells != nil || sel.Fields[fi].Field == "cells":
					w.open('[')
					for ci, col := range columns {
						if ci > 0 {
							w.comma()
						}
						// A state with nothing recorded is certainly not
						// bound.
						p := model.TreatyParticipation{Instrument: model.Instrument{Entity: model.Entity{Properties: map[string]any{"opened": col[2]}}}}
						for _, pv := range parts {
							part, _ := pv.([]any)
							if iid, _ := part[0].(string); iid == col[0] {
								fillParticipation(&p, stepOf(part[1]))
							}
						}
						cell := []any{p, p.ViewOn(day)}
						w.open('{')
						for j, cf := range f.cells {
							w.key(j == 0, cf.key)
							switch {
							case cf.write != nil:
								n, _ := col[cf.inst].([]any)
								if err := cf.write(w, n, st); err != nil {
									return err
								}
							case cf.edge != nil:
								if err := cf.edge(w, cell, nil, st); err != nil {
									return err
								}
							default:
								w.str("CoverageCell")
							}
						}
						w.close('}')
					}
					w.close(']')
				default:
					w.str("CoverageRow")
				}
			}
			w.close('}')
		}
		w.close(']')
		return nil
	}
	return nil
}

// traversalArgs binds the relationTypes and asOf arguments of a
// traversal to the parameters $types and $asOf that relCondition reads.
func traversalArgs(sel *model.Selection, env model.ReadEnv, st *bound) error {
	types, err := decodeArg[[]model.RelationType](sel, "relationTypes", env.Vars)
	if err != nil {
		return err
	}
	asOf, err := decodeArg[*model.Date](sel, "asOf", env.Vars)
	if err != nil {
		return err
	}
	t := model.Traversal{}
	if asOf != nil {
		day := asOf.First()
		t.AsOf = &day
	}
	for _, rt := range types {
		t.Types = append(t.Types, string(rt))
	}
	traversalParams(t, st.params)
	return nil
}

// intArg reads an Int argument with its default, within lo..hi.
func intArg(sel *model.Selection, name string, vars map[string]any, dflt, lo, hi int) (int, error) {
	v, err := decodeArg[*int](sel, name, vars)
	if err != nil {
		return 0, err
	}
	n := dflt
	if v != nil {
		n = *v
	}
	if n < lo || n > hi {
		return 0, model.Errorf(model.CodeBadUserInput, "%s: %d is outside %d..%d", name, n, lo, hi)
	}
	return n, nil
}

// edgeObject compiles the selection of an Edge read from a list [type,
// from id, to id, properties, element id].
func edgeObject(f *model.Selection) (func(w *jsonOut, e []any) error, error) {
	for _, ef := range f.Fields {
		switch ef.Field {
		case "type", "from", "to", "properties", "sources", "key", "version", "__typename":
		default:
			return nil, fmt.Errorf("%w: Edge.%s", model.ErrUnplanned, ef.Field)
		}
	}
	var src func(w *jsonOut, list []model.Source) error
	for i := range f.Fields {
		if f.Fields[i].Field == "sources" {
			var err error
			if src, err = sourcesWriter(&f.Fields[i]); err != nil {
				return nil, err
			}
		}
	}
	return func(w *jsonOut, e []any) error {
		typ, _ := e[0].(string)
		from, _ := e[1].(string)
		to, _ := e[2].(string)
		props, _ := e[3].(map[string]any)
		eid, _ := e[4].(string)
		w.open('{')
		for i, ef := range f.Fields {
			w.key(i == 0, ef.Alias)
			switch ef.Field {
			case "type":
				w.str(typ)
			case "from":
				w.str(from)
			case "to":
				w.str(to)
			case "properties":
				if free := decodeFree(props); free == nil {
					w.null()
				} else if err := w.value(free); err != nil {
					return err
				}
			case "sources":
				if err := src(w, decodeSources(props)); err != nil {
					return err
				}
			case "key":
				w.str(relKeyOf(dbtype.Relationship{ElementId: eid, Props: props}))
			case "version":
				w.int(int64(versionOf(props)))
			default:
				w.str("Edge")
			}
		}
		w.close('}')
		return nil
	}, nil
}

// edgeList is the Cypher list an edgeObject reads, for relationship r
// from node a to node b.
func edgeList(r, a, b string) string {
	return fmt.Sprintf("[type(%[1]s), %[2]s.id, %[3]s.id, properties(%[1]s), elementId(%[1]s)]", r, a, b)
}

// nodesField compiles a field listing the nodes held in the Cypher list
// expression list: one projection per node, and the writer of the list.
func (c *compiler) nodesField(f *model.Selection, list string) (string, func(w *jsonOut, nodes []any, st *bound) error, error) {
	x := c.name("x")
	expr, write, err := c.node(x, f.ByType, false)
	if err != nil {
		return "", nil, err
	}
	return fmt.Sprintf("[%s IN %s | %s]", x, list, expr), func(w *jsonOut, nodes []any, st *bound) error {
		w.open('[')
		for i, n := range nodes {
			if i > 0 {
				w.comma()
			}
			row, _ := n.([]any)
			if err := write(w, row, st); err != nil {
				return err
			}
		}
		w.close(']')
		return nil
	}, nil
}

// pathRoot compiles shortestPath and allShortestPaths: the shortest
// undirected paths of at most maxHops relationships between two nodes,
// ordered by their node ids.
func (c *compiler) pathRoot(r *Read, sel *model.Selection, all bool) error {
	if err := c.bind(func(env model.ReadEnv, st *bound) error {
		from, err := decodeArg[string](sel, "from", env.Vars)
		if err != nil {
			return err
		}
		to, err := decodeArg[string](sel, "to", env.Vars)
		if err != nil {
			return err
		}
		hops, err := intArg(sel, "maxHops", env.Vars, 4, 1, model.MaxPathHops)
		if err != nil {
			return err
		}
		limit := 1
		if all {
			if limit, err = intArg(sel, "first", env.Vars, 10, 1, model.MaxPaths); err != nil {
				return err
			}
		}
		if from == to {
			limit = 1
		}
		st.params["from"], st.params["to"], st.params["maxHops"], st.params["limit"] = from, to, hops, limit
		return traversalArgs(sel, env, st)
	}); err != nil {
		return err
	}
	fn := "shortestPath"
	if all {
		fn = "allShortestPaths"
	}
	pathCols, single := newCols(), newCols()
	pathCols.add("length(p)")
	single.add("0")
	type pathField struct {
		key         string
		col         int
		nodes       func(w *jsonOut, nodes []any, st *bound) error
		edge        func(w *jsonOut, e []any) error
		length, typ bool
	}
	var fields []pathField
	for i := range sel.Fields {
		f := &sel.Fields[i]
		pf := pathField{key: f.Alias}
		switch f.Field {
		case "length":
			pf.length = true
		case "__typename":
			pf.typ = true
		case "nodes":
			expr, write, err := c.nodesField(f, "nodes(p)")
			if err != nil {
				return err
			}
			one, _, err := c.nodesField(f, "[a]")
			if err != nil {
				return err
			}
			pf.col, pf.nodes = pathCols.add(expr), write
			single.add(one)
		case "edges":
			write, err := edgeObject(f)
			if err != nil {
				return err
			}
			pf.col, pf.edge = pathCols.add(fmt.Sprintf("[r IN relationships(p) | %s]", edgeList("r", "startNode(r)", "endNode(r)"))), write
			single.add("[]")
		default:
			return fmt.Errorf("%w: Path.%s", model.ErrUnplanned, f.Field)
		}
		fields = append(fields, pf)
	}
	r.cypher = fmt.Sprintf(`OPTIONAL MATCH (a:Entity {id: $from})
OPTIONAL MATCH (b:Entity {id: $to})
CALL (a, b) {
  WITH a, b WHERE a IS NOT NULL AND b IS NOT NULL AND a <> b AND $limit > 0
  MATCH p = %s((a)-[*..%d]-(b))
  WHERE all(r IN relationships(p) WHERE %s)
    AND all(x IN nodes(p) WHERE x = a OR %s)
  WITH p WHERE length(p) <= $maxHops
  WITH p ORDER BY [x IN nodes(p) | x.id], [r IN relationships(p) | type(r)], [r IN relationships(p) | elementId(r)]
  LIMIT $limit
  RETURN collect(%s) AS paths
}
RETURN [a IS NOT NULL, b IS NOT NULL, CASE WHEN a IS NULL THEN null ELSE %s END, paths] AS v`,
		fn, MaxPathHops, relCondition("r"), asOfConditionAt("x", traversalDate), pathCols.list(), single.list())
	writePath := func(w *jsonOut, p []any, st *bound) error {
		w.open('{')
		// single's and pathCols's columns line up field for field.
		for i, f := range fields {
			w.key(i == 0, f.key)
			switch {
			case f.length:
				n, _ := p[0].(int64)
				w.int(n)
			case f.typ:
				w.str("Path")
			case f.nodes != nil:
				nodes, _ := p[f.col].([]any)
				if err := f.nodes(w, nodes, st); err != nil {
					return err
				}
			case f.edge != nil:
				edges, _ := p[f.col].([]any)
				w.open('[')
				for j, e := range edges {
					if j > 0 {
						w.comma()
					}
					el, _ := e.([]any)
					if err := f.edge(w, el); err != nil {
						return err
					}
				}
				w.close(']')
			}
		}
		w.close('}')
		return nil
	}
	r.decode = func(res *neo4j.EagerResult, st *bound, w *jsonOut) error {
		if len(res.Records) != 1 {
			return fmt.Errorf("%d records, want 1", len(res.Records))
		}
		v, _ := res.Records[0].Values[0].([]any)
		if found, _ := v[0].(bool); !found {
			return model.Errorf(model.CodeNotFound, "no node with id %q", st.params["from"])
		}
		if found, _ := v[1].(bool); !found {
			return model.Errorf(model.CodeNotFound, "no node with id %q", st.params["to"])
		}
		paths, _ := v[3].([]any)
		if st.params["from"] == st.params["to"] {
			paths = []any{v[2]}
		}
		if !all {
			if len(paths) == 0 {
				w.null()
				return nil
			}
			p, _ := paths[0].([]any)
			return writePath(w, p, st)
		}
		w.open('[')
		for i, pv := range paths {
			if i > 0 {
				w.comma()
			}
			p, _ := pv.([]any)
			if err := writePath(w, p, st); err != nil {
				return err
			}
		}
		w.close(']')
		return nil
	}
	return nil
}

// neighbourhoodRoot compiles a neighbourhood: the nodes within depth
// undirected hops of a node, at most limit of them by level then id, and
// the relationships among them. Its text holds every level up to the
// greatest depth, each run only when the depth asks for it, so the text
// does not depend on the depth.
func (c *compiler) neighbourhoodRoot(r *Read, sel *model.Selection) error {
	if err := c.bind(func(env model.ReadEnv, st *bound) error {
		id, err := decodeArg[string](sel, "id", env.Vars)
		if err != nil {
			return err
		}
		depth, err := intArg(sel, "depth", env.Vars, 1, 1, model.MaxNeighbourhoodDepth)
		if err != nil {
			return err
		}
		limit, err := intArg(sel, "limit", env.Vars, 100, 1, model.MaxSubgraph)
		if err != nil {
			return err
		}
		st.params["id"], st.params["depth"], st.params["limit"] = id, depth, limit
		return traversalArgs(sel, env, st)
	}); err != nil {
		return err
	}
	var q strings.Builder
	q.WriteString(`MATCH (root:Entity {id: $id})
WITH [root] AS seen, [root] AS frontier, false AS cut`)
	for d := 1; d <= model.MaxNeighbourhoodDepth; d++ {
		fmt.Fprintf(&q, `
CALL (seen, frontier, cut) {
  UNWIND CASE WHEN cut OR $depth < %d THEN [] ELSE frontier END AS a
  MATCH (a)-[r]-(b:Entity)
  WHERE NOT b IN seen AND %s AND %s
  WITH DISTINCT b ORDER BY b.id LIMIT $limit
  RETURN collect(b) AS found
}
WITH seen, found, cut, $limit - size(seen) AS room
WITH seen + found[0..room] AS seen, found[0..room] AS frontier, cut OR size(found) > room AS cut`, d, relCondition("r"), asOfConditionAt("b", traversalDate))
	}
	out := newCols()
	out.add("cut")
	type subField struct {
		key   string
		col   int
		nodes func(w *jsonOut, nodes []any, st *bound) error
		edge  func(w *jsonOut, e []any) error
		kind  string
	}
	var fields []subField
	edgesSelected := false
	for i := range sel.Fields {
		f := &sel.Fields[i]
		sf := subField{key: f.Alias, kind: f.Field}
		switch f.Field {
		case "truncated", "__typename":
		case "nodes":
			expr, write, err := c.nodesField(f, "seen")
			if err != nil {
				return err
			}
			sf.col, sf.nodes = out.add(expr), write
		case "edges":
			write, err := edgeObject(f)
			if err != nil {
				return err
			}
			sf.col, sf.edge = out.add("edges"), write
			edgesSelected = true
		default:
			return fmt.Errorf("%w: Subgraph.%s", model.ErrUnplanned, f.Field)
		}
		fields = append(fields, sf)
	}
	// Every qualifying relationship among the returned nodes, not only
	// those the walk crossed; each is found once, from its start node.
	if edgesSelected {
		fmt.Fprintf(&q, `
CALL (seen) {
  UNWIND CASE WHEN size(seen) > 1 THEN seen ELSE [] END AS a
  MATCH (a)-[r]->(b:Entity)
  WHERE b IN seen AND %s
  RETURN collect(%s) AS edges
}`, relCondition("r"), edgeList("r", "a", "b"))
	}
	fmt.Fprintf(&q, "\nRETURN %s AS v", out.list())
	r.cypher = q.String()
	r.decode = func(res *neo4j.EagerResult, st *bound, w *jsonOut) error {
		if len(res.Records) == 0 {
			return model.Errorf(model.CodeNotFound, "no node with id %q", st.params["id"])
		}
		v, _ := res.Records[0].Values[0].([]any)
		w.open('{')
		for i, f := range fields {
			w.key(i == 0, f.key)
			switch f.kind {
			case "truncated":
				cut, _ := v[0].(bool)
				w.bool(cut)
			case "__typename":
				w.str("Subgraph")
			case "nodes":
				nodes, _ := v[f.col].([]any)
				if err := f.nodes(w, nodes, st); err != nil {
					return err
				}
			case "edges":
				found, _ := v[f.col].([]any)
				edges := make([][]any, 0, len(found))
				dup := map[string]bool{}
				for _, e := range found {
					el, _ := e.([]any)
					if eid, _ := el[4].(string); !dup[eid] {
						dup[eid] = true
						edges = append(edges, el)
					}
				}
				sort.Slice(edges, func(i, j int) bool {
					a, b := edges[i], edges[j]
					for _, k := range []int{0, 1, 2, 4} {
						x, _ := a[k].(string)
						y, _ := b[k].(string)
						if x != y {
							return x < y
						}
					}
					return false
				})
				w.open('[')
				for j, e := range edges {
					if j > 0 {
						w.comma()
					}
					if err := f.edge(w, e); err != nil {
						return err
					}
				}
				w.close(']')
			}
		}
		w.close('}')
		return nil
	}
	return nil
}
