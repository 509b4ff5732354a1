package neo4jstore

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// builder assembles one Cypher statement: every value a client gave goes into
// a parameter, and only names taken from the schema's own input types (field
// names, enum values) reach the query text.
type builder struct {
	params map[string]any
	n      int
	// prefix starts the names of the builder's parameters and variables,
	// so several builders can write parts of one statement.
	prefix string
	// asOf and day name the parameters holding the as-of date (null for
	// none) and the day statuses are read on: "$asOf" and "$day" unless a
	// statement holds connections with dates of their own.
	asOf, day string
}

func newBuilder(asOf *model.Date, day model.Date) *builder {
	var a any
	if asOf != nil {
		a = string(*asOf)
	}
	return &builder{params: map[string]any{"asOf": a, "day": string(day)}, asOf: "$asOf", day: "$day"}
}

func (b *builder) param(v any) string {
	b.n++
	k := fmt.Sprintf("%sp%d", b.prefix, b.n)
	b.params[k] = v
	return "$" + k
}

func (b *builder) fresh(prefix string) string {
	b.n++
	return fmt.Sprintf("%s%s%d", prefix, b.prefix, b.n)
}

var propertyName = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9]*$`)

// where compiles a filter input (a *XWhere generated from the schema, or
// nil) into a condition on the node variable v.
func (b *builder) where(v string, w any) (string, error) {
	rv := reflect.ValueOf(w)
	if !rv.IsValid() || (rv.Kind() == reflect.Pointer && rv.IsNil()) {
		return "true", nil
	}
	if rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	rt := rv.Type()
	var conds []string
	for i := 0; i < rt.NumField(); i++ {
		f := rv.Field(i)
		if (f.Kind() == reflect.Pointer || f.Kind() == reflect.Slice) && f.IsNil() {
			continue
		}
		name := strings.Split(rt.Field(i).Tag.Get("json"), ",")[0]
		var c string
		var err error
		switch name {
		case "AND", "OR":
			var parts []string
			for j := 0; j < f.Len(); j++ {
				p, err := b.where(v, f.Index(j).Addr().Interface())
				if err != nil {
					return "", err
				}
				parts = append(parts, "("+p+")")
			}
			switch {
			case len(parts) > 0 && name == "AND":
				c = strings.Join(parts, " AND ")
			case len(parts) > 0:
				c = strings.Join(parts, " OR ")
			case name == "OR":
				c = "false"
			}
		case "NOT":
			p, err := b.where(v, f.Interface())
			if err != nil {
				return "", err
			}
			c = "NOT (" + p + ")"
		case "id":
			c = b.idFilter(v+".id", f.Interface().(*model.IDFilter))
		case "name":
			c = b.nameFilter(v, f.Interface().(*model.StringFilter))
		case "type":
			var labels []string
			for _, t := range f.Interface().([]model.EntityType) {
				labels = append(labels, model.LabelOf(t))
			}
			c = fmt.Sprintf("any(l IN labels(%s) WHERE l IN %s)", v, b.param(labels))
		case "relations":
			c, err = b.relations(v, f.Interface().([]model.RelationFilter))
		case "relationCount":
			c, err = b.relationCounts(v, f.Interface().([]model.RelationCountFilter))
		case "treaties":
			c, err = b.participations(v, false, f.Interface().(*model.ParticipationListFilter))
		case "participants":
			c, err = b.participations(v, true, f.Interface().(*model.ParticipationListFilter))
		default:
			if !propertyName.MatchString(name) {
				return "", fmt.Errorf("filter: field %q cannot name a property", name)
			}
			switch x := f.Interface().(type) {
			case *model.StringFilter:
				c = b.stringFilter(v+"."+name, x)
			case *model.DateFilter:
				c = b.dateFilter(v+"."+name, x)
			case *model.CoeStatusFilter:
				c = b.coeStatusFilter(v+"."+name, x)
			default:
				return "", fmt.Errorf("filter: field %s of type %T has no compiler", name, x)
			}
		}
		if err != nil {
			return "", err
		}
		if c != "" {
			conds = append(conds, c)
		}
	}
	if len(conds) == 0 {
		return "true", nil
	}
	return strings.Join(conds, " AND "), nil
}

func (b *builder) idFilter(expr string, f *model.IDFilter) string {
	var c []string
	if f.Eq != nil {
		c = append(c, expr+" = "+b.param(*f.Eq))
	}
	if f.In != nil {
		c = append(c, expr+" IN "+b.param(f.In))
	}
	return join(c)
}

// nameFilter matches any of a node's names, folded like the stored keys.
func (b *builder) nameFilter(v string, f *model.StringFilter) string {
	keys := v + "." + keyNames
	var c []string
	if f.Eq != nil {
		c = append(c, b.param(foldName(*f.Eq))+" IN "+keys)
	}
	if f.In != nil {
		folded := make([]string, len(f.In))
		for i, s := range f.In {
			folded[i] = foldName(s)
		}
		c = append(c, fmt.Sprintf("any(k IN %s WHERE k IN %s)", keys, b.param(folded)))
	}
	if f.Contains != nil {
		c = append(c, fmt.Sprintf("any(k IN %s WHERE k CONTAINS %s)", keys, b.param(foldName(*f.Contains))))
	}
	if f.StartsWith != nil {
		c = append(c, fmt.Sprintf("any(k IN %s WHERE k STARTS WITH %s)", keys, b.param(foldName(*f.StartsWith))))
	}
	return join(c)
}

func (b *builder) stringFilter(expr string, f *model.StringFilter) string {
	lower := "toLower(toStringOrNull(" + expr + "))"
	var c []string
	if f.Eq != nil {
		c = append(c, lower+" = "+b.param(strings.ToLower(*f.Eq)))
	}
	if f.In != nil {
		in := make([]string, len(f.In))
		for i, s := range f.In {
			in[i] = strings.ToLower(s)
		}
		c = append(c, lower+" IN "+b.param(in))
	}
	if f.Contains != nil {
		c = append(c, lower+" CONTAINS "+b.param(strings.ToLower(*f.Contains)))
	}
	if f.StartsWith != nil {
		c = append(c, lower+" STARTS WITH "+b.param(strings.ToLower(*f.StartsWith)))
	}
	return join(c)
}

func (b *builder) dateFilter(expr string, f *model.DateFilter) string {
	var c []string
	for _, op := range []struct {
		v  *model.Date
		op string
	}{{f.Eq, "="}, {f.Lt, "<"}, {f.Lte, "<="}, {f.Gt, ">"}, {f.Gte, ">="}} {
		if op.v != nil {
			c = append(c, fmt.Sprintf("%s %s %s", expr, op.op, b.param(string(*op.v))))
		}
	}
	if f.IsNull != nil {
		if *f.IsNull {
			c = append(c, expr+" IS NULL")
		} else {
			c = append(c, expr+" IS NOT NULL")
		}
	}
	return join(c)
}

func coeStatusValue(s model.CoeStatus) string { return strings.ToLower(string(s)) }

func (b *builder) coeStatusFilter(expr string, f *model.CoeStatusFilter) string {
	var c []string
	if f.Eq != nil {
		c = append(c, expr+" = "+b.param(coeStatusValue(*f.Eq)))
	}
	if f.In != nil {
		in := make([]string, len(f.In))
		for i, s := range f.In {
			in[i] = coeStatusValue(s)
		}
		c = append(c, expr+" IN "+b.param(in))
	}
	return join(c)
}

func join(c []string) string { return strings.Join(c, " AND ") }

// pattern returns the relationship pattern from v through r of type typ to
// m, in the given direction.
func pattern(v, r, typ, m, mLabel string, dir model.Direction) string {
	rel := r
	if typ != "" {
		rel += ":" + typ
	}
	switch dir {
	case model.DirectionOutgoing:
		return fmt.Sprintf("(%s)-[%s]->(%s:%s)", v, rel, m, mLabel)
	case model.DirectionIncoming:
		return fmt.Sprintf("(%s)<-[%s]-(%s:%s)", v, rel, m, mLabel)
	}
	return fmt.Sprintf("(%s)-[%s]-(%s:%s)", v, rel, m, mLabel)
}

// relationCounts compiles relationCount filters: how many relationships of
// a type (and direction) the node in v has on the builder's date.
func (b *builder) relationCounts(v string, filters []model.RelationCountFilter) (string, error) {
	var out []string
	for _, f := range filters {
		typ := string(f.Type)
		if !model.IsRelationType(typ) {
			return "", model.Errorf(model.CodeBadUserInput, "relationCount: unknown relationship type %q", typ)
		}
		dir := model.DirectionBoth
		if f.Direction != nil && f.Direction.IsValid() {
			dir = *f.Direction
		}
		n := relationCountExpr(v, b.fresh("q"), b.fresh("o"), typ, dir, b.asOf)
		for _, x := range []struct {
			v  *int
			op string
		}{{f.Eq, "="}, {f.Lt, "<"}, {f.Lte, "<="}, {f.Gt, ">"}, {f.Gte, ">="}} {
			if x.v != nil {
				out = append(out, fmt.Sprintf("%s %s %s", n, x.op, b.param(int64(*x.v))))
			}
		}
	}
	if len(out) == 0 {
		return "", nil
	}
	return join(out), nil
}

func (b *builder) relations(v string, filters []model.RelationFilter) (string, error) {
	var out []string
	for _, f := range filters {
		if !f.Type.IsValid() || !model.IsRelationTypeName(string(f.Type)) {
			return "", model.Errorf(model.CodeBadUserInput, "relations: unknown relationship type %q", f.Type)
		}
		dir := model.DirectionBoth
		if f.Direction != nil {
			dir = *f.Direction
		}
		r, m := b.fresh("r"), b.fresh("m")
		pat := pattern(v, r, string(f.Type), m, "Entity", dir)
		base := []string{relAsOfConditionOf(r, string(f.Type), b.asOf), asOfConditionAt(m, b.asOf)}
		if f.Edge != nil {
			if f.Edge.Date != nil {
				base = append(base, b.dateFilter(r+"."+keyFrom, f.Edge.Date))
			}
			for _, p := range f.Edge.Property {
				base = append(base, b.propertyFilter(r, p))
			}
		}
		exists := func(extra string) string {
			conds := append(append([]string{}, base...), extra)
			return fmt.Sprintf("EXISTS { MATCH %s WHERE %s }", pat, strings.Join(nonEmpty(conds), " AND "))
		}
		var c []string
		if f.Some != nil {
			w, err := b.where(m, f.Some)
			if err != nil {
				return "", err
			}
			c = append(c, exists(w))
		}
		if f.None != nil {
			w, err := b.where(m, f.None)
			if err != nil {
				return "", err
			}
			c = append(c, "NOT "+exists(w))
		}
		if f.All != nil {
			w, err := b.where(m, f.All)
			if err != nil {
				return "", err
			}
			c = append(c, "NOT "+exists("NOT ("+w+")"))
		}
		if len(c) == 0 {
			c = append(c, exists("true"))
		}
		out = append(out, join(c))
	}
	return join(out), nil
}

func nonEmpty(list []string) []string {
	out := list[:0]
	for _, s := range list {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (b *builder) propertyFilter(r string, p model.PropertyFilter) string {
	val := fmt.Sprintf("toStringOrNull(%s[%s])", r, b.param(p.Key))
	var c []string
	if p.Eq != nil {
		c = append(c, val+" = "+b.param(*p.Eq))
	}
	if p.Contains != nil {
		c = append(c, fmt.Sprintf("toLower(%s) CONTAINS %s", val, b.param(strings.ToLower(*p.Contains))))
	}
	for _, op := range []struct {
		v  *string
		op string
	}{{p.Lt, "<"}, {p.Lte, "<="}, {p.Gt, ">"}, {p.Gte, ">="}} {
		if op.v != nil {
			c = append(c, fmt.Sprintf("%s %s %s", val, op.op, b.param(*op.v)))
		}
	}
	if len(c) == 0 {
		c = append(c, val+" IS NOT NULL")
	}
	return join(c)
}

// participation holds the Cypher pieces of one state-treaty pair: the
// variables of the treaty and of its three possible relationships. Its
// conditions mirror model.TreatyParticipation.ReadingOn on the day $day, so
// filters and the statuses shown agree (a test checks every pair).
type participation struct {
	i, s, r, u string
	// day names the parameter holding the day statuses are read on.
	day string
}

// certainVar and possibleVar name the columns participationMatch computes
// once per pair: the level of the highest status certainly, and possibly,
// reached on $day (0 not signed, 1 signed, 2 ratified, 3 in force).
func (p participation) certainVar() string  { return p.s + "_certain" }
func (p participation) possibleVar() string { return p.s + "_possible" }

// lastDay compares like the last day a date of any precision can stand for:
// "2010" reads as "2010-12-31", and "2010-02" as "2010-02-31", which sorts
// after every real day of February and before March.
func lastDay(d string) string {
	return fmt.Sprintf("(CASE size(%[1]s) WHEN 4 THEN %[1]s + '-12-31' WHEN 7 THEN %[1]s + '-31' ELSE %[1]s END)", d)
}

// read is the earliest day a relationship's sources were read, or the open
// end when none says.
func read(rel string) string {
	return fmt.Sprintf("reduce(m = '%[2]s', d IN coalesce(%[1]s.sourceRetrieved, []) | CASE WHEN d <> '' AND d < m THEN d ELSE m END)", rel, model.Open)
}

func (p participation) opened() string { return fmt.Sprintf("coalesce(%s.opened, '0001')", p.i) }

// begun holds when a step may have happened by $day: its relationship
// exists and none of its starts lies after the day. A window starts at the
// latest of the step's own date and the starts of the steps before it (the
// signature, the opening), which is at or before $day exactly when each of
// them is. A start compares correctly as written: "2007-10" <= $day exactly
// when October 2007 has begun by then.
func begun(day, rel string, starts ...string) string {
	c := []string{rel + " IS NOT NULL"}
	for _, s := range starts {
		c = append(c, fmt.Sprintf("(%[1]s IS NULL OR %[1]s <= %[2]s)", s, day))
	}
	return "(" + strings.Join(c, " AND ") + ")"
}

// done holds when a step's whole window lies on or before $day: it has
// begun, and its end has passed: the last day of its date, or for an
// undated step the day its source was read.
func done(day, rel, date string, starts ...string) string {
	return fmt.Sprintf("(%s AND (CASE WHEN %s IS NULL THEN %s ELSE %s END) <= %s)",
		begun(day, rel, append([]string{date}, starts...)...), date, read(rel), lastDay(date), day)
}

func (p participation) level(certain bool) string {
	sigStarts := []string{p.opened()}
	ratStarts := []string{p.s + ".date", p.opened()}
	eifStarts := []string{p.r + ".date", p.s + ".date", p.opened()}
	eif := fmt.Sprintf("%[1]s.entryIntoForce IS NOT NULL AND ", p.r)
	var sig, rat string
	if certain {
		sig = done(p.day, p.s, p.s+".date", sigStarts...)
		rat = done(p.day, p.r, p.r+".date", ratStarts...)
		eif += done(p.day, p.r, p.r+".entryIntoForce", eifStarts...)
	} else {
		sig = begun(p.day, p.s, append([]string{p.s + ".date"}, sigStarts...)...)
		rat = begun(p.day, p.r, append([]string{p.r + ".date"}, ratStarts...)...)
		eif += begun(p.day, p.r, append([]string{p.r + ".entryIntoForce"}, eifStarts...)...)
	}
	return fmt.Sprintf("(CASE WHEN %s THEN 3 WHEN %s THEN 2 WHEN %s THEN 1 ELSE 0 END)", eif, rat, sig)
}

// disputed holds when the status reads UNKNOWN: the sources disagree on it,
// the treaty is open, and no ratification is certain by $day.
func (p participation) disputed() string {
	return fmt.Sprintf("(%s IS NOT NULL AND %s <= %s AND %s < 2)", p.u, p.opened(), p.day, p.certainVar())
}

// visible holds when the pair has anything to show on $day: a step that may
// have happened, or a disputed status.
func (p participation) visible() string {
	return fmt.Sprintf("(%s >= 1 OR %s)", p.possibleVar(), p.disputed())
}

var statusLevel = map[model.TreatyStatus]int{model.TreatyStatusNotSigned: 0, model.TreatyStatusSigned: 1, model.TreatyStatusRatified: 2, model.TreatyStatusInForce: 3}

// status holds when the pair's status on $day is st.
func (p participation) status(st model.TreatyStatus) string {
	if st == model.TreatyStatusUnknown {
		return p.disputed()
	}
	return fmt.Sprintf("NOT %s AND %s = %d", p.disputed(), p.certainVar(), statusLevel[st])
}

// certain holds when the sources settle the pair's status on $day.
func (p participation) certain() string {
	return fmt.Sprintf("(NOT %s AND %s = %s)", p.disputed(), p.certainVar(), p.possibleVar())
}

// participationMatch returns the MATCH clauses that bind a state-treaty pair
// from v (a treaty when fromInstrument, else a state) to x, with the three
// optional relationships.
func participationMatch(v, x string, fromInstrument bool, p participation) string {
	arrow := func(rel string) string { return fmt.Sprintf("(%s)-[%s]->(%s)", x, rel, v) }
	if !fromInstrument {
		arrow = func(rel string) string { return fmt.Sprintf("(%s)-[%s]->(%s)", v, rel, x) }
	}
	label := "Country"
	if !fromInstrument {
		label = "Instrument"
	}
	first := fmt.Sprintf("(%s)<-[:SIGNED|RATIFIED|STATUS_UNKNOWN]-(%s:%s)", v, x, label)
	if !fromInstrument {
		first = fmt.Sprintf("(%s)-[:SIGNED|RATIFIED|STATUS_UNKNOWN]->(%s:%s)", v, x, label)
	}
	// The levels are computed once per pair, here, rather than in every
	// condition that reads them.
	return fmt.Sprintf(`MATCH %[1]s
WITH DISTINCT %[2]s, %[3]s
OPTIONAL MATCH %[4]s
OPTIONAL MATCH %[5]s
OPTIONAL MATCH %[6]s
WITH %[2]s, %[3]s, %[7]s, %[8]s, %[9]s, %[10]s AS %[11]s, %[12]s AS %[13]s`, first, v, x,
		arrow(p.s+":SIGNED"), arrow(p.r+":RATIFIED"), arrow(p.u+":STATUS_UNKNOWN"),
		p.s, p.r, p.u, p.level(true), p.certainVar(), p.level(false), p.possibleVar())
}

// participationWhere compiles the conditions on one pair (x the other end).
func (b *builder) participationWhere(x string, fromInstrument bool, p participation, w *model.ParticipationWhere) (string, error) {
	conds := []string{p.visible(), asOfConditionAt(x, b.asOf)}
	if w == nil {
		return join(conds), nil
	}
	var other any = w.Instrument
	if fromInstrument {
		other = w.Country
	}
	ow, err := b.where(x, other)
	if err != nil {
		return "", err
	}
	conds = append(conds, ow)
	if len(w.Status) > 0 {
		var alts []string
		for _, st := range w.Status {
			alts = append(alts, "("+p.status(st)+")")
		}
		conds = append(conds, "("+strings.Join(alts, " OR ")+")")
	}
	if w.Signed != nil {
		conds = append(conds, b.nullableDate(p.s, "date", w.Signed))
	}
	if w.Ratified != nil {
		conds = append(conds, b.nullableDate(p.r, "date", w.Ratified))
	}
	if w.EntryIntoForce != nil {
		conds = append(conds, b.nullableDate(p.r, "entryIntoForce", w.EntryIntoForce))
	}
	if w.Action != nil {
		conds = append(conds, p.r+".action IN "+b.param(w.Action))
	}
	if w.Certain != nil {
		c := p.certain()
		if !*w.Certain {
			c = "NOT " + c
		}
		conds = append(conds, c)
	}
	return join(nonEmpty(conds)), nil
}

// nullableDate filters a date of a relationship that may be absent: an
// absent relationship has an unknown date.
func (b *builder) nullableDate(rel, prop string, f *model.DateFilter) string {
	c := b.dateFilter(rel+"."+prop, f)
	if f.IsNull != nil && *f.IsNull {
		return fmt.Sprintf("(%s IS NULL OR %s)", rel, c)
	}
	return c
}

func (b *builder) participations(v string, fromInstrument bool, f *model.ParticipationListFilter) (string, error) {
	one := func(w *model.ParticipationWhere, negate bool) (string, error) {
		x := b.fresh("x")
		p := participation{i: x, s: b.fresh("s"), r: b.fresh("r"), u: b.fresh("u"), day: b.day}
		if fromInstrument {
			p.i = v
		}
		cond, err := b.participationWhere(x, fromInstrument, p, w)
		if err != nil {
			return "", err
		}
		if negate {
			// "all": no visible pair fails the condition.
			base, err := b.participationWhere(x, fromInstrument, p, nil)
			if err != nil {
				return "", err
			}
			cond = base + " AND NOT (" + cond + ")"
		}
		return fmt.Sprintf("EXISTS {\n%s\nWHERE %s }", participationMatch(v, x, fromInstrument, p), cond), nil
	}
	var c []string
	if f.Some != nil {
		e, err := one(f.Some, false)
		if err != nil {
			return "", err
		}
		c = append(c, e)
	}
	if f.None != nil {
		e, err := one(f.None, false)
		if err != nil {
			return "", err
		}
		c = append(c, "NOT "+e)
	}
	if f.All != nil {
		e, err := one(f.All, true)
		if err != nil {
			return "", err
		}
		c = append(c, "NOT "+e)
	}
	return join(c), nil
}
