package resolvers

import (
	"context"
	"strings"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/coe-child-online/knowledge-graph/auth"
	"github.com/coe-child-online/knowledge-graph/graph"
	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/queries"
)

// SavedQueryStore keeps the curators' saved queries.
type SavedQueryStore interface {
	SaveQuery(ctx context.Context, actor model.Actor, q model.SavedQuery) (model.SavedQuery, model.Change, error)
	SavedQuery(ctx context.Context, name string) (*model.SavedQuery, error)
	SavedQueries(ctx context.Context) ([]model.SavedQuery, error)
}

// schema is the schema saved documents are checked against, parsed once
// per resolver.
func (r *Resolver) schema() *ast.Schema {
	r.schemaOnce.Do(func() { r.parsedSchema = graph.NewExecutableSchema(graph.Config{}).Schema() })
	return r.parsedSchema
}

// CheckSavedDocument parses and validates a saved query's document against
// schema: it must be one query operation (no mutation or subscription,
// which a link must never run), within the size a saved query may have.
// The problems come back as one BAD_USER_INPUT error naming field.
func CheckSavedDocument(schema *ast.Schema, field, document string) (*ast.QueryDocument, error) {
	if len(document) > model.MaxSavedQueryBytes {
		return nil, model.Errorf(model.CodeBadUserInput, "%s: longer than %d bytes", field, model.MaxSavedQueryBytes)
	}
	if strings.TrimSpace(document) == "" {
		return nil, model.Errorf(model.CodeBadUserInput, "%s: must not be empty", field)
	}
	doc, errs := gqlparser.LoadQueryWithRules(schema, document, nil)
	if len(errs) > 0 {
		msgs := make([]string, 0, len(errs))
		for _, e := range errs {
			msgs = append(msgs, e.Error())
		}
		return nil, model.Errorf(model.CodeBadUserInput, "%s: not a valid query: %s", field, strings.Join(msgs, "; "))
	}
	if len(doc.Operations) != 1 {
		return nil, model.Errorf(model.CodeBadUserInput, "%s: holds %d operations; a saved query holds exactly one", field, len(doc.Operations))
	}
	if op := doc.Operations[0]; op.Operation != ast.Query {
		return nil, model.Errorf(model.CodeBadUserInput, "%s: is a %s; only queries can be saved, since a link must never change the graph", field, op.Operation)
	}
	return doc, nil
}

func (r *Resolver) saveQuery(ctx context.Context, in model.SaveQueryInput) (*model.SavedQuery, error) {
	actor, err := actorOf(ctx, auth.RoleCurator)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSpace(in.Name)
	if p := model.SavedQueryNameProblem(name); p != "" {
		return nil, model.Errorf(model.CodeBadUserInput, "input.name: %s", p)
	}
	desc, err := text("input.description", in.Description, true)
	if err != nil {
		return nil, err
	}
	if strings.ContainsAny(desc, "\r\n") {
		return nil, model.Errorf(model.CodeBadUserInput, "input.description: one line, please")
	}
	if _, err := CheckSavedDocument(r.schema(), "input.document", in.Document); err != nil {
		return nil, err
	}
	repo, err := queries.All()
	if err != nil {
		return nil, err
	}
	for _, q := range repo {
		if q.Name == name {
			return nil, model.Errorf(model.CodeConflict, "input.name: %q is one of the repository's saved queries; choose another name", name)
		}
	}
	ctx, k, err := writeKey(ctx, "saveQuery", actor, nil, in)
	if err != nil {
		return nil, err
	}
	saved, _, err := r.store.SaveQuery(ctx, actor, model.SavedQuery{Name: name, Description: desc, Document: in.Document})
	noteKey(ctx, k)
	if err != nil {
		return nil, err
	}
	return &saved, nil
}

// savedQueries lists the repository's queries and then the curators', each
// by name.
func (r *Resolver) savedQueries(ctx context.Context) ([]model.SavedQuery, error) {
	repo, err := queries.All()
	if err != nil {
		return nil, err
	}
	stored, err := r.store.SavedQueries(ctx)
	if err != nil {
		return nil, err
	}
	return append(repo, stored...), nil
}

func (r *Resolver) savedQuery(ctx context.Context, name string) (*model.SavedQuery, error) {
	repo, err := queries.All()
	if err != nil {
		return nil, err
	}
	for _, q := range repo {
		if q.Name == name {
			return &q, nil
		}
	}
	if model.SavedQueryNameProblem(name) != "" {
		return nil, nil
	}
	return r.store.SavedQuery(ctx, name)
}
