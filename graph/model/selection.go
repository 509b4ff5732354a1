package model

import (
	"encoding/json"
	"errors"
)

// Selection is one field of a query as the read planner sees it, between
// the GraphQL layer and the store: the schema's field, the key it answers
// under, its arguments as the query writes them, the relationship it
// follows, and what it selects below. The resolvers build it from gqlgen's
// collected fields (fragments, aliases, @skip and @include already
// applied); the store compiles a root field's selection into one Cypher
// statement and decodes the answer into exactly this shape.
type Selection struct {
	// Field is the schema's field name, such as "projects" or "__typename".
	Field string
	// Alias is the key the field answers under: its alias, or its name.
	Alias string
	// Type is the named type the field returns, such as
	// "ProjectRelationConnection" or "String".
	Type string
	// Args holds the field's arguments: those the query writes, and the
	// schema's defaults of the others.
	Args map[string]Input
	// Relation is the relationship a typed relationship field follows, as
	// its @relation declaration gives it.
	Relation *Hop
	// Fields are the selections below a field of an object type.
	Fields []Selection
	// ByType holds the selections below a field of an interface type, for
	// each object type (node label) its value may have.
	ByType map[string][]Selection
}

// InputKind says what an Input is.
type InputKind int

// The kinds of input values.
const (
	// InputValue is a constant the query writes: a string, number,
	// boolean, enum value or null.
	InputValue InputKind = iota
	// InputVariable is a variable, whose value each request gives.
	InputVariable
	// InputObject is an input object the query writes, whose fields may
	// hold variables.
	InputObject
	// InputList is a list the query writes, whose items may hold variables.
	InputList
)

// Input is an argument's value as the query writes it, so a statement
// compiled for one request can take the values of the next.
type Input struct {
	Kind InputKind
	// Value is the constant of an InputValue (string, int64, float64,
	// bool, or nil for null), and for an InputVariable the argument's
	// default, used when the request leaves the variable out.
	Value any
	// Name is the variable's name.
	Name string
	// Fields are the fields of an InputObject.
	Fields map[string]Input
	// Items are the items of an InputList.
	Items []Input
}

// Resolve returns the value of in for a request with the given
// variables: maps for input objects, slices for lists, and numbers as
// int64, float64 or json.Number.
func (in Input) Resolve(vars map[string]any) any {
	switch in.Kind {
	case InputVariable:
		if v, ok := vars[in.Name]; ok {
			return v
		}
		return in.Value
	case InputObject:
		m := make(map[string]any, len(in.Fields))
		for k, f := range in.Fields {
			m[k] = f.Resolve(vars)
		}
		return m
	case InputList:
		l := make([]any, len(in.Items))
		for i, it := range in.Items {
			l[i] = it.Resolve(vars)
		}
		return l
	}
	return in.Value
}

// Constant reports whether in holds no variable, so its value is the same
// for every request.
func (in Input) Constant() bool {
	switch in.Kind {
	case InputVariable:
		return false
	case InputObject:
		for _, f := range in.Fields {
			if !f.Constant() {
				return false
			}
		}
	case InputList:
		for _, it := range in.Items {
			if !it.Constant() {
				return false
			}
		}
	}
	return true
}

// Number returns v as an int64 when it is a whole number in any of the
// forms Resolve gives.
func Number(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case float64:
		if n == float64(int64(n)) {
			return int64(n), true
		}
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	}
	return 0, false
}

// ReadEnv is what one request gives a compiled read: its variables and the
// day it is asked on (statuses are read on that day unless asOf says
// otherwise).
type ReadEnv struct {
	Vars  map[string]any
	Today Date
}

// CompiledRead is a root field compiled by the store's read planner into
// one statement, ready for the values of any request of the same shape.
type CompiledRead interface {
	// Statement returns the Cypher text.
	Statement() string
}

// ErrUnplanned says the read planner does not compile a selection; the
// caller answers it another way.
var ErrUnplanned = errors.New("the read planner does not compile this selection")
