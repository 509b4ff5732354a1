// Package resolvers answers GraphQL fields: root fields read through the
// store, nested connections through the request's batch loaders. Every
// argument is checked here, before any query reaches the database.
package resolvers

import (
	"context"
	"sync"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/importer"
	"github.com/coe-child-online/knowledge-graph/resolvers/loaders"
)

// Store is what the resolvers read from and write to.
type Store interface {
	loaders.Store
	ReadPlanner
	Curator
	importer.Target
	Nodes(ctx context.Context, ids []string) (map[string]model.Entity, error)
	ListEntities(ctx context.Context, label string, where any, sort []model.SortSpec, page model.PageRequest) (model.EntityPage, error)
	Coverage(ctx context.Context, instruments []string, where any, day model.Date, max int) (model.CoverageData, error)
	ShortestPaths(ctx context.Context, from, to string, maxHops int, all bool, t model.Traversal, limit int) ([]model.Path, error)
	Neighbourhood(ctx context.Context, id string, depth int, t model.Traversal, limit int) (model.Subgraph, error)
	Timeline(ctx context.Context, instrument string, action string, monthly bool) ([]model.TimeBucket, error)
	Stats(ctx context.Context) (model.GraphStats, error)
	Search(ctx context.Context, query string, labels []string, first int, after *model.SearchAfter) ([]model.SearchHit, int, bool, error)
	QualityData(ctx context.Context) (model.QualityData, error)
	SavedQueryStore
	DiffReader
	Feed
}

// Resolver is the root of the resolver tree.
type Resolver struct {
	store Store
	now   func() time.Time
	// parsedSchema checks saved queries' documents; see schema.
	schemaOnce   sync.Once
	parsedSchema *ast.Schema
}

// New returns a Resolver reading from store; now tells today's date, which
// decides whether a treaty is already in force.
func New(store Store, now func() time.Time) *Resolver {
	return &Resolver{store: store, now: now}
}
