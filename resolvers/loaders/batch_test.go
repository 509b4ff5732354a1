package loaders

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// recorder is a read function that records the batches it is given.
type recorder struct {
	mu      sync.Mutex
	batches [][]string
	err     error
}

func (r *recorder) read(_ context.Context, ids []string) (map[string]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	sorted := append([]string{}, ids...)
	sort.Strings(sorted)
	r.batches = append(r.batches, sorted)
	if r.err != nil {
		return nil, r.err
	}
	out := map[string]string{}
	for _, id := range ids {
		out[id] = "value of " + id
	}
	return out, nil
}

func loadAll(t *testing.T, b *batcher[string], ids []string) ([]string, []error) {
	t.Helper()
	got := make([]string, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = b.load(context.Background(), id)
		}()
	}
	wg.Wait()
	return got, errs
}

func TestBatcher(t *testing.T) {
	ids := make([]string, 300)
	for i := range ids {
		ids[i] = fmt.Sprintf("n%03d", i%150) // every id asked twice
	}
	distinct := map[string]bool{}
	for _, id := range ids {
		distinct[id] = true
	}
	tests := []struct {
		name   string
		expect int
		err    error
	}{
		{"count announced", len(distinct), nil},
		{"no count announced", 0, nil},
		{"count higher than the askers", len(distinct) + 5, nil},
		{"read fails", len(distinct), errors.New("database away")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{err: tt.err}
			b := newBatcher(tt.expect, rec.read)
			got, errs := loadAll(t, b, ids)
			if len(rec.batches) != 1 || len(rec.batches[0]) != len(distinct) {
				t.Errorf("batches %d of sizes %v, want one of %d distinct ids", len(rec.batches), sizes(rec.batches), len(distinct))
			}
			for i, id := range ids {
				if tt.err != nil {
					if !errors.Is(errs[i], tt.err) {
						t.Errorf("load %s: error %v, want %v", id, errs[i], tt.err)
					}
					continue
				}
				if diff := cmp.Diff("value of "+id, got[i]); diff != "" || errs[i] != nil {
					t.Errorf("load %s: %q, %v", id, got[i], errs[i])
				}
			}
		})
	}
}

func sizes(batches [][]string) []int {
	out := []int{}
	for _, b := range batches {
		out = append(out, len(b))
	}
	return out
}
