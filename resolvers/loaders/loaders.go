// Package loaders batches the nested reads of one GraphQL request: every
// parent asking for the same kind of related data within a few milliseconds
// shares one Cypher statement, so round trips do not grow with the rows.
package loaders

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// Store is what the loaders read from.
type Store interface {
	Neighbours(ctx context.Context, hop model.Hop, ids []string) (map[string][]model.Entity, error)
	Participations(ctx context.Context, fromInstrument bool, ids []string) (map[string][]model.TreatyParticipation, error)
	Relations(ctx context.Context, ids []string, types []string, dir model.Direction) (map[string][]model.Relation, error)
}

// wait is how long a loader collects keys before it sends its batch: long
// enough for sibling resolvers running in parallel to join, short enough not
// to show in latency.
const wait = 2 * time.Millisecond

// Loaders holds the batch loaders of one request.
type Loaders struct {
	store        Store
	mu           sync.Mutex
	hops         map[model.Hop]*dataloader.Loader[string, []model.Entity]
	participants [2]*dataloader.Loader[string, []model.TreatyParticipation]
	relations    map[string]*dataloader.Loader[string, []model.Relation]
}

// New returns empty loaders reading from store.
func New(store Store) *Loaders {
	l := &Loaders{
		store:     store,
		hops:      map[model.Hop]*dataloader.Loader[string, []model.Entity]{},
		relations: map[string]*dataloader.Loader[string, []model.Relation]{},
	}
	for i, fromInstrument := range []bool{true, false} {
		l.participants[i] = newLoader(func(ctx context.Context, ids []string) (map[string][]model.TreatyParticipation, error) {
			return store.Participations(ctx, fromInstrument, ids)
		})
	}
	return l
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

// For returns the request's loaders. Outside a request (a test calling
// resolvers directly) it returns nil, and the callers below fall back to
// unbatched reads through a fresh set.
func For(ctx context.Context) *Loaders {
	l, _ := ctx.Value(ctxKey{}).(*Loaders)
	return l
}

// Neighbours returns the nodes one hop away from id.
func (l *Loaders) Neighbours(ctx context.Context, hop model.Hop, id string) ([]model.Entity, error) {
	l.mu.Lock()
	ld, ok := l.hops[hop]
	if !ok {
		ld = newLoader(func(ctx context.Context, ids []string) (map[string][]model.Entity, error) {
			return l.store.Neighbours(ctx, hop, ids)
		})
		l.hops[hop] = ld
	}
	l.mu.Unlock()
	return ld.Load(ctx, id)()
}

// Participations returns the treaty participations of an instrument
// (fromInstrument) or a country.
func (l *Loaders) Participations(ctx context.Context, fromInstrument bool, id string) ([]model.TreatyParticipation, error) {
	i := 0
	if !fromInstrument {
		i = 1
	}
	return l.participants[i].Load(ctx, id)()
}

// Relations returns the relationships of id of the given types and direction.
func (l *Loaders) Relations(ctx context.Context, id string, types []string, dir model.Direction) ([]model.Relation, error) {
	key := string(dir) + "|" + strings.Join(types, ",")
	if types == nil {
		key += "|all"
	}
	l.mu.Lock()
	ld, ok := l.relations[key]
	if !ok {
		ld = newLoader(func(ctx context.Context, ids []string) (map[string][]model.Relation, error) {
			return l.store.Relations(ctx, ids, types, dir)
		})
		l.relations[key] = ld
	}
	l.mu.Unlock()
	return ld.Load(ctx, id)()
}

// newLoader wraps a read keyed by id in a batch loader whose results line up
// with the requested keys; an id with nothing related gets an empty list.
func newLoader[V any](read func(ctx context.Context, ids []string) (map[string][]V, error)) *dataloader.Loader[string, []V] {
	batch := func(ctx context.Context, ids []string) []*dataloader.Result[[]V] {
		found, err := read(ctx, ids)
		out := make([]*dataloader.Result[[]V], len(ids))
		for i, id := range ids {
			if err != nil {
				out[i] = &dataloader.Result[[]V]{Error: err}
				continue
			}
			list := found[id]
			if list == nil {
				list = []V{}
			}
			out[i] = &dataloader.Result[[]V]{Data: list}
		}
		return out
	}
	return dataloader.NewBatchedLoader(batch, dataloader.WithWait[string, []V](wait))
}
