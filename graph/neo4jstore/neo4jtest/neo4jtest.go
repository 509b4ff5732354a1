// Package neo4jtest gives tests a real Neo4j: the one named in
// NEO4J_TEST_URI, NEO4J_TEST_USER and NEO4J_TEST_PASSWORD (which `make test`
// starts), or else a shared embedded one it starts itself (see shared.go),
// so a bare `go test ./...` needs no command before it.
package neo4jtest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore"
	"github.com/coe-child-online/knowledge-graph/seed"
)

// Config returns the store configuration of the test database: the one
// NEO4J_TEST_URI names, or the shared embedded one, started when no test
// binary has started it yet. It fails the test when neither can be had.
func Config(tb testing.TB) neo4jstore.Config {
	tb.Helper()
	cfg := neo4jstore.Config{Database: "neo4j", QueryTimeout: 30 * time.Second}
	if uri := os.Getenv("NEO4J_TEST_URI"); uri != "" {
		cfg.URI, cfg.User, cfg.Password = uri, os.Getenv("NEO4J_TEST_USER"), os.Getenv("NEO4J_TEST_PASSWORD")
		return cfg
	}
	inst, err := sharedInstance()
	if err != nil {
		tb.Fatalf("no test Neo4j: NEO4J_TEST_URI is not set and the shared one could not be started: %v", err)
	}
	cfg.URI, cfg.User, cfg.Password = fmt.Sprintf("bolt://127.0.0.1:%d", inst.Port), "neo4j", inst.Password
	return cfg
}

// Open returns a store on the test database, closed when the test ends.
func Open(tb testing.TB) *neo4jstore.Store {
	tb.Helper()
	s, err := neo4jstore.Open(Config(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close(context.Background()) })
	if err := s.Ping(context.Background()); err != nil {
		tb.Fatalf("test Neo4j: %v", err)
	}
	return s
}

// Reset deletes every node and relationship of the test database.
func Reset(tb testing.TB) {
	tb.Helper()
	cfg := Config(tb)
	driver, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.User, cfg.Password, ""))
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	defer driver.Close(ctx)
	// Batched deletes need an auto-commit transaction, which only a session's
	// Run gives; large synthetic graphs would not fit in one transaction.
	session := driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: cfg.Database})
	defer session.Close(ctx)
	// Relationships go first, in small batches, so no transaction has to
	// hold a dense node's whole neighbourhood.
	for _, stmt := range []string{
		`MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS`,
		`MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS`,
	} {
		res, err := session.Run(ctx, stmt, nil)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		if err != nil {
			tb.Fatalf("reset test database: %v", err)
		}
	}
}

// Query runs a read statement on the test database and returns its records
// as maps, for tests that check the graph with Cypher of their own.
func Query(tb testing.TB, cypher string, params map[string]any) []map[string]any {
	tb.Helper()
	cfg := Config(tb)
	driver, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.User, cfg.Password, ""))
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	defer driver.Close(ctx)
	res, err := neo4j.ExecuteQuery(ctx, driver, cypher, params, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(cfg.Database), neo4j.ExecuteQueryWithReadersRouting())
	if err != nil {
		tb.Fatalf("query %q: %v", cypher, err)
	}
	out := make([]map[string]any, len(res.Records))
	for i, r := range res.Records {
		out[i] = r.AsMap()
	}
	return out
}

// LoadSeed empties the test database and loads the built-in seed files into
// it, returning what was loaded.
func LoadSeed(tb testing.TB, s *neo4jstore.Store) *seed.Data {
	tb.Helper()
	Reset(tb)
	data, err := seed.Read(seed.Embedded())
	if err != nil {
		tb.Fatal(err)
	}
	if err := seed.Load(context.Background(), s, data); err != nil {
		tb.Fatal(err)
	}
	return data
}

// Write runs a write statement on the test database, for tests that set up
// data the loader would not write.
func Write(tb testing.TB, cypher string, params map[string]any) {
	tb.Helper()
	cfg := Config(tb)
	driver, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.User, cfg.Password, ""))
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	defer driver.Close(ctx)
	if _, err := neo4j.ExecuteQuery(ctx, driver, cypher, params, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(cfg.Database), neo4j.ExecuteQueryWithWritersRouting()); err != nil {
		tb.Fatalf("write %q: %v", cypher, err)
	}
}

// Facts renders every entity and relationship with all its properties as
// sorted lines, so two states of the graph compare exactly. The audit trail
// is left out: tests read it through the store.
func Facts(tb testing.TB) []string {
	tb.Helper()
	var lines []string
	for _, r := range Query(tb, `MATCH (n:Entity) RETURN labels(n) AS l, properties(n) AS p`, nil) {
		l := r["l"].([]any)
		sort.Slice(l, func(i, j int) bool { return l[i].(string) < l[j].(string) })
		b, _ := json.Marshal(r["p"])
		lines = append(lines, fmt.Sprintf("node %v %s", l, b))
	}
	for _, r := range Query(tb, `MATCH (a:Entity)-[r]->(b:Entity) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p`, nil) {
		b, _ := json.Marshal(r["p"])
		lines = append(lines, fmt.Sprintf("rel %s %s %s %s", r["a"], r["t"], r["b"], b))
	}
	sort.Strings(lines)
	return lines
}

// DiffFacts returns the lines of after that before lacks, and those of
// before that after lacks.
func DiffFacts(before, after []string) (added, removed []string) {
	in := func(list []string) map[string]bool {
		m := make(map[string]bool, len(list))
		for _, l := range list {
			m[l] = true
		}
		return m
	}
	b, a := in(before), in(after)
	for _, l := range after {
		if !b[l] {
			added = append(added, l)
		}
	}
	for _, l := range before {
		if !a[l] {
			removed = append(removed, l)
		}
	}
	return added, removed
}
