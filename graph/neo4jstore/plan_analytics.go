package neo4jstore

// Analytics of a connection (aggregate, groupBy, values): figures over all
// the results a connection matches, not only its page, compiled into
// subqueries of the same statement as the page. Each reads the
// connection's own MATCH, so its filters, its as-of date and the statuses
// of treaty participations on its day hold for the figures as for the
// page.

import (
	"fmt"
	"sort"
	"strings"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// aggScope is what the analytics of a connection read: the clauses that
// bind one row per result, and the variables they bind.
type aggScope struct {
	// match binds one row per result of the connection.
	match string
	// node is the variable of the listed node, rel that of the
	// relationship leading to it ("" when there is none).
	node, rel string
	// part is the state-treaty pair of a participation connection.
	part *participation
	// asOf and day read the connection's as-of date (null for none) and
	// the day its statuses are read on.
	asOf, day string
	// count counts the results, as totalCount does.
	count string
}

// Limits of the analytics' arguments.
const (
	maxGroupKeys   = 3
	maxGroupFirst  = model.MaxPage
	maxGroupNodes  = 100
	defGroupFirst  = 50
	defGroupNodes  = 10
	dateKeyPattern = `'[0-9]{4}(-[0-9]{2}){0,2}'`
)

// reservedProperties are the store's own properties, which no field reads.
var reservedProperties = map[string]bool{
	keySourceURLs: true, keySourceTtl: true, keySourceDate: true, keyJSON: true, keyOrigin: true, keyKey: true,
	keyFrom: true, keyUntil: true, keyVersion: true, keyElision: true, keySortNameEn: true, keySortNameFr: true,
	keyVariants: true, keyFigures: true, keyAliasText: true,
}

// participationEdgeFields are the edge fields of a treaty participation,
// read as its edge shows them on the connection's day: a step's date only
// once the step may have happened (model.ShownOn).
var participationEdgeFields = map[string]func(p *participation) string{
	"signed":         func(p *participation) string { return shown(p.s+".date", p.day) },
	"ratified":       func(p *participation) string { return shown(p.r+".date", p.day) },
	"entryIntoForce": func(p *participation) string { return shown(p.r+".entryIntoForce", p.day) },
	"action":         func(p *participation) string { return p.r + ".action" },
}

func shown(date, day string) string {
	return fmt.Sprintf("(CASE WHEN %[1]s <= %[2]s THEN %[1]s END)", date, day)
}

// propertyRef checks a property name a client gives and returns the
// parameter holding it.
func propertyRef(b *builder, path, name string) (string, error) {
	if !propertyName.MatchString(name) || reservedProperties[name] {
		return "", model.Errorf(model.CodeBadUserInput, "%s: %q is not a property a field reads", path, name)
	}
	return b.param(name), nil
}

// value compiles one field reference into an expression over the scope's
// row, and the clauses that must precede it: a related node's id unwinds
// the row into one per related node (one with null when there is none).
func (sc *aggScope) value(b *builder, path string, node, edge *string, related *model.RelationRef) (expr, pre string, err error) {
	n := 0
	for _, set := range []bool{node != nil, edge != nil, related != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return "", "", model.Errorf(model.CodeBadUserInput, "%s: give exactly one of node, edge and related", path)
	}
	switch {
	case node != nil:
		p, err := propertyRef(b, path+".node", *node)
		if err != nil {
			return "", "", err
		}
		if *node == "coeStatus" {
			// Read as the CoeStatus enum the field answers.
			return "toUpper(" + sc.node + "[" + p + "])", "", nil
		}
		return sc.node + "[" + p + "]", "", nil
	case edge != nil:
		if sc.part != nil {
			get, ok := participationEdgeFields[*edge]
			if !ok {
				return "", "", model.Errorf(model.CodeBadUserInput, "%s.edge: a treaty participation has signed, ratified, entryIntoForce and action, not %q", path, *edge)
			}
			return get(sc.part), "", nil
		}
		if sc.rel == "" {
			return "", "", model.Errorf(model.CodeBadUserInput, "%s.edge: this list's results are not reached through a relationship", path)
		}
		if *edge == "type" {
			return "type(" + sc.rel + ")", "", nil
		}
		p, err := propertyRef(b, path+".edge", *edge)
		if err != nil {
			return "", "", err
		}
		return sc.rel + "[" + p + "]", "", nil
	}
	typ := string(related.Type)
	if !model.IsRelationType(typ) {
		return "", "", model.Errorf(model.CodeBadUserInput, "%s.related: unknown relationship type %q", path, typ)
	}
	dir := model.DirectionBoth
	if related.Direction != nil && related.Direction.IsValid() {
		dir = *related.Direction
	}
	q, o, l, v := b.fresh("q"), b.fresh("o"), b.fresh("rl"), b.fresh("rv")
	list := fmt.Sprintf("COLLECT { MATCH %s WHERE %s AND %s RETURN DISTINCT %s.id }",
		pattern(sc.node, q, typ, o, "Entity", dir), relAsOfConditionOf(q, typ, sc.asOf), asOfConditionAt(o, sc.asOf), o)
	pre = fmt.Sprintf("\n  WITH *, %[1]s AS %[2]s\n  UNWIND CASE WHEN size(%[2]s) = 0 THEN [null] ELSE %[2]s END AS %[3]s", list, l, v)
	return v, pre, nil
}

// bucket reads a value as a group key: a date bucketed by interval, any
// other value as text.
func bucket(v string, interval model.TimeInterval) string {
	var date string
	switch interval {
	case model.TimeIntervalMonth:
		date = fmt.Sprintf("left(%s, 7)", v)
	case model.TimeIntervalQuarter:
		date = fmt.Sprintf("(CASE WHEN size(%[1]s) = 4 THEN %[1]s ELSE left(%[1]s, 4) + '-Q' + toString((toInteger(substring(%[1]s, 5, 2)) + 2) / 3) END)", v)
	default:
		date = fmt.Sprintf("left(%s, 4)", v)
	}
	return fmt.Sprintf("(CASE WHEN %[1]s =~ %[2]s THEN %[3]s ELSE toStringOrNull(%[1]s) END)", v, dateKeyPattern, date)
}

// statusNames are the TreatyStatus values by level.
const statusNames = "['NOT_SIGNED', 'SIGNED', 'RATIFIED', 'IN_FORCE']"

// groupKey compiles one key of a group-by: its expression and the clauses
// before it, and whether it is a related node's id.
func (sc *aggScope) groupKey(b *builder, i int, k model.GroupKey, interval model.TimeInterval) (expr, pre string, related bool, err error) {
	path := fmt.Sprintf("keys[%d]", i)
	flags := 0
	for _, f := range []*bool{k.Kind, k.Status, k.PossibleStatus, k.Certain} {
		if f != nil && *f {
			flags++
		}
	}
	others := 0
	for _, set := range []bool{k.Node != nil, k.Edge != nil, k.Related != nil} {
		if set {
			others++
		}
	}
	if flags+others != 1 {
		return "", "", false, model.Errorf(model.CodeBadUserInput, "%s: give exactly one of kind, status, possibleStatus, certain, node, edge and related", path)
	}
	participationOnly := func(name string) error {
		return model.Errorf(model.CodeBadUserInput, "%s.%s: only treaty participations (parties, participants, treaties) have a status", path, name)
	}
	switch {
	case k.Kind != nil && *k.Kind:
		l := fmt.Sprintf("head([l IN labels(%s) WHERE l IN %s])", sc.node, labelsText)
		return fmt.Sprintf("(CASE %[1]s WHEN 'MonitoringRound' THEN 'MONITORING_ROUND' ELSE toUpper(%[1]s) END)", l), "", false, nil
	case k.Status != nil && *k.Status:
		if sc.part == nil {
			return "", "", false, participationOnly("status")
		}
		return fmt.Sprintf("(CASE WHEN %s THEN 'UNKNOWN' ELSE %s[%s] END)", sc.part.disputed(), statusNames, sc.part.certainVar()), "", false, nil
	case k.PossibleStatus != nil && *k.PossibleStatus:
		if sc.part == nil {
			return "", "", false, participationOnly("possibleStatus")
		}
		return fmt.Sprintf("(CASE WHEN %s THEN 'UNKNOWN' ELSE %s[%s] END)", sc.part.disputed(), statusNames, sc.part.possibleVar()), "", false, nil
	case k.Certain != nil && *k.Certain:
		if sc.part == nil {
			return "", "", false, participationOnly("certain")
		}
		return fmt.Sprintf("(CASE WHEN %s THEN 'true' ELSE 'false' END)", sc.part.certain()), "", false, nil
	}
	v, pre, err := sc.value(b, path, k.Node, k.Edge, k.Related)
	if err != nil {
		return "", "", false, err
	}
	switch {
	case k.Related != nil:
		return v, pre, true, nil
	case interval == "":
		// Listed as written (values), not bucketed.
		return "toStringOrNull(" + v + ")", pre, false, nil
	}
	return bucket(v, interval), pre, false, nil
}

// aggregate compiles a connection's aggregate field.
func (c *compiler) aggregate(f *model.Selection, sc *aggScope, heavy func(string) int) (valueWriter, error) {
	if w, ok, err := c.aggregateOnce(f, sc, heavy); ok || err != nil {
		return w, err
	}
	var fields []fieldWriter
	for i := range f.Fields {
		af := &f.Fields[i]
		switch af.Field {
		case "__typename":
			fields = append(fields, fieldWriter{af.Alias, func(w *jsonOut, _ []any, _ *bound) error { w.str("Aggregate"); return nil }})
		case "count":
			col := heavy(sc.count)
			fields = append(fields, fieldWriter{af.Alias, func(w *jsonOut, row []any, _ *bound) error {
				n, _ := row[col].(int64)
				w.int(n)
				return nil
			}})
		case "distinct", "min", "max":
			// Neo4j refuses an aggregating function in a subquery nested
			// in a projection's list, so the figures are read without one.
			tmpl := aggregateTemplates[af.Field]
			text, err := c.fragment(sc.asOf, sc.day, func(env model.ReadEnv, b *builder) (string, error) {
				ref, err := decodeArg[*model.FieldRef](af, "field", env.Vars)
				if err != nil {
					return "", err
				}
				if ref == nil {
					return "", model.Errorf(model.CodeBadUserInput, "%s: field is required", af.Field)
				}
				v, pre, err := sc.value(b, "field", ref.Node, ref.Edge, ref.Related)
				if err != nil {
					return "", err
				}
				return fmt.Sprintf(tmpl, sc.match, pre, v), nil
			})
			if err != nil {
				return nil, err
			}
			col := heavy(text)
			if af.Field == "distinct" {
				fields = append(fields, fieldWriter{af.Alias, func(w *jsonOut, row []any, _ *bound) error {
					n, _ := row[col].(int64)
					w.int(n)
					return nil
				}})
				continue
			}
			fields = append(fields, fieldWriter{af.Alias, func(w *jsonOut, row []any, _ *bound) error {
				writeText(w, row[col])
				return nil
			}})
		default:
			return nil, fmt.Errorf("%w: Aggregate.%s", model.ErrUnplanned, af.Field)
		}
	}
	return func(w *jsonOut, row []any, st *bound) error { return writeObject(w, fields, row, st) }, nil
}

// aggregateTemplates read one figure of an aggregate in a subquery of its
// own. Neo4j refuses an aggregating function in a subquery nested in a
// projection's list, so the figures are read without one.
var aggregateTemplates = map[string]string{
	"distinct": "size(COLLECT { %s%s\n  WITH DISTINCT %s AS a WHERE a IS NOT NULL RETURN a })",
	"min":      "head(COLLECT { %s%s\n  WITH %s AS a WHERE a IS NOT NULL RETURN a ORDER BY a LIMIT 1 })",
	"max":      "head(COLLECT { %s%s\n  WITH %s AS a WHERE a IS NOT NULL RETURN a ORDER BY a DESC LIMIT 1 })",
}

// aggregateOnce compiles an aggregate that asks for more than one of
// count, min and max (and nothing else) into one subquery: the connection's
// rows are matched once, with the values the figures read, and each figure
// is folded from that list. A treaty's parties cost their statuses on the
// day once, not once per figure. A value read through related nodes, which
// multiplies the rows, keeps a subquery of its own. ok is false when the
// aggregate asks for something else.
func (c *compiler) aggregateOnce(f *model.Selection, sc *aggScope, heavy func(string) int) (valueWriter, bool, error) {
	n := 0
	for i := range f.Fields {
		switch f.Fields[i].Field {
		case "count", "min", "max":
			n++
		case "__typename":
		default:
			return nil, false, nil
		}
	}
	if n < 2 {
		return nil, false, nil
	}
	rows, acc, x := c.name("ar"), c.name("aa"), c.name("ax")
	text, err := c.fragment(sc.asOf, sc.day, func(env model.ReadEnv, b *builder) (string, error) {
		var vals, figures []string
		for i := range f.Fields {
			af := &f.Fields[i]
			switch af.Field {
			case "count":
				figures = append(figures, "size("+rows+")")
			case "min", "max":
				ref, err := decodeArg[*model.FieldRef](af, "field", env.Vars)
				if err != nil {
					return "", err
				}
				if ref == nil {
					return "", model.Errorf(model.CodeBadUserInput, "%s: field is required", af.Field)
				}
				v, pre, err := sc.value(b, "field", ref.Node, ref.Edge, ref.Related)
				if err != nil {
					return "", err
				}
				if pre != "" {
					figures = append(figures, fmt.Sprintf(aggregateTemplates[af.Field], sc.match, pre, v))
					continue
				}
				cmp := "<"
				if af.Field == "max" {
					cmp = ">"
				}
				item := fmt.Sprintf("%s[%d]", x, len(vals))
				vals = append(vals, v)
				figures = append(figures, fmt.Sprintf("reduce(%[1]s = null, %[2]s IN %[3]s | CASE WHEN %[4]s IS NULL THEN %[1]s WHEN %[1]s IS NULL OR %[4]s %[5]s %[1]s THEN %[4]s ELSE %[1]s END)",
					acc, x, rows, item, cmp))
			}
		}
		return fmt.Sprintf("[%s IN [COLLECT { %s\n  RETURN [%s] }] | [%s]][0]", rows, sc.match, strings.Join(vals, ", "), strings.Join(figures, ", ")), nil
	})
	if err != nil {
		return nil, true, err
	}
	col := heavy(text)
	var fields []fieldWriter
	j := 0
	for i := range f.Fields {
		af := &f.Fields[i]
		if af.Field == "__typename" {
			fields = append(fields, fieldWriter{af.Alias, func(w *jsonOut, _ []any, _ *bound) error { w.str("Aggregate"); return nil }})
			continue
		}
		k, count := j, af.Field == "count"
		j++
		fields = append(fields, fieldWriter{af.Alias, func(w *jsonOut, row []any, _ *bound) error {
			figures, _ := row[col].([]any)
			if k >= len(figures) {
				return fmt.Errorf("aggregate: %d figures, want more than %d", len(figures), k)
			}
			if count {
				n, _ := figures[k].(int64)
				w.int(n)
				return nil
			}
			writeText(w, figures[k])
			return nil
		}})
	}
	return func(w *jsonOut, row []any, st *bound) error { return writeObject(w, fields, row, st) }, true, nil
}

// writeText writes a value as text, null for none.
func writeText(w *jsonOut, v any) {
	switch x := v.(type) {
	case nil:
		w.null()
	case string:
		w.str(x)
	default:
		w.str(fmt.Sprint(x))
	}
}

// groupSpec is a group-by as one request gives it.
type groupSpec struct {
	keys     []model.GroupKey
	interval model.TimeInterval
	first    int
	sort     []model.GroupSort
	having   *model.GroupHaving
}

// groupArgs reads the arguments of a groupBy field, or of a values field
// as the group-by by its one field, most frequent first.
func groupArgs(f *model.Selection, vars map[string]any) (groupSpec, error) {
	spec := groupSpec{interval: model.TimeIntervalYear, first: defGroupFirst}
	first, err := decodeArg[*int](f, "first", vars)
	if err != nil {
		return spec, err
	}
	if first != nil {
		spec.first = *first
	}
	if spec.first < 0 || spec.first > maxGroupFirst {
		return spec, model.Errorf(model.CodeBadUserInput, "%s.first: %d is outside 0..%d", f.Field, spec.first, maxGroupFirst)
	}
	if f.Field == "values" {
		ref, err := decodeArg[*model.FieldRef](f, "field", vars)
		if err != nil {
			return spec, err
		}
		if ref == nil {
			return spec, model.Errorf(model.CodeBadUserInput, "values: field is required")
		}
		spec.keys = []model.GroupKey{{Node: ref.Node, Edge: ref.Edge, Related: ref.Related}}
		// Values are listed as written, not bucketed.
		spec.interval = ""
		return spec, nil
	}
	if spec.keys, err = decodeArg[[]model.GroupKey](f, "keys", vars); err != nil {
		return spec, err
	}
	if len(spec.keys) == 0 || len(spec.keys) > maxGroupKeys {
		return spec, model.Errorf(model.CodeBadUserInput, "groupBy.keys: give 1 to %d keys, not %d", maxGroupKeys, len(spec.keys))
	}
	iv, err := decodeArg[*model.TimeInterval](f, "interval", vars)
	if err != nil {
		return spec, err
	}
	if iv != nil {
		spec.interval = *iv
	}
	if spec.sort, err = decodeArg[[]model.GroupSort](f, "sort", vars); err != nil {
		return spec, err
	}
	spec.having, err = decodeArg[*model.GroupHaving](f, "having", vars)
	return spec, err
}

// groupBy compiles a connection's groupBy or values field. Neo4j refuses an
// aggregating function in a subquery nested in a projection's list, so the
// statement returns each result's key, in the order of the nodes' ids (and
// the node, where the groups' nodes are selected), and the groups are
// counted, filtered, sorted and cut here.
func (c *compiler) groupBy(f *model.Selection, sc *aggScope, heavy func(string) int) (valueWriter, error) {
	values := f.Field == "values"
	gn, gkey, kv, kid := c.name("gn"), c.name("gkey"), c.name("kv"), c.name("kid")
	type sub struct {
		alias, field string
		col          int
		write        valueWriter
		first        string
	}
	var subs []sub
	// rowCols are the projections of a result's node, after its key;
	// keyCols those of a related key's node, after its id.
	var rowCols, keyCols []string
	for i := range f.Fields {
		sf := &f.Fields[i]
		switch sf.Field {
		case "__typename", "key", "count", "value":
			subs = append(subs, sub{alias: sf.Alias, field: sf.Field})
		case "nodes":
			byLabel, concrete := selectionsByLabel(sf, "")
			proj, write, err := c.node(gn, byLabel, concrete)
			if err != nil {
				return nil, err
			}
			nf := c.name("nf")
			if err := c.bind(func(env model.ReadEnv, st *bound) error {
				first, err := decodeArg[*int](sf, "first", env.Vars)
				if err != nil {
					return err
				}
				n := defGroupNodes
				if first != nil {
					n = *first
				}
				if n < 0 || n > maxGroupNodes {
					return model.Errorf(model.CodeBadUserInput, "nodes.first: %d is outside 0..%d", n, maxGroupNodes)
				}
				st.extra[nf] = n
				return nil
			}); err != nil {
				return nil, err
			}
			rowCols = append(rowCols, proj)
			subs = append(subs, sub{alias: sf.Alias, field: "nodes", col: len(rowCols), write: write, first: nf})
		case "keyNode", "node":
			byLabel, concrete := selectionsByLabel(sf, "")
			proj, write, err := c.node(kv, byLabel, concrete)
			if err != nil {
				return nil, err
			}
			keyCols = append(keyCols, proj)
			subs = append(subs, sub{alias: sf.Alias, field: "keyNode", col: len(keyCols), write: write})
		default:
			return nil, fmt.Errorf("%w: %s.%s", model.ErrUnplanned, f.Type, sf.Field)
		}
	}
	specKey := c.name("spec")
	if err := c.bind(func(env model.ReadEnv, st *bound) error {
		spec, err := groupArgs(f, env.Vars)
		st.extra[specKey] = spec
		return err
	}); err != nil {
		return nil, err
	}
	text, err := c.fragment(sc.asOf, sc.day, func(env model.ReadEnv, b *builder) (string, error) {
		spec, err := groupArgs(f, env.Vars)
		if err != nil {
			return "", err
		}
		var pres, exprs []string
		relKey, relPre := "", ""
		for i, k := range spec.keys {
			e, pre, related, err := sc.groupKey(b, i, k, spec.interval)
			if err != nil {
				return "", err
			}
			if related && relKey == "" {
				relKey, relPre = e, pre
			}
			pres = append(pres, pre)
			exprs = append(exprs, e)
		}
		extra := ""
		if len(rowCols) > 0 {
			extra = ", " + strings.Join(rowCols, ", ")
		}
		rows := fmt.Sprintf("COLLECT { %[1]s%[2]s\n  WITH %[3]s AS %[4]s, [%[5]s] AS %[6]s ORDER BY %[4]s.id\n  RETURN [%[6]s%[7]s] }",
			sc.match, strings.Join(pres, ""), sc.node, gn, strings.Join(exprs, ", "), gkey, extra)
		keyNodes := "[]"
		if relKey != "" && len(keyCols) > 0 {
			keyNodes = fmt.Sprintf("COLLECT { %[1]s%[2]s\n  WITH DISTINCT %[3]s AS %[4]s WHERE %[4]s IS NOT NULL\n  MATCH (%[5]s:Entity {id: %[4]s})\n  RETURN [%[4]s, %[6]s] }",
				sc.match, relPre, relKey, kid, kv, strings.Join(keyCols, ", "))
		}
		return "[" + rows + ", " + keyNodes + "]", nil
	})
	if err != nil {
		return nil, err
	}
	col := heavy(text)
	typeName := "Group"
	if values {
		typeName = "ValueCount"
	}
	return func(w *jsonOut, parent []any, st *bound) error {
		spec, _ := st.extra[specKey].(groupSpec)
		pair, _ := parent[col].([]any)
		if len(pair) != 2 {
			return fmt.Errorf("%s: the groups' column holds %d values, want 2", f.Field, len(pair))
		}
		rows, _ := pair[0].([]any)
		groups := countGroups(rows, spec)
		relIndex := -1
		for i, k := range spec.keys {
			if k.Related != nil {
				relIndex = i
				break
			}
		}
		keyNodes := map[string][]any{}
		knodes, _ := pair[1].([]any)
		for _, kn := range knodes {
			row, _ := kn.([]any)
			if len(row) > 0 {
				id, _ := row[0].(string)
				keyNodes[id] = row
			}
		}
		w.open('[')
		for i, g := range groups {
			if i > 0 {
				w.comma()
			}
			w.open('{')
			for j, s := range subs {
				w.key(j == 0, s.alias)
				switch s.field {
				case "__typename":
					w.str(typeName)
				case "key":
					w.open('[')
					for x, k := range g.key {
						if x > 0 {
							w.comma()
						}
						writeText(w, k)
					}
					w.close(']')
				case "value":
					if len(g.key) > 0 {
						writeText(w, g.key[0])
					} else {
						w.null()
					}
				case "count":
					w.int(int64(g.count))
				case "nodes":
					n, _ := st.extra[s.first].(int)
					w.open('[')
					for x, row := range g.rows[:min(n, len(g.rows))] {
						if x > 0 {
							w.comma()
						}
						nrow, _ := row[s.col].([]any)
						if err := s.write(w, nrow, st); err != nil {
							return err
						}
					}
					w.close(']')
				case "keyNode":
					var id string
					if relIndex >= 0 && relIndex < len(g.key) {
						id, _ = g.key[relIndex].(string)
					}
					row, ok := keyNodes[id]
					if !ok {
						w.null()
						continue
					}
					nrow, _ := row[s.col].([]any)
					if err := s.write(w, nrow, st); err != nil {
						return err
					}
				}
			}
			w.close('}')
		}
		w.close(']')
		return nil
	}, nil
}

// group is one group of a group-by: its key, how many results it holds,
// and their rows in the order of their nodes' ids.
type group struct {
	key   []any
	count int
	rows  [][]any
}

// countGroups groups the rows of a group-by (each its key first), keeps
// the groups its having allows, and sorts and cuts them as it says.
func countGroups(rows []any, spec groupSpec) []*group {
	index := map[string]*group{}
	var groups []*group
	for _, rv := range rows {
		row, _ := rv.([]any)
		if len(row) == 0 {
			continue
		}
		key, _ := row[0].([]any)
		id := fmt.Sprintf("%q", key)
		g, ok := index[id]
		if !ok {
			g = &group{key: key}
			index[id] = g
			groups = append(groups, g)
		}
		g.count++
		g.rows = append(g.rows, row)
	}
	kept := groups[:0]
	for _, g := range groups {
		if spec.having == nil || intMatches(g.count, spec.having.Count) {
			kept = append(kept, g)
		}
	}
	groups = kept
	sortSpec := spec.sort
	if len(sortSpec) == 0 {
		desc := model.SortDirectionDesc
		sortSpec = []model.GroupSort{{Field: model.GroupSortFieldCount, Direction: &desc}}
	}
	sort.SliceStable(groups, func(i, j int) bool {
		a, b := groups[i], groups[j]
		for _, s := range sortSpec {
			var c int
			if s.Field == model.GroupSortFieldCount {
				c = cmpInt(a.count, b.count)
			} else {
				c = compareKeys(a.key, b.key)
			}
			if s.Direction != nil && *s.Direction == model.SortDirectionDesc {
				c = -c
			}
			if c != 0 {
				return c < 0
			}
		}
		return compareKeys(a.key, b.key) < 0
	})
	if len(groups) > spec.first {
		groups = groups[:spec.first]
	}
	return groups
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compareKeys compares two group keys value by value as text, a null
// value after every other.
func compareKeys(a, b []any) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		switch {
		case x == nil && y == nil:
			continue
		case x == nil:
			return 1
		case y == nil:
			return -1
		}
		if c := strings.Compare(fmt.Sprint(x), fmt.Sprint(y)); c != 0 {
			return c
		}
	}
	return cmpInt(len(a), len(b))
}

// intMatches reports whether n satisfies f (nil: any n).
func intMatches(n int, f *model.IntFilter) bool {
	if f == nil {
		return true
	}
	return (f.Eq == nil || n == *f.Eq) && (f.Lt == nil || n < *f.Lt) && (f.Lte == nil || n <= *f.Lte) &&
		(f.Gt == nil || n > *f.Gt) && (f.Gte == nil || n >= *f.Gte)
}
