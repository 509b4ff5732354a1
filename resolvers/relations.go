package resolvers

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// relationDirective is the schema directive that declares the relationship
// a field follows: @relation(type: TARGETS, direction: OUTGOING).
const relationDirective = "relation"

// declared is what one @relation says: the relationship type and whether
// it points away from the object the field belongs to.
type declared struct {
	Type string
	Out  bool
}

// relationOf reads the @relation declaration of a field definition; ok is
// false when the field has none. A declaration that does not name a
// relationship type of the vocabulary, or a direction other than OUTGOING
// or INCOMING, is an error.
func relationOf(f *ast.FieldDefinition) (d declared, ok bool, err error) {
	dir := f.Directives.ForName(relationDirective)
	if dir == nil {
		return declared{}, false, nil
	}
	typ, direction := dir.Arguments.ForName("type"), dir.Arguments.ForName("direction")
	if typ == nil || direction == nil || typ.Value == nil || direction.Value == nil {
		return declared{}, true, fmt.Errorf("@relation on %s needs a type and a direction", f.Name)
	}
	d.Type = typ.Value.Raw
	if !model.IsRelationType(d.Type) {
		return declared{}, true, fmt.Errorf("@relation on %s: %q is not a relationship type of the vocabulary", f.Name, d.Type)
	}
	switch model.Direction(direction.Value.Raw) {
	case model.DirectionOutgoing:
		d.Out = true
	case model.DirectionIncoming:
	default:
		return declared{}, true, fmt.Errorf("@relation on %s: direction %q is not OUTGOING or INCOMING", f.Name, direction.Value.Raw)
	}
	return d, true, nil
}

// Declarations reads every @relation declaration of schema, by object type
// and field name ("Project.targets"), with the label of the nodes at the
// far end: the node type of the field's connection, or "" for any node
// (the Node interface). A declaration on a field that does not list nodes
// through a connection, or on a type that is not a node, is an error.
func Declarations(schema *ast.Schema) (map[string]model.Hop, error) {
	out := map[string]model.Hop{}
	var errs []string
	names := make([]string, 0, len(schema.Types))
	for name := range schema.Types {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		def := schema.Types[name]
		for _, f := range def.Fields {
			d, ok, err := relationOf(f)
			if !ok {
				continue
			}
			if err != nil {
				errs = append(errs, name+"."+err.Error())
				continue
			}
			if def.Kind != ast.Object || !model.IsLabel(name) {
				errs = append(errs, fmt.Sprintf("%s.%s: @relation on a type that is not a node", name, f.Name))
				continue
			}
			label, ok := connectionNode(schema, f.Type.Name())
			if !ok {
				errs = append(errs, fmt.Sprintf("%s.%s: @relation on a field that is not a connection of nodes", name, f.Name))
				continue
			}
			out[name+"."+f.Name] = model.Hop{Type: d.Type, Out: d.Out, Label: label}
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("relationship declarations: %s", strings.Join(errs, "; "))
	}
	return out, nil
}

// connectionNode returns the label of the nodes the connection type conn
// lists through edges { node }, "" for the Node interface.
func connectionNode(schema *ast.Schema, conn string) (string, bool) {
	def := schema.Types[conn]
	if def == nil {
		return "", false
	}
	edges := def.Fields.ForName("edges")
	if edges == nil || schema.Types[edges.Type.Name()] == nil {
		return "", false
	}
	node := schema.Types[edges.Type.Name()].Fields.ForName("node")
	switch {
	case node == nil:
		return "", false
	case node.Type.Name() == "Node":
		return "", true
	case model.IsLabel(node.Type.Name()):
		return node.Type.Name(), true
	}
	return "", false
}
