// Package loaders batches the nested reads of one GraphQL request: every
// child of one connection asking for the same field with the same arguments
// shares one Cypher statement, so round trips grow with the depth of a query,
// never with its rows.
package loaders

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// Store is what the loaders read from.
type Store interface {
	Related(ctx context.Context, hop model.Hop, ids []string, where any, page model.PageRequest) (map[string]model.EntityPage, error)
	RelationPages(ctx context.Context, ids []string, types []string, dir model.Direction, page model.PageRequest) (map[string]model.EntityPage, error)
	ParticipationPages(ctx context.Context, fromInstrument bool, ids []string, where any, filter model.ParticipationFilter, page model.PageRequest) (map[string]model.ParticipationPage, error)
}

// Loaders holds the batchers of one request.
type Loaders struct {
	store    Store
	mu       sync.Mutex
	batchers map[string]any
	expect   map[string]int
}

// New returns empty loaders reading from store.
func New(store Store) *Loaders {
	return &Loaders{store: store, batchers: map[string]any{}, expect: map[string]int{}}
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

// Expect announces that the connection field of ctx returned n distinct
// nodes, so each of their fields can be read in one batch as soon as all n
// have asked. Connections resolved without a loader (root lists) call it.
func (l *Loaders) Expect(ctx context.Context, n int) {
	l.expectPath(connectionPath(ctx), n)
}

func (l *Loaders) expectPath(path string, n int) {
	l.mu.Lock()
	l.expect[path] = n
	l.mu.Unlock()
}

// signature identifies a set of arguments, so parents asking with the same
// arguments share a batch. Inside a GraphQL field, the siblings of one list
// all run the same field of the query, whose arguments come from the query
// and its variables alone: the field's place in the parsed query names them
// without encoding them for every sibling.
func signature(ctx context.Context, kind string, parts ...any) string {
	if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Field.Field != nil {
		return fmt.Sprintf("%s@%p", kind, fc.Field.Field)
	}
	b, err := json.Marshal(append([]any{kind}, parts...))
	if err != nil {
		return fmt.Sprint(parts...)
	}
	return string(b)
}

// batcherFor returns the batcher of one field and set of arguments under the
// caller's list. When its read succeeds it announces how many distinct nodes
// the connection returned, for the next level.
func batcherFor[V any](ctx context.Context, l *Loaders, sig string, read func(ctx context.Context, ids []string) (map[string]V, error), count func(V) []string) *batcher[V] {
	lp := listPath(ctx)
	key := sig + "@" + lp
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.batchers[key].(*batcher[V]); ok {
		return b
	}
	conn := connectionPath(ctx)
	b := newBatcher(l.expect[lp], func(ctx context.Context, ids []string) (map[string]V, error) {
		res, err := read(ctx, ids)
		if err == nil {
			seen := map[string]bool{}
			for _, v := range res {
				for _, id := range count(v) {
					seen[id] = true
				}
			}
			l.expectPath(conn, len(seen))
		}
		return res, err
	})
	l.batchers[key] = b
	return b
}

func entityIDs(p model.EntityPage) []string {
	out := make([]string, len(p.Items))
	for i, it := range p.Items {
		out[i] = it.Entity.ID
	}
	return out
}

// Related returns a page of the nodes one hop from id.
func (l *Loaders) Related(ctx context.Context, hop model.Hop, id string, where any, page model.PageRequest) (model.EntityPage, error) {
	b := batcherFor(ctx, l, signature(ctx, "related", hop, where, page), func(ctx context.Context, ids []string) (map[string]model.EntityPage, error) {
		return l.store.Related(ctx, hop, ids, where, page)
	}, entityIDs)
	return b.load(ctx, id)
}

// Relations returns a page of the relationships of id.
func (l *Loaders) Relations(ctx context.Context, id string, types []string, dir model.Direction, page model.PageRequest) (model.EntityPage, error) {
	b := batcherFor(ctx, l, signature(ctx, "relations", types, dir, page), func(ctx context.Context, ids []string) (map[string]model.EntityPage, error) {
		return l.store.RelationPages(ctx, ids, types, dir, page)
	}, entityIDs)
	return b.load(ctx, id)
}

// Participations returns a page of the state-treaty pairs of id.
func (l *Loaders) Participations(ctx context.Context, fromInstrument bool, id string, where any, filter model.ParticipationFilter, page model.PageRequest) (model.ParticipationPage, error) {
	b := batcherFor(ctx, l, signature(ctx, "participations", fromInstrument, where, filter, page), func(ctx context.Context, ids []string) (map[string]model.ParticipationPage, error) {
		return l.store.ParticipationPages(ctx, fromInstrument, ids, where, filter, page)
	}, func(p model.ParticipationPage) []string {
		out := make([]string, len(p.Items))
		for i, it := range p.Items {
			if fromInstrument {
				out[i] = it.Participation.Country.ID
			} else {
				out[i] = it.Participation.Instrument.ID
			}
		}
		return out
	})
	return b.load(ctx, id)
}
