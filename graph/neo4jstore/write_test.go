package neo4jstore_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/url"
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

func TestACommitWithoutAnswerIsReportedAsUnknown(t *testing.T) {
	store := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, store)
	cfg := neo4jtest.Config(t)
	u, err := url.Parse(cfg.URI)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newCutAtCommit(t, u.Host)
	cfg.URI = "bolt://" + proxy.ln.Addr().String()
	viaProxy, err := neo4jstore.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer viaProxy.Close(context.Background())
	actor := model.Actor{Name: "test", Role: "curator"}
	src := []model.Source{{Title: "test"}}

	for _, c := range []struct {
		name    string
		forward bool
		landed  bool
	}{
		{"commit lost on the way", false, false},
		{"answer lost on the way back", true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			id := "topic-commit-" + map[bool]string{false: "lost", true: "landed"}[c.forward]
			proxy.arm(c.forward)
			_, _, err := viaProxy.CreateEntity(context.Background(), actor, model.Entity{ID: id, Label: "Topic", Name: "Commit test", Sources: src})
			if code := model.ErrorCode(err); code != model.CodeCommitUnknown {
				t.Fatalf("%s: error %v (code %s), want %s", c.name, err, code, model.CodeCommitUnknown)
			}
			var merr *model.Error
			if !errors.As(err, &merr) {
				t.Fatalf("not a model error: %v", err)
			}
			rows := neo4jtest.Query(t, `MATCH (n:Entity {id: $id}) RETURN n.id AS id`, map[string]any{"id": id})
			audit := neo4jtest.Query(t, `MATCH (c:Change {entityId: $id}) RETURN c.action AS a`, map[string]any{"id": id})
			if landed := len(rows) == 1; landed != c.landed {
				t.Errorf("%s: node present %v, want %v", c.name, landed, c.landed)
			}
			// The node and its audit entry share a transaction: both or
			// neither.
			if len(audit) != len(rows) {
				t.Errorf("%s: %d nodes but %d audit entries", c.name, len(rows), len(audit))
			}
		})
	}
	if proxy.cuts != 2 {
		t.Errorf("the proxy cut %d commits, want 2", proxy.cuts)
	}

	// After the cuts the store works again through the same proxy.
	if _, _, err := viaProxy.CreateEntity(context.Background(), actor, model.Entity{ID: "topic-commit-after", Label: "Topic", Name: "After", Sources: src}); err != nil {
		t.Errorf("a write after the cuts failed: %v", err)
	}
}
