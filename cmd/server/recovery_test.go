package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// neo4jInstance is a Neo4j of the test's own, started and stopped through the
// project's script, so the test can take it away without disturbing others.
type neo4jInstance struct {
	t    *testing.T
	env  []string
	port int
}

func startOwnNeo4j(t *testing.T) *neo4jInstance {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	n := &neo4jInstance{t: t, port: port, env: append(os.Environ(),
		"NEO4J_DATA_DIR="+t.TempDir(), fmt.Sprintf("NEO4J_PORT=%d", port),
		"NEO4J_USER=neo4j", "NEO4J_PASSWORD=recovery-test", "NEO4J_HEAP=512m")}
	n.script("start")
	t.Cleanup(func() { n.script("stop") })
	return n
}

func (n *neo4jInstance) script(cmd string) {
	n.t.Helper()
	c := exec.Command("bash", "../neo4j-embedded/neo4j.sh", cmd)
	c.Env = n.env
	out, err := c.CombinedOutput()
	if err != nil {
		n.t.Fatalf("neo4j.sh %s: %v\n%s", cmd, err, out)
	}
}

// TestServiceRecoversWhenNeo4jRestarts runs the whole program through run,
// takes its database away and brings it back: readiness follows, queries
// fail with UNAVAILABLE meanwhile, and recover without a restart.
func TestServiceRecoversWhenNeo4jRestarts(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Neo4j of its own")
	}
	db := startOwnNeo4j(t)
	getenv := func(key string) string {
		return map[string]string{
			"NEO4J_URI": fmt.Sprintf("bolt://127.0.0.1:%d", db.port), "NEO4J_USER": "neo4j",
			"NEO4J_PASSWORD": "recovery-test", "LISTEN_ADDR": "127.0.0.1:0", "QUERY_TIMEOUT": "4s",
		}[key]
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, getenv, pw); pw.Close() }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		// Production logs are JSON lines: "graphql":"http://.../graphql".
		re := regexp.MustCompile(`"graphql":"http://([0-9.:]+)/graphql"`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case <-time.After(20 * time.Second):
		t.Fatal("the server did not say where it listens")
	}

	ready := func() int {
		res, err := http.Get(base + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	query := func() gqlResponse { return post(t, base, `{ instruments { totalCount } }`) }
	eventually := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within 30 s", what)
			}
			time.Sleep(250 * time.Millisecond)
		}
	}

	eventually("ready at start", func() bool { return ready() == http.StatusOK })
	if res := query(); len(res.Errors) != 0 {
		t.Fatalf("query with the database up: %+v", res.Errors)
	}

	db.script("stop")
	if got := ready(); got != http.StatusServiceUnavailable {
		t.Errorf("readyz with the database stopped = %d, want 503", got)
	}
	start := time.Now()
	res := query()
	if len(res.Errors) == 0 || res.Errors[0].Extensions["code"] != "UNAVAILABLE" {
		t.Errorf("query with the database stopped: %+v, want UNAVAILABLE", res.Errors)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("query with the database stopped took %s, want it to fail within the 4 s query timeout and some slack", took)
	}
	for _, e := range res.Errors {
		if strings.Contains(e.Message, "bolt") || strings.Contains(e.Message, "connect") {
			t.Errorf("error leaks driver text: %q", e.Message)
		}
	}

	db.script("start")
	eventually("ready again", func() bool { return ready() == http.StatusOK })
	eventually("queries answer again", func() bool { return len(query().Errors) == 0 })
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// post sends one GraphQL query to the running program.
func post(t *testing.T, base, query string) gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	res, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out gqlResponse
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatalf("query %q: answer is not JSON: %v", query, err)
	}
	return out
}
