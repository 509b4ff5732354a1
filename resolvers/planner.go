package resolvers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// ReadPlanner is what the planner needs of the store: compiling a root
// field's selection into one statement, and running it for a request.
type ReadPlanner interface {
	CompileRead(sel model.Selection, env model.ReadEnv) (model.CompiledRead, error)
	RunRead(ctx context.Context, r model.CompiledRead, env model.ReadEnv) ([]byte, error)
}

// Planner is the gqlgen extension that answers each root field of a query
// with one statement of the store's read planner, however deep its
// selection, and writes the answer the statement returns as the field's
// value: gqlgen executes nothing below the root field, so no resolver,
// batch or goroutine runs per nested list item. Compiled statements are
// kept in a bounded LRU cache per document, operation and root field.
// Root fields the planner does not compile run through their resolvers.
type Planner struct {
	r      *Resolver
	schema *ast.Schema
	decls  map[string]model.Hop
	cache  *lru.LRU[*planned]
}

// planned is a cache entry: a compiled read, or nil when the planner does
// not compile the field.
type planned struct{ read model.CompiledRead }

// NewPlanner returns the planner of r's store for the executable schema es,
// keeping up to cacheSize compiled statements. It reads the schema's
// @relation declarations now, and fails when one does not fit the relation
// vocabulary.
func NewPlanner(r *Resolver, es graphql.ExecutableSchema, cacheSize int) (*Planner, error) {
	schema := es.Schema()
	decls, err := Declarations(schema)
	if err != nil {
		return nil, err
	}
	if cacheSize < 1 {
		cacheSize = 1
	}
	return &Planner{r: r, schema: schema, decls: decls, cache: lru.New[*planned](cacheSize)}, nil
}

var (
	_ graphql.HandlerExtension     = (*Planner)(nil)
	_ graphql.RootFieldInterceptor = (*Planner)(nil)
)

// ExtensionName names the extension for gqlgen.
func (p *Planner) ExtensionName() string { return "ReadPlanner" }

// Validate accepts any schema: NewPlanner has read it.
func (p *Planner) Validate(graphql.ExecutableSchema) error { return nil }

// plannedRoots are the root fields the planner compiles.
var plannedRoots = map[string]bool{
	"node": true, "instrument": true, "body": true, "project": true, "country": true,
	"instruments": true, "bodies": true, "projects": true, "countries": true, "resources": true,
	"events": true, "monitoringRounds": true, "topics": true,
	"search": true, "coverage": true, "shortestPath": true, "allShortestPaths": true, "neighbourhood": true,
}

// InterceptRootField answers a planned root field of a query in one
// statement, and passes any other field on to its resolver.
func (p *Planner) InterceptRootField(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	oc := graphql.GetOperationContext(ctx)
	rfc := graphql.GetRootFieldContext(ctx)
	if oc == nil || rfc == nil || oc.Operation == nil {
		return next(ctx)
	}
	if oc.Operation.Operation == ast.Mutation && nodePayloads[rfc.Field.Name] {
		return p.mutation(ctx, next, oc, rfc.Field)
	}
	if oc.Operation.Operation != ast.Query || !plannedRoots[rfc.Field.Name] {
		return next(ctx)
	}
	field := rfc.Field
	env := model.ReadEnv{Vars: oc.Variables, Today: p.r.today()}
	key := cacheKey(oc, field)
	entry, ok := p.cache.Get(ctx, key)
	if !ok {
		read, err := p.r.store.CompileRead(p.selection(oc, field, "Query"), env)
		switch {
		case errors.Is(err, model.ErrUnplanned):
			entry = &planned{}
		case err != nil:
			return fieldError(ctx, field, err)
		default:
			entry = &planned{read: read}
		}
		p.cache.Add(ctx, key, entry)
	}
	if entry.read == nil {
		return next(ctx)
	}
	out, err := p.r.store.RunRead(ctx, entry.read, env)
	if err != nil {
		return fieldError(ctx, field, err)
	}
	return rawJSON(out)
}

// rawJSON is a field's answer as the planner wrote it.
type rawJSON []byte

// MarshalGQL writes the answer.
func (j rawJSON) MarshalGQL(w io.Writer) { _, _ = w.Write(j) }

// fieldError reports err on the root field's path and leaves its value
// null, as a resolver's error would.
func fieldError(ctx context.Context, field graphql.CollectedField, err error) graphql.Marshaler {
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Object: "Query", Field: field, IsMethod: true, IsResolver: true})
	graphql.AddError(ctx, err)
	return graphql.Null
}

// cacheKey names a root field's compiled statement: the document, the
// operation, the field's key, and what of the variables decides the
// statement's text: the values of Boolean variables (@skip and @include
// read them) and the outline of the others (which fields an input object
// holds, and enum-like values such as sort fields). The store checks the
// outline again on every request, so the outline only saves recompiling.
func cacheKey(oc *graphql.OperationContext, f graphql.CollectedField) string {
	var b strings.Builder
	b.WriteString(oc.RawQuery)
	b.WriteByte(0)
	b.WriteString(oc.Operation.Name)
	b.WriteByte(0)
	b.WriteString(f.Alias)
	for _, v := range oc.Operation.VariableDefinitions {
		b.WriteByte(0)
		b.WriteString(v.Variable)
		b.WriteByte('=')
		value, ok := oc.Variables[v.Variable]
		if !ok {
			b.WriteByte('-')
			continue
		}
		outline(&b, value)
	}
	return b.String()
}

// outline writes the structure of a variable's value: object keys, list
// lengths, nulls, booleans and enum-like words, but no other text or
// number.
func outline(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		fmt.Fprint(b, x)
	case string:
		if enumLike(x) {
			b.WriteString(x)
		} else {
			b.WriteByte('s')
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for _, k := range keys {
			b.WriteString(k)
			b.WriteByte(':')
			outline(b, x[k])
			b.WriteByte(',')
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for _, it := range x {
			outline(b, it)
			b.WriteByte(',')
		}
		b.WriteByte(']')
	default:
		b.WriteByte('n')
	}
}

// enumLike reports whether s reads like an enum value (NAME, IN_FORCE).
func enumLike(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}

// selection turns a collected field of an object of type parent into the
// planner's selection tree.
func (p *Planner) selection(oc *graphql.OperationContext, f graphql.CollectedField, parent string) model.Selection {
	s := model.Selection{Field: f.Name, Alias: f.Alias}
	if s.Alias == "" {
		s.Alias = f.Name
	}
	if f.Definition != nil {
		s.Type = f.Definition.Type.Name()
		s.Args = arguments(f.Definition.Arguments, f.Arguments)
	}
	if h, ok := p.decls[parent+"."+f.Name]; ok {
		s.Relation = &h
	}
	if len(f.Selections) == 0 {
		return s
	}
	def := p.schema.Types[s.Type]
	if def == nil {
		return s
	}
	if def.Kind == ast.Object {
		s.Fields = p.fields(oc, f.Selections, def)
		return s
	}
	s.ByType = map[string][]model.Selection{}
	for _, impl := range p.schema.GetPossibleTypes(def) {
		s.ByType[impl.Name] = p.fields(oc, f.Selections, impl)
	}
	return s
}

// fields collects the selections of an object of type def, through
// fragments and inline fragments, @skip and @include applied, fields of
// one key merged.
func (p *Planner) fields(oc *graphql.OperationContext, set ast.SelectionSet, def *ast.Definition) []model.Selection {
	satisfies := append([]string{def.Name}, def.Interfaces...)
	collected := graphql.CollectFields(oc, set, satisfies)
	out := make([]model.Selection, len(collected))
	for i, f := range collected {
		out[i] = p.selection(oc, f, def.Name)
	}
	return out
}

// arguments returns a field's arguments as the query writes them, with the
// schema's defaults for those it leaves out.
func arguments(defs ast.ArgumentDefinitionList, args ast.ArgumentList) map[string]model.Input {
	out := make(map[string]model.Input, len(defs))
	for _, d := range defs {
		var dflt any
		if d.DefaultValue != nil {
			dflt, _ = d.DefaultValue.Value(nil)
		}
		if a := args.ForName(d.Name); a != nil && a.Value != nil {
			in := input(a.Value)
			if in.Kind == model.InputVariable {
				in.Value = dflt
			}
			out[d.Name] = in
			continue
		}
		if d.DefaultValue != nil {
			out[d.Name] = model.Input{Kind: model.InputValue, Value: dflt}
		}
	}
	return out
}

func input(v *ast.Value) model.Input {
	switch v.Kind {
	case ast.Variable:
		return model.Input{Kind: model.InputVariable, Name: v.Raw}
	case ast.ObjectValue:
		in := model.Input{Kind: model.InputObject, Fields: make(map[string]model.Input, len(v.Children))}
		for _, c := range v.Children {
			in.Fields[c.Name] = input(c.Value)
		}
		return in
	case ast.ListValue:
		in := model.Input{Kind: model.InputList, Items: make([]model.Input, len(v.Children))}
		for i, c := range v.Children {
			in.Items[i] = input(c.Value)
		}
		return in
	}
	val, _ := v.Value(nil)
	return model.Input{Kind: model.InputValue, Value: val}
}

// nodePayloads are the mutations whose payload holds a node
// (EntityChange.node).
var nodePayloads = map[string]bool{"createEntity": true, "updateEntity": true}

// payload is how a mutation's resolver tells the planner which node its
// payload holds.
type payload struct {
	mu sync.Mutex
	id string
}

type payloadKey struct{}

// payloadNode records the node of a mutation's payload, for the planner to
// read its selection in one statement once the change is written.
func payloadNode(ctx context.Context) func(*model.EntityChange, error) (*model.EntityChange, error) {
	return func(c *model.EntityChange, err error) (*model.EntityChange, error) {
		if pl, ok := ctx.Value(payloadKey{}).(*payload); ok && err == nil && c != nil && c.Node != nil {
			pl.mu.Lock()
			pl.id = model.EntityOf(c.Node).ID
			pl.mu.Unlock()
		}
		return c, err
	}
}

// payloadPlanned reports whether ctx runs inside a mutation whose payload
// node the planner reads: connections below it are left empty, the
// planner's answer replacing the node.
func payloadPlanned(ctx context.Context) bool {
	_, ok := ctx.Value(payloadKey{}).(*payload)
	return ok
}

// mutation runs a mutation and, when the selection of its payload's node
// reads more than the node's own fields, answers that node with one
// statement of the planner after the write.
func (p *Planner) mutation(ctx context.Context, next graphql.RootResolver, oc *graphql.OperationContext, field graphql.CollectedField) graphql.Marshaler {
	fields := graphql.CollectFields(oc, field.Selections, []string{"EntityChange"})
	var nodes []int
	for i, f := range fields {
		if f.Name == "node" && p.reads(oc, f) {
			nodes = append(nodes, i)
		}
	}
	if len(nodes) == 0 {
		return next(ctx)
	}
	// The reads are compiled before the write: a selection the planner
	// does not compile leaves the payload to the resolvers.
	reads := make([]model.CompiledRead, len(nodes))
	for j, i := range nodes {
		f := fields[i]
		key := cacheKey(oc, field) + "\x00" + f.Alias
		entry, ok := p.cache.Get(ctx, key)
		if !ok {
			sel := p.selection(oc, f, "EntityChange")
			sel.Field = "node"
			sel.Args = map[string]model.Input{"id": {Kind: model.InputVariable, Name: payloadIDVar}}
			read, err := p.r.store.CompileRead(sel, model.ReadEnv{Vars: map[string]any{payloadIDVar: ""}, Today: p.r.today()})
			if err != nil && !errors.Is(err, model.ErrUnplanned) {
				return fieldError(ctx, field, err)
			}
			entry = &planned{read: read}
			p.cache.Add(ctx, key, entry)
		}
		if entry.read == nil {
			return next(ctx)
		}
		reads[j] = entry.read
	}
	pl := &payload{}
	m := next(context.WithValue(ctx, payloadKey{}, pl))
	fs, ok := m.(*graphql.FieldSet)
	pl.mu.Lock()
	id := pl.id
	pl.mu.Unlock()
	if !ok || id == "" || len(fs.Values) != len(fields) {
		return m
	}
	env := model.ReadEnv{Vars: map[string]any{payloadIDVar: id}, Today: p.r.today()}
	for j, i := range nodes {
		out, err := p.r.store.RunRead(ctx, reads[j], env)
		if err != nil {
			// The change is written; its payload answers without the
			// node's connections rather than not at all.
			graphql.AddError(ctx, err)
			return m
		}
		fs.Values[i] = rawJSON(out)
	}
	return fs
}

// payloadIDVar is the variable a payload's node read takes its id from; no
// query can name it.
const payloadIDVar = "\x00payload"

// reads reports whether the selection of a payload's node reads more than
// the node's own fields: a field with arguments, or a connection.
func (p *Planner) reads(oc *graphql.OperationContext, f graphql.CollectedField) bool {
	def := p.schema.Types[f.Definition.Type.Name()]
	if def == nil {
		return false
	}
	for _, impl := range p.schema.GetPossibleTypes(def) {
		satisfies := append([]string{impl.Name}, impl.Interfaces...)
		for _, c := range graphql.CollectFields(oc, f.Selections, satisfies) {
			if c.Definition != nil && (len(c.Definition.Arguments) > 0 || strings.HasSuffix(c.Definition.Type.Name(), "Connection")) {
				return true
			}
		}
	}
	return false
}
