package neo4jstore

// The read planner: a root field's whole selection (model.Selection), as
// deep as the query goes, compiled into one parameterised Cypher statement
// whose record holds exactly the selected shape, decoded straight into the
// field's JSON answer. Nested connections are COLLECT and COUNT
// subqueries of the node they hang from; each node projects only the
// columns its selection reads.
//
// The statement's text depends on the query's shape alone. The parts that
// depend on argument values as well (a filter's fields, a sort's keys, a
// language) are fragments: compiled once, and compiled again for each
// request only to bind their parameters, so a request whose values would
// need other text is caught (errShapeChanged) and compiled afresh.

import (
	"context"
	"errors"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// errShapeChanged says a request's argument values need another statement
// than the one compiled (a filter with other fields, say).
var errShapeChanged = errors.New("the arguments need another statement")

// Read is a root field compiled into one statement.
type Read struct {
	sel     model.Selection
	op      string
	cypher  string
	binders []binder
	conns   int
	// decode writes the field's answer from the statement's records.
	decode func(res *neo4j.EagerResult, st *bound, w *jsonOut) error
}

// Statement returns the Cypher text of the read.
func (r *Read) Statement() string { return r.cypher }

// bound is one request's values for a compiled read: the statement's
// parameters, and what the decoder needs of each connection.
type bound struct {
	params map[string]any
	conns  []connState
	// extra holds what the decoder reads of a request's arguments beyond
	// the statement's parameters (a group-by's sort, say).
	extra map[string]any
	// view holds the reading of the last participation decoded, which
	// each field of its edge reads.
	view struct {
		row *any
		day model.Date
		tp  model.TreatyParticipation
		v   model.ParticipationView
	}
}

// connState is what a connection's answer needs of its arguments.
type connState struct {
	first   int
	hasPrev bool
	day     model.Date
	list    model.CursorList
}

// binder sets one part of a request's values.
type binder func(env model.ReadEnv, st *bound) error

// CompileRead compiles a root field's selection into one statement, for
// requests of the same shape as env's. Bad argument values are
// BAD_USER_INPUT errors; a selection it cannot compile is
// model.ErrUnplanned.
func (s *Store) CompileRead(sel model.Selection, env model.ReadEnv) (model.CompiledRead, error) {
	return compileRead(sel, env)
}

func compileRead(sel model.Selection, env model.ReadEnv) (*Read, error) {
	c := &compiler{env: env}
	r := &Read{sel: sel, op: "plan " + sel.Field}
	var err error
	label, entity := entityRoots[sel.Field]
	switch {
	case entity:
		err = c.entityRoot(r, &sel, label)
	case listLabels[sel.Field] != "":
		err = c.listRoot(r, &sel, listLabels[sel.Field])
	case sel.Field == "search":
		err = c.searchRoot(r, &sel)
	case sel.Field == "coverage":
		err = c.coverageRoot(r, &sel)
	case sel.Field == "shortestPath" || sel.Field == "allShortestPaths":
		err = c.pathRoot(r, &sel, sel.Field == "allShortestPaths")
	case sel.Field == "neighbourhood":
		err = c.neighbourhoodRoot(r, &sel)
	default:
		return nil, fmt.Errorf("%w: Query.%s", model.ErrUnplanned, sel.Field)
	}
	if err != nil {
		return nil, err
	}
	r.binders, r.conns = c.binders, c.conns
	return r, nil
}

// listLabels maps the root list fields to the label they list.
var listLabels = map[string]string{
	"instruments": "Instrument", "bodies": "Body", "projects": "Project", "countries": "Country",
	"resources": "Resource", "events": "Event", "monitoringRounds": "MonitoringRound", "topics": "Topic",
}

// bind computes a request's values.
func (r *Read) bind(env model.ReadEnv) (*bound, error) {
	st := &bound{params: map[string]any{}, conns: make([]connState, r.conns), extra: map[string]any{}}
	for _, b := range r.binders {
		if err := b(env, st); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// RunRead answers a compiled read for one request: the root field's value
// as JSON (null for a field that has none). An unknown id of an entity
// root is a NOT_FOUND error; bad argument values BAD_USER_INPUT.
func (s *Store) RunRead(ctx context.Context, compiled model.CompiledRead, env model.ReadEnv) ([]byte, error) {
	r, ok := compiled.(*Read)
	if !ok {
		return nil, fmt.Errorf("run read: %T is not a read this store compiled", compiled)
	}
	st, err := r.bind(env)
	if errors.Is(err, errShapeChanged) {
		// This request's values need other text: compile it for them.
		if r, err = compileRead(r.sel, env); err != nil {
			return nil, err
		}
		st, err = r.bind(env)
	}
	if err != nil {
		return nil, err
	}
	res, err := s.read(ctx, r.op, r.cypher, st.params)
	if err != nil {
		return nil, err
	}
	w := &jsonOut{b: make([]byte, 0, 1024)}
	if err := r.decode(res, st, w); err != nil {
		var merr *model.Error
		if errors.As(err, &merr) {
			return nil, err
		}
		return nil, fmt.Errorf("%s: %w", r.op, err)
	}
	return w.b, nil
}

// compiler holds the state of one compilation: fresh names, and the
// binders of the parameters.
type compiler struct {
	env     model.ReadEnv
	n       int
	binders []binder
	conns   int
}

// name returns a fresh name for a variable or parameter.
func (c *compiler) name(prefix string) string {
	c.n++
	return fmt.Sprintf("%s%d", prefix, c.n)
}

// bind adds a binder and runs it for the request being compiled, so its
// errors (a bad cursor, say) surface now.
func (c *compiler) bind(b binder) error {
	c.binders = append(c.binders, b)
	return b(c.env, &bound{params: map[string]any{}, conns: make([]connState, c.conns), extra: map[string]any{}})
}

// fragment compiles a part of the statement whose text depends on
// argument values; gen writes it with a builder whose parameters it
// names, reading dates from the parameters asOf and day. Each request runs
// gen again to bind its parameters, and a request for which it writes
// other text is errShapeChanged.
func (c *compiler) fragment(asOf, day string, gen func(env model.ReadEnv, b *builder) (string, error)) (string, error) {
	prefix := c.name("f") + "_"
	mk := func() *builder { return &builder{params: map[string]any{}, prefix: prefix, asOf: asOf, day: day} }
	b := mk()
	text, err := gen(c.env, b)
	if err != nil {
		return "", err
	}
	c.binders = append(c.binders, func(env model.ReadEnv, st *bound) error {
		b := mk()
		t, err := gen(env, b)
		if err != nil {
			return err
		}
		if t != text {
			return errShapeChanged
		}
		for k, v := range b.params {
			st.params[k] = v
		}
		return nil
	})
	return text, nil
}
