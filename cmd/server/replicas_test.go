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
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coe-child-online/knowledge-graph/auth"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore/neo4jtest"
)

// TestReplicasShareETags runs two service processes against one Neo4j: an
// ETag from one is a 304 at the other, which sends Neo4j no statement for
// it, and after a change made through the first, the second answers the old
// ETag with a 200 and the new data within its version watcher's poll.
func TestReplicasShareETags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the service and runs two processes")
	}
	store := neo4jtest.Open(t)
	neo4jtest.LoadSeed(t, store)
	db := neo4jtest.Config(t)
	bin := filepath.Join(t.TempDir(), "server")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	const curatorKey = "replica-curator-key-0123456789"
	start := func(name string) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		ctx, cancel := context.WithCancel(context.Background())
		cmd := exec.CommandContext(ctx, bin)
		cmd.Env = append(os.Environ(), "NEO4J_URI="+db.URI, "NEO4J_USER="+db.User, "NEO4J_PASSWORD="+db.Password,
			"NEO4J_DATABASE="+db.Database, "LISTEN_ADDR="+addr, "LOG_LEVEL=warn",
			fmt.Sprintf("API_KEYS=curator curator %s", auth.HashKey(curatorKey)))
		var logs bytes.Buffer
		cmd.Stdout, cmd.Stderr = &logs, &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			cancel()
			_ = cmd.Wait()
			if t.Failed() {
				t.Logf("replica %s logs:\n%s", name, logs.String())
			}
		})
		base := "http://" + addr
		deadline := time.Now().Add(30 * time.Second)
		for {
			res, err := http.Get(base + "/readyz")
			if err == nil {
				res.Body.Close()
				if res.StatusCode == 200 {
					return base
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("replica %s is not ready", name)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	a, b := start("A"), start("B")
	get := func(base, path, etag string) (int, string, string) {
		req, _ := http.NewRequest("GET", base+path, nil)
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header.Get("ETag"), string(body)
	}
	const path = "/q/treaty-parties?instrument=cets-201&format=csv"
	// B has served before: its version watcher runs.
	if status, _, _ := get(b, path, ""); status != 200 {
		t.Fatalf("GET at B: %d", status)
	}
	status, tag, _ := get(a, path, "")
	if status != 200 || tag == "" {
		t.Fatalf("GET at A: %d, ETag %q", status, tag)
	}
	before := statementsSent(t, b)
	if status, _, _ := get(b, path, tag); status != 304 {
		t.Fatalf("GET at B with A's ETag: %d, want 304", status)
	}
	if n := statementsSent(t, b) - before; n != 0 {
		t.Errorf("B sent %d statements for the 304, want 0", n)
	}

	var read struct {
		Data struct{ Node struct{ Version int } }
	}
	postJSON(t, a, curatorKey, `{ node(id: "country-al") { version } }`, nil, &read)
	var changed struct{ Errors []any }
	postJSON(t, a, curatorKey, `mutation($in: UpdateEntityInput!) { updateEntity(input: $in) { node { name } } }`,
		map[string]any{"in": map[string]any{"id": "country-al", "version": read.Data.Node.Version, "name": "Albania (changed at A)",
			"sources": []map[string]any{{"url": "https://www.coe.int/en/web/conventions/full-list", "title": "Treaty Office"}}}}, &changed)
	if len(changed.Errors) > 0 {
		t.Fatalf("updateEntity at A: %v", changed.Errors)
	}
	changedAt := time.Now()
	for {
		status, newTag, body := get(b, path, tag)
		if status == 200 {
			if !strings.Contains(body, "Albania (changed at A)") || newTag == tag {
				t.Fatalf("GET at B after the change: ETag %q (was %q), body without the new name", newTag, tag)
			}
			t.Logf("B answered the change %s after A committed it", time.Since(changedAt).Round(time.Millisecond))
			break
		}
		if status != 304 || time.Since(changedAt) > 2*time.Second {
			t.Fatalf("GET at B after the change with the old ETag: %d after %s; want a 200 within 2 s", status, time.Since(changedAt))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// statementsSent sums kg_cypher_statements_total from a replica's metrics.
func statementsSent(t *testing.T, base string) int {
	t.Helper()
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	total := 0
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "kg_cypher_statements_total{") {
			continue
		}
		f := strings.Fields(line)
		n, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			t.Fatalf("metrics line %q", line)
		}
		total += int(n)
	}
	return total
}

func postJSON(t *testing.T, base, key, query string, vars map[string]any, out any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest("POST", base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}
