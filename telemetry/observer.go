package telemetry

import (
	"context"
	"sync/atomic"
	"time"
)

// Timing is what Neo4j's result summary says a statement took: until its
// first record was available, and until its last was consumed.
type Timing struct {
	AvailableAfter, ConsumedAfter time.Duration
}

// Observer is what a store reports to: each round trip to the database
// (a transaction or a single statement), and each statement with Neo4j's
// own timing. It is defined here, where it is consumed, so the store
// points at telemetry and never the other way. Statement is called before
// the statement is sent; the function it returns, when its answer is in.
type Observer interface {
	RoundTrip(ctx context.Context)
	Statement(ctx context.Context, op, cypher string) (context.Context, func(Timing, error))
}

// RoundTrips counts the round trips to the database made on behalf of one
// request, so the service can show, and tests can bound, how many a query
// costs.
type RoundTrips struct{ n atomic.Int64 }

// Count returns how many round trips were made so far.
func (r *RoundTrips) Count() int64 { return r.n.Load() }

type roundTripsKey struct{}

// WithRoundTrips returns a context whose round trips, as an Observer
// hears of them, are counted in the returned counter.
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

// CountOnly is the Observer of a store that reports to no telemetry: it
// counts round trips in the request's counter and records nothing else.
type CountOnly struct{}

// RoundTrip counts one round trip in ctx's counter.
func (CountOnly) RoundTrip(ctx context.Context) { countRoundTrip(ctx) }

// Statement records nothing.
func (CountOnly) Statement(ctx context.Context, _, _ string) (context.Context, func(Timing, error)) {
	return ctx, func(Timing, error) {}
}
