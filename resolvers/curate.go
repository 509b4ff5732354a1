package resolvers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/coe-child-online/knowledge-graph/auth"
	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// Curator is what the mutations write through.
type Curator interface {
	CreateEntity(ctx context.Context, actor model.Actor, e model.Entity) (model.Entity, model.Change, error)
	UpdateEntity(ctx context.Context, actor model.Actor, id string, version int, sources []model.Source, edit func(model.Entity) (model.Entity, error)) (model.Entity, model.Change, error)
	DeleteEntity(ctx context.Context, actor model.Actor, id string, version int, sources []model.Source) (model.Change, error)
	Link(ctx context.Context, actor model.Actor, rec model.RelationRecord) (model.Edge, model.Change, error)
	UpdateLink(ctx context.Context, actor model.Actor, key string, version int, properties map[string]any, sources []model.Source) (model.Edge, model.Change, error)
	Unlink(ctx context.Context, actor model.Actor, key string, version int, sources []model.Source) (model.Change, error)
	Changes(ctx context.Context, f model.ChangeFilter, first int, after string) (model.ChangePage, error)
}

// actorOf checks the caller has role and names it for the audit trail.
func actorOf(ctx context.Context, role auth.Role) (model.Actor, error) {
	if err := auth.Require(ctx, role); err != nil {
		return model.Actor{}, err
	}
	p := auth.FromContext(ctx)
	return model.Actor{Name: p.Name, Role: p.Role.String()}, nil
}

// text trims a name or a text value and checks it with the model's rule.
func text(field, s string, required bool) (string, error) {
	s = strings.TrimSpace(s)
	if p := model.TextProblem(s, required); p != "" {
		return "", model.Errorf(model.CodeBadUserInput, "%s: %s", field, p)
	}
	return s, nil
}

func optText(field string, s *string) (*string, error) {
	if s == nil {
		return nil, nil
	}
	v, err := text(field, *s, false)
	if err != nil || v == "" {
		return nil, err
	}
	return &v, nil
}

// sourcesOf reads the sources of a change: a source without a title takes
// its address as title, and a missing date of reading is today, which a
// date of reading may not be after. The model checks the rest.
func sourcesOf(field string, in []model.SourceInput, today time.Time) ([]model.Source, error) {
	if len(in) == 0 {
		return nil, model.Errorf(model.CodeBadUserInput, "%s: give at least one source for the change", field)
	}
	out := make([]model.Source, 0, len(in))
	day := model.Today(today)
	for i, s := range in {
		src := model.Source{}
		if s.URL != nil && strings.TrimSpace(*s.URL) != "" {
			v := strings.TrimSpace(*s.URL)
			src.URL = &v
		}
		if s.Title != nil {
			src.Title = strings.TrimSpace(*s.Title)
		}
		if src.Title == "" && src.URL != nil {
			src.Title = *src.URL
		}
		retrieved := day
		if s.Retrieved != nil {
			if s.Retrieved.After(day) {
				return nil, model.Errorf(model.CodeBadUserInput, "%s[%d].retrieved: %s is in the future", field, i, *s.Retrieved)
			}
			retrieved = *s.Retrieved
		}
		src.Retrieved = &retrieved
		out = append(out, src)
	}
	problems := model.SourceProblems(out)
	for i := range problems {
		problems[i].Field = field + strings.TrimPrefix(problems[i].Field, "sources")
	}
	return out, model.ProblemsError("", problems)
}

// properties checks free properties with the model's rules; field names
// the input they came in ("input.properties"). A nil value is kept, for
// updates to remove.
func properties(field string, props map[string]any) (map[string]any, error) {
	if err := model.ProblemsError(strings.TrimSuffix(field, "properties"), model.PropertyProblems(props)); err != nil {
		return nil, err
	}
	out := make(map[string]any, len(props))
	for k, v := range props {
		out[k] = v
	}
	return out, nil
}

// entityProperties checks an entity's free properties as the model reads
// them: one key per fact, each date apart from its note
// (model.NormaliseProperties). The properties come back as given; the
// entity normalises them once final.
func entityProperties(field string, props map[string]any) (map[string]any, error) {
	if _, err := properties(field, model.NormaliseProperties(props)); err != nil {
		return nil, err
	}
	out := make(map[string]any, len(props))
	for k, v := range props {
		out[k] = v
	}
	return out, nil
}

// checkEntity applies the model's rules to an entity whose fields are
// final; prefix names the input ("input.").
func checkEntity(prefix string, e model.Entity) error {
	return model.ProblemsError(prefix, model.EntityProblems(e))
}

// checkRelation applies the model's rules to a relationship; the store
// checks its ends, which it knows.
func checkRelation(prefix string, r model.RelationRecord) error {
	return model.ProblemsError(prefix, model.RelationProblems(r, "", ""))
}

func aliasesOf(field string, in []string) ([]string, error) {
	out := []string{}
	for i, a := range in {
		v, err := text(fmt.Sprintf("%s[%d]", field, i), a, true)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func dropNil(props map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range props {
		if v != nil {
			out[k] = v
		}
	}
	return out
}
