package resolvers

import (
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/coe-child-online/knowledge-graph/graph"
	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// TestRelationDeclarations checks every @relation of the schema against the
// relation vocabulary: the relationship type must join the field's own node
// type to the nodes its connection lists, in the declared direction. Every
// connection field of a node type that lists related nodes must carry one.
func TestRelationDeclarations(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	decls, err := Declarations(schema)
	if err != nil {
		t.Fatal(err)
	}
	if len(decls) == 0 {
		t.Fatal("no @relation declarations in the schema")
	}
	for field, hop := range decls {
		owner := strings.SplitN(field, ".", 2)[0]
		far := []string{hop.Label}
		if hop.Label == "" {
			far = model.Labels
		}
		allowed := 0
		for _, l := range far {
			from, to := owner, l
			if !hop.Out {
				from, to = l, owner
			}
			known, ok, _ := model.CheckRelation(hop.Type, from, to)
			if !known {
				t.Errorf("%s: %s is not in the vocabulary", field, hop.Type)
			}
			if ok {
				allowed++
			}
		}
		// A field of a concrete node type must be allowed to its label; one
		// of the Node interface must reach some label.
		if allowed == 0 || (hop.Label != "" && allowed != 1) {
			dir := "->"
			if !hop.Out {
				dir = "<-"
			}
			t.Errorf("%s: (%s)%s[:%s]%s(%s) is not allowed by the vocabulary", field, owner, dir, hop.Type, dir, hop.Label)
		}
	}
	for _, label := range model.Labels {
		for _, f := range schema.Types[label].Fields {
			name := f.Type.Name()
			if !strings.HasSuffix(name, "RelationConnection") || name == "RelationConnection" {
				continue
			}
			if _, ok := decls[label+"."+f.Name]; !ok {
				t.Errorf("%s.%s lists related nodes without a @relation declaration", label, f.Name)
			}
		}
	}
}

// TestDeclarationErrors checks that a declaration the vocabulary does not
// know, or that sits on a field which lists no nodes, fails at start-up.
func TestDeclarationErrors(t *testing.T) {
	base := graph.NewExecutableSchema(graph.Config{}).Schema()
	tests := []struct {
		name   string
		edit   func(f *ast.FieldDefinition)
		field  string
		wantIn string
	}{
		{"unknown type", func(f *ast.FieldDefinition) {
			f.Directives.ForName(relationDirective).Arguments.ForName("type").Value.Raw = "TARGETTS"
		}, "targets", "not a relationship type"},
		{"both directions", func(f *ast.FieldDefinition) {
			f.Directives.ForName(relationDirective).Arguments.ForName("direction").Value.Raw = "BOTH"
		}, "targets", "not OUTGOING or INCOMING"},
		{"on a scalar field", func(f *ast.FieldDefinition) {
			f.Directives = append(f.Directives, base.Types["Project"].Fields.ForName("targets").Directives...)
		}, "startDate", "not a connection of nodes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			schema := graph.NewExecutableSchema(graph.Config{}).Schema()
			project := *schema.Types["Project"]
			project.Fields = append(ast.FieldList{}, project.Fields...)
			for i, f := range project.Fields {
				if f.Name == tt.field {
					cp := *f
					cp.Directives = copyDirectives(f.Directives)
					tt.edit(&cp)
					project.Fields[i] = &cp
				}
			}
			types := map[string]*ast.Definition{}
			for k, v := range schema.Types {
				types[k] = v
			}
			types["Project"] = &project
			_, err := Declarations(&ast.Schema{Types: types})
			if err == nil || !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("Declarations: %v, want an error saying %q", err, tt.wantIn)
			}
		})
	}
}

func copyDirectives(list ast.DirectiveList) ast.DirectiveList {
	out := make(ast.DirectiveList, len(list))
	for i, d := range list {
		cp := *d
		cp.Arguments = make(ast.ArgumentList, len(d.Arguments))
		for j, a := range d.Arguments {
			ca := *a
			v := *a.Value
			ca.Value = &v
			cp.Arguments[j] = &ca
		}
		out[i] = &cp
	}
	return out
}
