package resolvers

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"sort"
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

var (
	idPattern       = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,98}[a-z0-9]$`)
	propertyPattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{0,63}$`)
	iso2Pattern     = regexp.MustCompile(`^[A-Z]{2}$`)
	iso3Pattern     = regexp.MustCompile(`^[A-Z]{3}$`)
)

// dateProperties are the properties that hold dates wherever they appear:
// as-of queries and treaty statuses read them, so they must parse.
var dateProperties = map[string]bool{
	"date": true, "since": true, "until": true, "entryIntoForce": true, "startDate": true, "endDate": true,
	"opened": true, "adopted": true, "launched": true, "published": true, "established": true,
	"coeAccession": true, "coeLeft": true, "operationalUntil": true,
}

var coeStatuses = map[string]bool{"member": true, "observer": true, "former_member": true, "non_member": true}

var treatyActions = map[string]bool{"ratification": true, "accession": true, "acceptance": true, "approval": true, "succession": true}

// maxText bounds names and property texts: a fact, not a document.
const maxText = 2000

func text(field, s string, required bool) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case required && s == "":
		return "", model.Errorf(model.CodeBadUserInput, "%s: must not be empty", field)
	case len(s) > maxText:
		return "", model.Errorf(model.CodeBadUserInput, "%s: longer than %d bytes", field, maxText)
	case strings.ContainsRune(s, 0):
		return "", model.Errorf(model.CodeBadUserInput, "%s: contains a NUL character", field)
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

// sourcesOf checks the sources of a change: at least one, each with an
// http(s) address or a title; a missing date of reading is today.
func sourcesOf(field string, in []model.SourceInput, today time.Time) ([]model.Source, error) {
	if len(in) == 0 {
		return nil, model.Errorf(model.CodeBadUserInput, "%s: give at least one source for the change", field)
	}
	out := make([]model.Source, 0, len(in))
	for i, s := range in {
		f := fmt.Sprintf("%s[%d]", field, i)
		src := model.Source{}
		if s.URL != nil && strings.TrimSpace(*s.URL) != "" {
			u, err := url.Parse(strings.TrimSpace(*s.URL))
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return nil, model.Errorf(model.CodeBadUserInput, "%s.url: want an http or https address", f)
			}
			v := u.String()
			src.URL = &v
		}
		title := ""
		if s.Title != nil {
			var err error
			if title, err = text(f+".title", *s.Title, false); err != nil {
				return nil, err
			}
		}
		if title == "" && src.URL == nil {
			return nil, model.Errorf(model.CodeBadUserInput, "%s: give a url or a title", f)
		}
		if title == "" {
			title = *src.URL
		}
		src.Title = title
		day := model.Date(today.Format("2006-01-02"))
		if s.Retrieved != nil {
			if _, err := model.ParseDate(string(*s.Retrieved)); err != nil {
				return nil, model.Errorf(model.CodeBadUserInput, "%s.retrieved: %v", f, err)
			}
			if s.Retrieved.After(day) {
				return nil, model.Errorf(model.CodeBadUserInput, "%s.retrieved: %s is in the future", f, *s.Retrieved)
			}
			day = *s.Retrieved
		}
		src.Retrieved = &day
		out = append(out, src)
	}
	return out, nil
}

// properties checks free properties: names, no reserved ones, dates that
// parse, and no NUL characters. A nil value is kept, for updates to remove.
func properties(field string, props map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(props))
	for _, k := range sortedNames(props) {
		v := props[k]
		f := field + "." + k
		if !propertyPattern.MatchString(k) {
			return nil, model.Errorf(model.CodeBadUserInput, "%s: property names are letters, digits and _, starting with a letter", f)
		}
		if model.IsReservedProperty(k) || k == "label" {
			return nil, model.Errorf(model.CodeBadUserInput, "%s: %q is a field of its own, not a property", f, k)
		}
		if s, ok := v.(string); ok {
			if _, err := text(f, s, false); err != nil {
				return nil, err
			}
			if dateProperties[k] {
				if _, err := model.ParseDate(s); err != nil {
					return nil, model.Errorf(model.CodeBadUserInput, "%s: %v", f, err)
				}
			}
		} else if v != nil && dateProperties[k] {
			return nil, model.Errorf(model.CodeBadUserInput, "%s: want a date such as \"2010-07-01\"", f)
		}
		out[k] = v
	}
	return out, nil
}

func sortedNames(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkEntity applies the rules of the node's kind once its fields are
// final: a country needs its ISO codes right, since lookups use them.
func checkEntity(field string, e model.Entity) error {
	if e.Label != "Country" {
		return nil
	}
	iso2, _ := e.Properties["iso2"].(string)
	if !iso2Pattern.MatchString(iso2) {
		return model.Errorf(model.CodeBadUserInput, "%s.iso2: a country needs its ISO 3166-1 alpha-2 code, such as \"MU\"", field)
	}
	if v, ok := e.Properties["iso3"]; ok && v != nil {
		if s, _ := v.(string); !iso3Pattern.MatchString(s) {
			return model.Errorf(model.CodeBadUserInput, "%s.iso3: want an ISO 3166-1 alpha-3 code, such as \"MUS\"", field)
		}
	}
	if v, ok := e.Properties["coeStatus"]; ok && v != nil {
		if s, _ := v.(string); !coeStatuses[s] {
			return model.Errorf(model.CodeBadUserInput, "%s.coeStatus: want member, observer, former_member or non_member", field)
		}
	}
	return nil
}

// checkRelationProperties applies the rules of a relationship's type.
func checkRelationProperties(field, typ string, props map[string]any) error {
	if typ != "RATIFIED" {
		return nil
	}
	if v, ok := props["action"]; ok && v != nil {
		if s, _ := v.(string); !treatyActions[s] {
			return model.Errorf(model.CodeBadUserInput, "%s.action: want ratification, accession, acceptance, approval or succession", field)
		}
	}
	date, _ := props["date"].(string)
	eif, _ := props["entryIntoForce"].(string)
	if date != "" && eif != "" && model.Date(date).After(model.Date(eif)) {
		return model.Errorf(model.CodeBadUserInput, "%s.entryIntoForce: %s is before the ratification date %s", field, eif, date)
	}
	return nil
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
