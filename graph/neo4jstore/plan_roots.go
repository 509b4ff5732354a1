package neo4jstore

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// entityRoots are the root fields that read one node by id, with the label
// it must have ("" for any).
var entityRoots = map[string]string{"node": "", "instrument": "Instrument", "body": "Body", "project": "Project", "country": "Country"}

// sortTypes are the sort inputs of each label's root list.
var sortTypes = map[string]reflect.Type{
	"Instrument":      reflect.TypeFor[[]model.InstrumentSort](),
	"Body":            reflect.TypeFor[[]model.BodySort](),
	"Project":         reflect.TypeFor[[]model.ProjectSort](),
	"Country":         reflect.TypeFor[[]model.CountrySort](),
	"Resource":        reflect.TypeFor[[]model.ResourceSort](),
	"Event":           reflect.TypeFor[[]model.EventSort](),
	"MonitoringRound": reflect.TypeFor[[]model.MonitoringRoundSort](),
	"Topic":           reflect.TypeFor[[]model.TopicSort](),
	// The sort of treaty participations (parties, participants, treaties).
	"Participation": reflect.TypeFor[[]model.ParticipationSort](),
}

// entityRoot compiles a root field that reads the node with an id: its
// projection, or no record when there is no such node (of that label).
func (c *compiler) entityRoot(r *Read, sel *model.Selection, label string) error {
	idp := c.name("id")
	if err := c.bind(func(env model.ReadEnv, st *bound) error {
		id, err := decodeArg[string](sel, "id", env.Vars)
		if err != nil {
			return err
		}
		if label == "Country" {
			id = model.CountryID(id)
		}
		st.params[idp] = id
		return nil
	}); err != nil {
		return err
	}
	byLabel, concrete := selectionsByLabel(sel, label)
	proj, write, err := c.node("n", byLabel, concrete)
	if err != nil {
		return err
	}
	cond := ""
	if label != "" {
		cond = " WHERE n:" + label
	}
	r.cypher = fmt.Sprintf("MATCH (n:Entity {id: $%s})%s\nRETURN %s AS v", idp, cond, proj)
	kind := "node"
	if label != "" {
		kind = strings.ToLower(label)
	}
	r.decode = func(res *neo4j.EagerResult, st *bound, w *jsonOut) error {
		if len(res.Records) == 0 {
			return model.Errorf(model.CodeNotFound, "no %s with id %q", kind, st.params[idp])
		}
		row, _ := res.Records[0].Values[0].([]any)
		return write(w, row, st)
	}
	return nil
}

// sortSpecs reads a root list's sort argument.
func sortSpecs(sel *model.Selection, label string, vars map[string]any) ([]model.SortSpec, error) {
	in, ok := sel.Args["sort"]
	if !ok {
		return nil, nil
	}
	v, err := decodeInput(in.Resolve(vars), sortTypes[label], "sort")
	if err != nil {
		return nil, err
	}
	specs := make([]model.SortSpec, v.Len())
	for i := range specs {
		s := v.Index(i)
		specs[i] = model.SortSpec{Field: model.SortFieldOf(s), Language: model.LanguageEn}
		if d := s.FieldByName("Direction"); !d.IsNil() {
			specs[i].Desc = model.SortDirection(d.Elem().String()) == model.SortDirectionDesc
		}
		if l := s.FieldByName("Language"); !l.IsNil() {
			specs[i].Language = languageOf(l.Interface().(*model.Language))
		}
	}
	return specs, nil
}

// listRoot compiles a root list of label: the nodes matching where,
// ordered by sort then id, a page after the cursor.
func (c *compiler) listRoot(r *Read, sel *model.Selection, label string) error {
	// The list's dates are the statement's $asOf and $day, which the sort
	// keys (parties today, say) read.
	pp := pageParams{limit: c.name("l"), after: c.name("k"), asOf: "asOf", day: "day"}
	asOf := dateRef("$asOf")
	filter, err := c.fragment(asOf, "$day", func(env model.ReadEnv, b *builder) (string, error) {
		w, err := decodeWhere(sel, "where", label, env.Vars)
		if err != nil {
			return "", err
		}
		return b.where("n", w)
	})
	if err != nil {
		return err
	}
	order, err := c.fragment(asOf, "$day", func(env model.ReadEnv, b *builder) (string, error) {
		specs, err := sortSpecs(sel, label, env.Vars)
		if err != nil {
			return "", err
		}
		var withs, keys, order []string
		var desc []bool
		for i, sp := range specs {
			k, err := sortExprIn(label, sp.Field, sp.Language)
			if err != nil {
				return "", err
			}
			name := fmt.Sprintf("k%d", i)
			// The sort keys read the statement's $asOf, which here
			// holds "" for none.
			withs = append(withs, strings.ReplaceAll(k.expr, "$asOf", asOf)+" AS "+name)
			keys = append(keys, name)
			desc = append(desc, sp.Desc)
			dir := "ASC"
			if sp.Desc {
				dir = "DESC"
			}
			order = append(order, name+" "+dir)
		}
		withs = append(withs, "n.id AS kid")
		keys = append(keys, "kid")
		desc = append(desc, false)
		order = append(order, "kid ASC")
		return fmt.Sprintf("WITH n, %s WHERE %s\n  WITH n, [%s] AS keys ORDER BY %s LIMIT $%s",
			strings.Join(withs, ", "), keysetText(keys, desc, "$"+pp.after), strings.Join(keys, ", "), strings.Join(order, ", "), pp.limit), nil
	})
	if err != nil {
		return err
	}
	k, err := c.paging(sel, pp, func(env model.ReadEnv) (int, error) {
		specs, err := sortSpecs(sel, label, env.Vars)
		return len(specs) + 1, err
	}, func(env model.ReadEnv) (model.CursorList, error) {
		specs, err := sortSpecs(sel, label, env.Vars)
		if err != nil {
			return model.CursorList{}, err
		}
		sig := []string{label}
		names := false
		for _, s := range specs {
			sig = append(sig, s.Field)
			if s.Field == "NAME" {
				names = true
				sig[len(sig)-1] += "@" + string(languageOf(&s.Language))
			}
			if s.Desc {
				sig[len(sig)-1] += " DESC"
			}
		}
		return model.CursorList{Name: "list:" + strings.Join(sig, ","), Names: names}, nil
	}, planDefaultFirst)
	if err != nil {
		return err
	}
	match := fmt.Sprintf("MATCH (n:%s) WHERE %s AND %s", label, asOfConditionAt("n", asOf), filter)
	rows := func(rowList string) string {
		return fmt.Sprintf("COLLECT { %s\n  %s\n  RETURN %s }", match, order, rowList)
	}
	total, head := "", ""
	sc := &aggScope{match: match, node: "n", asOf: asOf, day: "$day", count: "COUNT { " + match + " }"}
	if selects(sel, "totalCount") || selects(sel, "aggregate") || selects(sel, "groupBy") || selects(sel, "values") {
		// The matches are found once, for the count and the page: Neo4j
		// then plans the filter once, which for the filters on treaty
		// statuses takes longer than running them.
		head = match + "\nWITH collect(n) AS matched\n"
		total = "size(matched)"
		sc.match, sc.count = "UNWIND matched AS n", total
		rows = func(rowList string) string {
			return fmt.Sprintf("COLLECT { UNWIND matched AS n\n  %s\n  RETURN %s }", order, rowList)
		}
	}
	cl := newCols()
	write, err := c.connection(sel, k, "keys", rows, total, func(ef *model.Selection, rc *cols) (edgeWriter, error) {
		if ef.Field == "node" {
			return c.nodeEdge(ef, rc, "n", label)
		}
		return nil, fmt.Errorf("%w: %sEdge.%s", model.ErrUnplanned, label, ef.Field)
	}, cl.add, sc)
	if err != nil {
		return err
	}
	if len(cl.exprs) == 0 {
		cl.add("null")
	}
	r.cypher = head + "RETURN " + cl.list() + " AS v"
	r.decode = func(res *neo4j.EagerResult, st *bound, w *jsonOut) error {
		if len(res.Records) != 1 {
			return fmt.Errorf("%d records, want 1", len(res.Records))
		}
		row, _ := res.Records[0].Values[0].([]any)
		return write(w, row, st)
	}
	return nil
}

// selects reports whether the selection of f holds a field named name.
func selects(f *model.Selection, name string) bool {
	for _, s := range f.Fields {
		if s.Field == name {
			return true
		}
	}
	return false
}
