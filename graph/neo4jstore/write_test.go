package neo4jstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore/neo4jtest"
)

// commitMessage is a Bolt COMMIT as the driver sends it: one chunk of two
// bytes (an empty structure with signature 0x12), then the end marker.
var commitMessage = []byte{0x00, 0x02, 0xB0, 0x12, 0x00, 0x00}

// cutAtCommit is a TCP proxy to Neo4j that, once armed, cuts the
// connection that sends a COMMIT: before passing it on (the transaction is
// lost) or just after (it lands, but its answer never comes back).
type cutAtCommit struct {
	ln      net.Listener
	target  string
	mu      sync.Mutex
	armed   bool
	forward bool
	cuts    int
	// refusing closes new connections at once: the database is
	// unreachable through the proxy.
	refusing bool
}

func (p *cutAtCommit) refuse(on bool) {
	p.mu.Lock()
	p.refusing = on
	p.mu.Unlock()
}

func newCutAtCommit(t *testing.T, target string) *cutAtCommit {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutAtCommit{ln: ln, target: target}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	return p
}

func (p *cutAtCommit) arm(forward bool) {
	p.mu.Lock()
	p.armed, p.forward = true, forward
	p.mu.Unlock()
}

func (p *cutAtCommit) serve(client net.Conn) {
	p.mu.Lock()
	refusing := p.refusing
	p.mu.Unlock()
	if refusing {
		client.Close()
		return
	}
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		client.Close()
		return
	}
	defer client.Close()
	defer server.Close()
	// Once muted, the server's answers are read but no longer passed on.
	var mute atomic.Bool
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := server.Read(buf)
			if n > 0 && !mute.Load() {
				if _, werr := client.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	buf := make([]byte, 64<<10)
	for {
		n, err := client.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			p.mu.Lock()
			cut := p.armed && bytes.Contains(chunk, commitMessage)
			forward := p.forward
			if cut {
				p.armed = false
				p.cuts++
			}
			p.mu.Unlock()
			if cut {
				if forward {
					mute.Store(true)
					_, _ = server.Write(chunk)
					// Let the server commit before the connection goes.
					time.Sleep(300 * time.Millisecond)
				}
				return
			}
			if _, err := server.Write(chunk); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// viaCutAtCommit returns a store that reaches the test database through a
// cutAtCommit proxy, and the proxy.
func viaCutAtCommit(t *testing.T, cfg neo4jstore.Config) (*neo4jstore.Store, *cutAtCommit) {
	t.Helper()
	u, err := url.Parse(cfg.URI)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newCutAtCommit(t, u.Host)
	cfg.URI = "bolt://" + proxy.ln.Addr().String()
	s, err := neo4jstore.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s, proxy
}

// A commit whose answer is lost is settled by reading the write's key back:
// the write is answered as committed or as not committed, matching the
// graph. Without a key the store cannot tell, and says so.
func TestACommitWithoutAnswerIsSettledByItsKey(t *testing.T) {
	store := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, store)
	viaProxy, proxy := viaCutAtCommit(t, neo4jtest.Config(t))
	actor := model.Actor{Name: "test", Role: "curator"}
	src := []model.Source{{Title: "test"}}

	for _, c := range []struct {
		name    string
		forward bool
		key     bool
		code    model.Code // "" for committed
		landed  bool
	}{
		{"commit lost on the way", false, true, model.CodeUnavailable, false},
		{"answer lost on the way back", true, true, "", true},
		{"commit lost, no key", false, false, model.CodeCommitUnknown, false},
		{"answer lost, no key", true, false, model.CodeCommitUnknown, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			id := "topic-commit-" + strings.ReplaceAll(c.name, " ", "-")
			ctx := context.Background()
			var k *model.WriteKey
			if c.key {
				k = &model.WriteKey{Key: "key-" + id, Fingerprint: "create " + id}
				ctx = model.WithWriteKey(ctx, k)
			}
			proxy.arm(c.forward)
			created, change, err := viaProxy.CreateEntity(ctx, actor, model.Entity{ID: id, Label: "Topic", Name: "Commit test", Sources: src})
			if code := model.ErrorCode(err); err != nil && code != c.code || err == nil && c.code != "" {
				t.Fatalf("%s: error %v (code %s), want code %q", c.name, err, code, c.code)
			}
			var merr *model.Error
			if err != nil && c.key && (!errors.As(err, &merr) || merr.IdempotencyKey != k.Key) {
				t.Errorf("%s: the error does not name the key %s to retry with: %v", c.name, k.Key, err)
			}
			rows := neo4jtest.Query(t, `MATCH (n:Entity {id: $id}) RETURN n.id AS id`, map[string]any{"id": id})
			audit := neo4jtest.Query(t, `MATCH (c:Change {entityId: $id}) RETURN c.id AS id`, map[string]any{"id": id})
			if landed := len(rows) == 1; landed != c.landed {
				t.Errorf("%s: node present %v, want %v", c.name, landed, c.landed)
			}
			// The node and its audit entry share a transaction: both or
			// neither.
			if len(audit) != len(rows) {
				t.Errorf("%s: %d nodes but %d audit entries", c.name, len(rows), len(audit))
			}
			if err == nil && (created.ID != id || len(audit) != 1 || audit[0]["id"] != change.ID) {
				t.Errorf("%s: answered node %q and change %q; the graph has the change %v", c.name, created.ID, change.ID, audit)
			}
		})
	}
	if proxy.cuts != 4 {
		t.Errorf("the proxy cut %d commits, want 4", proxy.cuts)
	}

	// After the cuts the store works again through the same proxy.
	if _, _, err := viaProxy.CreateEntity(context.Background(), actor, model.Entity{ID: "topic-commit-after", Label: "Topic", Name: "After", Sources: src}); err != nil {
		t.Errorf("a write after the cuts failed: %v", err)
	}
}

// An import writes in one transaction under one key, and is settled the
// same way.
func TestAnImportWhoseCommitAnswerIsLostIsSettled(t *testing.T) {
	store := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, store)
	viaProxy, proxy := viaCutAtCommit(t, neo4jtest.Config(t))
	doc, err := store.Document(context.Background(), "", 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	doc.Nodes = append(doc.Nodes, model.DocNode{ID: "topic-imported", Label: "Topic", Name: "Imported", Sources: []model.Source{{Title: "import test"}}, ManagedBy: model.OriginCuration, Version: 1})
	k := &model.WriteKey{Key: "key-import", Fingerprint: "import with topic-imported"}
	ctx := model.WithWriteKey(context.Background(), k)
	proxy.arm(true)
	diff, err := viaProxy.Restore(ctx, model.Actor{Name: "test", Role: "admin"}, doc, true)
	if err != nil {
		t.Fatalf("restore whose commit answer was lost: %v, want it settled as committed", err)
	}
	if proxy.cuts != 1 {
		t.Fatalf("the proxy cut %d commits, want 1", proxy.cuts)
	}
	if len(diff.Entries) != 1 || diff.Entries[0].ID != "topic-imported" || diff.Entries[0].Op != "add" {
		t.Errorf("the settled answer's diff is %+v, want one add of topic-imported", diff.Entries)
	}
	if rows := neo4jtest.Query(t, `MATCH (n:Entity {id: 'topic-imported'}) RETURN n.id AS id`, nil); len(rows) != 1 {
		t.Errorf("topic-imported is not in the graph after the settled import")
	}
	// Retrying the import under its key writes nothing more.
	before := everything(t)
	k2 := &model.WriteKey{Key: "key-import", Fingerprint: "import with topic-imported"}
	again, err := store.Restore(model.WithWriteKey(context.Background(), k2), model.Actor{Name: "test", Role: "admin"}, doc, true)
	if err != nil || !k2.Replayed || len(again.Entries) != 1 {
		t.Errorf("retry of the import under its key: %v, replayed %v, %d entries; want the first answer replayed", err, k2.Replayed, len(again.Entries))
	}
	if added, removed := neo4jtest.DiffFacts(before, everything(t)); len(added)+len(removed) > 0 {
		t.Errorf("the retry changed the graph: added %v, removed %v", added, removed)
	}
}

// Only a database that stays unreachable until the deadline leaves the
// outcome unknown; the error names the key, and a retry with it, once the
// database is back, ends with the write in the graph exactly once.
func TestAnUnreachableDatabaseLeavesTheOutcomeUnknownUntilARetryWithTheKey(t *testing.T) {
	store := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, store)
	viaProxy, proxy := viaCutAtCommit(t, neo4jtest.Config(t))
	actor := model.Actor{Name: "test", Role: "curator"}
	entity := model.Entity{ID: "topic-unreachable", Label: "Topic", Name: "Unreachable", Sources: []model.Source{{Title: "t"}}}
	// A first keyed write creates the key's schema while the database
	// is reachable.
	warm := model.WithWriteKey(context.Background(), &model.WriteKey{Key: "key-warm", Fingerprint: "warm"})
	if _, _, err := viaProxy.CreateEntity(warm, actor, model.Entity{ID: "topic-warm", Label: "Topic", Name: "Warm", Sources: entity.Sources}); err != nil {
		t.Fatal(err)
	}
	for _, forward := range []bool{true, false} {
		id := fmt.Sprintf("%s-%v", entity.ID, forward)
		e := entity
		e.ID = id
		k := &model.WriteKey{Key: "key-" + id, Fingerprint: "create " + id}
		ctx, cancel := context.WithTimeout(model.WithWriteKey(context.Background(), k), 2*time.Second)
		proxy.arm(forward)
		proxy.refuse(true)
		// The cut connection is the only one left: once it goes, the
		// proxy refuses every new one until the deadline.
		_, _, err := viaProxy.CreateEntity(ctx, actor, e)
		cancel()
		var merr *model.Error
		if model.ErrorCode(err) != model.CodeCommitUnknown || !errors.As(err, &merr) || merr.IdempotencyKey != k.Key {
			t.Fatalf("forward %v: error %v, want COMMIT_OUTCOME_UNKNOWN naming %s", forward, err, k.Key)
		}
		proxy.refuse(false)
		retry := &model.WriteKey{Key: k.Key, Fingerprint: k.Fingerprint}
		_, change, err := viaProxy.CreateEntity(model.WithWriteKey(context.Background(), retry), actor, e)
		if err != nil {
			t.Fatalf("forward %v: the retry with the key: %v", forward, err)
		}
		if retry.Replayed != forward {
			t.Errorf("forward %v: the retry replayed %v, want %v (the first write landed: %v)", forward, retry.Replayed, forward, forward)
		}
		audit := neo4jtest.Query(t, `MATCH (c:Change {entityId: $id}) RETURN c.id AS id`, map[string]any{"id": id})
		if len(audit) != 1 || audit[0]["id"] != change.ID {
			t.Errorf("forward %v: audit entries %v, want exactly the retry's answer %s", forward, audit, change.ID)
		}
	}
}
