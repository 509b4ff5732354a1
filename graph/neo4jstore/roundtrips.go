package neo4jstore

import (
	"context"
	"sync"
	"sync/atomic"
)

// RoundTrips counts the statements sent to Neo4j on behalf of one request,
// so the service can show, and tests can bound, how many a query costs.
type RoundTrips struct{ n atomic.Int64 }

// Count returns how many statements were sent so far.
func (r *RoundTrips) Count() int64 { return r.n.Load() }

type roundTripsKey struct{}

// WithRoundTrips returns a context whose statements are counted in the
// returned counter.
func WithRoundTrips(ctx context.Context) (context.Context, *RoundTrips) {
	rt := &RoundTrips{}
	return context.WithValue(ctx, roundTripsKey{}, rt), rt
}

// RoundTripsFrom returns the counter of ctx, or nil.
func RoundTripsFrom(ctx context.Context) *RoundTrips {
	rt, _ := ctx.Value(roundTripsKey{}).(*RoundTrips)
	return rt
}

func countRoundTrip(ctx context.Context) {
	if rt := RoundTripsFrom(ctx); rt != nil {
		rt.n.Add(1)
	}
}

// Statement is one Cypher statement as the store sent it.
type Statement struct {
	Cypher string
	Params map[string]any
}

// StatementLog records the statements sent on behalf of one context, so a
// benchmark can replay exactly what a request cost, straight through the
// driver. It is set only in-process, never from a request.
type StatementLog struct {
	mu         sync.Mutex
	Statements []Statement
}

type statementLogKey struct{}

// WithStatementLog returns a context whose read statements are recorded in
// the returned log.
func WithStatementLog(ctx context.Context) (context.Context, *StatementLog) {
	l := &StatementLog{}
	return context.WithValue(ctx, statementLogKey{}, l), l
}

func logStatement(ctx context.Context, cypher string, params map[string]any) {
	if l, ok := ctx.Value(statementLogKey{}).(*StatementLog); ok {
		l.mu.Lock()
		l.Statements = append(l.Statements, Statement{Cypher: cypher, Params: params})
		l.mu.Unlock()
	}
}

// Replay runs recorded statements one after another the way the store runs
// reads: read transactions routed to readers, in the configured database.
func (s *Store) Replay(ctx context.Context, statements []Statement) error {
	for _, st := range statements {
		if _, err := s.read(ctx, "replay", st.Cypher, st.Params); err != nil {
			return err
		}
	}
	return nil
}
