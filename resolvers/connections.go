package resolvers

// The level-by-level answers of connections: each connection field reads
// its own page (nested ones through the request's batch loaders) and fills
// the connection's Go type. The read planner answers the same fields in one
// statement per root field; these stay as the independent oracle the
// planner's differential test compares it with.

import (
	"context"
	"fmt"
	"reflect"

	"github.com/99designs/gqlgen/graphql"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// relatedConnection answers a typed relationship field of the node parent:
// the relationship is the field's @relation declaration, the label at the
// far end the node type of C's edges (any node for the Node interface).
func relatedConnection[C any](ctx context.Context, r *Resolver, parent string, first *int, after *string, asOf *model.Date, where any, language *model.Language) (*C, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Definition == nil {
		return nil, fmt.Errorf("related: outside a GraphQL field")
	}
	d, ok, err := relationOf(fc.Field.Definition)
	if err != nil || !ok {
		return nil, fmt.Errorf("related: %s.%s: %w", fc.Object, fc.Field.Name, errOr(err, "no @relation declaration"))
	}
	hop := model.Hop{Type: d.Type, Out: d.Out, Label: nodeLabel(reflect.TypeFor[C]())}
	page, cur, err := r.relatedPage(ctx, hop, model.RelationFieldList(fc.Object, fc.Field.Name), parent, first, after, asOf, where, language)
	if err != nil {
		return nil, err
	}
	conn := new(C)
	fillConnection(reflect.ValueOf(conn).Elem(), page, cur, after != nil)
	return conn, nil
}

func errOr(err error, msg string) error {
	if err != nil {
		return err
	}
	return fmt.Errorf("%s", msg)
}

// listConnection answers a root list of the node type of C's edges,
// filtered by where, sorted by sort (a slice of the type's XSort inputs).
func listConnection[C any, S any](ctx context.Context, r *Resolver, where any, sort []S, first *int, after *string, asOf *model.Date) (*C, error) {
	label := nodeLabel(reflect.TypeFor[C]())
	specs := make([]model.SortSpec, len(sort))
	for i, s := range sort {
		specs[i] = sortSpecOf(reflect.ValueOf(s))
	}
	page, cur, err := r.listPage(ctx, label, where, specs, first, after, asOf)
	if err != nil {
		return nil, err
	}
	conn := new(C)
	fillConnection(reflect.ValueOf(conn).Elem(), page, cur, after != nil)
	r.loaders(ctx).Expect(ctx, len(page.Items))
	return conn, nil
}

// sortSpecOf reads one XSort input: its Field, Direction and Language.
func sortSpecOf(v reflect.Value) model.SortSpec {
	spec := model.SortSpec{Field: model.SortFieldOf(v)}
	if d := v.FieldByName("Direction"); !d.IsNil() {
		spec.Desc = model.SortDirection(d.Elem().String()) == model.SortDirectionDesc
	}
	var lang *model.Language
	if l := v.FieldByName("Language"); !l.IsNil() {
		lang = l.Interface().(*model.Language)
	}
	spec.Language = languageOf(lang)
	return spec
}

// nodeLabel returns the label of the nodes a connection type lists: the
// name of its edges' node type, or "" when that is the Node interface.
func nodeLabel(conn reflect.Type) string {
	edge, _ := conn.FieldByName("Edges")
	node, _ := edge.Type.Elem().FieldByName("Node")
	if node.Type.Kind() == reflect.Interface {
		return ""
	}
	return node.Type.Elem().Name()
}

// fillConnection fills conn, a connection struct of the model, with a page:
// edges holding the node in its Go type, the cursor and, where the edge
// type has them, the relationship's fields.
func fillConnection(conn reflect.Value, page model.EntityPage, cur cursor, hasPrevious bool) {
	edgesField := conn.FieldByName("Edges")
	edges := reflect.MakeSlice(edgesField.Type(), 0, len(page.Items))
	cursors := make([]string, 0, len(page.Items))
	for _, it := range page.Items {
		e := reflect.New(edgesField.Type().Elem()).Elem()
		node := e.FieldByName("Node")
		if node.Kind() == reflect.Interface {
			node.Set(reflect.ValueOf(model.Typed(it.Entity)))
		} else {
			n := reflect.New(node.Type().Elem())
			n.Elem().FieldByName("Entity").Set(reflect.ValueOf(it.Entity))
			node.Set(n)
		}
		c := cur.encode(it.Keys)
		cursors = append(cursors, c)
		e.FieldByName("Cursor").SetString(c)
		if it.Rel != nil && e.FieldByName("Key").IsValid() {
			e.FieldByName("Type").SetString(it.Rel.Type)
			e.FieldByName("Properties").Set(reflect.ValueOf(it.Rel.Properties))
			e.FieldByName("Sources").Set(reflect.ValueOf(it.Rel.Sources))
			e.FieldByName("Key").SetString(it.Rel.Key)
			e.FieldByName("Version").SetInt(int64(it.Rel.Version))
		}
		edges = reflect.Append(edges, e)
	}
	edgesField.Set(edges)
	conn.FieldByName("PageInfo").Set(reflect.ValueOf(pageInfo(cursors, page.HasNext, hasPrevious)))
	conn.FieldByName("TotalCount").SetInt(int64(page.Total))
}
