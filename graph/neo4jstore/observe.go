package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/coe-child-online/knowledge-graph/telemetry"
)

type txKey struct{}

// txInfo travels with a transaction's context, so statements run inside
// it are observed under the transaction's operation.
type txInfo struct {
	obs telemetry.Observer
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
	s.obs.RoundTrip(ctx)
	s.sent.Add(1)
	s.inFlight.Add(1)
	ctx = context.WithValue(ctx, txKey{}, txInfo{obs: s.obs, op: op})
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: mode})
	return ctx, session, func() { s.inFlight.Add(-1) }
}

// observe wraps one statement or transaction: it counts it in flight and
// reports it to the observer.
func (s *Store) observe(ctx context.Context, op, cypher string) (context.Context, func(telemetry.Timing, error)) {
	s.inFlight.Add(1)
	ctx, done := s.obs.Statement(ctx, op, cypher)
	return ctx, func(t telemetry.Timing, err error) {
		s.inFlight.Add(-1)
		done(t, err)
	}
}

func timingOf(sum neo4j.ResultSummary) telemetry.Timing {
	if sum == nil {
		return telemetry.Timing{}
	}
	return telemetry.Timing{AvailableAfter: sum.ResultAvailableAfter(), ConsumedAfter: sum.ResultConsumedAfter()}
}

// collect runs a statement inside a transaction and reads all its records.
func collect(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	info, _ := ctx.Value(txKey{}).(txInfo)
	done := func(telemetry.Timing, error) {}
	if info.obs != nil {
		ctx, done = info.obs.Statement(ctx, info.op, cypher)
	}
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		done(telemetry.Timing{}, err)
		return nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		done(telemetry.Timing{}, err)
		return nil, err
	}
	sum, _ := res.Consume(ctx)
	done(timingOf(sum), nil)
	return recs, nil
}
