package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coe-child-online/knowledge-graph/auth"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore/neo4jtest"
	"github.com/coe-child-online/knowledge-graph/seed"
)

// cachedPaths are one query answer of each kind that carries an ETag.
var cachedPaths = []string{
	"/graphql?" + url.Values{"query": {`{ instrument(id: "cets-201") { name parties(first: 5) { totalCount } } }`}}.Encode(),
	"/q/treaty-parties?instrument=cets-201&format=csv",
	"/q/treaty-steps?from=2010&to=2012",
	"/export?id=cets-201&format=json",
}

// TestRepeatedGetIsNotModifiedWithoutAStatement asks each answer twice, the
// second time with the first answer's ETag: it is a 304, and the store sent
// Neo4j no statement for it.
func TestRepeatedGetIsNotModifiedWithoutAStatement(t *testing.T) {
	store := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, store)
	cfg := testConfig()
	cfg.CacheMaxAge = 30
	h, err := New(cfg, Deps{Store: store, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, h)
	for _, path := range cachedPaths {
		first := send(t, "GET", srv.URL+path, "", nil)
		tag := first.header.Get("ETag")
		if first.status != 200 || tag == "" {
			t.Errorf("GET %s: %d, ETag %q; want 200 with an ETag", path, first.status, tag)
			continue
		}
		if cc := first.header.Get("Cache-Control"); cc != "max-age=30" {
			t.Errorf("GET %s: Cache-Control %q, want max-age=30", path, cc)
		}
		before := store.StatementsSent()
		again := send(t, "GET", srv.URL+path, "", nil, "If-None-Match", tag)
		sent := store.StatementsSent() - before
		if again.status != 304 || len(again.body) != 0 || again.header.Get("ETag") != tag {
			t.Errorf("GET %s with its ETag: %d, %d bytes, ETag %q; want 304 with no body and the same ETag", path, again.status, len(again.body), again.header.Get("ETag"))
		}
		if sent != 0 {
			t.Errorf("GET %s with its ETag: %d statements sent to Neo4j, want 0", path, sent)
		}
		if other := send(t, "GET", srv.URL+path, "", nil, "If-None-Match", `"not-the-tag"`); other.status != 200 {
			t.Errorf("GET %s with another ETag: %d, want 200", path, other.status)
		}
	}
}

// TestChangeMovesTheETag changes the graph through the API, then through a
// seed load, and asks again with the old ETag: each time the answer is a 200
// with the new data and a new ETag, never a 304 for the old graph.
func TestChangeMovesTheETag(t *testing.T) {
	url, store := curationServerWithStore(t)
	reader := []string{"Authorization", "Bearer " + testKeys["reader"]}
	path := url + "/q/treaty-parties?instrument=cets-201"
	name := func(a rawAnswer) string {
		var doc struct {
			Data struct{ Instrument struct{ Name string } }
		}
		if err := json.Unmarshal(a.body, &doc); err != nil {
			t.Fatalf("GET %s: %s", path, a.body)
		}
		return doc.Data.Instrument.Name
	}
	first := send(t, "GET", path, "", nil, reader...)
	tag := first.header.Get("ETag")
	if first.status != 200 || tag == "" {
		t.Fatalf("GET %s: %d, ETag %q", path, first.status, tag)
	}
	var read struct{ Node struct{ Version int } }
	must(t, url, "curator", `{ node(id: "cets-201") { version } }`, nil, &read)
	renamed := name(first) + " (renamed)"
	var upd json.RawMessage
	must(t, url, "curator", updateEntity, map[string]any{"in": map[string]any{"id": "cets-201", "version": read.Node.Version,
		"name": renamed, "sources": coeSource}}, &upd)
	after := send(t, "GET", path, "", nil, append(reader, "If-None-Match", tag)...)
	if after.status != 200 || name(after) != renamed {
		t.Fatalf("GET after the change with the old ETag: %d, name %q; want 200 with %q", after.status, name(after), renamed)
	}
	tag2 := after.header.Get("ETag")
	if tag2 == "" || tag2 == tag {
		t.Fatalf("ETag after the change %q, before %q: want a new one", tag2, tag)
	}
	// The seed loader gives the instrument its seed name back.
	data, err := seed.Read(seed.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	neo4jtest.Write(t, `MATCH (n:Entity {id: "cets-201"}) SET n.managedBy = "seed"`, nil)
	if err := seed.Load(context.Background(), store, data); err != nil {
		t.Fatal(err)
	}
	reloaded := send(t, "GET", path, "", nil, append(reader, "If-None-Match", tag2)...)
	if reloaded.status != 200 || name(reloaded) == renamed {
		t.Fatalf("GET after the seed load with the last ETag: %d, name %q; want 200 with the seed's name", reloaded.status, name(reloaded))
	}
}

// TestRoleDependentAnswersArePrivate serves with anonymous reads off: an
// answer then depends on the caller's role, so it is private and its ETag
// differs by role.
func TestRoleDependentAnswersArePrivate(t *testing.T) {
	entries := []string{}
	for _, role := range []string{"reader", "curator"} {
		entries = append(entries, fmt.Sprintf("%s-user %s %s", role, role, auth.HashKey(testKeys[role])))
	}
	url, _ := productionServer(t, func(c *Config) {
		c.Auth.Keys = strings.Join(entries, ";")
		c.Auth.AnonymousReads = false
	})
	path := url + "/q/treaty-parties?instrument=cets-201"
	tags := map[string]string{}
	for _, role := range []string{"reader", "curator"} {
		a := send(t, "GET", path, "", nil, "Authorization", "Bearer "+testKeys[role])
		if a.status != 200 || !strings.HasPrefix(a.header.Get("Cache-Control"), "private") {
			t.Errorf("GET as %s: %d, Cache-Control %q; want 200 and private", role, a.status, a.header.Get("Cache-Control"))
		}
		tags[role] = a.header.Get("ETag")
		if again := send(t, "GET", path, "", nil, "Authorization", "Bearer "+testKeys[role], "If-None-Match", tags[role]); again.status != 304 {
			t.Errorf("GET as %s with its ETag: %d, want 304", role, again.status)
		}
	}
	if tags["reader"] == tags["curator"] {
		t.Errorf("reader and curator get the same ETag %s", tags["reader"])
	}
	if a := send(t, "GET", path, "", nil, "If-None-Match", tags["reader"]); a.status != 401 {
		t.Errorf("GET without a key but with a reader's ETag: %d, want 401", a.status)
	}
}

// TestETagHoldsAcrossReplicas serves one Neo4j from two replicas, each with
// its own store (driver, pool and version watcher): an ETag from one is a
// 304 at the other, and after a change through one the other answers 200
// with the new data as soon as its watcher has seen the change.
func TestETagHoldsAcrossReplicas(t *testing.T) {
	urlA, storeA := curationServerWithStore(t)
	storeB := neo4jtest.Open(t)
	hB, err := New(productionConfig(func(c *Config) { c.Auth.Keys = curationKeys() }), Deps{Store: storeB, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	urlB := newServer(t, hB).URL
	// B has been serving a while: its version watcher runs.
	if _, _, err := storeB.WatchVersion(context.Background()); err != nil {
		t.Fatal(err)
	}
	reader := []string{"Authorization", "Bearer " + testKeys["reader"]}
	path := "/q/treaty-parties?instrument=cets-201&format=csv"
	a := send(t, "GET", urlA+path, "", nil, reader...)
	tag := a.header.Get("ETag")
	if a.status != 200 || tag == "" {
		t.Fatalf("GET at A: %d, ETag %q", a.status, tag)
	}
	before := storeB.StatementsSent()
	if b := send(t, "GET", urlB+path, "", nil, append(reader, "If-None-Match", tag)...); b.status != 304 {
		t.Fatalf("GET at B with A's ETag: %d, want 304", b.status)
	}
	if n := storeB.StatementsSent() - before; n != 0 {
		t.Errorf("GET at B with A's ETag sent %d statements, want 0", n)
	}
	var read struct{ Node struct{ Version int } }
	must(t, urlA, "curator", `{ node(id: "country-al") { version } }`, nil, &read)
	var upd json.RawMessage
	must(t, urlA, "curator", updateEntity, map[string]any{"in": map[string]any{"id": "country-al", "version": read.Node.Version,
		"name": "Albania (renamed at A)", "sources": coeSource}}, &upd)
	vA, _, err := storeA.WatchVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	for {
		vB, _, err := storeB.WatchVersion(ctx)
		if err != nil {
			t.Fatalf("B's version: %v", err)
		}
		if vB == vA {
			break
		}
		if _, err := storeB.AwaitVersion(ctx, vB); err != nil {
			t.Fatalf("B never saw A's change: %v", err)
		}
	}
	t.Logf("B saw A's change after %s", time.Since(start))
	b := send(t, "GET", urlB+path, "", nil, append(reader, "If-None-Match", tag)...)
	if b.status != 200 || !strings.Contains(string(b.body), "Albania (renamed at A)") {
		t.Fatalf("GET at B after A's change with the old ETag: %d; want 200 with the new name", b.status)
	}
	if a2 := send(t, "GET", urlA+path, "", nil, append(reader, "If-None-Match", b.header.Get("ETag"))...); a2.status != 304 {
		t.Errorf("GET at A with B's new ETag: %d, want 304", a2.status)
	}
}

func curationKeys() string {
	var entries []string
	for _, role := range []string{"reader", "curator", "admin"} {
		entries = append(entries, fmt.Sprintf("%s-user %s %s", role, role, auth.HashKey(testKeys[role])))
	}
	return strings.Join(entries, ";")
}

func curationServerWithStore(t *testing.T) (string, *neo4jstore.Store) {
	t.Helper()
	return productionServer(t, func(c *Config) { c.Auth.Keys = curationKeys() })
}
