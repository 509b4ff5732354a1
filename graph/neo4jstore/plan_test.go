package neo4jstore

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// Selection trees for the compiler's tests, written as the resolvers build
// them from a query.
func val(v any) model.Input            { return model.Input{Kind: model.InputValue, Value: v} }
func variable(name string) model.Input { return model.Input{Kind: model.InputVariable, Name: name} }
func object(fields map[string]model.Input) model.Input {
	return model.Input{Kind: model.InputObject, Fields: fields}
}

func field(name string, children ...model.Selection) model.Selection {
	return model.Selection{Field: name, Alias: name, Fields: children}
}

func withArgs(s model.Selection, args map[string]model.Input) model.Selection {
	s.Args = args
	return s
}

func typed(s model.Selection, typ string) model.Selection {
	s.Type = typ
	return s
}

// countriesWithProjects is countries(first: $first, after: $after, asOf:
// $asOf, where: {name: {contains: $name}}) { totalCount edges { cursor node
// { id name projects(first: 3, where: {id: {in: $ids}}) { totalCount edges {
// node { id funders { edges { node { __typename id } } } } } } } } }.
func countriesWithProjects() model.Selection {
	funders := typed(field("funders", field("edges", model.Selection{Field: "node", Alias: "node",
		ByType: map[string][]model.Selection{"Body": {field("__typename"), field("id")}, "Country": {field("__typename"), field("id")}}})), "NodeRelationConnection")
	funders.Relation = &model.Hop{Type: "FUNDED_BY", Out: true}
	funders.Args = map[string]model.Input{"first": val(int64(50)), "language": val("EN")}
	projects := typed(field("projects", field("totalCount"), field("edges", field("node", field("id"), funders))), "ProjectRelationConnection")
	projects.Relation = &model.Hop{Type: "TARGETS", Out: false, Label: "Project"}
	projects.Args = map[string]model.Input{"first": val(int64(3)), "language": val("EN"),
		"where": object(map[string]model.Input{"id": object(map[string]model.Input{"in": variable("ids")})})}
	return withArgs(typed(field("countries", field("totalCount"), field("edges", field("cursor"), field("node", field("id"), field("name"), projects))), "CountryConnection"),
		map[string]model.Input{"first": variable("first"), "after": variable("after"), "asOf": variable("asOf"),
			"where": object(map[string]model.Input{"name": object(map[string]model.Input{"contains": variable("name")})})})
}

// TestCompiledTextDependsOnShapeOnly compiles one selection for requests
// whose values differ: the statement's text is the same, and no value
// reaches it; the values are the statement's parameters.
func TestCompiledTextDependsOnShapeOnly(t *testing.T) {
	cursor := model.CursorList{Name: "list:Country"}.Encode([]any{"country-ch"})
	envs := []model.ReadEnv{
		{Vars: map[string]any{"first": int64(5), "after": nil, "asOf": nil, "name": "land", "ids": []any{"glacy-plus"}}, Today: "2026-01-01"},
		{Vars: map[string]any{"first": int64(50), "after": cursor, "asOf": "2015-06", "name": "o'Neil\" MATCH (x) DETACH DELETE x", "ids": []any{"octopus-project", "cybersee"}}, Today: "2026-06-30"},
	}
	var texts []string
	var kinds []map[string]string
	for _, env := range envs {
		r, err := compileRead(countriesWithProjects(), env)
		if err != nil {
			t.Fatal(err)
		}
		st, err := r.bind(env)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, r.Statement())
		kinds = append(kinds, paramKinds(st.params))
		for _, v := range []string{"land", "o'Neil", "DETACH", "glacy-plus", "octopus-project", "2015-06", "2026"} {
			if strings.Contains(r.Statement(), v) {
				t.Errorf("the statement holds the value %q:\n%s", v, r.Statement())
			}
		}
		// Names are matched folded, as the stored name keys are.
		if !hasValue(st.params, foldName(env.Vars["name"].(string))) || !hasValue(st.params, string(env.Today)) {
			t.Errorf("the parameters %v lack the request's values", st.params)
		}
	}
	if diff := cmp.Diff(texts[0], texts[1]); diff != "" {
		t.Errorf("the text differs between values (-first +second):\n%s", diff)
	}
	// Neo4j plans a statement again when a parameter changes type (null
	// to text, an empty list to a list of text): a statement's parameters
	// keep their types whatever the values.
	if diff := cmp.Diff(kinds[0], kinds[1]); diff != "" {
		t.Errorf("the parameters' types differ between values (-first +second):\n%s", diff)
	}
	if strings.Count(texts[0], "COLLECT {") < 3 {
		t.Errorf("want the page and each nested connection as a COLLECT subquery:\n%s", texts[0])
	}
}

func hasValue(params map[string]any, want any) bool {
	for _, v := range params {
		if cmp.Equal(v, want) {
			return true
		}
	}
	return false
}

// TestBindingAnotherShape binds a compiled read to a request whose filter
// needs other text: the read is compiled again for it rather than run
// with the wrong text.
func TestBindingAnotherShape(t *testing.T) {
	sel := withArgs(typed(field("countries", field("totalCount")), "CountryConnection"), map[string]model.Input{"where": variable("w")})
	one := model.ReadEnv{Vars: map[string]any{"w": map[string]any{"iso2": map[string]any{"eq": "FR"}}}, Today: "2026-01-01"}
	other := model.ReadEnv{Vars: map[string]any{"w": map[string]any{"coeStatus": map[string]any{"eq": "MEMBER"}}}, Today: "2026-01-01"}
	r, err := compileRead(sel, one)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.bind(other); !errors.Is(err, errShapeChanged) {
		t.Errorf("binding a filter of other fields: %v, want errShapeChanged", err)
	}
	if _, err := r.bind(one); err != nil {
		t.Errorf("binding the same shape: %v", err)
	}
}

// TestCompileErrors checks what the compiler refuses, and how.
func TestCompileErrors(t *testing.T) {
	env := model.ReadEnv{Vars: map[string]any{}, Today: "2026-01-01"}
	tests := []struct {
		name string
		sel  model.Selection
		code model.Code
	}{
		{"a page over the maximum", withArgs(typed(field("countries", field("totalCount")), "CountryConnection"), map[string]model.Input{"first": val(int64(501))}), model.CodeBadUserInput},
		{"a malformed date", withArgs(typed(field("countries", field("totalCount")), "CountryConnection"), map[string]model.Input{"asOf": val("2020-02-30")}), model.CodeBadUserInput},
		{"a cursor of another list", withArgs(typed(field("countries", field("totalCount")), "CountryConnection"),
			map[string]model.Input{"after": val(model.CursorList{Name: "list:Body"}.Encode([]any{"x"}))}), model.CodeBadUserInput},
		{"a search without words", withArgs(typed(field("search", field("totalCount")), "SearchConnection"), map[string]model.Input{"query": val("  ")}), model.CodeBadUserInput},
		{"too many coverage columns", withArgs(field("coverage", field("__typename")), map[string]model.Input{"instruments": val([]any{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u"})}), model.CodeBadUserInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := compileRead(tt.sel, env)
			if got := model.ErrorCode(err); got != tt.code {
				t.Errorf("compile: %v (code %s), want %s", err, got, tt.code)
			}
		})
	}
	// A field the planner does not know is for the resolvers to answer.
	_, err := compileRead(typed(field("stats", field("newestSource")), "GraphStats"), env)
	if !errors.Is(err, model.ErrUnplanned) {
		t.Errorf("stats: %v, want ErrUnplanned", err)
	}
	_, err = compileRead(withArgs(field("country", field("id"), field("dataQualityOfSomething")), map[string]model.Input{"id": val("FR")}), env)
	if !errors.Is(err, model.ErrUnplanned) {
		t.Errorf("an unknown field: %v, want ErrUnplanned", err)
	}
}

// paramKinds names the type of each parameter as Neo4j sees it: null, an
// empty list, a list of one type or of mixed types, or a scalar's type.
func paramKinds(params map[string]any) map[string]string {
	out := map[string]string{}
	for k, v := range params {
		out[k] = kindOf(v)
	}
	return out
}

func kindOf(v any) string {
	rv := reflect.ValueOf(v)
	switch {
	case v == nil:
		return "null"
	case rv.Kind() == reflect.Slice:
		if rv.Len() == 0 {
			return "empty list"
		}
		kinds := map[string]bool{}
		for i := 0; i < rv.Len(); i++ {
			kinds[kindOf(rv.Index(i).Interface())] = true
		}
		if len(kinds) > 1 {
			return "list of mixed"
		}
		for k := range kinds {
			return "list of " + k
		}
	}
	return fmt.Sprintf("%T", v)
}

// TestCompileTable compiles small selection trees and checks the parts of
// the statement and the parameters each must give.
func TestCompileTable(t *testing.T) {
	env := model.ReadEnv{Vars: map[string]any{"id": "MU", "q": "Lanzarote convention"}, Today: "2026-01-01"}
	targets := typed(field("targets", field("totalCount")), "CountryRelationConnection")
	targets.Relation = &model.Hop{Type: "TARGETS", Out: true, Label: "Country"}
	tests := []struct {
		name     string
		sel      model.Selection
		contains []string
		params   map[string]any
	}{
		{"a country by its code", withArgs(field("country", field("id"), field("iso2")), map[string]model.Input{"id": variable("id")}),
			[]string{"MATCH (n:Entity {id: $id1}) WHERE n:Country", "RETURN [n.id, n.iso2] AS v"},
			map[string]any{"id1": "country-mu"}},
		{"a relationship field counted", withArgs(field("project", targets), map[string]model.Input{"id": val("glacy")}),
			[]string{"COUNT { MATCH (n)-[r", ":TARGETS]->(m", ":Country) WHERE"},
			map[string]any{"id1": "glacy"}},
		{"a search", withArgs(typed(field("search", field("totalCount")), "SearchConnection"), map[string]model.Input{"query": variable("q"), "first": val(int64(5))}),
			[]string{"CALL db.index.fulltext.queryNodes($index, $lucene)", "RETURN [size(hits)] AS v"},
			map[string]any{"lucene": `+"lanzarote" +("convention" convention*)`, "limit": 6, "labels": []string{""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := compileRead(tt.sel, env)
			if err != nil {
				t.Fatal(err)
			}
			st, err := r.bind(env)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range tt.contains {
				if !strings.Contains(r.Statement(), c) {
					t.Errorf("the statement lacks %q:\n%s", c, r.Statement())
				}
			}
			for k, want := range tt.params {
				if got := st.params[k]; !cmp.Equal(got, want) {
					t.Errorf("parameter %s = %#v, want %#v", k, got, want)
				}
			}
		})
	}
}
