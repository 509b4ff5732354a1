package neo4jstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore/neo4jtest"
)

// everything renders every node and relationship of the database with all
// their properties, the audit trail and the idempotency records included,
// so a replay can be shown to have written nothing at all.
func everything(t *testing.T) []string {
	t.Helper()
	var lines []string
	for _, r := range neo4jtest.Query(t, `MATCH (n) RETURN labels(n) AS l, properties(n) AS p`, nil) {
		b, _ := json.Marshal(r)
		lines = append(lines, string(b))
	}
	for _, r := range neo4jtest.Query(t, `MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p`, nil) {
		b, _ := json.Marshal(r)
		lines = append(lines, string(b))
	}
	sort.Strings(lines)
	return lines
}

func keyed(key, input string) (context.Context, *model.WriteKey) {
	k := &model.WriteKey{Key: key, Fingerprint: input}
	return model.WithWriteKey(context.Background(), k), k
}

func asJSON(t *testing.T, v ...any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func keyRecords(t *testing.T, key string) int64 {
	t.Helper()
	return neo4jtest.Query(t, `MATCH (k:IdempotencyKey {key: $key}) RETURN count(k) AS c`, map[string]any{"key": key})[0]["c"].(int64)
}

func TestAKeyedWriteReplaysItsFirstResultAndWritesNothing(t *testing.T) {
	s := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, s)
	actor := model.Actor{Name: "test", Role: "curator"}
	src := []model.Source{{Title: "test source"}}
	topic := model.Entity{ID: "topic-replay", Label: "Topic", Name: "Replay", Properties: map[string]any{"rank": int64(3), "weight": 1.5}, Sources: src}

	ctx, k := keyed("key-create", "create topic-replay")
	first, firstChange, err := s.CreateEntity(ctx, actor, topic)
	if err != nil {
		t.Fatal(err)
	}
	if k.Replayed {
		t.Fatal("the first write is marked as a replay")
	}
	if firstChange.IdempotencyKey == nil || *firstChange.IdempotencyKey != "key-create" {
		t.Errorf("change.IdempotencyKey = %v, want key-create", firstChange.IdempotencyKey)
	}
	before := everything(t)

	cases := []struct {
		name   string
		input  string
		code   model.Code
		replay bool
	}{
		{"same key, same input", "create topic-replay", "", true},
		{"same key, another input", "create something else", model.CodeKeyReused, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, k := keyed("key-create", c.input)
			// Another name: a replay must not even look at the new input.
			again, change, err := s.CreateEntity(ctx, actor, model.Entity{ID: "topic-replay", Label: "Topic", Name: "Changed", Sources: src})
			if code := model.ErrorCode(err); err != nil && code != c.code || err == nil && c.code != "" {
				t.Fatalf("createEntity under key-create with input %q: error %v, want code %q", c.input, err, c.code)
			}
			if k.Replayed != c.replay {
				t.Errorf("replayed = %v, want %v", k.Replayed, c.replay)
			}
			if c.replay {
				// Compared as a client reads them: encoded.
				if diff := cmp.Diff(asJSON(t, first, firstChange), asJSON(t, again, change)); diff != "" {
					t.Errorf("the replay's answer differs from the first one (-first +replay):\n%s", diff)
				}
			} else {
				var merr *model.Error
				if !errors.As(err, &merr) || merr.IdempotencyKey != "key-create" {
					t.Errorf("the refusal does not name the key: %v", err)
				}
			}
			added, removed := neo4jtest.DiffFacts(before, everything(t))
			if len(added)+len(removed) > 0 {
				t.Errorf("the graph changed, audit trail and key records included:\nadded %v\nremoved %v", added, removed)
			}
		})
	}
}

// A replay of an update answers with the first update's result even after
// the node has changed again: the version it names is no longer current,
// but the write it names was done, once.
func TestAReplayedUpdateAnswersLikeTheFirstOne(t *testing.T) {
	s := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, s)
	actor := model.Actor{Name: "test", Role: "curator"}
	src := []model.Source{{Title: "test source"}}
	created, _, err := s.CreateEntity(context.Background(), actor, model.Entity{ID: "topic-update", Label: "Topic", Name: "One", Sources: src})
	if err != nil {
		t.Fatal(err)
	}
	rename := func(name string) func(model.Entity) (model.Entity, error) {
		return func(e model.Entity) (model.Entity, error) { e.Name = name; return e, nil }
	}
	ctx, _ := keyed("key-update", "rename to Two")
	first, _, err := s.UpdateEntity(ctx, actor, created.ID, created.Version, src, rename("Two"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.UpdateEntity(context.Background(), actor, created.ID, first.Version, src, rename("Three")); err != nil {
		t.Fatal(err)
	}
	ctx, k := keyed("key-update", "rename to Two")
	again, _, err := s.UpdateEntity(ctx, actor, created.ID, created.Version, src, rename("Two"))
	if err != nil {
		t.Fatalf("replay of the update: %v, want the first result", err)
	}
	if !k.Replayed || again.Name != "Two" || again.Version != first.Version {
		t.Errorf("replay: replayed %v, name %q version %d; want true, \"Two\", %d", k.Replayed, again.Name, again.Version, first.Version)
	}
	rows := neo4jtest.Query(t, `MATCH (n:Entity {id: 'topic-update'}) RETURN n.name AS name`, nil)
	if rows[0]["name"] != "Three" {
		t.Errorf("the node's name is %v after the replay, want Three (the replay must not write)", rows[0]["name"])
	}
	// Without the key, the same update is refused as stale: the key is
	// what told the retry apart from a new write.
	if _, _, err := s.UpdateEntity(context.Background(), actor, created.ID, created.Version, src, rename("Two")); model.ErrorCode(err) != model.CodeConflict {
		t.Errorf("the same update without its key: %v, want CONFLICT", err)
	}
}

func TestARefusedWriteKeepsNoKey(t *testing.T) {
	s := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, s)
	actor := model.Actor{Name: "test", Role: "curator"}
	ctx, _ := keyed("key-refused", "create cets-201")
	// cets-201 is taken: the write is refused and its key stays free.
	_, _, err := s.CreateEntity(ctx, actor, model.Entity{ID: "cets-201", Label: "Topic", Name: "Taken", Sources: []model.Source{{Title: "t"}}})
	if model.ErrorCode(err) != model.CodeConflict {
		t.Fatalf("create over cets-201: %v, want CONFLICT", err)
	}
	if n := keyRecords(t, "key-refused"); n != 0 {
		t.Errorf("%d records of the refused write's key, want 0", n)
	}
	ctx, k := keyed("key-refused", "create topic-free")
	if _, _, err := s.CreateEntity(ctx, actor, model.Entity{ID: "topic-free", Label: "Topic", Name: "Free", Sources: []model.Source{{Title: "t"}}}); err != nil || k.Replayed {
		t.Errorf("a new write under the refused write's key: %v (replayed %v), want it applied", err, k.Replayed)
	}
}

// Writes sent at once under one key apply once: the key's lock makes the
// others wait for the first and replay its result.
func TestConcurrentWritesUnderOneKeyApplyOnce(t *testing.T) {
	s := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, s)
	actor := model.Actor{Name: "test", Role: "curator"}
	const n = 6
	type answer struct {
		change   string
		replayed bool
		err      error
	}
	answers := make([]answer, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, k := keyed("key-race", "create topic-race")
			_, c, err := s.CreateEntity(ctx, actor, model.Entity{ID: "topic-race", Label: "Topic", Name: "Race", Sources: []model.Source{{Title: "t"}}})
			answers[i] = answer{c.ID, k.Replayed, err}
		}()
	}
	wg.Wait()
	applied, ids := 0, map[string]bool{}
	for i, a := range answers {
		if a.err != nil {
			t.Errorf("writer %d: %v, want the write or its replay", i, a.err)
			continue
		}
		if !a.replayed {
			applied++
		}
		ids[a.change] = true
	}
	if applied != 1 || len(ids) != 1 {
		t.Errorf("%d writers applied the write and %d change ids were answered, want 1 and 1", applied, len(ids))
	}
	audit := neo4jtest.Query(t, `MATCH (c:Change {entityId: 'topic-race'}) RETURN count(c) AS c`, nil)[0]["c"].(int64)
	if audit != 1 {
		t.Errorf("%d audit entries for topic-race, want 1", audit)
	}
}

func TestExpiredKeysAnswerNoMoreAndArePurged(t *testing.T) {
	neo4jtest.Reset(t)
	cfg := neo4jtest.Config(t)
	cfg.KeyLifetime = time.Second
	s, err := neo4jstore.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	if err := s.EnsureSchema(context.Background()); err != nil {
		t.Fatal(err)
	}
	actor := model.Actor{Name: "test", Role: "curator"}
	create := func(key, id string) (*model.WriteKey, error) {
		ctx, k := keyed(key, "create "+id)
		_, _, err := s.CreateEntity(ctx, actor, model.Entity{ID: id, Label: "Topic", Name: id, Sources: []model.Source{{Title: "t"}}})
		return k, err
	}
	for _, key := range []string{"old-1", "old-2", "old-3"} {
		if _, err := create(key, "topic-"+key); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(1200 * time.Millisecond)
	// An expired key is free again, for another input too.
	if k, err := create("old-1", "topic-other"); err != nil || k.Replayed {
		t.Fatalf("a write under an expired key: %v (replayed %v), want it applied", err, k.Replayed)
	}
	purged, err := s.PurgeExpiredKeys(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, r := range neo4jtest.Query(t, `MATCH (k:IdempotencyKey) RETURN k.key AS key ORDER BY key`, nil) {
		left = append(left, r["key"].(string))
	}
	if purged != 2 || strings.Join(left, ",") != "old-1" {
		t.Errorf("purged %d, left %v; want 2 purged (in batches of 1) and old-1, renewed, left", purged, left)
	}
}

// The records of the keys never show as facts: not in exports, statistics
// or the fact lists tests compare.
func TestKeyRecordsAreNoFacts(t *testing.T) {
	s := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, s)
	facts, stats := neo4jtest.Facts(t), mustStats(t, s)
	doc, err := s.Document(context.Background(), "", 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	ctx, _ := keyed("key-facts", "update cets-201")
	if _, _, err := s.UpdateEntity(ctx, model.Actor{Name: "test", Role: "curator"}, "cets-201", versionOf(t, "cets-201"), []model.Source{{Title: "t"}},
		func(e model.Entity) (model.Entity, error) { return e, nil }); err != nil {
		t.Fatal(err)
	}
	if keyRecords(t, "key-facts") != 1 {
		t.Fatal("the write left no key record")
	}
	after, err := s.Document(context.Background(), "", 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Nodes) != len(doc.Nodes) {
		t.Errorf("the export has %d nodes after a keyed write, %d before", len(after.Nodes), len(doc.Nodes))
	}
	for _, n := range after.Nodes {
		if n.Label == model.LabelIdempotencyKey {
			t.Errorf("the export holds a key record: %+v", n)
		}
	}
	if got := len(neo4jtest.Facts(t)); got != len(facts) {
		t.Errorf("%d facts after a keyed write, %d before", got, len(facts))
	}
	if diff := cmp.Diff(stats.Nodes, mustStats(t, s).Nodes); diff != "" {
		t.Errorf("node statistics changed (-before +after):\n%s", diff)
	}
	for _, l := range model.RecordLabels() {
		if model.IsLabel(l) {
			t.Errorf("%s is both a record label and an entity label", l)
		}
	}
}

func mustStats(t *testing.T, s *neo4jstore.Store) model.GraphStats {
	t.Helper()
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func versionOf(t *testing.T, id string) int {
	t.Helper()
	rows := neo4jtest.Query(t, `MATCH (n:Entity {id: $id}) RETURN coalesce(n.version, 0) AS v`, map[string]any{"id": id})
	if len(rows) != 1 {
		t.Fatalf("no entity %s", id)
	}
	return int(rows[0]["v"].(int64))
}
