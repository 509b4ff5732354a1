package neo4jstore

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// Paging limits, as the API documents them.
const (
	planDefaultFirst = model.DefaultPage
	planMaxFirst     = model.MaxPage
)

// whereTypes are the filter inputs of each label's connections, and of
// connections of any node ("").
var whereTypes = map[string]reflect.Type{
	"Instrument":      reflect.TypeFor[*model.InstrumentWhere](),
	"Body":            reflect.TypeFor[*model.BodyWhere](),
	"Project":         reflect.TypeFor[*model.ProjectWhere](),
	"Country":         reflect.TypeFor[*model.CountryWhere](),
	"Resource":        reflect.TypeFor[*model.ResourceWhere](),
	"Event":           reflect.TypeFor[*model.EventWhere](),
	"MonitoringRound": reflect.TypeFor[*model.MonitoringRoundWhere](),
	"Topic":           reflect.TypeFor[*model.TopicWhere](),
	"":                reflect.TypeFor[*model.NodeWhere](),
}

// decodeWhere reads the filter argument name of f, one of label's filter
// inputs, as the typed value builder.where compiles.
func decodeWhere(f *model.Selection, name, label string, vars map[string]any) (any, error) {
	in, ok := f.Args[name]
	if !ok {
		return nil, nil
	}
	v, err := decodeInput(in.Resolve(vars), whereTypes[label], name)
	if err != nil {
		return nil, err
	}
	return v.Interface(), nil
}

// pageParams name a connection's paging parameters.
type pageParams struct{ limit, after, asOf, day string }

// asOfRef reads the connection's as-of date, null when it has none.
func (pp pageParams) asOfRef() string { return dateRef("$" + pp.asOf) }

func (c *compiler) pageParams() pageParams {
	p := c.name("c")
	return pageParams{limit: p + "l", after: p + "k", asOf: p + "a", day: p + "d"}
}

// paging binds a connection's first, after and asOf to the parameters pp
// and its state: nkeys is the length of its cursors' keys, list the list
// its cursors belong to, defFirst its page size when first is null.
func (c *compiler) paging(f *model.Selection, pp pageParams, nkeys func(env model.ReadEnv) (int, error), list func(env model.ReadEnv) (model.CursorList, error), defFirst int) (int, error) {
	k := c.conns
	c.conns++
	err := c.bind(func(env model.ReadEnv, st *bound) error {
		first, err := decodeArg[*int](f, "first", env.Vars)
		if err != nil {
			return err
		}
		n := defFirst
		if first != nil {
			n = *first
		}
		if n < 0 || n > planMaxFirst {
			return model.Errorf(model.CodeBadUserInput, "first: %d is outside 0..%d", n, planMaxFirst)
		}
		asOf, err := decodeArg[*model.Date](f, "asOf", env.Vars)
		if err != nil {
			return err
		}
		day := env.Today
		asOfV := ""
		if asOf != nil {
			// A date known only to the month or year is read from its
			// first day.
			day = asOf.First()
			asOfV = string(day)
		}
		l, err := list(env)
		if err != nil {
			return err
		}
		after, err := decodeArg[*string](f, "after", env.Vars)
		if err != nil {
			return err
		}
		// The cursor's keys after a flag saying there is a cursor: a list
		// of mixed types either way, so the parameter keeps its type
		// (see dateRef).
		keys := []any{false, ""}
		if after != nil {
			cur, err := l.Decode(*after)
			if err != nil {
				return err
			}
			want, err := nkeys(env)
			if err != nil {
				return err
			}
			if len(cur.Keys) != want {
				return model.Errorf(model.CodeBadUserInput, "after: the cursor belongs to another list or sort order")
			}
			keys = append([]any{true}, cur.Keys...)
		}
		st.params[pp.limit] = int64(n + 1)
		st.params[pp.after] = keys
		st.params[pp.asOf] = asOfV
		st.params[pp.day] = string(day)
		st.conns[k] = connState{first: n, hasPrev: after != nil, day: day, list: l}
		return nil
	})
	return k, err
}

func fixedKeys(n int) func(model.ReadEnv) (int, error) {
	return func(model.ReadEnv) (int, error) { return n, nil }
}

// keysetText is the condition that keeps the rows after the cursor in the
// parameter after, a flag saying whether there is a cursor followed by its
// keys: the keys compared in their directions, each tie broken by the next.
func keysetText(keys []string, desc []bool, after string) string {
	alts := make([]string, len(keys))
	for i := range keys {
		var c []string
		for j := 0; j < i; j++ {
			c = append(c, fmt.Sprintf("%s = %s[%d]", keys[j], after, j+1))
		}
		op := ">"
		if desc[i] {
			op = "<"
		}
		alts[i] = strings.Join(append(c, fmt.Sprintf("%s %s %s[%d]", keys[i], op, after, i+1)), " AND ")
	}
	return fmt.Sprintf("(NOT %s[0] OR (%s))", after, strings.Join(alts, ") OR ("))
}

// languageFragment compiles the sort-name property of the language
// argument of f.
func (c *compiler) languageFragment(f *model.Selection, pp pageParams) (string, error) {
	return c.fragment(pp.asOfRef(), "$"+pp.day, func(env model.ReadEnv, _ *builder) (string, error) {
		l, err := decodeArg[*model.Language](f, "language", env.Vars)
		if err != nil {
			return "", err
		}
		return sortNameKey(languageOf(l)), nil
	})
}

func languageOf(l *model.Language) model.Language {
	if l == nil || !l.IsValid() {
		return model.LanguageEn
	}
	return *l
}

// edgeField compiles one field of an edge into a writer of its value, from
// the edge's row (the columns rc lists) and its parent node's row.
type edgeField func(ef *model.Selection, rc *cols) (edgeWriter, error)

type edgeWriter func(w *jsonOut, row, parent []any, st *bound) error

// connection compiles the answer of a connection field f whose state is
// conns[k]: rows writes the subquery of its page given the list of a row's
// columns (the first holds the sort keys, the list keys), total the subquery counting its
// matches, edge the fields of its edges. The subqueries become columns of
// the parent's projection cl, through heavy.
//
// sc is what the connection's analytics (aggregate, groupBy, values) read;
// nil for a connection that has none.
func (c *compiler) connection(f *model.Selection, k int, keys string, rows func(rowList string) string, total string, edge edgeField, heavy func(string) int, sc *aggScope) (valueWriter, error) {
	rc := newCols()
	rc.add(keys)
	var needRows, needCursors bool
	type part struct {
		key   string
		write func(w *jsonOut, page []any, hasNext bool, cursors []string, parent []any, total int64, st *bound) error
	}
	var parts []part
	totalCol := -1
	for i := range f.Fields {
		cf := &f.Fields[i]
		switch cf.Field {
		case "__typename":
			name := f.Type
			parts = append(parts, part{cf.Alias, func(w *jsonOut, _ []any, _ bool, _ []string, _ []any, _ int64, _ *bound) error {
				w.str(name)
				return nil
			}})
		case "totalCount":
			if totalCol < 0 {
				totalCol = heavy(total)
			}
			parts = append(parts, part{cf.Alias, func(w *jsonOut, _ []any, _ bool, _ []string, _ []any, total int64, _ *bound) error {
				w.int(total)
				return nil
			}})
		case "pageInfo":
			needRows, needCursors = true, true
			pf := cf
			for _, sf := range pf.Fields {
				switch sf.Field {
				case "hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename":
				default:
					return nil, fmt.Errorf("%w: PageInfo.%s", model.ErrUnplanned, sf.Field)
				}
			}
			parts = append(parts, part{cf.Alias, func(w *jsonOut, _ []any, hasNext bool, cursors []string, _ []any, _ int64, st *bound) error {
				w.open('{')
				for j, sf := range pf.Fields {
					w.key(j == 0, sf.Alias)
					switch sf.Field {
					case "hasNextPage":
						w.bool(hasNext)
					case "hasPreviousPage":
						w.bool(st.conns[k].hasPrev)
					case "startCursor":
						if len(cursors) == 0 {
							w.null()
						} else {
							w.str(cursors[0])
						}
					case "endCursor":
						if len(cursors) == 0 {
							w.null()
						} else {
							w.str(cursors[len(cursors)-1])
						}
					default:
						w.str("PageInfo")
					}
				}
				w.close('}')
				return nil
			}})
		case "edges":
			needRows = true
			edgeType := cf.Type
			var fields []fieldWriter
			var writers []edgeWriter
			for j := range cf.Fields {
				ef := &cf.Fields[j]
				var ew edgeWriter
				switch ef.Field {
				case "__typename":
					ew = func(w *jsonOut, _, _ []any, _ *bound) error { w.str(edgeType); return nil }
				case "cursor":
					needCursors = true
					// The cursor is written by the caller, which knows the
					// row's position.
					ew = nil
				default:
					var err error
					if ew, err = edge(ef, rc); err != nil {
						return nil, err
					}
				}
				fields = append(fields, fieldWriter{key: ef.Alias})
				writers = append(writers, ew)
			}
			parts = append(parts, part{cf.Alias, func(w *jsonOut, page []any, _ bool, cursors []string, parent []any, _ int64, st *bound) error {
				w.open('[')
				for i, rv := range page {
					if i > 0 {
						w.comma()
					}
					row, _ := rv.([]any)
					w.open('{')
					for j, fw := range fields {
						w.key(j == 0, fw.key)
						if writers[j] == nil {
							w.str(cursors[i])
							continue
						}
						if err := writers[j](w, row, parent, st); err != nil {
							return err
						}
					}
					w.close('}')
				}
				w.close(']')
				return nil
			}})
		case "aggregate", "groupBy", "values":
			if sc == nil {
				return nil, fmt.Errorf("%w: %s.%s", model.ErrUnplanned, f.Type, cf.Field)
			}
			var aw valueWriter
			var err error
			if cf.Field == "aggregate" {
				aw, err = c.aggregate(cf, sc, heavy)
			} else {
				aw, err = c.groupBy(cf, sc, heavy)
			}
			if err != nil {
				return nil, err
			}
			parts = append(parts, part{cf.Alias, func(w *jsonOut, _ []any, _ bool, _ []string, parent []any, _ int64, st *bound) error {
				return aw(w, parent, st)
			}})
		default:
			return nil, fmt.Errorf("%w: %s.%s", model.ErrUnplanned, f.Type, cf.Field)
		}
	}
	rowsCol := -1
	if needRows {
		rowsCol = heavy(rows(rc.list()))
	}
	return func(w *jsonOut, parent []any, st *bound) error {
		cs := st.conns[k]
		var page []any
		if rowsCol >= 0 {
			page, _ = parent[rowsCol].([]any)
		}
		hasNext := len(page) > cs.first
		if hasNext {
			page = page[:cs.first]
		}
		var cursors []string
		if needCursors {
			cursors = make([]string, len(page))
			for i, rv := range page {
				row, _ := rv.([]any)
				keys, _ := row[0].([]any)
				cursors[i] = cs.list.Encode(keys)
			}
		}
		var total int64
		if totalCol >= 0 {
			total, _ = parent[totalCol].(int64)
		}
		w.open('{')
		for i, p := range parts {
			w.key(i == 0, p.key)
			if err := p.write(w, page, hasNext, cursors, parent, total, st); err != nil {
				return err
			}
		}
		w.close('}')
		return nil
	}, nil
}

// nodeEdge compiles the node field of an edge: the node in variable v,
// of label (or any label when it is "").
func (c *compiler) nodeEdge(ef *model.Selection, rc *cols, v, label string) (edgeWriter, error) {
	byLabel, concrete := selectionsByLabel(ef, label)
	expr, write, err := c.node(v, byLabel, concrete)
	if err != nil {
		return nil, err
	}
	i := rc.add(expr)
	return func(w *jsonOut, row, _ []any, st *bound) error {
		n, _ := row[i].([]any)
		return write(w, n, st)
	}, nil
}

// selectionsByLabel returns the selections of a field whose value is a
// node of label, or of any label when label is "".
func selectionsByLabel(f *model.Selection, label string) (map[string][]model.Selection, bool) {
	if label != "" && f.ByType == nil {
		return map[string][]model.Selection{label: f.Fields}, true
	}
	if label != "" {
		return map[string][]model.Selection{label: f.ByType[label]}, true
	}
	return f.ByType, false
}

// relEdge compiles the fields of an edge that read its relationship, in
// variable r: type, properties, sources, key and version.
func relEdge(ef *model.Selection, rc *cols, r string) (edgeWriter, error) {
	i := rc.add(relProjection(r))
	switch ef.Field {
	case "type":
		return func(w *jsonOut, row, _ []any, _ *bound) error { t, _, _ := relOf(row[i]); w.str(t); return nil }, nil
	case "properties":
		return func(w *jsonOut, row, _ []any, _ *bound) error {
			_, props, _ := relOf(row[i])
			free := decodeFree(props)
			if free == nil {
				w.null()
				return nil
			}
			return w.value(free)
		}, nil
	case "sources":
		src, err := sourcesWriter(ef)
		if err != nil {
			return nil, err
		}
		return func(w *jsonOut, row, _ []any, _ *bound) error {
			_, props, _ := relOf(row[i])
			return src(w, decodeSources(props))
		}, nil
	case "key":
		return func(w *jsonOut, row, _ []any, _ *bound) error { _, _, k := relOf(row[i]); w.str(k); return nil }, nil
	case "version":
		return func(w *jsonOut, row, _ []any, _ *bound) error {
			_, props, _ := relOf(row[i])
			w.int(int64(versionOf(props)))
			return nil
		}, nil
	}
	return nil, fmt.Errorf("%w: edge field %s", model.ErrUnplanned, ef.Field)
}

// related compiles a typed relationship field f of the node in variable p
// of the given label: the nodes one declared hop away, filtered by where,
// ordered by name in the field's language, id and relationship key.
func (c *compiler) related(p, label string, f *model.Selection, cl *cols, heavy func(string) int) (valueWriter, error) {
	hop := *f.Relation
	far := hop.Label
	if far == "" {
		far = "Entity"
	} else if !model.IsLabel(far) {
		return nil, fmt.Errorf("related: invalid label %q", far)
	}
	if !model.IsRelationType(hop.Type) {
		return nil, fmt.Errorf("related: invalid relationship type %q", hop.Type)
	}
	r, m := c.name("r"), c.name("m")
	pp := c.pageParams()
	filter, err := c.fragment(pp.asOfRef(), "$"+pp.day, func(env model.ReadEnv, b *builder) (string, error) {
		w, err := decodeWhere(f, "where", hop.Label, env.Vars)
		if err != nil {
			return "", err
		}
		return b.where(m, w)
	})
	if err != nil {
		return nil, err
	}
	sortName, err := c.languageFragment(f, pp)
	if err != nil {
		return nil, err
	}
	list := model.RelationFieldList(label, f.Field)
	sortKeys := func(env model.ReadEnv) ([]orderKey, string, error) {
		return nestedSortKeys(f, hop.Label, m, env.Vars, relatedSortExpr(hop.Label, m, pp))
	}
	k, err := c.paging(f, pp, func(env model.ReadEnv) (int, error) {
		sk, _, err := sortKeys(env)
		return len(sk) + 3, err
	}, func(env model.ReadEnv) (model.CursorList, error) {
		_, sig, err := sortKeys(env)
		if err != nil {
			return model.CursorList{}, err
		}
		l, err := decodeArg[*model.Language](f, "language", env.Vars)
		return model.NameOrder(list+sortSignature(sig), languageOf(l)), err
	}, planDefaultFirst)
	if err != nil {
		return nil, err
	}
	dir := model.DirectionIncoming
	if hop.Out {
		dir = model.DirectionOutgoing
	}
	match := fmt.Sprintf("MATCH %s WHERE %s AND %s AND %s", pattern(p, r, hop.Type, m, far, dir),
		relAsOfConditionOf(r, hop.Type, pp.asOfRef()), asOfConditionAt(m, pp.asOfRef()), filter)
	base := []orderKey{{expr: fmt.Sprintf("coalesce(%s.%s, '')", m, sortName), name: "k0" + m}, {expr: m + ".id", name: "k1" + m},
		{expr: fmt.Sprintf("coalesce(%[1]s.relKey, elementId(%[1]s))", r), name: "k2" + m}}
	order := func(env model.ReadEnv) (string, []orderKey, error) {
		sk, _, err := sortKeys(env)
		if err != nil {
			return "", nil, err
		}
		all := append(sk, base...)
		return orderText(m+", "+r, all, pp.after, pp.limit), all, nil
	}
	orderPart, err := c.fragment(pp.asOfRef(), "$"+pp.day, func(env model.ReadEnv, _ *builder) (string, error) {
		t, _, err := order(env)
		return t, err
	})
	if err != nil {
		return nil, err
	}
	_, allKeys, err := order(c.env)
	if err != nil {
		return nil, err
	}
	rows := func(rowList string) string {
		return fmt.Sprintf("COLLECT { %s\n  %s\n  RETURN %s }", match, orderPart, rowList)
	}
	total := "COUNT { " + match + " }"
	sc := &aggScope{match: match, node: m, rel: r, asOf: pp.asOfRef(), day: "$" + pp.day, count: total}
	return c.connection(f, k, orderKeyList(allKeys), rows, total, func(ef *model.Selection, rc *cols) (edgeWriter, error) {
		if ef.Field == "node" {
			return c.nodeEdge(ef, rc, m, hop.Label)
		}
		return relEdge(ef, rc, r)
	}, heavy, sc)
}

// relations compiles the relations field of the node in variable p: all
// its relationships of the given types and direction, ordered by type, the
// other node's name in the field's language, its id and the relationship's
// key.
func (c *compiler) relations(p string, f *model.Selection, cl *cols, heavy func(string) int) (valueWriter, error) {
	r, m, o := c.name("r"), c.name("m"), c.name("o")
	pp := c.pageParams()
	types, dir := c.name("t"), c.name("dir")
	sortName, err := c.languageFragment(f, pp)
	if err != nil {
		return nil, err
	}
	signature := func(env model.ReadEnv) (string, []string, error) {
		ts, err := decodeArg[[]model.RelationType](f, "types", env.Vars)
		if err != nil {
			return "", nil, err
		}
		d, err := decodeArg[*model.Direction](f, "direction", env.Vars)
		if err != nil {
			return "", nil, err
		}
		direction := model.DirectionBoth
		if d != nil {
			direction = *d
		}
		var names []string
		for _, t := range ts {
			names = append(names, string(t))
		}
		return string(direction), names, nil
	}
	if err := c.bind(func(env model.ReadEnv, st *bound) error {
		d, names, err := signature(env)
		if err != nil {
			return err
		}
		// "" before the types keeps the list one of text when empty
		// (see dateRef).
		st.params[types], st.params[dir] = append([]string{""}, names...), d
		return nil
	}); err != nil {
		return nil, err
	}
	k, err := c.paging(f, pp, fixedKeys(4), func(env model.ReadEnv) (model.CursorList, error) {
		d, names, err := signature(env)
		if err != nil {
			return model.CursorList{}, err
		}
		l, err := decodeArg[*model.Language](f, "language", env.Vars)
		return model.NameOrder("relations:"+d+":"+strings.Join(names, ","), languageOf(l)), err
	}, planDefaultFirst)
	if err != nil {
		return nil, err
	}
	match := fmt.Sprintf(`MATCH (%[1]s)-[%[2]s]-(%[3]s:Entity)
  WITH %[1]s, %[2]s, %[3]s, startNode(%[2]s) = %[1]s AS %[4]s
  WHERE (size($%[5]s) = 1 OR type(%[2]s) IN $%[5]s) AND ($%[6]s = 'BOTH' OR ($%[6]s = 'OUTGOING') = %[4]s)
    AND %[7]s AND %[8]s`, p, r, m, o, types, dir, relAsOfConditionAt(r, pp.asOfRef()), asOfConditionAt(m, pp.asOfRef()))
	keys := []string{"k0" + m, "k1" + m, "k2" + m, "k3" + m}
	rows := func(rowList string) string {
		return fmt.Sprintf(`COLLECT { %[1]s
  WITH %[2]s, %[3]s, %[4]s, type(%[3]s) AS %[5]s, coalesce(%[2]s.%[9]s, '') AS %[6]s, %[2]s.id AS %[7]s, coalesce(%[3]s.relKey, elementId(%[3]s)) AS %[8]s WHERE %[10]s
  WITH %[2]s, %[3]s, %[4]s, %[5]s, %[6]s, %[7]s, %[8]s ORDER BY %[5]s, %[6]s, %[7]s, %[8]s LIMIT $%[11]s
  RETURN %[12]s }`, match, m, r, o, keys[0], keys[1], keys[2], keys[3], sortName,
			keysetText(keys, []bool{false, false, false, false}, "$"+pp.after), pp.limit,
			rowList)
	}
	total := "COUNT { " + match + " }"
	sc := &aggScope{match: match, node: m, rel: r, asOf: pp.asOfRef(), day: "$" + pp.day, count: total}
	return c.connection(f, k, "["+strings.Join(keys, ", ")+"]", rows, total, func(ef *model.Selection, rc *cols) (edgeWriter, error) {
		switch ef.Field {
		case "node":
			return c.nodeEdge(ef, rc, m, "")
		case "direction":
			i := rc.add(o)
			return func(w *jsonOut, row, _ []any, _ *bound) error {
				if out, _ := row[i].(bool); out {
					w.str(string(model.DirectionOutgoing))
				} else {
					w.str(string(model.DirectionIncoming))
				}
				return nil
			}, nil
		}
		return relEdge(ef, rc, r)
	}, heavy, sc)
}

// participations compiles a treaty's parties or participants, or a
// state's treaties: the state-treaty pairs of the node in variable p, with
// their statuses on the connection's day, ordered by the other end's name
// in the field's language.
func (c *compiler) participations(p, label string, f *model.Selection, cl *cols, heavy func(string) int) (valueWriter, error) {
	fromInstrument := label == "Instrument"
	if !fromInstrument && label != "Country" {
		return nil, fmt.Errorf("%w: %s.%s", model.ErrUnplanned, label, f.Field)
	}
	x := c.name("x")
	pp := c.pageParams()
	part := participation{i: x, s: c.name("s"), r: c.name("r"), u: c.name("u"), day: "$" + pp.day}
	otherLabel, list := "Instrument", "treaties"
	if fromInstrument {
		part.i, otherLabel, list = p, "Country", "parties"
	}
	// filter reads what narrows the pairs: the field's where, and the
	// statuses parties fixes or participants and treaties take.
	filter := func(env model.ReadEnv) (*model.ParticipationWhere, string, error) {
		w, err := decodeWhere(f, "where", otherLabel, env.Vars)
		if err != nil {
			return nil, "", err
		}
		certain, err := decodeArg[*bool](f, "certain", env.Vars)
		if err != nil {
			return nil, "", err
		}
		statuses := []model.TreatyStatus{model.TreatyStatusRatified, model.TreatyStatusInForce}
		if f.Field != "parties" {
			if statuses, err = decodeArg[[]model.TreatyStatus](f, "status", env.Vars); err != nil {
				return nil, "", err
			}
		}
		pw := &model.ParticipationWhere{Status: statuses, Certain: certain}
		switch x := w.(type) {
		case *model.CountryWhere:
			pw.Country = x
		case *model.InstrumentWhere:
			pw.Instrument = x
		}
		var st []string
		for _, s := range statuses {
			st = append(st, string(s))
		}
		if certain != nil {
			st = append(st, fmt.Sprintf("certain=%t", *certain))
		}
		return pw, list + ":" + strings.Join(st, ","), nil
	}
	cond, err := c.fragment(pp.asOfRef(), "$"+pp.day, func(env model.ReadEnv, b *builder) (string, error) {
		pw, _, err := filter(env)
		if err != nil {
			return "", err
		}
		return b.participationWhere(x, fromInstrument, part, pw)
	})
	if err != nil {
		return nil, err
	}
	sortName, err := c.languageFragment(f, pp)
	if err != nil {
		return nil, err
	}
	sortKeys := func(env model.ReadEnv) ([]orderKey, string, error) {
		return nestedSortKeys(f, "Participation", x, env.Vars, participationSortExpr(x, part))
	}
	k, err := c.paging(f, pp, func(env model.ReadEnv) (int, error) {
		sk, _, err := sortKeys(env)
		return len(sk) + 2, err
	}, func(env model.ReadEnv) (model.CursorList, error) {
		_, sig, err := filter(env)
		if err != nil {
			return model.CursorList{}, err
		}
		_, ssig, err := sortKeys(env)
		if err != nil {
			return model.CursorList{}, err
		}
		l, err := decodeArg[*model.Language](f, "language", env.Vars)
		return model.NameOrder(sig+sortSignature(ssig), languageOf(l)), err
	}, planDefaultFirst)
	if err != nil {
		return nil, err
	}
	body := participationMatch(p, x, fromInstrument, part) + "\n  WHERE " + cond
	instrument := x
	if fromInstrument {
		instrument = p
	}
	base := []orderKey{{expr: fmt.Sprintf("coalesce(%s.%s, '')", x, sortName), name: "k0" + x}, {expr: x + ".id", name: "k1" + x}}
	order := func(env model.ReadEnv) (string, []orderKey, error) {
		sk, _, err := sortKeys(env)
		if err != nil {
			return "", nil, err
		}
		all := append(sk, base...)
		return orderText(strings.Join([]string{x, part.s, part.r, part.u}, ", "), all, pp.after, pp.limit), all, nil
	}
	orderPart, err := c.fragment(pp.asOfRef(), "$"+pp.day, func(env model.ReadEnv, _ *builder) (string, error) {
		t, _, err := order(env)
		return t, err
	})
	if err != nil {
		return nil, err
	}
	_, allKeys, err := order(c.env)
	if err != nil {
		return nil, err
	}
	rows := func(rowList string) string {
		return fmt.Sprintf("COLLECT { %s\n  %s\n  RETURN %s }", body, orderPart, rowList)
	}
	total := "COUNT { " + body + " }"
	sc := &aggScope{match: body, node: x, part: &part, asOf: pp.asOfRef(), day: "$" + pp.day, count: total}
	return c.connection(f, k, orderKeyList(allKeys), rows, total, func(ef *model.Selection, rc *cols) (edgeWriter, error) {
		switch ef.Field {
		case "node":
			return c.nodeEdge(ef, rc, x, otherLabel)
		case "instrument", "country":
			// The edge's other end is the node the connection hangs from:
			// projected once, beside the page.
			byLabel, concrete := selectionsByLabel(ef, label)
			expr, write, err := c.node(p, byLabel, concrete)
			if err != nil {
				return nil, err
			}
			i := heavy(expr)
			return func(w *jsonOut, _, parent []any, st *bound) error {
				n, _ := parent[i].([]any)
				return write(w, n, st)
			}, nil
		}
		si, ri, ui, oi := rc.add(stepProjection(part.s)), rc.add(stepProjection(part.r)), rc.add(stepProjection(part.u)), rc.add(instrument+".opened")
		view := func(row []any, st *bound) (model.TreatyParticipation, model.ParticipationView) {
			day := st.conns[k].day
			if len(row) > 0 && st.view.row == &row[0] && st.view.day == day {
				return st.view.tp, st.view.v
			}
			tp := model.TreatyParticipation{Instrument: model.Instrument{Entity: model.Entity{Properties: map[string]any{"opened": row[oi]}}}}
			fillParticipation(&tp, stepOf(row[si]), stepOf(row[ri]), stepOf(row[ui]))
			v := tp.ViewOn(day)
			st.view.row, st.view.day, st.view.tp, st.view.v = &row[0], day, tp, v
			return tp, v
		}
		return participationField(ef, view)
	}, heavy, sc)
}

// participationField compiles a field of a treaty edge or coverage cell
// that reads the pair's view on its day.
func participationField(ef *model.Selection, view func(row []any, st *bound) (model.TreatyParticipation, model.ParticipationView)) (edgeWriter, error) {
	date := func(get func(v model.ParticipationView) *model.Date) edgeWriter {
		return func(w *jsonOut, row, _ []any, st *bound) error {
			_, v := view(row, st)
			w.optStr((*string)(get(v)))
			return nil
		}
	}
	window := func(get func(v model.ParticipationView) *model.DateWindow) (edgeWriter, error) {
		ww, err := windowWriter(ef)
		if err != nil {
			return nil, err
		}
		return func(w *jsonOut, row, _ []any, st *bound) error {
			_, v := view(row, st)
			ww(w, get(v))
			return nil
		}, nil
	}
	switch ef.Field {
	case "status":
		return func(w *jsonOut, row, _ []any, st *bound) error {
			_, v := view(row, st)
			w.str(string(v.Status))
			return nil
		}, nil
	case "possibleStatus":
		return func(w *jsonOut, row, _ []any, st *bound) error {
			_, v := view(row, st)
			w.str(string(v.Possible))
			return nil
		}, nil
	case "certain":
		return func(w *jsonOut, row, _ []any, st *bound) error { _, v := view(row, st); w.bool(v.Certain); return nil }, nil
	case "statusNote":
		return func(w *jsonOut, row, _ []any, st *bound) error { _, v := view(row, st); w.str(v.Note); return nil }, nil
	case "signed":
		return date(func(v model.ParticipationView) *model.Date { return v.Signed }), nil
	case "ratified":
		return date(func(v model.ParticipationView) *model.Date { return v.Ratified }), nil
	case "entryIntoForce":
		return date(func(v model.ParticipationView) *model.Date { return v.EntryIntoForce }), nil
	case "action":
		return func(w *jsonOut, row, _ []any, st *bound) error {
			tp, _ := view(row, st)
			w.optStr(tp.Action)
			return nil
		}, nil
	case "sources":
		src, err := sourcesWriter(ef)
		if err != nil {
			return nil, err
		}
		return func(w *jsonOut, row, _ []any, st *bound) error {
			tp, _ := view(row, st)
			return src(w, tp.Sources)
		}, nil
	case "variants":
		vw, err := variantsWriter(ef)
		if err != nil {
			return nil, err
		}
		return func(w *jsonOut, row, _ []any, st *bound) error {
			tp, _ := view(row, st)
			return vw(w, tp.Variants)
		}, nil
	case "window":
		return window(func(v model.ParticipationView) *model.DateWindow { return v.Window })
	case "signedWindow":
		return window(func(v model.ParticipationView) *model.DateWindow { return v.SignedWindow })
	case "ratifiedWindow":
		return window(func(v model.ParticipationView) *model.DateWindow { return v.RatifiedWindow })
	case "entryIntoForceWindow":
		return window(func(v model.ParticipationView) *model.DateWindow { return v.EntryIntoForceWindow })
	}
	return nil, fmt.Errorf("%w: participation field %s", model.ErrUnplanned, ef.Field)
}

// partyCount compiles Instrument.partyCount: how many states are party to
// the treaty in variable p on asOf (or today), counted as parties lists
// them.
func (c *compiler) partyCount(p string, f *model.Selection, heavy func(string) int) (valueWriter, error) {
	pp := c.pageParams()
	if err := c.bind(func(env model.ReadEnv, st *bound) error {
		asOf, err := decodeArg[*model.Date](f, "asOf", env.Vars)
		if err != nil {
			return err
		}
		day := env.Today
		asOfV := ""
		if asOf != nil {
			day = asOf.First()
			asOfV = string(day)
		}
		st.params[pp.asOf], st.params[pp.day] = asOfV, string(day)
		return nil
	}); err != nil {
		return nil, err
	}
	x := c.name("x")
	part := participation{i: p, s: c.name("s"), r: c.name("r"), u: c.name("u"), day: "$" + pp.day}
	b := &builder{params: map[string]any{}, prefix: c.name("f") + "_", asOf: pp.asOfRef(), day: "$" + pp.day}
	cond, err := b.participationWhere(x, true, part, &model.ParticipationWhere{Status: []model.TreatyStatus{model.TreatyStatusRatified, model.TreatyStatusInForce}})
	if err != nil {
		return nil, err
	}
	if len(b.params) > 0 {
		return nil, fmt.Errorf("partyCount: the parties' condition takes no values")
	}
	i := heavy("COUNT { " + participationMatch(p, x, true, part) + "\n  WHERE " + cond + " }")
	return func(w *jsonOut, row []any, _ *bound) error {
		n, _ := row[i].(int64)
		w.int(n)
		return nil
	}, nil
}

// stepKeys are the properties of a signature, ratification or disputed
// status that a participation's reading and fields need: the step's dates,
// how the state became a party, the sources and the variants.
var stepKeys = []string{"date", "action", "entryIntoForce", keySourceURLs, keySourceTtl, keySourceDate, keyVariants}

// stepProjection is the Cypher list of a treaty step's relationship in
// variable r that stepOf reads back, null when there is none: its type and
// the properties of stepKeys, rather than the whole relationship.
func stepProjection(r string) string {
	cols := make([]string, len(stepKeys))
	for i, k := range stepKeys {
		cols[i] = r + "." + k
	}
	return fmt.Sprintf("CASE WHEN %[1]s IS NULL THEN null ELSE [type(%[1]s), %[2]s] END", r, strings.Join(cols, ", "))
}

// stepOf reads a stepProjection back as the relationship fillParticipation
// reads (nil when there was none).
func stepOf(v any) any {
	l, ok := v.([]any)
	if !ok || len(l) != len(stepKeys)+1 {
		return nil
	}
	typ, _ := l[0].(string)
	props := make(map[string]any, len(stepKeys))
	for i, k := range stepKeys {
		if l[i+1] != nil {
			props[k] = l[i+1]
		}
	}
	return dbtype.Relationship{Type: typ, Props: props}
}
