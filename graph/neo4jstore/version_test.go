package neo4jstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore/neo4jtest"
	"github.com/coe-child-online/knowledge-graph/seed"
)

// trailNumbers returns the sequence numbers of the audit trail in the order
// of the entries' ids (which sort by time), and how many entries lack one.
func trailNumbers(t *testing.T) (seqs []int64, missing int64) {
	t.Helper()
	for _, r := range neo4jtest.Query(t, `MATCH (c:Change) RETURN c.seq AS seq ORDER BY c.id`, nil) {
		if r["seq"] == nil {
			missing++
			continue
		}
		seqs = append(seqs, r["seq"].(int64))
	}
	return seqs, missing
}

// checkNumbered fails unless the trail is numbered 1..n without gaps or
// repeats, in the order of its ids, and the version's sequence is n.
func checkNumbered(t *testing.T, s *neo4jstore.Store, ordered bool) {
	t.Helper()
	seqs, missing := trailNumbers(t)
	if missing > 0 {
		t.Fatalf("%d audit entries have no sequence number", missing)
	}
	seen := map[int64]bool{}
	for i, q := range seqs {
		if seen[q] {
			t.Fatalf("sequence number %d is used twice", q)
		}
		seen[q] = true
		if ordered && q != int64(i+1) {
			t.Fatalf("entry %d in id order has sequence number %d, want %d", i+1, q, i+1)
		}
	}
	for i := int64(1); i <= int64(len(seqs)); i++ {
		if !seen[i] {
			t.Fatalf("sequence number %d is missing among %d entries", i, len(seqs))
		}
	}
	v, err := s.Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if v.Seq != int64(len(seqs)) {
		t.Fatalf("version seq = %d, want %d (the number of audit entries)", v.Seq, len(seqs))
	}
}

func TestTheSeedLoadNumbersTheTrailAndRecordsTheSeedVersion(t *testing.T) {
	s := neo4jtest.Open(t)
	data := neo4jtest.LoadSeed(t, s)
	checkNumbered(t, s, true)
	v, err := s.Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if v.Epoch == "" || v.Seed != data.Version || data.Version == "" {
		t.Fatalf("version after the seed load = %+v, want an epoch and seed %q", v, data.Version)
	}
	// A second load of the same files changes nothing, so neither does the
	// version.
	if err := seed.Load(context.Background(), s, data); err != nil {
		t.Fatal(err)
	}
	again, err := s.Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if again != v {
		t.Fatalf("version after loading the same seed again = %s, want %s", again, v)
	}
}

func TestConcurrentWritesTakeDistinctNumbersInCommitOrder(t *testing.T) {
	s := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, s)
	before, err := s.Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	actor := model.Actor{Name: "test", Role: "curator"}
	src := []model.Source{{Title: "test source"}}
	const writers, each = 6, 5
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				id := fmt.Sprintf("topic-seq-%d-%d", w, i)
				if _, _, err := s.CreateEntity(context.Background(), actor, model.Entity{ID: id, Label: "Topic", Name: id, Sources: src}); err != nil {
					errs <- fmt.Errorf("create %s: %w", id, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// Ids come from the clock before the commit, so concurrent writers'
	// ids need not follow commit order: only numbers are checked here.
	checkNumbered(t, s, false)
	after, err := s.Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if after.Seq != before.Seq+writers*each || after.Epoch != before.Epoch {
		t.Fatalf("version after %d writes = %s, want seq %d in epoch %s", writers*each, after, before.Seq+writers*each, before.Epoch)
	}
}

func TestEntriesWrittenBeforeNumberingAreNumberedOldestFirst(t *testing.T) {
	s := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, s)
	seqs, _ := trailNumbers(t)
	// A graph seeded before the trail was numbered: no sequence node and
	// no numbers, except the newest entries written since.
	neo4jtest.Write(t, `MATCH (q:GraphVersion) DELETE q`, nil)
	neo4jtest.Write(t, `MATCH (c:Change) WHERE c.seq <= $keep REMOVE c.seq`, map[string]any{"keep": int64(len(seqs) - 3)})
	neo4jtest.Write(t, `MATCH (c:Change) WHERE c.seq IS NOT NULL SET c.seq = c.seq - $shift`, map[string]any{"shift": int64(len(seqs) - 3)})
	n, err := s.NumberChanges(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != len(seqs)-3 {
		t.Fatalf("NumberChanges numbered %d entries, want %d", n, len(seqs)-3)
	}
	got, missing := trailNumbers(t)
	if missing != 0 || len(got) != len(seqs) {
		t.Fatalf("after numbering: %d numbered, %d missing; want %d numbered", len(got), missing, len(seqs))
	}
	// The three kept their numbers 1..3; the rest follow them in id order.
	seen := map[int64]bool{}
	for _, q := range got {
		if seen[q] || q < 1 || q > int64(len(seqs)) {
			t.Fatalf("after numbering, number %d is repeated or out of 1..%d", q, len(seqs))
		}
		seen[q] = true
	}
	v, err := s.Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if v.Seq != int64(len(seqs)) {
		t.Fatalf("version seq after numbering = %d, want %d", v.Seq, len(seqs))
	}
	if again, err := s.NumberChanges(context.Background()); err != nil || again != 0 {
		t.Fatalf("a second NumberChanges numbered %d (err %v), want 0", again, err)
	}
}

func TestTwoStoresWatchTheSameVersion(t *testing.T) {
	cfg := neo4jtest.Config(t)
	cfg.VersionPoll = 100 * time.Millisecond
	a := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, a)
	b, err := neo4jstore.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close(context.Background()) })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start, changed, err := b.WatchVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	direct, err := a.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if start != direct {
		t.Fatalf("watched version %s, read version %s", start, direct)
	}
	sent := b.StatementsSent()
	actor := model.Actor{Name: "test", Role: "curator"}
	written := time.Now()
	if _, _, err := a.CreateEntity(ctx, actor, model.Entity{ID: "topic-watch", Label: "Topic", Name: "Watch", Sources: []model.Source{{Title: "test source"}}}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changed:
	case <-time.After(time.Second):
		t.Fatal("the other store's watcher did not see the write within a second")
	}
	t.Logf("seen after %s", time.Since(written))
	now, _, err := b.WatchVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if now.Seq != start.Seq+1 || now.Epoch != start.Epoch {
		t.Fatalf("version after one write = %s, want seq %d of epoch %s", now, start.Seq+1, start.Epoch)
	}
	if got := b.StatementsSent() - sent; got != 0 {
		t.Fatalf("the watcher's polls counted %d statements sent, want 0", got)
	}
	// The writer's own watcher has the version at its commit, before any
	// poll.
	own, _, err := a.WatchVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if own != now {
		t.Fatalf("writer's watched version %s, other's %s", own, now)
	}
}
