package httpapi

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestGraphQLCopChecks rewrites the checks of the graphql-cop security
// auditor as tests against production mode. Each decides "vulnerable" the way
// the auditor does; all must come out not vulnerable.
func TestGraphQLCopChecks(t *testing.T) {
	base, _ := productionServer(t)
	gql := base + "/graphql"
	post := func(body string) rawAnswer {
		return send(t, "POST", gql, "application/json", strings.NewReader(body))
	}
	hasData := func(a rawAnswer, field string) bool {
		var doc map[string]any
		if json.Unmarshal(a.body, &doc) != nil {
			return false
		}
		data, _ := doc["data"].(map[string]any)
		return data != nil && data[field] != nil
	}
	errorCount := func(a rawAnswer) int {
		var doc struct {
			Errors []any `json:"errors"`
		}
		_ = json.Unmarshal(a.body, &doc)
		return len(doc.Errors)
	}
	aliases := make([]string, 101)
	for i := range aliases {
		aliases[i] = "a" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + string(rune('a'+i/26)) + ":__typename"
	}
	checks := []struct {
		name       string
		vulnerable func() bool
	}{
		{"Alias Overloading (101 aliases)", func() bool {
			b, _ := json.Marshal(map[string]string{"query": "query cop { " + strings.Join(aliases, " ") + " }"})
			return hasData(post(string(b)), "aaa")
		}},
		{"Batch Queries", func() bool {
			a := post(`[{"query":"query cop { __typename }"},{"query":"query cop { __typename }"},{"query":"query cop { __typename }"}]`)
			return a.status == 200 && strings.HasPrefix(strings.TrimSpace(string(a.body)), "[")
		}},
		{"Directive Overloading", func() bool {
			return errorCount(post(`{"query":"query cop { __typename @aa@aa@aa@aa@aa@aa@aa@aa@aa@aa }"}`)) >= 10
		}},
		{"Field Duplication (500 fields)", func() bool {
			b, _ := json.Marshal(map[string]string{"query": "query cop { " + strings.Repeat("__typename ", 500) + "}"})
			return hasData(post(string(b)), "__typename")
		}},
		{"Introspection", func() bool {
			return hasData(post(`{"query":"query cop { __schema { types { name fields { name } } } }"}`), "__schema")
		}},
		{"Introspection-based Circular Query", func() bool {
			return hasData(post(`{"query":"query cop { __schema { types { fields { type { fields { type { fields { type { name } } } } } } } } }"}`), "__schema")
		}},
		{"Field Suggestions", func() bool {
			return strings.Contains(string(post(`{"query":"query cop { __schema { directive } }"}`).body), "Did you mean")
		}},
		{"GET Method Query Support (CSRF)", func() bool {
			a := send(t, "GET", gql+"?query="+url.QueryEscape("query cop { __typename }"), "", nil)
			return a.status == 200 && hasData(a, "__typename")
		}},
		{"POST based url-encoded query (CSRF)", func() bool {
			a := send(t, "POST", gql, "application/x-www-form-urlencoded", strings.NewReader("query="+url.QueryEscape("query cop { __typename }")))
			return a.status == 200 && hasData(a, "__typename")
		}},
		{"Mutation support over GET (CSRF)", func() bool {
			a := send(t, "GET", gql+"?query="+url.QueryEscape("mutation cop { __typename }"), "", nil, "GraphQL-Require-Preflight", "1")
			return a.status == 200 && hasData(a, "__typename")
		}},
		{"GraphQL IDE", func() bool {
			for _, p := range []string{"/", "/graphiql", "/playground", "/graphql/console", "/altair"} {
				a := send(t, "GET", base+p, "", nil, "Accept", "text/html")
				if a.status == http.StatusOK && (strings.Contains(string(a.body), "GraphiQL") || strings.Contains(string(a.body), "playground")) {
					return true
				}
			}
			return false
		}},
		{"Trace Mode", func() bool {
			return strings.Contains(string(post(`{"query":"query cop { __typename }"}`).body), `"tracing"`)
		}},
		{"Unhandled Errors Detection", func() bool {
			b := string(post(`{"query":"qwerty cop { abc }"}`).body)
			return strings.Contains(b, "exception") || strings.Contains(b, "stacktrace") || strings.Contains(b, "goroutine")
		}},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.vulnerable() {
				t.Errorf("%s: vulnerable, want not vulnerable", c.name)
			}
		})
	}
}
