package httpapi

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// directiveLimit refuses, before parsing, a query with more directives than
// any real one needs: each unknown directive would otherwise cost a
// validation error of its own ("directive overloading").
type directiveLimit struct{ max int }

var (
	_ graphql.HandlerExtension          = directiveLimit{}
	_ graphql.OperationParameterMutator = directiveLimit{}
)

func (directiveLimit) ExtensionName() string                   { return "DirectiveLimit" }
func (directiveLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (d directiveLimit) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	lx := lexer.New(&ast.Source{Input: p.Query})
	n := 0
	for {
		tok, err := lx.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			// Lexing errors are the parser's to report.
			return nil
		}
		if tok.Kind == lexer.At {
			n++
			if n > d.max {
				return &gqlerror.Error{Message: fmt.Sprintf("the query has more than %d directives", d.max),
					Extensions: map[string]any{"code": string(model.CodeCostLimit)}}
			}
		}
	}
}
