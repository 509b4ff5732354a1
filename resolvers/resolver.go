// Package resolvers answers GraphQL fields: root fields read through the
// store, nested fields through the request's batch loaders.
package resolvers

import (
	"context"
	"time"

	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/resolvers/loaders"
)

// Store is what the resolvers read from.
type Store interface {
	loaders.Store
	Nodes(ctx context.Context, ids []string) (map[string]model.Entity, error)
	List(ctx context.Context, label string, first int, after string) (model.Page, error)
}

// Resolver is the root of the resolver tree.
type Resolver struct {
	store Store
	now   func() time.Time
}

// New returns a Resolver reading from store; now tells today's date, which
// decides whether a treaty is already in force.
func New(store Store, now func() time.Time) *Resolver {
	return &Resolver{store: store, now: now}
}
