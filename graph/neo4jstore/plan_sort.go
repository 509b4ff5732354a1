package neo4jstore

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// Sorting nested connections: a connection's sort argument puts its keys
// before the keys the connection orders by anyway (the name in its
// language, the id, the relationship's key), which then break ties and
// keep the cursors stable.

// orderKey is one ORDER BY key of a nested connection: its expression and
// the name it is projected under.
type orderKey struct {
	expr, name string
	desc       bool
}

// nestedSortKeys returns the keys a nested connection's sort argument
// gives for the request with vars, each expression given by expr.
func nestedSortKeys(f *model.Selection, sortLabel, suffix string, vars map[string]any, expr func(model.SortSpec) (string, error)) ([]orderKey, string, error) {
	if _, ok := f.Args["sort"]; !ok {
		return nil, "", nil
	}
	specs, err := sortSpecs(f, sortLabel, vars)
	if err != nil {
		return nil, "", err
	}
	keys := make([]orderKey, len(specs))
	sig := make([]string, len(specs))
	for i, sp := range specs {
		e, err := expr(sp)
		if err != nil {
			return nil, "", err
		}
		keys[i] = orderKey{expr: e, name: fmt.Sprintf("s%d%s", i, suffix), desc: sp.Desc}
		sig[i] = sp.Field
		if sp.Field == "NAME" {
			sig[i] += "@" + string(sp.Language)
		}
		if sp.Desc {
			sig[i] += " DESC"
		}
	}
	return keys, strings.Join(sig, ","), nil
}

// orderText writes the clauses that keep a nested connection's rows after
// its cursor, in order, a page long: carry are the variables the rows
// keep, keys the sort keys then the connection's own.
func orderText(carry string, keys []orderKey, after, limit string) string {
	defs := make([]string, len(keys))
	names := make([]string, len(keys))
	desc := make([]bool, len(keys))
	order := make([]string, len(keys))
	for i, k := range keys {
		defs[i] = k.expr + " AS " + k.name
		names[i], desc[i] = k.name, k.desc
		order[i] = k.name
		if k.desc {
			order[i] += " DESC"
		}
	}
	return fmt.Sprintf("WITH %s, %s WHERE %s\n  WITH %s, %s ORDER BY %s LIMIT $%s", carry, strings.Join(defs, ", "),
		keysetText(names, desc, "$"+after), carry, strings.Join(names, ", "), strings.Join(order, ", "), limit)
}

func orderKeyList(keys []orderKey) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.name
	}
	return "[" + strings.Join(names, ", ") + "]"
}

var nodeVar = regexp.MustCompile(`\bn\b`)

// relatedSortExpr returns a root list's sort expression of label for the
// node in variable m of a nested connection with the given dates.
func relatedSortExpr(label, m string, pp pageParams) func(model.SortSpec) (string, error) {
	return func(sp model.SortSpec) (string, error) {
		if label == "" {
			return "", model.Errorf(model.CodeBadUserInput, "sort: a list of nodes of any kind cannot be sorted")
		}
		k, err := sortExprIn(label, sp.Field, sp.Language)
		if err != nil {
			return "", err
		}
		e := nodeVar.ReplaceAllString(k.expr, m)
		e = strings.ReplaceAll(e, "$asOf", pp.asOfRef())
		return strings.ReplaceAll(e, "$day", "$"+pp.day), nil
	}
}

// participationSortExpr returns the expression of a participation sort
// key: the other end's name, or a step's date as the edge shows it.
func participationSortExpr(x string, part participation) func(model.SortSpec) (string, error) {
	return func(sp model.SortSpec) (string, error) {
		var e string
		switch sp.Field {
		case "NAME":
			return fmt.Sprintf("coalesce(%s.%s, '')", x, sortNameKey(sp.Language)), nil
		case "SIGNED":
			e = participationEdgeFields["signed"](&part)
		case "RATIFIED":
			e = participationEdgeFields["ratified"](&part)
		case "ENTRY_INTO_FORCE":
			e = participationEdgeFields["entryIntoForce"](&part)
		default:
			return "", model.Errorf(model.CodeBadUserInput, "sort: participations cannot be sorted by %s", sp.Field)
		}
		return "coalesce(" + e + ", '')", nil
	}
}

// sortSignature names a nested connection's sort in its cursors' list, so
// a cursor of one order is refused by another.
func sortSignature(sig string) string {
	if sig == "" {
		return ""
	}
	return ";sort=" + sig
}
