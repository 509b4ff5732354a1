package httpapi

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	coderws "github.com/coder/websocket"

	"github.com/coe-child-online/knowledge-graph/auth"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore/neo4jtest"
)

const feedQuery = `subscription($after: Cursor, $entity: ID, $types: [RelationType!]) {
  changes(after: $after, entity: $entity, relationTypes: $types) {
    cursor change { seq action entityId relationType from to after sources { title } }
  }
}`

type feedEvent struct {
	Cursor string `json:"cursor"`
	Change struct {
		Seq          int64          `json:"seq"`
		Action       string         `json:"action"`
		EntityID     *string        `json:"entityId"`
		RelationType *string        `json:"relationType"`
		After        map[string]any `json:"after"`
	} `json:"change"`
}

// sseStream is one SSE subscription: its events, or the errors it
// answered with, as they come.
type sseStream struct {
	status int
	events chan feedEvent
	errors chan []gqlError
	cancel context.CancelFunc
}

func subscribeSSE(t *testing.T, base, role string, vars map[string]any, headers ...string) *sseStream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/graphql", jsonBody(feedQuery, vars))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+testKeys[role])
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	s := &sseStream{status: res.StatusCode, events: make(chan feedEvent, 100), errors: make(chan []gqlError, 10), cancel: cancel}
	go func() {
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			var doc struct {
				Data *struct {
					Changes feedEvent `json:"changes"`
				} `json:"data"`
				Errors []gqlError `json:"errors"`
			}
			if json.Unmarshal([]byte(line), &doc) != nil {
				continue
			}
			if len(doc.Errors) > 0 {
				s.errors <- doc.Errors
				continue
			}
			if doc.Data != nil {
				s.events <- doc.Data.Changes
			}
		}
	}()
	return s
}

func (s *sseStream) next(t *testing.T, within time.Duration) feedEvent {
	t.Helper()
	select {
	case e := <-s.events:
		return e
	case errs := <-s.errors:
		t.Fatalf("the feed answered errors %+v", errs)
	case <-time.After(within):
		t.Fatalf("no feed event within %s", within)
	}
	return feedEvent{}
}

func (s *sseStream) refusal(t *testing.T) string {
	t.Helper()
	select {
	case e := <-s.events:
		t.Fatalf("the feed sent %+v, want a refusal", e)
	case errs := <-s.errors:
		code, _ := errs[0].Extensions["code"].(string)
		return code
	case <-time.After(5 * time.Second):
		t.Fatal("no answer from the feed within 5s")
	}
	return ""
}

func feedServer(t *testing.T, changes ...func(*Config)) string {
	t.Helper()
	var entries []string
	for _, role := range []string{"reader", "curator", "admin"} {
		entries = append(entries, fmt.Sprintf("%s-user %s %s", role, role, auth.HashKey(testKeys[role])))
	}
	url, _ := productionServer(t, append([]func(*Config){func(c *Config) {
		c.Auth.Keys = strings.Join(entries, ";")
		c.CORSOrigins = []string{"https://dashboard.example"}
	}}, changes...)...)
	return url
}

func createTopic(t *testing.T, base, id string) {
	t.Helper()
	var out any
	must(t, base, "curator", createEntity, map[string]any{"in": map[string]any{
		"id": id, "type": "TOPIC", "name": id, "sources": coeSource}}, &out)
}

func TestTheFeedSendsNewChangesAndResumesFromACursor(t *testing.T) {
	base := feedServer(t)
	live := subscribeSSE(t, base, "reader", nil)
	if live.status != http.StatusOK {
		t.Fatalf("SSE subscription answered %d", live.status)
	}
	// Give the subscription time to take its starting version.
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	createTopic(t, base, "topic-feed-one")
	first := live.next(t, time.Second)
	if first.Change.Action != "CREATE_ENTITY" || first.Change.EntityID == nil || *first.Change.EntityID != "topic-feed-one" {
		t.Fatalf("first event %+v, want CREATE_ENTITY of topic-feed-one", first)
	}
	t.Logf("received %s after the write", time.Since(start))
	live.cancel()

	// Written while no one listens: a resumed feed sends exactly these.
	createTopic(t, base, "topic-feed-two")
	createTopic(t, base, "topic-feed-three")
	resumed := subscribeSSE(t, base, "reader", map[string]any{"after": first.Cursor})
	for _, want := range []string{"topic-feed-two", "topic-feed-three"} {
		e := resumed.next(t, 2*time.Second)
		if e.Change.EntityID == nil || *e.Change.EntityID != want {
			t.Fatalf("resumed feed sent %+v, want the creation of %s", e, want)
		}
	}
	select {
	case e := <-resumed.events:
		t.Fatalf("resumed feed sent %+v beyond the changes made while away", e)
	case <-time.After(500 * time.Millisecond):
	}

	// The filter: only relationships of one type, about one entity.
	linked := subscribeSSE(t, base, "reader", map[string]any{"after": first.Cursor, "entity": "country-mu", "types": []string{"TARGETS"}})
	var out any
	const project = "project-feed-test"
	must(t, base, "curator", createEntity, map[string]any{"in": map[string]any{
		"id": project, "type": "PROJECT", "name": "Feed test", "sources": coeSource}}, &out)
	for _, to := range []string{"country-fr", "country-mu"} {
		must(t, base, "curator", linkOp, map[string]any{"in": map[string]any{
			"from": project, "type": "TARGETS", "to": to, "sources": coeSource}}, &out)
	}
	e := linked.next(t, 2*time.Second)
	if e.Change.RelationType == nil || *e.Change.RelationType != "TARGETS" || e.Change.Action != "LINK" {
		t.Fatalf("filtered feed sent %+v, want the TARGETS link to country-mu", e)
	}
}

func TestTheFeedRefusesWhatItMust(t *testing.T) {
	base := feedServer(t, func(c *Config) {
		c.Auth.AnonymousReads = false
		c.Feed.MaxPerClient = 2
	})
	cases := []struct {
		name    string
		role    string
		vars    map[string]any
		headers []string
		status  int
		code    string
	}{
		{"anonymous, without the reader role", "", nil, nil, http.StatusOK, "UNAUTHENTICATED"},
		{"from an origin not in CORS_ORIGINS", "reader", nil, []string{"Origin", "https://evil.example"}, http.StatusForbidden, ""},
		{"a cursor that is not one", "reader", map[string]any{"after": "not-a-cursor"}, nil, http.StatusOK, "BAD_USER_INPUT"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := subscribeSSE(t, base, c.role, c.vars, c.headers...)
			if s.status != c.status {
				t.Fatalf("status %d, want %d", s.status, c.status)
			}
			if c.code != "" {
				if got := s.refusal(t); got != c.code {
					t.Fatalf("code %s, want %s", got, c.code)
				}
			}
		})
	}
	t.Run("a listed origin", func(t *testing.T) {
		s := subscribeSSE(t, base, "reader", nil, "Origin", "https://dashboard.example")
		if s.status != http.StatusOK {
			t.Fatalf("status %d, want 200", s.status)
		}
	})
	t.Run("a WebSocket from an unlisted origin", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, res, err := coderws.Dial(ctx, strings.Replace(base, "http", "ws", 1)+"/graphql", &coderws.DialOptions{
			Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: http.Header{"Origin": {"https://evil.example"}}})
		if err == nil || res == nil || res.StatusCode != http.StatusForbidden {
			t.Fatalf("upgrade from an unlisted origin: err %v, response %+v; want 403", err, res)
		}
	})
	t.Run("more than a client may hold", func(t *testing.T) {
		var held []*sseStream
		for range 2 {
			s := subscribeSSE(t, base, "curator", nil)
			held = append(held, s)
		}
		time.Sleep(300 * time.Millisecond)
		if got := subscribeSSE(t, base, "curator", nil).refusal(t); got != "TOO_MANY_SUBSCRIPTIONS" {
			t.Fatalf("third subscription: code %s, want TOO_MANY_SUBSCRIPTIONS", got)
		}
		held[0].cancel()
		time.Sleep(300 * time.Millisecond)
		if s := subscribeSSE(t, base, "curator", nil); s.status != http.StatusOK {
			t.Fatalf("after one closed: status %d", s.status)
		} else {
			select {
			case errs := <-s.errors:
				t.Fatalf("after one closed, the subscription was refused: %+v", errs)
			case <-time.After(500 * time.Millisecond):
			}
		}
	})
}

func TestTwoProcessesShareTheFeed(t *testing.T) {
	a := feedServer(t)
	// A second handler on its own store, as a second process would have.
	store := neo4jtest.Open(t)
	h, err := New(productionConfig(func(c *Config) {
		c.Auth.Keys = fmt.Sprintf("reader-user reader %s", auth.HashKey(testKeys["reader"]))
	}), Deps{Store: store, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	b := newServer(t, h).URL
	feed := subscribeSSE(t, b, "reader", nil)
	time.Sleep(300 * time.Millisecond)
	createTopic(t, a, "topic-feed-replica")
	e := feed.next(t, time.Second)
	if e.Change.EntityID == nil || *e.Change.EntityID != "topic-feed-replica" {
		t.Fatalf("the other process's feed sent %+v, want the creation of topic-feed-replica", e)
	}
}
