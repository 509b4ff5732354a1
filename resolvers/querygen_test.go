package resolvers_test

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// queryGen writes random valid queries over the schema: root fields of
// every kind the planner answers, nodes nested through connections to a
// given depth, aliases (also of one field with other arguments), inline
// fragments on the Node interface and named fragments, @include, filters,
// sorts, languages, asOf dates and pages. Argument values are drawn from
// what the seed graph holds, so most queries find something.
type queryGen struct {
	r      *rand.Rand
	schema *ast.Schema
	ids    map[string][]string // node ids by label
	// per query
	frags   []string
	nfrag   int
	nalias  int
	vars    []string
	include bool
}

// genQuery is one generated query: its text, and the variable sets to run
// it with (the same text, other values). pages is set when the root field
// is a list whose pages the test reads one after another.
type genQuery struct {
	text  string
	vars  []map[string]any
	pages bool
	depth int
}

// newQueryGen returns a generator drawing from seed, with the node ids of
// the graph by label.
func newQueryGen(seed uint64, schema *ast.Schema, ids map[string][]string) *queryGen {
	return &queryGen{r: rand.New(rand.NewPCG(seed, 0x5eed)), schema: schema, ids: ids}
}

func (g *queryGen) pick(list ...string) string { return list[g.r.IntN(len(list))] }

func (g *queryGen) chance(p float64) bool { return g.r.Float64() < p }

// id returns a random id of label, or of any label when label is "".
func (g *queryGen) id(label string) string {
	if label == "" {
		label = g.pick("Instrument", "Body", "Project", "Country", "Event", "Resource")
	}
	list := g.ids[label]
	return list[g.r.IntN(len(list))]
}

var asOfDates = []any{nil, nil, "2005", "2010-06", "2012-06-30", "2015-01-01", "2018", "2021-03-15"}

// query returns a query whose nodes nest depth levels deep (a root node or
// list being the first), with valuesets sets of variables.
func (g *queryGen) query(depth, valuesets int) genQuery {
	g.frags, g.nfrag, g.nalias, g.vars, g.include = nil, 0, 0, nil, false
	var q genQuery
	q.depth = depth
	root := g.pick("list", "list", "list", "entity", "entity", "node", "search", "coverage", "path", "paths", "neighbourhood")
	var body string
	var values func() map[string]any
	switch root {
	case "list":
		label := g.pick("Instrument", "Body", "Project", "Country", "Resource", "Event", "MonitoringRound", "Topic")
		field := map[string]string{"Instrument": "instruments", "Body": "bodies", "Project": "projects", "Country": "countries",
			"Resource": "resources", "Event": "events", "MonitoringRound": "monitoringRounds", "Topic": "topics"}[label]
		g.vars = append(g.vars, "$first: Int", "$after: String", "$asOf: Date")
		args := []string{"first: $first", "after: $after", "asOf: $asOf"}
		if s := g.sort(label); s != "" {
			args = append(args, s)
		}
		if g.chance(0.5) {
			args = append(args, "where: "+g.where(label, 2))
		}
		conn := g.connection(label+"Connection", label, depth, true)
		body = fmt.Sprintf("%s(%s) %s", field, strings.Join(args, ", "), conn)
		q.pages = true
		values = func() map[string]any {
			return map[string]any{"first": 1 + g.r.IntN(5), "asOf": asOfDates[g.r.IntN(len(asOfDates))], "after": nil}
		}
	case "entity":
		label := g.pick("Instrument", "Body", "Project", "Country")
		g.vars = append(g.vars, "$id: ID!")
		body = fmt.Sprintf("%s(id: $id) %s", strings.ToLower(label[:1])+label[1:], g.node(label, depth))
		values = func() map[string]any {
			id := g.id(label)
			if label == "Country" && g.chance(0.3) {
				id = strings.ToUpper(strings.TrimPrefix(id, "country-"))
			}
			return map[string]any{"id": id}
		}
	case "node":
		g.vars = append(g.vars, "$id: ID!")
		body = "node(id: $id) " + g.abstractNode(depth)
		values = func() map[string]any { return map[string]any{"id": g.id("")} }
	case "search":
		g.vars = append(g.vars, "$q: String!", "$first: Int", "$after: String")
		types := ""
		if g.chance(0.4) {
			types = ", types: [" + g.pick("INSTRUMENT", "BODY", "PROJECT", "COUNTRY") + "]"
		}
		body = fmt.Sprintf("search(query: $q, first: $first, after: $after%s) %s", types, g.connection("SearchConnection", "", depth, true))
		q.pages = true
		values = func() map[string]any {
			return map[string]any{"q": g.pick("convention", "cyber", "council", "child", "europe", "lanzarote", "project"), "first": 1 + g.r.IntN(5), "after": nil}
		}
	case "coverage":
		g.vars = append(g.vars, "$instruments: [ID!]!", "$asOf: Date")
		// A few states, so deep selections stay small; now and then
		// the member states of the day.
		countries := ", countries: {id: {in: $states}}"
		g.vars = append(g.vars, "$states: [ID!]")
		if g.chance(0.2) {
			countries = ""
			g.vars = g.vars[:len(g.vars)-1]
		}
		body = fmt.Sprintf("coverage(instruments: $instruments, asOf: $asOf%s) { country %s cells { %s } }", countries,
			g.node("Country", depth), g.fieldsOf("CoverageCell", depth))
		values = func() map[string]any {
			n := 1 + g.r.IntN(3)
			ins := g.r.Perm(len(g.ids["Treaty"]))[:n]
			var list []any
			for _, i := range ins {
				list = append(list, g.ids["Treaty"][i])
			}
			v := map[string]any{"instruments": list, "asOf": asOfDates[g.r.IntN(len(asOfDates))]}
			if countries != "" {
				v["states"] = []any{g.id("Country"), g.id("Country"), g.id("Country")}
			}
			return v
		}
	case "path", "paths":
		field, extra := "shortestPath", ""
		if root == "paths" {
			field, extra = "allShortestPaths", ", first: 3"
		}
		g.vars = append(g.vars, "$from: ID!", "$to: ID!", "$hops: Int")
		body = fmt.Sprintf("%s(from: $from, to: $to, maxHops: $hops%s) { length nodes %s edges { %s } }", field, extra,
			g.abstractNode(depth), g.fieldsOf("Edge", depth))
		values = func() map[string]any {
			return map[string]any{"from": g.id(""), "to": g.id(""), "hops": 2 + g.r.IntN(2)}
		}
	case "neighbourhood":
		g.vars = append(g.vars, "$id: ID!", "$depth: Int", "$limit: Int")
		edges := ""
		if g.chance(0.6) {
			edges = "edges { " + g.fieldsOf("Edge", depth) + " }"
		}
		body = fmt.Sprintf("neighbourhood(id: $id, depth: $depth, limit: $limit) { truncated nodes %s %s }", g.abstractNode(depth), edges)
		values = func() map[string]any {
			return map[string]any{"id": g.id(""), "depth": 1 + g.r.IntN(2), "limit": 5 + g.r.IntN(20)}
		}
	}
	alias := ""
	if g.chance(0.3) {
		alias = "root: "
	}
	vars := ""
	if g.include {
		g.vars = append(g.vars, "$inc: Boolean!")
	}
	if len(g.vars) > 0 {
		vars = "(" + strings.Join(g.vars, ", ") + ")"
	}
	q.text = fmt.Sprintf("query Generated%s { %s%s }%s", vars, alias, body, strings.Join(g.frags, ""))
	for i := 0; i < valuesets; i++ {
		v := values()
		if g.include {
			v["inc"] = g.chance(0.5)
		}
		q.vars = append(q.vars, v)
	}
	return q
}

// sort returns a random sort argument of a root list of label, or "".
func (g *queryGen) sort(label string) string {
	def := g.schema.Types[label+"SortField"]
	if def == nil || g.chance(0.3) {
		return ""
	}
	var keys []string
	for i := 0; i < 1+g.r.IntN(2); i++ {
		f := def.EnumValues[g.r.IntN(len(def.EnumValues))].Name
		k := "{field: " + f
		if g.chance(0.4) {
			k += ", direction: DESC"
		}
		if f == "NAME" && g.chance(0.4) {
			k += ", language: FR"
		}
		keys = append(keys, k+"}")
	}
	return "sort: [" + strings.Join(keys, ", ") + "]"
}

// where returns a random filter on nodes of label ("" for any node).
func (g *queryGen) where(label string, depth int) string {
	var conds []string
	add := func(s string) { conds = append(conds, s) }
	switch g.r.IntN(6) {
	case 0:
		add(fmt.Sprintf("id: {in: [%q, %q, %q]}", g.id(label), g.id(label), g.id(label)))
	case 1:
		add(fmt.Sprintf("name: {contains: %q}", g.pick("a", "e", "cyber", "child", "Council", "pro", "ç")))
	case 2:
		add(fmt.Sprintf("name: {startsWith: %q}", g.pick("C", "E", "L", "the", "S")))
	}
	switch label {
	case "Country":
		switch g.r.IntN(5) {
		case 0:
			add("coeStatus: {eq: " + g.pick("MEMBER", "OBSERVER", "NON_MEMBER") + "}")
		case 1:
			add(fmt.Sprintf("treaties: {some: {instrument: {id: {eq: %q}}, status: [RATIFIED, IN_FORCE]}}", g.id("Treaty")))
		case 2:
			add(fmt.Sprintf("coeAccession: {%s: %q}", g.pick("lt", "gte"), g.pick("1990", "2000-01-01")))
		case 3:
			add(fmt.Sprintf("treaties: {none: {instrument: {id: {eq: %q}}}}", g.id("Treaty")))
		}
	case "Instrument":
		switch g.r.IntN(4) {
		case 0:
			add(fmt.Sprintf("number: {startsWith: %q}", g.pick("CETS", "ETS")))
		case 1:
			add(fmt.Sprintf("opened: {gte: %q}", g.pick("1990", "2005-01-01")))
		case 2:
			add("participants: {some: {status: [SIGNED], certain: " + g.pick("true", "false") + "}}")
		}
	case "Project", "Event":
		if g.chance(0.4) {
			add(fmt.Sprintf("startDate: {%s: %q}", g.pick("lte", "gt"), g.pick("2010", "2015-06", "2018-01-01")))
		}
	case "":
		if g.chance(0.5) {
			add("type: [" + g.pick("BODY", "COUNTRY", "PROJECT", "INSTRUMENT") + "]")
		}
	}
	if label != "" && g.chance(0.25) {
		add(fmt.Sprintf("relations: [{type: %s, direction: %s}]", g.pick("TARGETS", "FUNDED_BY", "PART_OF", "ADDRESSES", "SUPPORTS"), g.pick("OUTGOING", "INCOMING", "BOTH")))
	}
	if depth > 1 && g.chance(0.2) {
		add(fmt.Sprintf("OR: [%s, %s]", g.where(label, depth-1), g.where(label, depth-1)))
	}
	if depth > 1 && g.chance(0.1) {
		add("NOT: " + g.where(label, depth-1))
	}
	return "{" + strings.Join(conds, ", ") + "}"
}

// scalars returns some of the fields of def that need no selection.
func (g *queryGen) scalars(def *ast.Definition, n int) []string {
	var out []string
	for _, f := range def.Fields {
		if len(f.Arguments) > 0 || strings.HasPrefix(f.Name, "__") {
			continue
		}
		t := g.schema.Types[f.Type.Name()]
		if t.Kind == ast.Scalar || t.Kind == ast.Enum {
			out = append(out, f.Name)
		}
	}
	g.r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// objectFields returns the selections of the fields of def whose values
// are plain objects (sources, windows, variants), with some of their own
// fields.
func (g *queryGen) objectFields(def *ast.Definition, p float64, depth int) []string {
	var out []string
	for _, f := range def.Fields {
		t := g.schema.Types[f.Type.Name()]
		if t.Kind != ast.Object || len(f.Arguments) > 0 || strings.HasSuffix(t.Name, "Connection") || t.Name == "Instrument" || t.Name == "Country" || !g.chance(p) {
			continue
		}
		out = append(out, f.Name+" { "+g.fieldsOf(t.Name, depth)+" }")
	}
	return out
}

// fieldsOf returns a selection of the fields of a plain object type.
func (g *queryGen) fieldsOf(typ string, depth int) string {
	def := g.schema.Types[typ]
	fields := append(g.scalars(def, 1+g.r.IntN(4)), g.objectFields(def, 0.3, depth)...)
	for _, f := range def.Fields {
		if (f.Name == "instrument" || f.Name == "country") && g.chance(0.3) {
			fields = append(fields, f.Name+" "+g.node(f.Type.Name(), depth))
		}
	}
	if len(fields) == 0 {
		fields = []string{"__typename"}
	}
	return strings.Join(g.aliased(fields), " ")
}

// aliased gives some fields an alias.
func (g *queryGen) aliased(fields []string) []string {
	for i, f := range fields {
		if first := strings.Fields(f)[0]; strings.HasSuffix(first, ":") || strings.HasPrefix(first, "...") {
			continue
		}
		if g.chance(0.1) {
			g.nalias++
			fields[i] = fmt.Sprintf("a%d: %s", g.nalias, f)
		}
	}
	return fields
}

// node returns the selection of a node of label, whose connections nest
// depth-1 levels further.
func (g *queryGen) node(label string, depth int) string {
	def := g.schema.Types[label]
	fields := append([]string{"id"}, g.scalars(def, g.r.IntN(5))...)
	fields = append(fields, g.objectFields(def, 0.15, depth)...)
	if g.chance(0.2) {
		fields = append(fields, "__typename")
	}
	if def.Fields.ForName("partyCount") != nil && g.chance(0.3) {
		fields = append(fields, fmt.Sprintf("partyCount(asOf: %s)", g.date()))
	}
	if depth > 1 {
		conns := g.connectionsOf(def)
		used := map[string]bool{}
		n := 1
		if g.chance(0.3) {
			n = 2
		}
		for i := 0; i < n && len(conns) > 0; i++ {
			f := conns[g.r.IntN(len(conns))]
			// A field asked twice answers under two aliases, with other
			// arguments.
			alias := ""
			if used[f.Name] || g.chance(0.2) {
				g.nalias++
				alias = fmt.Sprintf("c%d: ", g.nalias)
			}
			used[f.Name] = true
			fields = append(fields, alias+g.nestedConnection(f, depth-1))
		}
	}
	fields = g.aliased(fields)
	if len(fields) > 1 && g.chance(0.15) {
		// Part of the selection in a named fragment.
		g.nfrag++
		name := fmt.Sprintf("F%d", g.nfrag)
		g.frags = append(g.frags, fmt.Sprintf(" fragment %s on %s { %s }", name, label, strings.Join(fields[1:], " ")))
		fields = []string{"id", "..." + name}
	}
	if g.chance(0.1) {
		g.include = true
		fields = append(fields, "name @include(if: $inc)")
	}
	return "{ " + strings.Join(fields, " ") + " }"
}

// abstractNode returns the selection of a node of any type: fields of the
// Node interface, and inline fragments on some types.
func (g *queryGen) abstractNode(depth int) string {
	fields := []string{"__typename", "id"}
	if g.chance(0.5) {
		fields = append(fields, "name")
	}
	if g.chance(0.2) {
		fields = append(fields, "sources { title }")
	}
	labels := []string{"Instrument", "Body", "Project", "Country", "Resource", "Event", "MonitoringRound", "Topic"}
	// One of the types may nest further; the others select their own
	// fields, so statements stay of a size a dashboard would send.
	for j, i := range g.r.Perm(len(labels))[:g.r.IntN(3)] {
		d := depth
		if j > 0 {
			d = 1
		}
		fields = append(fields, "... on "+labels[i]+" "+g.node(labels[i], d))
	}
	if g.chance(0.1) {
		g.nfrag++
		name := fmt.Sprintf("F%d", g.nfrag)
		g.frags = append(g.frags, fmt.Sprintf(" fragment %s on Node { id name version }", name))
		fields = append(fields, "..."+name)
	}
	return "{ " + strings.Join(fields, " ") + " }"
}

// connectionsOf returns the connection fields of a node type.
func (g *queryGen) connectionsOf(def *ast.Definition) []*ast.FieldDefinition {
	var out []*ast.FieldDefinition
	for _, f := range def.Fields {
		if strings.HasSuffix(f.Type.Name(), "Connection") {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (g *queryGen) date() string {
	d := asOfDates[g.r.IntN(len(asOfDates))]
	if d == nil {
		return "null"
	}
	return fmt.Sprintf("%q", d)
}

// nestedConnection returns a connection field of a node with random
// arguments, whose nodes nest depth levels.
func (g *queryGen) nestedConnection(f *ast.FieldDefinition, depth int) string {
	var args []string
	for _, a := range f.Arguments {
		if !g.chance(0.35) {
			continue
		}
		switch a.Name {
		case "first":
			args = append(args, fmt.Sprintf("first: %d", g.r.IntN(3)))
		case "asOf":
			args = append(args, "asOf: "+g.date())
		case "language":
			args = append(args, "language: "+g.pick("EN", "FR"))
		case "certain":
			args = append(args, "certain: "+g.pick("true", "false"))
		case "status":
			args = append(args, "status: ["+g.pick("SIGNED", "RATIFIED", "IN_FORCE", "UNKNOWN", "NOT_SIGNED")+"]")
		case "direction":
			args = append(args, "direction: "+g.pick("OUTGOING", "INCOMING", "BOTH"))
		case "types":
			args = append(args, "types: ["+g.pick("TARGETS", "FUNDED_BY", "ADDRESSES", "SIGNED", "RATIFIED", "PART_OF")+"]")
		case "where":
			label := strings.TrimSuffix(a.Type.Name(), "Where")
			if label == "Node" {
				label = ""
			}
			args = append(args, "where: "+g.where(label, 1))
		}
	}
	if !strings.Contains(strings.Join(args, " "), "first:") {
		args = append(args, fmt.Sprintf("first: %d", 1+g.r.IntN(2)))
	}
	label := g.connectionNode(f.Type.Name())
	text := f.Name + "(" + strings.Join(args, ", ") + ") " + g.connection(f.Type.Name(), label, depth, false)
	return text
}

// connectionNode returns the node type a connection type lists ("" for
// the Node interface).
func (g *queryGen) connectionNode(conn string) string {
	edge := g.schema.Types[g.schema.Types[conn].Fields.ForName("edges").Type.Name()]
	n := edge.Fields.ForName("node").Type.Name()
	if n == "Node" {
		return ""
	}
	return n
}

// connection returns the selection of a connection whose nodes are of
// label ("" for any) and nest depth levels; root connections always select
// their page's end so the test can read the next page.
func (g *queryGen) connection(typ, label string, depth int, root bool) string {
	def := g.schema.Types[typ]
	edge := g.schema.Types[def.Fields.ForName("edges").Type.Name()]
	var fields []string
	if root || g.chance(0.3) {
		fields = append(fields, "pageInfo { hasNextPage endCursor "+g.pick("", "startCursor", "hasPreviousPage")+" }")
	}
	if g.chance(0.5) {
		fields = append(fields, "totalCount")
	}
	var ef []string
	if g.chance(0.3) {
		ef = append(ef, "cursor")
	}
	for _, s := range g.scalars(edge, g.r.IntN(4)) {
		if s != "cursor" {
			ef = append(ef, s)
		}
	}
	ef = append(ef, g.objectFields(edge, 0.2, depth)...)
	for _, f := range edge.Fields {
		if (f.Name == "instrument" || f.Name == "country") && g.chance(0.2) {
			ef = append(ef, f.Name+" "+g.node(f.Type.Name(), 1))
		}
	}
	if label == "" {
		ef = append(ef, "node "+g.abstractNode(depth))
	} else {
		ef = append(ef, "node "+g.node(label, depth))
	}
	fields = append(fields, "edges { "+strings.Join(g.aliased(ef), " ")+" }")
	if len(fields) > 1 && g.chance(0.1) {
		fields[0] = "... on " + typ + " { " + fields[0] + " }"
	}
	return "{ " + strings.Join(fields, " ") + " }"
}
