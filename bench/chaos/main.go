// Command chaos holds a fixed-rate load of reads and writes on the service
// while it breaks what the service stands on: Neo4j killed (SIGKILL),
// stopped, frozen (SIGSTOP), and the service itself restarted (SIGTERM).
// Every write creates a node with an id the client chose, under an
// idempotency key of its own, and a ledger records what the service
// answered. Once the faults are over, every write that was not acknowledged
// is sent again with its key, as a client would, until it gets a definite
// answer. Then the ledger is checked against the graph: every acknowledged
// write is there, no write the service refused had been written (its retry
// would replay it), every retried write is there exactly once, no write is
// applied twice or half-applied (a node without its audit entry, or the
// reverse), two change-feed clients (SSE and WebSocket, reconnecting with
// their cursors) received every write in the graph exactly once, fewer than
// 5% of the writes were answered COMMIT_OUTCOME_UNKNOWN,
// and the service's goroutines and heap came back to their baseline. It
// writes a report and exits non-zero when a check fails.
//
// Run it with `make chaos`; it starts its own Neo4j and service on free
// loopback ports and takes about four minutes.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/coe-child-online/knowledge-graph/auth"
	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore"
)

func main() {
	out := flag.String("out", "bench/results/chaos.md", "where to write the report")
	rate := flag.Int("rate", 40, "requests per second, a quarter of them writes")
	phase := flag.Duration("phase", 15*time.Second, "how long the load runs between faults")
	flag.Parse()
	report, err := run(*rate, *phase)
	if report != "" {
		fmt.Print(report)
		if werr := os.WriteFile(*out, []byte(report), 0o644); werr != nil {
			fmt.Fprintln(os.Stderr, "chaos:", werr)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		os.Exit(1)
	}
}

// outcome is what one request's answer proves about its write.
type outcome int

const (
	acked   outcome = iota // the service said it is written
	refused                // the service said it is not
	unknown                // nobody can tell: the commit's answer, or the HTTP answer, was lost
)

type ledger struct {
	mu      sync.Mutex
	writes  map[string]outcome
	answers map[string]string
	codes   map[string]int
	sent    int
	// writeRequests counts the writes sent under load (retries apart);
	// commitUnknown those answered COMMIT_OUTCOME_UNKNOWN.
	writeRequests, commitUnknown int
	// retries are the answers to each write's retries with its key, in
	// order; replayed marks a retry answered as a replay of an earlier
	// attempt, which had been written.
	retries  map[string][]string
	replayed map[string]bool
	// The slowest failed answer, and how many failures came after the
	// request deadline plus a second of grace.
	slowestFailure time.Duration
	late           int
	// The harness's own heartbeat: how late its 50 ms ticks came. A late
	// tick means the whole machine stalled, not only the service.
	longestStall time.Duration
	stalls       int
}

// heartbeat ticks every 50 ms until ctx ends and records how late the ticks
// come: on a machine where Neo4j, the service and this load share the
// cores, a starting Neo4j can stall every process, and a late answer then
// says nothing about the service.
func (l *ledger) heartbeat(ctx context.Context) {
	const tick = 50 * time.Millisecond
	t := time.NewTicker(tick)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			gap := now.Sub(last) - tick
			last = now
			l.mu.Lock()
			l.longestStall = max(l.longestStall, gap)
			if gap > time.Second {
				l.stalls++
			}
			l.mu.Unlock()
		}
	}
}

// requestTimeout is the service's REQUEST_TIMEOUT in the run.
const requestTimeout = 5 * time.Second

func (l *ledger) failedAfter(d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.slowestFailure = max(l.slowestFailure, d)
	if d > requestTimeout+time.Second {
		l.late++
	}
}

func (l *ledger) record(id string, o outcome, code string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if id != "" {
		l.writes[id] = o
		l.answers[id] = code
		l.writeRequests++
		if code == "write: "+string(model.CodeCommitUnknown) {
			l.commitUnknown++
		}
	}
	l.codes[code]++
}

type env struct {
	dir, neo4jPort, neo4jURI, serviceAddr, pprofAddr, key string
	service                                               *exec.Cmd
	serviceLog                                            *os.File
	serverBin                                             string
	client                                                *http.Client
}

func freePort() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

func (e *env) neo4j(cmd string) error {
	c := exec.Command("bash", "cmd/neo4j-embedded/neo4j.sh", cmd)
	// A Neo4j starting under the load can take longer than the launcher's
	// default two minutes on a busy machine; the report gives the time.
	c.Env = append(os.Environ(), "NEO4J_DATA_DIR="+filepath.Join(e.dir, "neo4j"), "NEO4J_PORT="+e.neo4jPort, "NEO4J_HEAP=512m", "NEO4J_START_TIMEOUT=300")
	out, err := c.CombinedOutput()
	if err != nil {
		return fmt.Errorf("neo4j.sh %s: %w\n%s", cmd, err, out)
	}
	return nil
}

func (e *env) neo4jPID() (int, error) {
	b, err := os.ReadFile(filepath.Join(e.dir, "neo4j", "neo4j.pid"))
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}

func (e *env) signalNeo4j(sig syscall.Signal) error {
	pid, err := e.neo4jPID()
	if err != nil {
		return err
	}
	return syscall.Kill(pid, sig)
}

func (e *env) startService() error {
	c := exec.Command(e.serverBin)
	c.Env = append(os.Environ(), "NEO4J_URI="+e.neo4jURI, "NEO4J_PASSWORD=devpassword", "LISTEN_ADDR="+e.serviceAddr,
		"PPROF_ADDR="+e.pprofAddr, "API_KEYS=chaos curator "+auth.HashKey(e.key), "RATE_LIMIT_COST_PER_MINUTE=0",
		"REQUEST_TIMEOUT="+requestTimeout.String(), "QUERY_TIMEOUT=3s", "MODE=production")
	c.Stdout, c.Stderr = e.serviceLog, e.serviceLog
	if err := c.Start(); err != nil {
		return err
	}
	e.service = c
	return e.waitFor("/healthz", 200, 30*time.Second)
}

func (e *env) stopService() (time.Duration, error) {
	start := time.Now()
	if err := e.service.Process.Signal(syscall.SIGTERM); err != nil {
		return 0, err
	}
	err := e.service.Wait()
	return time.Since(start), err
}

func (e *env) status(path string) int {
	res, err := e.client.Get("http://" + e.serviceAddr + path)
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

func (e *env) waitFor(path string, status int, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if e.status(path) == status {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s did not answer %d within %s", path, status, limit)
}

var (
	goroutinesRe = regexp.MustCompile(`goroutine profile: total (\d+)`)
	heapRe       = regexp.MustCompile(`# HeapInuse = (\d+)`)
)

// vitals reads the service's goroutine count and heap in use from its
// profiler.
func (e *env) vitals() (goroutines int, heapMB float64) {
	get := func(path string) string {
		res, err := e.client.Get("http://" + e.pprofAddr + path)
		if err != nil {
			return ""
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}
	if m := goroutinesRe.FindStringSubmatch(get("/debug/pprof/goroutine?debug=1")); m != nil {
		goroutines, _ = strconv.Atoi(m[1])
	}
	if m := heapRe.FindStringSubmatch(get("/debug/pprof/heap?debug=1&gc=1")); m != nil {
		b, _ := strconv.ParseFloat(m[1], 64)
		heapMB = b / (1 << 20)
	}
	return goroutines, heapMB
}

// load sends rate requests a second until ctx ends, each read or write on
// its own goroutine, and waits for the last answers.
func (e *env) load(ctx context.Context, rate int, l *ledger, run string) {
	var wg sync.WaitGroup
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	n := 0
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			return
		case <-tick.C:
		}
		n++
		l.mu.Lock()
		l.sent++
		l.mu.Unlock()
		wg.Add(1)
		go func(n int) {
			defer wg.Done()
			if n%4 == 0 {
				e.write(fmt.Sprintf("chaos-%s-%06d", run, n), l)
			} else {
				e.read(l)
			}
		}(n)
	}
}

type answer struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Extensions struct {
			Code string `json:"code"`
		} `json:"extensions"`
	} `json:"errors"`
	Extensions struct {
		Idempotency map[string]struct {
			Replayed bool `json:"replayed"`
		} `json:"idempotency"`
	} `json:"extensions"`
}

// post sends an operation; a write names its idempotency key.
func (e *env) post(query string, vars map[string]any, key string) (answer, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest("POST", "http://"+e.serviceAddr+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+e.key)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := e.client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer res.Body.Close()
	var a answer
	if err := json.NewDecoder(res.Body).Decode(&a); err != nil {
		return answer{}, err
	}
	return a, nil
}

const readQuery = `{ instrument(id: "cets-201") { name parties(first: 20) { edges { node { id } } } } }`

// warmUp sends the load's read and a write until both answer, so the load
// starts on a warm service: the first queries on a fresh Neo4j plan their
// Cypher, which took seconds on a busy machine, and a load that begins
// meanwhile measures only the queue behind them.
func (e *env) warmUp(runID string) time.Duration {
	start := time.Now()
	for time.Since(start) < time.Minute {
		a, err := e.post(readQuery, nil, "")
		if err == nil && len(a.Errors) == 0 {
			if o, _, _ := e.createTopic("chaos-warmup-" + runID); o == acked {
				break
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return time.Since(start)
}

func (e *env) read(l *ledger) {
	start := time.Now()
	a, err := e.post(readQuery, nil, "")
	if err == nil && len(a.Errors) > 0 {
		l.failedAfter(time.Since(start))
	}
	switch {
	case err != nil:
		l.record("", refused, "read: no answer")
	case len(a.Errors) > 0:
		l.record("", refused, "read: "+a.Errors[0].Extensions.Code)
	default:
		l.record("", acked, "read: ok")
	}
}

func (e *env) write(id string, l *ledger) {
	start := time.Now()
	o, code, _ := e.createTopic(id)
	if o != acked && code != "write: connection refused" && code != "write: answer lost" {
		l.failedAfter(time.Since(start))
	}
	l.record(id, o, code)
}

// createTopic sends one write under the key of its id, and tells what its
// answer proves and whether it was a replay.
func (e *env) createTopic(id string) (outcome, string, bool) {
	a, err := e.post(`mutation($in: CreateEntityInput!) { createEntity(input: $in) { node { id } } }`, map[string]any{"in": map[string]any{
		"id": id, "type": "TOPIC", "name": "Chaos " + id, "sources": []map[string]any{{"title": "chaos test"}}}}, "key-"+id)
	var op *net.OpError
	switch {
	case errors.As(err, &op) && op.Op == "dial":
		// The request never reached the service.
		return refused, "write: connection refused", false
	case err != nil:
		return unknown, "write: answer lost", false
	case len(a.Errors) > 0 && a.Errors[0].Extensions.Code == string(model.CodeCommitUnknown):
		return unknown, "write: " + a.Errors[0].Extensions.Code, false
	case len(a.Errors) > 0:
		return refused, "write: " + a.Errors[0].Extensions.Code, false
	}
	return acked, "write: ok", a.Extensions.Idempotency["createEntity"].Replayed
}

// retryWrites sends every write that was not acknowledged again with its
// key, as a client that was left guessing or refused would, until each
// gets a definite answer (or maxRetries run out, or the retries have taken
// retryBudget altogether).
func (e *env) retryWrites(l *ledger) {
	const maxRetries, retryBudget = 20, 3 * time.Minute
	deadline := time.Now().Add(retryBudget)
	l.mu.Lock()
	var ids []string
	for id, o := range l.writes {
		if o != acked {
			ids = append(ids, id)
		}
	}
	l.mu.Unlock()
	sort.Strings(ids)
	for _, id := range ids {
		for attempt := 1; attempt <= maxRetries && time.Now().Before(deadline); attempt++ {
			o, code, replayed := e.createTopic(id)
			l.mu.Lock()
			l.retries[id] = append(l.retries[id], code)
			if replayed {
				l.replayed[id] = true
			}
			l.mu.Unlock()
			if o == acked || (code != "write: "+string(model.CodeUnavailable) && o == refused && code != "write: connection refused") {
				break
			}
			time.Sleep(500 * time.Millisecond)
		}
	}
}

func run(rate int, phase time.Duration) (string, error) {
	dir, err := os.MkdirTemp("", "chaos-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	// The service's log outlives the run, for reading what went wrong.
	defer func() {
		if b, err := os.ReadFile(filepath.Join(dir, "service.log")); err == nil {
			_ = os.WriteFile("bench/results/chaos-service.log", b, 0o644)
		}
	}()
	e := &env{dir: dir, neo4jPort: freePort(), serviceAddr: "127.0.0.1:" + freePort(), pprofAddr: "127.0.0.1:" + freePort(),
		key: "chaos-key-0123456789abcdefghij", client: &http.Client{Timeout: 10 * time.Second}}
	e.neo4jURI = "bolt://127.0.0.1:" + e.neo4jPort
	e.serverBin = filepath.Join(dir, "server")
	if out, err := exec.Command("go", "build", "-o", e.serverBin, "./cmd/server").CombinedOutput(); err != nil {
		return "", fmt.Errorf("build the service: %w\n%s", err, out)
	}
	if e.serviceLog, err = os.Create(filepath.Join(dir, "service.log")); err != nil {
		return "", err
	}
	if err := e.neo4j("start"); err != nil {
		return "", err
	}
	defer e.neo4j("stop")
	seed := exec.Command("go", "run", "./cmd/seed")
	seed.Env = append(os.Environ(), "NEO4J_URI="+e.neo4jURI, "NEO4J_PASSWORD=devpassword")
	if out, err := seed.CombinedOutput(); err != nil {
		return "", fmt.Errorf("load the seed: %w\n%s", err, out)
	}
	if err := e.startService(); err != nil {
		return "", err
	}
	defer func() {
		if e.service != nil && e.service.ProcessState == nil {
			_, _ = e.stopService()
		}
	}()

	l := &ledger{writes: map[string]outcome{}, answers: map[string]string{}, codes: map[string]int{},
		retries: map[string][]string{}, replayed: map[string]bool{}}
	runID := time.Now().UTC().Format("150405")
	warmedUp := e.warmUp(runID)
	cursor, err := e.feedCursor()
	if err != nil {
		return "", fmt.Errorf("the change feed's position: %w", err)
	}
	feedCtx, stopFeed := context.WithCancel(context.Background())
	defer stopFeed()
	feeds := []*feedClient{newFeedClient("sse", cursor), newFeedClient("ws", cursor)}
	for _, f := range feeds {
		go f.run(feedCtx, e)
	}
	ctx, stopLoad := context.WithCancel(context.Background())
	loadDone := make(chan struct{})
	go func() { e.load(ctx, rate, l, runID); close(loadDone) }()
	go l.heartbeat(ctx)

	var events []string
	note := func(format string, args ...any) {
		events = append(events, fmt.Sprintf("- %s: %s", time.Now().UTC().Format("15:04:05"), fmt.Sprintf(format, args...)))
	}
	note("the service answered a read and a write %.1fs after it started; the load started then", warmedUp.Seconds())
	time.Sleep(phase)
	baseG, baseHeap := e.vitals()
	note("baseline: %d goroutines, %.1f MB heap in use", baseG, baseHeap)

	// recover starts Neo4j again and measures how long until the service
	// is ready once more, without being restarted.
	recoverNeo4j := func(fault string) error {
		start := time.Now()
		if err := e.neo4j("start"); err != nil {
			return err
		}
		if err := e.waitFor("/readyz", 200, 60*time.Second); err != nil {
			return fmt.Errorf("after %s: %w", fault, err)
		}
		note("%s: ready again %.1fs after Neo4j was restarted", fault, time.Since(start).Seconds())
		return nil
	}
	faults := []struct {
		name string
		do   func() error
	}{
		{"Neo4j killed (SIGKILL)", func() error {
			if err := e.signalNeo4j(syscall.SIGKILL); err != nil {
				return err
			}
			time.Sleep(phase / 2)
			note("during the kill /readyz answered %d", e.status("/readyz"))
			return recoverNeo4j("kill")
		}},
		{"Neo4j stopped", func() error {
			if err := e.neo4j("stop"); err != nil {
				return err
			}
			time.Sleep(phase / 2)
			note("while stopped /readyz answered %d", e.status("/readyz"))
			return recoverNeo4j("stop")
		}},
		{"Neo4j frozen (SIGSTOP)", func() error {
			if err := e.signalNeo4j(syscall.SIGSTOP); err != nil {
				return err
			}
			time.Sleep(phase / 2)
			note("while frozen /readyz answered %d", e.status("/readyz"))
			start := time.Now()
			if err := e.signalNeo4j(syscall.SIGCONT); err != nil {
				return err
			}
			if err := e.waitFor("/readyz", 200, 60*time.Second); err != nil {
				return fmt.Errorf("after the freeze: %w", err)
			}
			note("freeze: ready again %.1fs after Neo4j was resumed", time.Since(start).Seconds())
			return nil
		}},
	}
	var failures []string
	for _, f := range faults {
		note("fault: %s", f.name)
		if err := f.do(); err != nil {
			failures = append(failures, err.Error())
			note("FAILED: %v", err)
		}
		time.Sleep(phase)
	}
	// Goroutines and heap settle once the faults are over.
	var g int
	var heap float64
	for i := 0; i < 30; i++ {
		g, heap = e.vitals()
		if g <= baseG+baseG/2+20 && heap <= 2*baseHeap+32 {
			break
		}
		time.Sleep(time.Second)
	}
	note("after the Neo4j faults: %d goroutines, %.1f MB heap in use", g, heap)
	if g > baseG+baseG/2+20 || heap > 2*baseHeap+32 {
		failures = append(failures, fmt.Sprintf("the service did not return to its baseline: %d goroutines (baseline %d), %.1f MB heap (baseline %.1f)", g, baseG, heap, baseHeap))
	}

	note("fault: service restarted (SIGTERM)")
	took, err := e.stopService()
	note("the service drained and stopped in %.1fs (exit: %v)", took.Seconds(), err)
	if err != nil {
		failures = append(failures, fmt.Sprintf("the service did not stop cleanly: %v", err))
	}
	if err := e.startService(); err != nil {
		failures = append(failures, err.Error())
	}
	time.Sleep(phase)
	stopLoad()
	<-loadDone
	// The retries need the database: one that went away after the faults
	// (stopped from outside this harness) is started again, and said so.
	if err := e.waitFor("/readyz", 200, 30*time.Second); err != nil {
		if pid, perr := e.neo4jPID(); perr != nil || syscall.Kill(pid, 0) != nil {
			note("Neo4j was not running after the faults (stopped from outside this harness); starting it again for the retries")
			if err := recoverNeo4j("restart for the retries"); err != nil {
				failures = append(failures, err.Error())
			}
		} else {
			failures = append(failures, "before the retries: "+err.Error())
		}
	}
	retryStart := time.Now()
	e.retryWrites(l)
	note("retried the %d writes that were not acknowledged, with their keys, in %.1fs", len(l.retries), time.Since(retryStart).Seconds())

	// The ledger against the graph.
	store, err := neo4jstore.Open(neo4jstore.Config{URI: e.neo4jURI, User: "neo4j", Password: "devpassword", Database: "neo4j", QueryTimeout: 30 * time.Second})
	if err != nil {
		return "", err
	}
	defer store.Close(context.Background())
	// The feed clients catch up with the last entry before they are
	// counted: a client still reconnecting gets a little time.
	if v, err := store.Version(context.Background()); err == nil {
		caughtUp := time.Now().Add(30 * time.Second)
		for time.Now().Before(caughtUp) {
			behind := false
			for _, f := range feeds {
				if _, seq := f.position(); seq < v.Seq {
					behind = true
				}
			}
			if !behind {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	stopFeed()
	topics, err := store.AllEntities(context.Background(), "Topic")
	if err != nil {
		return "", err
	}
	present := map[string]bool{}
	for _, t := range topics {
		if strings.HasPrefix(t.ID, "chaos-"+runID+"-") {
			present[t.ID] = true
		}
	}
	audited := map[string]int{}
	page, err := store.Changes(context.Background(), model.ChangeFilter{}, 100000, "")
	if err != nil {
		return "", err
	}
	for _, c := range page.Changes {
		if c.EntityID != nil && strings.HasPrefix(*c.EntityID, "chaos-"+runID+"-") && c.Action == model.ChangeCreateEntity {
			audited[*c.EntityID]++
		}
	}
	var lost, phantom, half, twice, unsettled []string
	count := map[outcome]int{}
	unknownFound, retriedOnce, replays := 0, 0, 0
	for id, o := range l.writes {
		count[o]++
		settled := len(l.retries[id]) > 0 && l.retries[id][len(l.retries[id])-1] == "write: ok"
		switch {
		case o == acked && !present[id]:
			lost = append(lost, id)
		case o == refused && l.replayed[id]:
			// The retry replayed an earlier attempt: the refused one
			// had been written.
			phantom = append(phantom, id+" ("+l.answers[id]+", then replayed)")
		case o == refused && present[id] && !settled:
			phantom = append(phantom, id+" ("+l.answers[id]+")")
		case o == unknown && present[id] && l.replayed[id]:
			unknownFound++
		}
		if l.replayed[id] {
			replays++
		}
		if len(l.retries[id]) > 0 {
			if settled && present[id] && audited[id] == 1 {
				retriedOnce++
			} else {
				unsettled = append(unsettled, fmt.Sprintf("%s (%s, retries %v, %d audit entries)", id, l.answers[id], l.retries[id], audited[id]))
			}
		}
	}
	for id, n := range audited {
		if n > 1 {
			twice = append(twice, fmt.Sprintf("%s (%d audit entries)", id, n))
		}
	}
	for id := range present {
		if audited[id] == 0 {
			half = append(half, id+" (node without audit entry)")
		}
		if _, ok := l.writes[id]; !ok {
			phantom = append(phantom, id+" (never sent)")
		}
	}
	for id := range audited {
		if !present[id] {
			half = append(half, id+" (audit entry without node)")
		}
	}
	if len(lost) > 0 {
		failures = append(failures, fmt.Sprintf("%d acknowledged writes are missing: %v", len(lost), first(lost)))
	}
	if len(phantom) > 0 {
		failures = append(failures, fmt.Sprintf("%d writes the service refused are present: %v", len(phantom), first(phantom)))
	}
	if len(half) > 0 {
		failures = append(failures, fmt.Sprintf("%d writes are half-applied: %v", len(half), first(half)))
	}
	if len(twice) > 0 {
		failures = append(failures, fmt.Sprintf("%d writes are applied twice: %v", len(twice), first(twice)))
	}
	if len(unsettled) > 0 {
		failures = append(failures, fmt.Sprintf("%d writes retried with their key are not in the graph exactly once: %v", len(unsettled), first(unsettled)))
	}
	var feedChecks []feedCheck
	for _, f := range feeds {
		ch := checkFeed(f, present, l)
		feedChecks = append(feedChecks, ch)
		failures = append(failures, ch.failures()...)
	}
	unknownShare := 0.0
	if l.writeRequests > 0 {
		unknownShare = 100 * float64(l.commitUnknown) / float64(l.writeRequests)
	}
	if unknownShare >= 5 {
		failures = append(failures, fmt.Sprintf("%.1f%% of the writes were answered COMMIT_OUTCOME_UNKNOWN, want under 5%%", unknownShare))
	}

	var b strings.Builder
	fmt.Fprintf(&b, "# Chaos run\n\nRun %s on %s: %d requests a second (a quarter writes), phases of %s; Neo4j 5.26 embedded, the service built from this tree.\n\n",
		runID, time.Now().UTC().Format("2006-01-02"), rate, phase)
	fmt.Fprintf(&b, "## Events\n\n%s\n\n", strings.Join(events, "\n"))
	fmt.Fprintf(&b, "## Requests\n\n%d sent.\n\n| answer | count |\n|---|---|\n", l.sent)
	codes := make([]string, 0, len(l.codes))
	for c := range l.codes {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		fmt.Fprintf(&b, "| %s | %d |\n", c, l.codes[c])
	}
	fmt.Fprintf(&b, "\nFailed answers came back within %s at the slowest (request deadline %s); %d came more than a second after the deadline.\n", l.slowestFailure.Round(10*time.Millisecond), requestTimeout, l.late)
	if l.stalls > 0 {
		fmt.Fprintf(&b, "Meanwhile this harness's own 50 ms heartbeat was late by up to %s, and by more than a second %d times: the whole machine stalled, not only the service.\n", l.longestStall.Round(10*time.Millisecond), l.stalls)
	} else {
		fmt.Fprintf(&b, "This harness's own 50 ms heartbeat was never more than %s late.\n", l.longestStall.Round(10*time.Millisecond))
	}
	retried := 0
	for _, r := range l.retries {
		if len(r) > 0 {
			retried++
		}
	}
	fmt.Fprintf(&b, "\n## Writes\n\nEach write is sent once under load with an `Idempotency-Key` of its own; once the faults are over, each that was not acknowledged (refused, answered `COMMIT_OUTCOME_UNKNOWN`, or without an answer) is sent again with the same key until its answer is definite.\n\n")
	fmt.Fprintf(&b, "| | count |\n|---|---|\n| writes sent under load | %d |\n| acknowledged | %d |\n| acknowledged and found | %d |\n| refused | %d |\n| refused yet written (found, or replayed by the retry) | %d |\n| answered `COMMIT_OUTCOME_UNKNOWN` | %d (%.1f%% of the writes; the target is under 5%%) |\n| no answer within the client's 10 s | %d |\n| outcome unknown, found written by the retry (a replay) | %d |\n| retried with their key | %d |\n| retried, and in the graph exactly once | %d |\n| retries answered as a replay | %d |\n| applied twice (more than one audit entry) | %d |\n| half-applied | %d |\n\n",
		l.writeRequests, count[acked], count[acked]-len(lost), count[refused], len(phantom), l.commitUnknown, unknownShare,
		l.codes["write: answer lost"], unknownFound, retried, retriedOnce, replays, len(twice), len(half))
	b.WriteString(feedReport(feedChecks, len(present)))
	if len(failures) == 0 {
		b.WriteString("**Verdict: passed.** Zero acknowledged writes lost, none refused yet written, none applied twice or half-applied; every write retried with its key is in the graph exactly once; each feed client received every write in the graph exactly once; outcome-unknown answers under 5% of the writes; the service recovered from every fault without a restart and returned to its baseline.\n")
		return b.String(), nil
	}
	fmt.Fprintf(&b, "**Verdict: FAILED.**\n\n- %s\n", strings.Join(failures, "\n- "))
	return b.String(), errors.New("chaos checks failed")
}

func first(list []string) []string {
	sort.Strings(list)
	if len(list) > 5 {
		return list[:5]
	}
	return list
}
