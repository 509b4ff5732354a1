package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

// mixQuery is one query of bench/mix.json, in both APIs.
type mixQuery struct {
	Name         string                    `json:"name"`
	Service      string                    `json:"service"`
	Neo4jGraphQL string                    `json:"neo4jGraphql"`
	Variables    map[string]map[string]any `json:"variables"`
	Compare      string                    `json:"compare"`
	// Cypher is a hand-written statement answering the same question,
	// for a query @neo4j/graphql has no equivalent of (a nested
	// group-by); CypherParams are its parameters per set of variables.
	Cypher       string                    `json:"cypher,omitempty"`
	CypherParams map[string]map[string]any `json:"cypherParams,omitempty"`
}

func readMix(path string) ([]mixQuery, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read mix: %w", err)
	}
	var mix []mixQuery
	if err := json.Unmarshal(b, &mix); err != nil {
		return nil, fmt.Errorf("read mix %s: %w", path, err)
	}
	for i, q := range mix {
		if q.Neo4jGraphQL == "" && q.Cypher == "" {
			return nil, fmt.Errorf("mix %s: query %s has neither neo4jGraphql nor cypher text to compare with", path, q.Name)
		}
		if q.Name == "" || q.Service == "" {
			return nil, fmt.Errorf("mix %s: query %d has no name or no service text", path, i)
		}
		switch q.Compare {
		case "ids", "ids+status", "length":
		default:
			return nil, fmt.Errorf("mix %s: query %s: compare %q unknown", path, q.Name, q.Compare)
		}
		for _, params := range q.CypherParams {
			for k, v := range params {
				params[k] = integral(v)
			}
		}
	}
	return mix, nil
}

// integral turns JSON's whole numbers into integers: Neo4j refuses a
// float where Cypher needs an integer, such as LIMIT's.
func integral(v any) any {
	switch x := v.(type) {
	case float64:
		if x == float64(int64(x)) {
			return int64(x)
		}
	case []any:
		for i := range x {
			x[i] = integral(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = integral(x[k])
		}
	}
	return v
}

// normalise reduces a response's data to what both systems must agree on:
// the sorted values under the keys the comparison names.
func normalise(data any, compare string) map[string][]string {
	keys := map[string]bool{}
	switch compare {
	case "ids":
		keys["id"] = true
	case "ids+status":
		keys["id"], keys["status"] = true, true
	case "length":
		keys["length"] = true
	}
	out := map[string][]string{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				if keys[k] {
					switch c.(type) {
					case map[string]any, []any:
					default:
						out[k] = append(out[k], fmt.Sprint(c))
						continue
					}
				}
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(data)
	for k := range out {
		sort.Strings(out[k])
	}
	return out
}
