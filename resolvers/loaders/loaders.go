// Package loaders batches the nested reads of one GraphQL request: every
// parent asking for the same connection with the same arguments within a few
// milliseconds shares one Cypher statement, so round trips do not grow with
// the rows.
package loaders

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// Store is what the loaders read from.
type Store interface {
	Related(ctx context.Context, hop model.Hop, ids []string, where any, page model.PageRequest) (map[string]model.EntityPage, error)
	RelationPages(ctx context.Context, ids []string, types []string, dir model.Direction, page model.PageRequest) (map[string]model.EntityPage, error)
	ParticipationPages(ctx context.Context, fromInstrument bool, ids []string, where any, statuses []model.TreatyStatus, page model.PageRequest) (map[string]model.ParticipationPage, error)
}

// wait is how long a loader collects keys before it sends its batch: long
// enough for sibling resolvers running in parallel to join, short enough not
// to show in latency.
const wait = 2 * time.Millisecond

// Loaders holds the batch loaders of one request, one per field and set of
// arguments.
type Loaders struct {
	store   Store
	mu      sync.Mutex
	entity  map[string]*dataloader.Loader[string, model.EntityPage]
	partici map[string]*dataloader.Loader[string, model.ParticipationPage]
}

// New returns empty loaders reading from store.
func New(store Store) *Loaders {
	return &Loaders{
		store:   store,
		entity:  map[string]*dataloader.Loader[string, model.EntityPage]{},
		partici: map[string]*dataloader.Loader[string, model.ParticipationPage]{},
	}
}

type ctxKey struct{}

// Middleware gives every request its own loaders, so nothing cached outlives
// the request.
func Middleware(store Store, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), ctxKey{}, New(store))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// For returns the request's loaders, or nil outside a request.
func For(ctx context.Context) *Loaders {
	l, _ := ctx.Value(ctxKey{}).(*Loaders)
	return l
}

// signature identifies a set of arguments, so parents asking with the same
// arguments share a batch.
func signature(parts ...any) string {
	b, err := json.Marshal(parts)
	if err != nil {
		return fmt.Sprint(parts...)
	}
	return string(b)
}

func loaderFor[V any](l *Loaders, m map[string]*dataloader.Loader[string, V], key string, read func(ctx context.Context, ids []string) (map[string]V, error)) *dataloader.Loader[string, V] {
	l.mu.Lock()
	defer l.mu.Unlock()
	ld, ok := m[key]
	if !ok {
		ld = newLoader(read)
		m[key] = ld
	}
	return ld
}

// Related returns a page of the nodes one hop from id.
func (l *Loaders) Related(ctx context.Context, hop model.Hop, id string, where any, page model.PageRequest) (model.EntityPage, error) {
	key := signature("related", hop, where, page)
	ld := loaderFor(l, l.entity, key, func(ctx context.Context, ids []string) (map[string]model.EntityPage, error) {
		return l.store.Related(ctx, hop, ids, where, page)
	})
	return ld.Load(ctx, id)()
}

// Relations returns a page of the relationships of id.
func (l *Loaders) Relations(ctx context.Context, id string, types []string, dir model.Direction, page model.PageRequest) (model.EntityPage, error) {
	key := signature("relations", types, dir, page)
	ld := loaderFor(l, l.entity, key, func(ctx context.Context, ids []string) (map[string]model.EntityPage, error) {
		return l.store.RelationPages(ctx, ids, types, dir, page)
	})
	return ld.Load(ctx, id)()
}

// Participations returns a page of the state-treaty pairs of id.
func (l *Loaders) Participations(ctx context.Context, fromInstrument bool, id string, where any, statuses []model.TreatyStatus, page model.PageRequest) (model.ParticipationPage, error) {
	key := signature("participations", fromInstrument, where, statuses, page)
	ld := loaderFor(l, l.partici, key, func(ctx context.Context, ids []string) (map[string]model.ParticipationPage, error) {
		return l.store.ParticipationPages(ctx, fromInstrument, ids, where, statuses, page)
	})
	return ld.Load(ctx, id)()
}

// newLoader wraps a read keyed by id in a batch loader whose results line up
// with the requested keys; an id with nothing found gets an empty page.
func newLoader[V any](read func(ctx context.Context, ids []string) (map[string]V, error)) *dataloader.Loader[string, V] {
	batch := func(ctx context.Context, ids []string) []*dataloader.Result[V] {
		found, err := read(ctx, ids)
		out := make([]*dataloader.Result[V], len(ids))
		for i, id := range ids {
			if err != nil {
				out[i] = &dataloader.Result[V]{Error: err}
				continue
			}
			out[i] = &dataloader.Result[V]{Data: found[id]}
		}
		return out
	}
	return dataloader.NewBatchedLoader(batch, dataloader.WithWait[string, V](wait))
}
