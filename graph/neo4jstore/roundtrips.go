package neo4jstore

import (
	"context"
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
