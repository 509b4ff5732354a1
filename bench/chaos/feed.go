package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// The change feed's clients during the run: one over SSE, one over
// WebSocket (graphql-transport-ws). Each reconnects whenever its stream
// ends (the service restarted, Neo4j away) with the cursor of the last
// event it received, as a client of the feed should; once the run is over
// the report counts what each received against the ledger.
const feedSubscription = `subscription($after: Cursor) { changes(after: $after) { cursor change { seq action entityId } } }`

type feedEvent struct {
	Cursor string `json:"cursor"`
	Change struct {
		Seq      int64   `json:"seq"`
		Action   string  `json:"action"`
		EntityID *string `json:"entityId"`
	} `json:"change"`
}

type feedClient struct {
	transport string
	mu        sync.Mutex
	cursor    string
	events    int
	lastSeq   int64
	// seen counts the events of each sequence number; creates counts the
	// CREATE_ENTITY events of each entity.
	seen       map[int64]int
	creates    map[string]int
	outOfOrder int
	sessions   int
	ends       map[string]int
}

func newFeedClient(transport, cursor string) *feedClient {
	return &feedClient{transport: transport, cursor: cursor, seen: map[int64]int{}, creates: map[string]int{}, ends: map[string]int{}}
}

func (f *feedClient) receive(ev feedEvent) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events++
	f.seen[ev.Change.Seq]++
	if ev.Change.Seq <= f.lastSeq {
		f.outOfOrder++
	}
	f.lastSeq = max(f.lastSeq, ev.Change.Seq)
	f.cursor = ev.Cursor
	if ev.Change.Action == "CREATE_ENTITY" && ev.Change.EntityID != nil {
		f.creates[*ev.Change.EntityID]++
	}
}

func (f *feedClient) ended(why string) {
	f.mu.Lock()
	f.ends[why]++
	f.mu.Unlock()
}

func (f *feedClient) position() (string, int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cursor, f.lastSeq
}

// run keeps the client subscribed until ctx ends.
func (f *feedClient) run(ctx context.Context, e *env) {
	for ctx.Err() == nil {
		f.mu.Lock()
		f.sessions++
		f.mu.Unlock()
		cursor, _ := f.position()
		var why string
		if f.transport == "sse" {
			why = f.sse(ctx, e, cursor)
		} else {
			why = f.ws(ctx, e, cursor)
		}
		if ctx.Err() != nil {
			return
		}
		f.ended(why)
		select {
		case <-ctx.Done():
		case <-time.After(300 * time.Millisecond):
		}
	}
}

func feedVars(cursor string) map[string]any {
	if cursor == "" {
		return map[string]any{}
	}
	return map[string]any{"after": cursor}
}

type feedPayload struct {
	Data *struct {
		Changes feedEvent `json:"changes"`
	} `json:"data"`
	Errors []struct {
		Extensions struct {
			Code string `json:"code"`
		} `json:"extensions"`
	} `json:"errors"`
}

// handle takes one payload; it returns why the stream should end, or "".
func (f *feedClient) handle(p feedPayload) string {
	if len(p.Errors) > 0 {
		return "error " + p.Errors[0].Extensions.Code
	}
	if p.Data != nil {
		f.receive(p.Data.Changes)
	}
	return ""
}

// sse holds one graphql-sse stream (distinct connections mode) and returns
// why it ended.
func (f *feedClient) sse(ctx context.Context, e *env, cursor string) string {
	body, _ := json.Marshal(map[string]any{"query": feedSubscription, "variables": feedVars(cursor)})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+e.serviceAddr+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+e.key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "no connection"
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Sprintf("status %d", res.StatusCode)
	}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "event: complete" {
			return "completed by the service"
		}
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok {
			continue
		}
		var p feedPayload
		if err := json.Unmarshal([]byte(data), &p); err != nil {
			return "bad event"
		}
		if why := f.handle(p); why != "" {
			return why
		}
	}
	return "stream cut"
}

type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// ws holds one graphql-transport-ws subscription and returns why it ended.
func (f *feedClient) ws(ctx context.Context, e *env, cursor string) string {
	dial, cancel := context.WithTimeout(ctx, 10*time.Second)
	c, _, err := websocket.Dial(dial, "ws://"+e.serviceAddr+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	cancel()
	if err != nil {
		return "no connection"
	}
	defer c.CloseNow()
	c.SetReadLimit(1 << 20)
	init, _ := json.Marshal(map[string]string{"Authorization": "Bearer " + e.key})
	sub, _ := json.Marshal(map[string]any{"query": feedSubscription, "variables": feedVars(cursor)})
	if wsjson.Write(ctx, c, wsMessage{Type: "connection_init", Payload: init}) != nil {
		return "stream cut"
	}
	for {
		var m wsMessage
		if err := wsjson.Read(ctx, c, &m); err != nil {
			return "stream cut"
		}
		switch m.Type {
		case "connection_ack":
			if wsjson.Write(ctx, c, wsMessage{ID: "feed", Type: "subscribe", Payload: sub}) != nil {
				return "stream cut"
			}
		case "ping":
			if wsjson.Write(ctx, c, wsMessage{Type: "pong"}) != nil {
				return "stream cut"
			}
		case "next":
			var p feedPayload
			if err := json.Unmarshal(m.Payload, &p); err != nil {
				return "bad event"
			}
			if why := f.handle(p); why != "" {
				return why
			}
		case "error":
			return "error " + string(m.Payload)
		case "complete":
			return "completed by the service"
		}
	}
}

// feedCursor reads the feed's position before the load starts.
func (e *env) feedCursor() (string, error) {
	a, err := e.post(`{ changeFeedCursor }`, nil, "")
	if err != nil {
		return "", err
	}
	if len(a.Errors) > 0 {
		return "", fmt.Errorf("changeFeedCursor: %s", a.Errors[0].Extensions.Code)
	}
	var d struct {
		ChangeFeedCursor string `json:"changeFeedCursor"`
	}
	if err := json.Unmarshal(a.Data, &d); err != nil {
		return "", err
	}
	return d.ChangeFeedCursor, nil
}

// feedCheck compares what one feed client received with the writes found
// in the graph: each must have come exactly once, and no entry twice.
type feedCheck struct {
	client                     *feedClient
	missing, twice, repeated   []string
	received                   int
	ackedMissing, ackedCounted int
}

func checkFeed(f *feedClient, present map[string]bool, l *ledger) feedCheck {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := feedCheck{client: f}
	for id := range present {
		switch n := f.creates[id]; {
		case n == 0:
			ch.missing = append(ch.missing, id)
			if l.writes[id] == acked {
				ch.ackedMissing++
			}
		case n > 1:
			ch.twice = append(ch.twice, fmt.Sprintf("%s (%d times)", id, n))
		default:
			ch.received++
		}
		if l.writes[id] == acked {
			ch.ackedCounted++
		}
	}
	for seq, n := range f.seen {
		if n > 1 {
			ch.repeated = append(ch.repeated, fmt.Sprintf("entry %d (%d times)", seq, n))
		}
	}
	return ch
}

func (ch feedCheck) failures() []string {
	var out []string
	name := "the " + ch.client.transport + " feed client"
	if ch.ackedMissing > 0 {
		out = append(out, fmt.Sprintf("%s lost %d acknowledged changes: %v", name, ch.ackedMissing, first(ch.missing)))
	} else if len(ch.missing) > 0 {
		out = append(out, fmt.Sprintf("%s missed %d changes in the graph: %v", name, len(ch.missing), first(ch.missing)))
	}
	if len(ch.twice) > 0 {
		out = append(out, fmt.Sprintf("%s received %d changes more than once: %v", name, len(ch.twice), first(ch.twice)))
	}
	if len(ch.repeated) > 0 || ch.client.outOfOrder > 0 {
		out = append(out, fmt.Sprintf("%s received %d entries twice and %d out of order: %v", name, len(ch.repeated), ch.client.outOfOrder, first(ch.repeated)))
	}
	return out
}

// feedReport renders the feed section of the report.
func feedReport(checks []feedCheck, present int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Change feed\n\nTwo clients follow `Subscription.changes` from the start of the load, one over SSE and one over WebSocket; each reconnects with the cursor of its last event whenever its stream ends. The run's writes found in the graph: %d.\n\n", present)
	b.WriteString("| | " + strings.Join(func() []string {
		var h []string
		for _, c := range checks {
			h = append(h, c.client.transport)
		}
		return h
	}(), " | ") + " |\n|---|" + strings.Repeat("---|", len(checks)) + "\n")
	row := func(label string, v func(feedCheck) string) {
		cells := make([]string, len(checks))
		for i, c := range checks {
			cells[i] = v(c)
		}
		fmt.Fprintf(&b, "| %s | %s |\n", label, strings.Join(cells, " | "))
	}
	row("events received", func(c feedCheck) string { return fmt.Sprint(c.client.events) })
	row("streams opened", func(c feedCheck) string { return fmt.Sprint(c.client.sessions) })
	row("writes in the graph received once", func(c feedCheck) string { return fmt.Sprint(c.received) })
	row("acknowledged writes (the ledger)", func(c feedCheck) string { return fmt.Sprint(c.ackedCounted) })
	row("acknowledged writes missing from the feed", func(c feedCheck) string { return fmt.Sprint(c.ackedMissing) })
	row("writes in the graph missing from the feed", func(c feedCheck) string { return fmt.Sprint(len(c.missing)) })
	row("writes received more than once", func(c feedCheck) string { return fmt.Sprint(len(c.twice)) })
	row("entries received twice or out of order", func(c feedCheck) string {
		return fmt.Sprint(len(c.repeated) + c.client.outOfOrder)
	})
	row("why streams ended", func(c feedCheck) string {
		var parts []string
		for why, n := range c.client.ends {
			parts = append(parts, fmt.Sprintf("%s ×%d", why, n))
		}
		sort.Strings(parts)
		return strings.Join(parts, ", ")
	})
	b.WriteString("\n")
	return b.String()
}
