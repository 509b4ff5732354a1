package loaders

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// Batches are sent when they are complete, not after a fixed wait: a
// connection that returns n nodes announces that n children will ask (see
// Expect), and their batch goes out as soon as the n-th id arrives. Where no
// count was announced the batch goes out once no new id has come for idleGap;
// where one was but some children never ask (a fragment on another type, an
// error), once none has come for expectedGap. maxWait bounds both.
//
// The waits only decide when a batch that will never be complete goes out;
// a complete one goes at once. So they are long: on a loaded machine a
// thousand siblings can come tens of milliseconds apart, and a batch sent
// before the last of them would split into two statements.
const (
	idleGap     = 2 * time.Millisecond
	expectedGap = 200 * time.Millisecond
	maxWait     = 5 * time.Second
)

// batcher gathers the ids of one field with one set of arguments under one
// list, reads them in one statement and hands every caller its part.
type batcher[V any] struct {
	read    func(ctx context.Context, ids []string) (map[string]V, error)
	expect  int
	mu      sync.Mutex
	pending *batch[V]
	done    map[string]*batch[V]
}

type batch[V any] struct {
	ids     []string
	seen    map[string]bool
	last    time.Time
	full    chan struct{}
	ready   chan struct{}
	results map[string]V
	err     error
}

func newBatcher[V any](expect int, read func(ctx context.Context, ids []string) (map[string]V, error)) *batcher[V] {
	return &batcher[V]{read: read, expect: expect, done: map[string]*batch[V]{}}
}

func (b *batcher[V]) load(ctx context.Context, id string) (V, error) {
	b.mu.Lock()
	p, cached := b.done[id]
	if !cached {
		p = b.pending
		if p == nil {
			p = &batch[V]{seen: map[string]bool{}, full: make(chan struct{}), ready: make(chan struct{})}
			b.pending = p
			// The batch runs on the first caller's context: all callers
			// belong to the same request.
			go b.collect(ctx, p)
		}
		if !p.seen[id] {
			p.seen[id] = true
			p.ids = append(p.ids, id)
			p.last = time.Now()
			b.done[id] = p
			if b.expect > 0 && len(p.ids) >= b.expect {
				b.pending = nil
				close(p.full)
			}
		}
	}
	b.mu.Unlock()
	var zero V
	select {
	case <-p.ready:
	case <-ctx.Done():
		return zero, ctx.Err()
	}
	if p.err != nil {
		return zero, p.err
	}
	return p.results[id], nil
}

func (b *batcher[V]) collect(ctx context.Context, p *batch[V]) {
	deadline := time.Now().Add(maxWait)
	gap := idleGap
	if b.expect > 0 {
		gap = expectedGap
	}
	for {
		b.mu.Lock()
		wait := gap - time.Since(p.last)
		b.mu.Unlock()
		if wait <= 0 || time.Now().After(deadline) {
			break
		}
		select {
		case <-p.full:
			wait = 0
		case <-time.After(wait):
		}
		if wait == 0 {
			break
		}
	}
	b.mu.Lock()
	if b.pending == p {
		b.pending = nil
	}
	ids := p.ids
	b.mu.Unlock()
	p.results, p.err = b.read(ctx, ids)
	close(p.ready)
}

// pathNames returns the field names of ctx's path, list indices left out.
func pathNames(ctx context.Context) []string {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return nil
	}
	var names []string
	for _, el := range fc.Path() {
		if n, ok := el.(ast.PathName); ok {
			names = append(names, string(n))
		}
	}
	return names
}

// listPath names the list a field's parent node belongs to: the field's
// path without list indices and without its last ".edges.node.<field>", so
// every child of one connection shares it. Fields outside a connection get
// their parent's path.
func listPath(ctx context.Context) string {
	names := pathNames(ctx)
	if len(names) > 0 {
		names = names[:len(names)-1]
	}
	return strings.TrimSuffix(strings.Join(names, "."), ".edges.node")
}

// connectionPath names the list a connection field returns, for Expect.
func connectionPath(ctx context.Context) string {
	return strings.Join(pathNames(ctx), ".")
}
