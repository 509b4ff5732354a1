package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore"
	"github.com/coe-child-online/knowledge-graph/httpapi"
)

// measurement is one query measured on one system at one concurrency.
type measurement struct {
	Graph       string  `json:"graph"`
	Query       string  `json:"query"`
	System      string  `json:"system"`
	Concurrency int     `json:"concurrency"`
	Requests    int     `json:"requests"`
	RPS         float64 `json:"rps"`
	P50ms       float64 `json:"p50_ms"`
	P95ms       float64 `json:"p95_ms"`
	P99ms       float64 `json:"p99_ms"`
	Errors      int     `json:"errors"`
	RoundTrips  int     `json:"round_trips"`
	SameData    *bool   `json:"same_data,omitempty"`
	Note        string  `json:"note,omitempty"`
}

const (
	systemService      = "service"
	systemNeo4jGraphQL = "neo4j-graphql"
	systemRaw          = "raw-driver"
	// systemCypher is a query's hand-written Cypher through the raw
	// driver, where @neo4j/graphql has no equivalent.
	systemCypher = "hand-written-cypher"
)

type gqlRequest struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables,omitempty"`
}

type gqlAnswer struct {
	Data       any              `json:"data"`
	Errors     []map[string]any `json:"errors"`
	Extensions map[string]any   `json:"extensions"`
}

func postJSON(ctx context.Context, url string, body []byte, debug bool) (gqlAnswer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return gqlAnswer{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	if debug {
		req.Header.Set("X-Debug-Round-Trips", "1")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return gqlAnswer{}, err
	}
	defer res.Body.Close()
	var a gqlAnswer
	if err := json.NewDecoder(res.Body).Decode(&a); err != nil {
		return gqlAnswer{}, fmt.Errorf("%s answered %d, not JSON: %w", url, res.StatusCode, err)
	}
	if len(a.Errors) > 0 {
		return a, fmt.Errorf("%s answered errors: %v", url, a.Errors)
	}
	return a, nil
}

// capture runs a query in-process through the handler the service serves,
// with the benchmark's settings (no rate limit), and returns the statements
// it sent, for the raw-driver replay.
func capture(ctx context.Context, store *neo4jstore.Store, body []byte) ([]neo4jstore.Statement, error) {
	cfg := httpapi.Defaults()
	cfg.CostPerMinute = 0
	h, err := httpapi.New(cfg, httpapi.Deps{Store: store})
	if err != nil {
		return nil, err
	}
	ctx, log := neo4jstore.WithStatementLog(ctx)
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body)).WithContext(ctx)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
		return nil, fmt.Errorf("in-process run answered %s", rec.Body.String())
	}
	return log.Statements, nil
}

func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p * float64(len(sorted)-1))
	return float64(sorted[i].Microseconds()) / 1000
}

func summarise(m *measurement, lat []time.Duration, elapsed time.Duration) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	m.Requests = len(lat) + m.Errors
	m.RPS = float64(len(lat)) / elapsed.Seconds()
	m.P50ms, m.P95ms, m.P99ms = percentile(lat, 0.50), percentile(lat, 0.95), percentile(lat, 0.99)
}

// attackHTTP sends body to url with c workers as fast as they go, for d.
// A request counts as an error when its status is not 200 or its answer has
// GraphQL errors.
func attackHTTP(url string, body []byte, c int, d time.Duration, m *measurement) {
	target := vegeta.Target{Method: http.MethodPost, URL: url, Body: body,
		Header: http.Header{"Content-Type": []string{"application/json"}}}
	atk := vegeta.NewAttacker(vegeta.Workers(uint64(c)), vegeta.MaxWorkers(uint64(c)),
		vegeta.Connections(c), vegeta.KeepAlive(true), vegeta.Timeout(30*time.Second))
	var lat []time.Duration
	start := time.Now()
	for res := range atk.Attack(vegeta.NewStaticTargeter(target), vegeta.Rate{Freq: 0}, d, m.System) {
		if res.Code != http.StatusOK || res.Error != "" || bytes.Contains(res.Body, []byte(`"errors"`)) {
			m.Errors++
			continue
		}
		lat = append(lat, res.Latency)
	}
	summarise(m, lat, time.Since(start))
}

// replay runs the captured statements with c workers for d.
func replay(ctx context.Context, store *neo4jstore.Store, stmts []neo4jstore.Statement, c int, d time.Duration, m *measurement) {
	var mu sync.Mutex
	var lat []time.Duration
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < c; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t0 := time.Now()
				err := store.Replay(ctx, stmts)
				el := time.Since(t0)
				mu.Lock()
				if err != nil {
					m.Errors++
				} else {
					lat = append(lat, el)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	summarise(m, lat, time.Since(start))
}

func profileCPU(url, out string, seconds int) error {
	res, err := http.Get(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", url, seconds))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("pprof answered %d", res.StatusCode)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, res.Body)
	return err
}

func runMix(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, err := parseRun(args)
	if err != nil {
		return err
	}
	mix, err := readMix(cfg.mixPath)
	if err != nil {
		return err
	}
	store, err := neo4jstore.Open(neo4jstore.Config{URI: cfg.neo4jURI, User: cfg.neo4jUser, Password: cfg.neo4jPass, QueryTimeout: 30 * time.Second})
	if err != nil {
		return err
	}
	defer store.Close(context.Background())
	maxC := cfg.concurrency[len(cfg.concurrency)-1]

	var results []measurement
	for _, q := range mix {
		vars := q.Variables[cfg.vars]
		body, _ := json.Marshal(gqlRequest{Query: q.Service, Variables: vars})
		svc, err := postJSON(ctx, cfg.serviceURL, body, true)
		if err != nil {
			return fmt.Errorf("query %s: %w", q.Name, err)
		}
		trips := 0
		if v, ok := svc.Extensions["roundTrips"].(float64); ok {
			trips = int(v)
		}
		stmts, err := capture(ctx, store, body)
		if err != nil {
			return fmt.Errorf("query %s: %w", q.Name, err)
		}
		var same *bool
		var note string
		var n4jBody []byte
		if cfg.neo4jGQLURL != "" && q.Neo4jGraphQL != "" {
			n4jBody, _ = json.Marshal(gqlRequest{Query: q.Neo4jGraphQL, Variables: vars})
			other, err := postJSON(ctx, cfg.neo4jGQLURL, n4jBody, false)
			eq := err == nil
			if err != nil {
				note = err.Error()
			} else {
				a, b := normalise(svc.Data, q.Compare), normalise(other.Data, q.Compare)
				ja, _ := json.Marshal(a)
				jb, _ := json.Marshal(b)
				eq = bytes.Equal(ja, jb)
				if !eq {
					note = "answers differ: not timed"
				}
			}
			same = &eq
		}
		fmt.Fprintf(stdout, "%s %s: %d statements; same data as @neo4j/graphql: %v %s\n", cfg.graph, q.Name, len(stmts), fmtBool(same), note)
		// Warm every system up on this query first, unmeasured: Neo4j
		// compiles and JIT-optimises a plan on first use, which would
		// otherwise fall on whichever system is measured first.
		warm := min(cfg.duration/2, 2*time.Second)
		attackHTTP(cfg.serviceURL, body, maxC, warm, &measurement{})
		if same != nil && *same {
			attackHTTP(cfg.neo4jGQLURL, n4jBody, maxC, warm, &measurement{})
		}
		replay(ctx, store, stmts, maxC, warm, &measurement{})
		var hand []neo4jstore.Statement
		if q.Cypher != "" {
			hand = []neo4jstore.Statement{{Cypher: q.Cypher, Params: q.CypherParams[cfg.vars]}}
			replay(ctx, store, hand, maxC, warm, &measurement{})
		}
		for _, c := range cfg.concurrency {
			m := measurement{Graph: cfg.graph, Query: q.Name, System: systemService, Concurrency: c, RoundTrips: trips, SameData: same}
			var profErr chan error
			if q.Name == cfg.profileQuery && c == maxC && cfg.pprofURL != "" {
				profErr = make(chan error, 1)
				secs := int(cfg.duration.Seconds()) - 1
				go func() { profErr <- profileCPU(cfg.pprofURL, cfg.profileOut, max(secs, 1)) }()
			}
			attackHTTP(cfg.serviceURL, body, c, cfg.duration, &m)
			if profErr != nil {
				if err := <-profErr; err != nil {
					fmt.Fprintf(stdout, "profile: %v\n", err)
				}
			}
			results = append(results, m)
			if same != nil && *same {
				n := measurement{Graph: cfg.graph, Query: q.Name, System: systemNeo4jGraphQL, Concurrency: c, RoundTrips: 1}
				attackHTTP(cfg.neo4jGQLURL, n4jBody, c, cfg.duration, &n)
				results = append(results, n)
			}
			r := measurement{Graph: cfg.graph, Query: q.Name, System: systemRaw, Concurrency: c, RoundTrips: len(stmts)}
			replay(ctx, store, stmts, c, cfg.duration, &r)
			results = append(results, r)
			if hand != nil {
				h := measurement{Graph: cfg.graph, Query: q.Name, System: systemCypher, Concurrency: c, RoundTrips: 1,
					Note: "the library has no equivalent; its answers are checked by the service's tests, not here"}
				replay(ctx, store, hand, c, cfg.duration, &h)
				results = append(results, h)
			}
			fmt.Fprintf(stdout, "  c=%-3d %s\n", c, line(results))
		}
	}
	b, err := json.MarshalIndent(results, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(cfg.out, b, 0o644)
}

func fmtBool(b *bool) string {
	if b == nil {
		return "not compared"
	}
	return fmt.Sprint(*b)
}

func line(ms []measurement) string {
	var parts []string
	for _, m := range ms {
		if m.Query != ms[len(ms)-1].Query || m.Concurrency != ms[len(ms)-1].Concurrency {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %.0f/s p50 %.1fms p99 %.1fms err %d", m.System, m.RPS, m.P50ms, m.P99ms, m.Errors))
	}
	return strings.Join(parts, " | ")
}
