package httpapi

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/resolvers"
)

// Limits bound the shape of an operation; they are checked on the parsed
// operation before anything executes, so a hostile query costs no database
// work. A zero limit is no limit.
type Limits struct {
	MaxDepth      int
	MaxCost       int
	MaxAliases    int
	MaxRootFields int
	// MaxFields caps the field selections of an operation, duplicates
	// included.
	MaxFields int
}

// Shape is what inspect measured of an operation.
type Shape struct {
	// Cost estimates the rows an operation may touch: each field costs one,
	// and a field with `first` or `limit` multiplies its children's cost by
	// that number (by its default when not given).
	Cost       int
	Depth      int
	Aliases    int
	RootFields int
	Fields     int
}

// inspect measures the operation in ctx and checks it against limits and the
// ranges of its size arguments, which the resolvers own. Errors are
// BAD_USER_INPUT for an argument out of range and COST_LIMIT_EXCEEDED for a
// shape over a limit. It runs before anything executes, so that a hostile
// query costs no database work.
func inspect(ctx context.Context, limits Limits) (Shape, error) {
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Operation == nil {
		return Shape{}, nil
	}
	w := walker{oc: oc, fragments: map[string][2]int{}}
	var shape Shape
	shape.RootFields = len(oc.Operation.SelectionSet)
	cost, depth, err := w.walk(oc.Operation.SelectionSet, 1)
	if err != nil {
		return shape, err
	}
	shape.Cost, shape.Depth, shape.Aliases, shape.Fields = cost, depth, w.aliases, w.fields
	for _, c := range []struct {
		got, max int
		what     string
	}{
		{shape.Depth, limits.MaxDepth, "depth"},
		{shape.Cost, limits.MaxCost, "cost"},
		{shape.Aliases, limits.MaxAliases, "aliases"},
		{shape.RootFields, limits.MaxRootFields, "root fields"},
		{shape.Fields, limits.MaxFields, "number of fields"},
	} {
		if c.max > 0 && c.got > c.max {
			return shape, model.Errorf(model.CodeCostLimit, "the query's %s is %d, over the limit of %d; ask for less per request", c.what, c.got, c.max)
		}
	}
	return shape, nil
}

type walker struct {
	oc        *graphql.OperationContext
	fragments map[string][2]int // name -> cost, depth from its own level
	aliases   int
	fields    int
}

const costCap = 1 << 40 // keeps the product of nested multipliers from overflowing

func (w *walker) walk(set ast.SelectionSet, level int) (cost, depth int, err error) {
	depth = level - 1
	for _, sel := range set {
		var c, d int
		switch s := sel.(type) {
		case *ast.Field:
			w.fields++
			if s.Alias != "" && s.Alias != s.Name {
				w.aliases++
			}
			mult := 1
			if s.Definition != nil {
				args := s.ArgumentMap(w.oc.Variables)
				if err := checkCaps(s.Name, args); err != nil {
					return 0, 0, err
				}
				for _, name := range []string{"first", "limit"} {
					if n, ok := asInt(args[name]); ok && n > 0 {
						mult = int(n)
					}
				}
			}
			scan := 0
			if s.Definition != nil {
				var err error
				if scan, err = analyticsCost(s.Name, s.ArgumentMap(w.oc.Variables)); err != nil {
					return 0, 0, err
				}
			}
			// A connection's analytics are read once for the connection,
			// not once per result of its page.
			var perResult ast.SelectionSet
			once, onceDepth := 0, 0
			for _, child := range s.SelectionSet {
				if f, ok := child.(*ast.Field); ok && onceAConnection[f.Name] {
					oc, od, err := w.walk(ast.SelectionSet{f}, level+1)
					if err != nil {
						return 0, 0, err
					}
					once, onceDepth = min(once+oc, costCap), max(onceDepth, od)
					continue
				}
				perResult = append(perResult, child)
			}
			cc, cd, err := w.walk(perResult, level+1)
			if err != nil {
				return 0, 0, err
			}
			c, d = 1+scan+once+mult*cc, max(cd, onceDepth, level)
		case *ast.InlineFragment:
			cc, cd, err := w.walk(s.SelectionSet, level)
			if err != nil {
				return 0, 0, err
			}
			c, d = cc, cd
		case *ast.FragmentSpread:
			// Each fragment is walked once and its measure reused, so
			// fragments spreading fragments cannot make this walk explode.
			// One that spreads itself is refused by validation already.
			m, ok := w.fragments[s.Name]
			if !ok {
				f := w.oc.Doc.Fragments.ForName(s.Name)
				if f == nil {
					continue
				}
				cc, cd, err := w.walk(f.SelectionSet, 1)
				if err != nil {
					return 0, 0, err
				}
				m = [2]int{cc, cd}
				w.fragments[s.Name] = m
			}
			c, d = m[0], m[1]+level-1
		}
		cost = min(cost+c, costCap)
		depth = max(depth, d)
	}
	return cost, depth, nil
}

func checkCaps(field string, args map[string]any) error {
	for name, v := range args {
		rng, ok := resolvers.ArgumentRange(field, name)
		if !ok {
			continue
		}
		n, ok := asInt(v)
		if ok && (n < int64(rng.Min) || n > int64(rng.Max)) {
			return model.Errorf(model.CodeBadUserInput, "%s.%s: %d is outside %d..%d", field, name, n, rng.Min, rng.Max)
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

// The analytics of a connection (aggregate's distinct, min and max,
// groupBy, values) read every result of the connection, not a page: each
// value they read costs scanCost, and one read through a relationship
// (a related node) relatedScanCost. A group-by has at most maxGroupKeys
// keys.
const (
	scanCost        = 1000
	relatedScanCost = 5000
	maxGroupKeys    = 3
)

// onceAConnection are the fields of a connection read once for it.
var onceAConnection = map[string]bool{"aggregate": true, "groupBy": true, "values": true, "totalCount": true, "pageInfo": true}

// analyticsCost returns what an analytics field with args costs beyond its
// selection; a group-by over too many keys is COST_LIMIT_EXCEEDED.
func analyticsCost(field string, args map[string]any) (int, error) {
	weight := func(ref any) int {
		m, ok := ref.(map[string]any)
		if !ok {
			return 0
		}
		if m["related"] != nil {
			return relatedScanCost
		}
		return scanCost
	}
	switch field {
	case "distinct", "min", "max", "values":
		return weight(args["field"]), nil
	case "groupBy":
		keys, _ := args["keys"].([]any)
		if len(keys) > maxGroupKeys {
			return 0, model.Errorf(model.CodeCostLimit, "groupBy has %d keys, over the limit of %d; group by fewer", len(keys), maxGroupKeys)
		}
		total := 0
		for _, k := range keys {
			total += weight(k)
		}
		return total, nil
	}
	return 0, nil
}
