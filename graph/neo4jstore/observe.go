package neo4jstore

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Timing is what Neo4j's result summary says a statement took: until its
// first record was available, and until its last was consumed.
type Timing struct {
	AvailableAfter, ConsumedAfter time.Duration
}

// Observer learns about every statement the store sends, for metrics,
// traces and the slow-query log. Statement is called before the statement
// is sent; the function it returns, when its answer is in.
type Observer interface {
	Statement(ctx context.Context, op, cypher string) (context.Context, func(Timing, error))
}

type noObserver struct{}

func (noObserver) Statement(ctx context.Context, _, _ string) (context.Context, func(Timing, error)) {
	return ctx, func(Timing, error) {}
}

type txKey struct{}

// txInfo travels with a transaction's context, so statements run inside
// it are observed under the transaction's operation.
type txInfo struct {
	obs Observer
	op  string
}

// InFlight returns how many statements or transactions are running now.
func (s *Store) InFlight() int64 { return s.inFlight.Load() }

// PoolSize returns the most connections the driver opens.
func (s *Store) PoolSize() int { return s.poolSize }

// transaction opens a session for one transaction of op and does the
// bookkeeping every transaction shares with single statements: the first
// connection made alone, the round trip counted, the transaction in flight
// until done is called, and its statements observed under op.
func (s *Store) transaction(ctx context.Context, op string, mode neo4j.AccessMode) (context.Context, neo4j.SessionWithContext, func()) {
	s.warmUp()
	countRoundTrip(ctx)
	s.sent.Add(1)
	s.inFlight.Add(1)
	ctx = context.WithValue(ctx, txKey{}, txInfo{obs: s.obs, op: op})
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: mode})
	return ctx, session, func() { s.inFlight.Add(-1) }
}

// observe wraps one statement or transaction: it counts it in flight and
// reports it to the observer.
func (s *Store) observe(ctx context.Context, op, cypher string) (context.Context, func(Timing, error)) {
	s.inFlight.Add(1)
	ctx, done := s.obs.Statement(ctx, op, cypher)
	return ctx, func(t Timing, err error) {
		s.inFlight.Add(-1)
		done(t, err)
	}
}

func timingOf(sum neo4j.ResultSummary) Timing {
	if sum == nil {
		return Timing{}
	}
	return Timing{AvailableAfter: sum.ResultAvailableAfter(), ConsumedAfter: sum.ResultConsumedAfter()}
}

// collect runs a statement inside a transaction and reads all its records.
func collect(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	info, _ := ctx.Value(txKey{}).(txInfo)
	done := func(Timing, error) {}
	if info.obs != nil {
		ctx, done = info.obs.Statement(ctx, info.op, cypher)
	}
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		done(Timing{}, err)
		return nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		done(Timing{}, err)
		return nil, err
	}
	sum, _ := res.Consume(ctx)
	done(timingOf(sum), nil)
	return recs, nil
}
