package resolvers

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// argumentCaps are the ranges of the size arguments, by field and argument
// name ("*" for any field). They are also checked where they are used; the
// check here runs on the whole operation before anything executes, so a bad
// argument deep in a query costs no database work at all.
var argumentCaps = map[string]map[string][2]int{
	"*":                {"first": {0, maxPageSize}},
	"allShortestPaths": {"first": {1, maxPaths}, "maxHops": {1, maxPathHops}},
	"shortestPath":     {"maxHops": {1, maxPathHops}},
	"neighbourhood":    {"depth": {1, maxDepth}, "limit": {1, maxSubgraph}},
}

// CheckArguments checks every size argument of the operation in ctx against
// its range, returning a BAD_USER_INPUT error naming the first one outside.
func CheckArguments(ctx context.Context) error {
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Operation == nil {
		return nil
	}
	return checkSelections(oc, oc.Operation.SelectionSet, map[string]bool{})
}

func checkSelections(oc *graphql.OperationContext, set ast.SelectionSet, seen map[string]bool) error {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			args := s.ArgumentMap(oc.Variables)
			for _, caps := range []map[string][2]int{argumentCaps["*"], argumentCaps[s.Name]} {
				for name, rng := range caps {
					v, ok := args[name]
					if !ok || v == nil {
						continue
					}
					n, ok := asInt(v)
					if ok && (n < int64(rng[0]) || n > int64(rng[1])) {
						return model.Errorf(model.CodeBadUserInput, "%s.%s: %d is outside %d..%d", s.Name, name, n, rng[0], rng[1])
					}
				}
			}
			if err := checkSelections(oc, s.SelectionSet, seen); err != nil {
				return err
			}
		case *ast.InlineFragment:
			if err := checkSelections(oc, s.SelectionSet, seen); err != nil {
				return err
			}
		case *ast.FragmentSpread:
			if seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			if f := oc.Doc.Fragments.ForName(s.Name); f != nil {
				if err := checkSelections(oc, f.SelectionSet, seen); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case float64:
		return int64(n), true
	}
	return 0, false
}
