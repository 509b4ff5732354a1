package httpapi

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore"
	"github.com/coe-child-online/knowledge-graph/logbuffer"
)

// stalled is a log sink that takes nothing until the test ends, like a disk
// busy with a database's recovery.
type stalled struct{ release chan struct{} }

func (s stalled) Write(p []byte) (int, error) {
	<-s.release
	return len(p), nil
}

// A request that fails logs its cause; with the log sink stalled, its
// answer must still come at its deadline.
func TestAStalledLogSinkDelaysNoAnswer(t *testing.T) {
	store, err := neo4jstore.Open(neo4jstore.Config{URI: "bolt://127.0.0.1:1", User: "neo4j", Password: "x", QueryTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close(context.Background())
	cfg := productionConfig(func(c *Config) { c.RequestTimeout = time.Second })
	sink := stalled{release: make(chan struct{})}
	defer close(sink.release)
	logs := logbuffer.New(sink, 100)
	h, err := New(cfg, Deps{Store: store, Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		start := time.Now()
		answered := make(chan *httptest.ResponseRecorder, 1)
		go func() {
			req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader([]byte(`{"query":"{ instruments { totalCount } }"}`)))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			answered <- rec
		}()
		select {
		case rec := <-answered:
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("request %d answered after %s with a 1s deadline", i, took)
			}
			if !strings.Contains(rec.Body.String(), `"UNAVAILABLE"`) {
				t.Errorf("request %d: %s, want an UNAVAILABLE error", i, rec.Body.String())
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("request %d: no answer within 5s while the log sink is stalled", i)
		}
	}
}
