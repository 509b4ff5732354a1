package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
)

// The schema walk: every argument of every field the live schema declares
// (read by introspection) gets malformed values of its type, written inline
// and sent as variables, and no answer may be INTERNAL or a 5xx. A value
// the client got wrong is the client's error, whatever the argument.

type schemaType struct {
	Kind          string        `json:"kind"`
	Name          string        `json:"name"`
	Fields        []schemaField `json:"fields"`
	InputFields   []schemaArg   `json:"inputFields"`
	EnumValues    []struct{ Name string }
	PossibleTypes []struct{ Name string }
}

type schemaField struct {
	Name string      `json:"name"`
	Args []schemaArg `json:"args"`
	Type typeRef     `json:"type"`
}

type schemaArg struct {
	Name string  `json:"name"`
	Type typeRef `json:"type"`
}

type typeRef struct {
	Kind   string   `json:"kind"`
	Name   string   `json:"name"`
	OfType *typeRef `json:"ofType"`
}

// named returns the type under NON_NULL and LIST wrappers.
func (t typeRef) named() typeRef {
	for t.OfType != nil {
		t = *t.OfType
	}
	return t
}

// String writes the type as GraphQL does, for variable definitions.
func (t typeRef) String() string {
	switch t.Kind {
	case "NON_NULL":
		return t.OfType.String() + "!"
	case "LIST":
		return "[" + t.OfType.String() + "]"
	}
	return t.Name
}

const introspection = `query {
  __schema {
    queryType { name }
    mutationType { name }
    types {
      kind name
      fields { name args { name type { ...T } } type { ...T } }
      inputFields { name type { ...T } }
      enumValues { name }
      possibleTypes { name }
    }
  }
}
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }`

// schemaWalk builds the queries of the schema walk.
type schemaWalk struct {
	types map[string]schemaType
	// ids are a seed entity's id by label, for the arguments that must
	// name one for the field below them to run.
	ids map[string]string
}

// literal is a value as GraphQL text, and the same value as JSON for a
// variable (nil when it cannot be sent as one).
type literal struct {
	inline string
	json   any
	// raw marks a value only writable inline (an enum, a GraphQL object).
	inlineOnly bool
}

func text(s string) literal { b, _ := json.Marshal(s); return literal{inline: string(b), json: s} }

// valid returns a value the argument accepts, so the field runs and a
// malformed value of a sibling is what is tried.
func (w schemaWalk) valid(t typeRef, argName, fieldType string) literal {
	switch t.Kind {
	case "NON_NULL":
		return w.valid(*t.OfType, argName, fieldType)
	case "LIST":
		v := w.valid(*t.OfType, argName, fieldType)
		return literal{inline: "[" + v.inline + "]", json: []any{v.json}, inlineOnly: v.inlineOnly}
	case "ENUM":
		e := w.types[t.Name].EnumValues[0].Name
		return literal{inline: e, json: e}
	case "INPUT_OBJECT":
		var parts []string
		obj := map[string]any{}
		for _, f := range w.types[t.Name].InputFields {
			if f.Type.Kind == "NON_NULL" {
				v := w.valid(f.Type, f.Name, "")
				parts = append(parts, f.Name+": "+v.inline)
				obj[f.Name] = v.json
			}
		}
		return literal{inline: "{" + strings.Join(parts, ", ") + "}", json: obj}
	}
	switch t.Name {
	case "ID":
		if id, ok := w.ids[fieldType]; ok {
			return text(id)
		}
		return text(w.ids["Instrument"])
	case "String":
		if argName == "query" {
			return text("cyber")
		}
		return text("x")
	case "Int":
		return literal{inline: "1", json: 1}
	case "Float":
		return literal{inline: "1.5", json: 1.5}
	case "Boolean":
		return literal{inline: "false", json: false}
	case "Date":
		return text("2020-01-01")
	case "Time":
		return text("2020-01-01T00:00:00Z")
	case "JSON":
		return literal{inline: "{}", json: map[string]any{}}
	}
	return text("x")
}

// malformed returns values a client might wrongly send for a value of type
// t: empty, wrongly formatted, out of range, very long, of another type.
func (w schemaWalk) malformed(t typeRef) []literal { return w.malformedAt(t, 0) }

// malformedAt goes into the fields of an input object only at the top:
// input objects hold themselves (a where's and, or and not).
func (w schemaWalk) malformedAt(t typeRef, depth int) []literal {
	long := strings.Repeat("x", 20000)
	wrongTypes := []literal{{inline: "true", json: true}, {inline: "{a: 1}", json: map[string]any{"a": 1}}, {inline: `"7"`, json: "7"}}
	switch t.Kind {
	case "NON_NULL":
		return append(w.malformedAt(*t.OfType, depth), literal{inline: "null", json: nil})
	case "LIST":
		inner := w.malformedAt(*t.OfType, depth)
		out := []literal{{inline: "[[1]]", json: []any{[]any{1}}}}
		for _, v := range inner[:min(3, len(inner))] {
			out = append(out, literal{inline: "[" + v.inline + "]", json: []any{v.json}, inlineOnly: v.inlineOnly})
		}
		many := make([]any, 2000)
		for i := range many {
			many[i] = "x"
		}
		return append(out, literal{inline: "[" + strings.Repeat(`"x",`, 2000) + "]", json: many})
	case "ENUM":
		return []literal{{inline: "NO_SUCH_VALUE", json: "NO_SUCH_VALUE"}, {inline: `"` + w.types[t.Name].EnumValues[0].Name + `"`, json: 1},
			{inline: strings.ToLower(w.types[t.Name].EnumValues[0].Name), json: strings.ToLower(w.types[t.Name].EnumValues[0].Name)}, text(""), {inline: "1", json: true}}
	case "INPUT_OBJECT":
		out := []literal{{inline: "{}", json: map[string]any{}}, {inline: "{noSuchField: 1}", json: map[string]any{"noSuchField": 1}}, text("x"), {inline: "[1]", json: []any{1}}}
		if depth > 0 {
			return out
		}
		// Each input field malformed in turn, its required siblings valid.
		base := w.valid(t, "", "")
		obj := base.json.(map[string]any)
		for _, f := range w.types[t.Name].InputFields {
			vs := w.malformedAt(f.Type.named(), depth+1)
			for _, v := range vs[:min(3, len(vs))] {
				var parts []string
				o := map[string]any{}
				for _, g := range w.types[t.Name].InputFields {
					if g.Name == f.Name || g.Type.Kind != "NON_NULL" {
						continue
					}
					gv := w.valid(g.Type, g.Name, "")
					parts = append(parts, g.Name+": "+gv.inline)
					o[g.Name] = obj[g.Name]
				}
				parts = append(parts, f.Name+": "+v.inline)
				o[f.Name] = v.json
				out = append(out, literal{inline: "{" + strings.Join(parts, ", ") + "}", json: o, inlineOnly: v.inlineOnly})
			}
		}
		return out
	}
	switch t.Name {
	case "Int":
		return append([]literal{{inline: "2147483648", json: 2147483648}, {inline: "-1", json: -1}, {inline: "-2147483649", json: -2147483649},
			{inline: "1.5", json: 1.5}, {inline: "99999999999999999999", json: 1e20}}, wrongTypes...)
	case "Float":
		return append([]literal{text("1.5"), {inline: "1e400", json: "1e400"}}, wrongTypes...)
	case "Boolean":
		return append([]literal{text("true"), {inline: "1", json: 1}}, wrongTypes...)
	case "ID", "String":
		return []literal{text(""), text(long), text("\x00"), text("country-mu|RATIFIED"), {inline: "true", json: true}, {inline: "{a: 1}", json: map[string]any{"a": 1}}, {inline: "1.5", json: 1.5}}
	case "Date":
		return append([]literal{text("2020-13-01"), text(""), text("2020-02-30"), text("20xx"), text("2020-1-1"), text(long), {inline: "2020", json: 2020}}, wrongTypes...)
	case "Time":
		return append([]literal{text("2026-13-01T00:00:00Z"), text(""), text("yesterday"), text("2026-01-01"), text(long), {inline: "1", json: 1}}, wrongTypes...)
	case "JSON":
		deep := strings.Repeat("[", 200) + strings.Repeat("]", 200)
		return []literal{text(long), {inline: deep, json: nil, inlineOnly: true}, {inline: "1e400", json: nil, inlineOnly: true}, text("\x00")}
	}
	return wrongTypes
}

// probe is one request of the walk.
type probe struct {
	what  string
	query string
	vars  map[string]any
}

// probes builds the walk's requests: for each field with arguments, reached
// through a path of fields that run, each argument malformed in turn,
// inline and as a variable.
func (w schemaWalk) probes(root, mutation string) []probe {
	type path struct{ prefix, suffix string }
	paths := map[string]path{root: {"query { ", " }"}}
	if mutation != "" {
		paths[mutation] = path{"mutation { ", " }"}
	}
	queue := []string{root}
	// A breadth-first walk finds each type's shortest path from the root.
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		p := paths[name]
		if strings.Count(p.prefix, "{") > 6 {
			continue
		}
		t := w.types[name]
		targets := map[string]string{}
		for _, f := range t.Fields {
			ft := f.Type.named()
			if ft.Kind != "OBJECT" && ft.Kind != "INTERFACE" && ft.Kind != "UNION" {
				continue
			}
			call := f.Name + w.requiredArgs(f, ft.Name)
			switch ft.Kind {
			case "OBJECT":
				targets[ft.Name] = call + " { "
			default:
				for _, pt := range w.types[ft.Name].PossibleTypes {
					if _, ok := targets[pt.Name]; !ok {
						targets[pt.Name] = call + " { ... on " + pt.Name + " { "
					}
				}
			}
		}
		names := make([]string, 0, len(targets))
		for n := range targets {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if _, seen := paths[n]; seen || strings.HasPrefix(n, "__") {
				continue
			}
			open := targets[n]
			paths[n] = path{p.prefix + open, strings.Repeat(" }", strings.Count(open, "{")) + p.suffix}
			queue = append(queue, n)
		}
	}
	var out []probe
	names := make([]string, 0, len(paths))
	for n := range paths {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := paths[n]
		for _, f := range w.types[n].Fields {
			sel := ""
			if k := f.Type.named().Kind; k == "OBJECT" || k == "INTERFACE" || k == "UNION" {
				sel = " { __typename }"
			}
			for _, a := range f.Args {
				for i, v := range w.malformed(a.Type) {
					args := w.argsWith(f, a.Name, v.inline, f.Type.named().Name)
					what := fmt.Sprintf("%s.%s(%s:) value %d", n, f.Name, a.Name, i)
					out = append(out, probe{what: what + " inline", query: p.prefix + f.Name + "(" + args + ")" + sel + p.suffix})
					if v.inlineOnly {
						continue
					}
					vargs := w.argsWith(f, a.Name, "$v", f.Type.named().Name)
					q := p.prefix + f.Name + "(" + vargs + ")" + sel + p.suffix
					op := "query"
					if strings.HasPrefix(p.prefix, "mutation") {
						op = "mutation"
					}
					q = op + " ($v: " + a.Type.String() + ") " + strings.TrimPrefix(strings.TrimPrefix(q, "query "), "mutation ")
					out = append(out, probe{what: what + " as a variable", query: q, vars: map[string]any{"v": v.json}})
				}
			}
		}
	}
	return out
}

// requiredArgs writes valid values for a field's required arguments (and a
// page size of one, so lists below stay small).
func (w schemaWalk) requiredArgs(f schemaField, fieldType string) string {
	var parts []string
	for _, a := range f.Args {
		switch {
		case a.Type.Kind == "NON_NULL":
			parts = append(parts, a.Name+": "+w.valid(a.Type, a.Name, fieldType).inline)
		case a.Name == "first":
			parts = append(parts, "first: 1")
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// argsWith writes the field's required arguments with one of them, or an
// optional one, given as value.
func (w schemaWalk) argsWith(f schemaField, name, value, fieldType string) string {
	parts := []string{name + ": " + value}
	for _, a := range f.Args {
		if a.Name != name && a.Type.Kind == "NON_NULL" {
			parts = append(parts, a.Name+": "+w.valid(a.Type, a.Name, fieldType).inline)
		}
	}
	return strings.Join(parts, ", ")
}

// maxProbes bounds the walk; past it, probes are taken at an even stride
// so every part of the schema is still visited.
const maxProbes = 4000

func TestNoMalformedArgumentAnswersInternal(t *testing.T) {
	srv, data := newTestServer(t)
	var schema struct {
		Data struct {
			Schema struct {
				QueryType    struct{ Name string }
				MutationType *struct{ Name string }
				Types        []schemaType
			} `json:"__schema"`
		}
	}
	body, _ := json.Marshal(map[string]any{"query": introspection})
	res, err := http.Post(srv.URL+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.NewDecoder(res.Body).Decode(&schema); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	w := schemaWalk{types: map[string]schemaType{}, ids: map[string]string{}}
	for _, ty := range schema.Data.Schema.Types {
		w.types[ty.Name] = ty
	}
	for _, e := range data.Entities {
		if _, ok := w.ids[e.Label]; !ok {
			w.ids[e.Label] = e.ID
		}
	}
	w.ids["Node"] = w.ids["Instrument"]
	mutation := ""
	if m := schema.Data.Schema.MutationType; m != nil {
		mutation = m.Name
	}
	probes := w.probes(schema.Data.Schema.QueryType.Name, mutation)
	if len(probes) < 500 {
		t.Fatalf("the walk built %d probes from %d types: too few to cover the schema", len(probes), len(w.types))
	}
	stride := (len(probes) + maxProbes - 1) / maxProbes
	sent, executed, fields := 0, 0, map[string]bool{}
	for i := 0; i < len(probes); i += stride {
		p := probes[i]
		sent++
		fields[strings.SplitN(p.what, " value", 2)[0]] = true
		status, answer := postRaw(t, srv.URL, p.query, p.vars)
		if status >= 500 {
			t.Errorf("%s: status %d for %s (variables %.200v): %.300s", p.what, status, p.query, p.vars, answer)
			continue
		}
		var doc gqlResponse
		if err := json.Unmarshal(answer, &doc); err != nil {
			t.Errorf("%s: answer is not JSON: %.300s", p.what, answer)
			continue
		}
		if len(doc.Data) > 0 && string(doc.Data) != "null" {
			executed++
		}
		for _, e := range doc.Errors {
			if code := e.Extensions["code"]; code == "INTERNAL" || code == nil {
				t.Errorf("%s: code %v (%s) for %.500s (variables %.200v)", p.what, code, e.Message, p.query, p.vars)
			}
		}
	}
	t.Logf("%d requests over %d arguments, %d of them executed", sent, len(fields), executed)
	if executed < sent/5 {
		t.Errorf("only %d of %d requests got as far as executing: the walk's paths to the fields do not run", executed, sent)
	}
}

// postRaw sends a GraphQL request and returns the status and the body.
func postRaw(t *testing.T, base, query string, vars map[string]any) (int, []byte) {
	t.Helper()
	payload := map[string]any{"query": query}
	if vars != nil {
		payload["variables"] = vars
	}
	b, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}
