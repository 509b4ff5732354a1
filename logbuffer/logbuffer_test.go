package logbuffer

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// gate is a sink that takes nothing until it is opened.
type gate struct {
	open chan struct{}
	mu   sync.Mutex
	buf  bytes.Buffer
}

func (g *gate) Write(p []byte) (int, error) {
	<-g.open
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.buf.Write(p)
}

func (g *gate) String() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.buf.String()
}

func TestLinesArriveInOrder(t *testing.T) {
	g := &gate{open: make(chan struct{})}
	close(g.open)
	w := New(g, 100)
	var want bytes.Buffer
	for i := range 50 {
		line := fmt.Sprintf("line %d\n", i)
		want.WriteString(line)
		b := []byte(line)
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
		copy(b, "----") // the logger reuses its buffer
	}
	if err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := g.String(); got != want.String() {
		t.Errorf("sink got:\n%s\nwant:\n%s", got, want.String())
	}
	if w.Dropped() != 0 {
		t.Errorf("dropped %d lines with room for all", w.Dropped())
	}
}

// A stalled sink holds up no writer: lines beyond the buffer are dropped
// and counted, the others arrive once the sink moves again.
func TestAStalledSinkHoldsUpNoWriter(t *testing.T) {
	g := &gate{open: make(chan struct{})}
	w := New(g, 10)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 100 {
			_, _ = fmt.Fprintf(w, "line %d\n", i)
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("100 writes to a stalled sink did not return within 5s")
	}
	// One line may be in the drain goroutine's hands, the buffer holds 10.
	if d := w.Dropped(); d < 89 || d > 90 {
		t.Errorf("dropped %d of 100 lines with a buffer of 10, want 89 or 90", d)
	}
	close(g.open)
	if err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	kept := bytes.Count([]byte(g.String()), []byte("\n"))
	if int64(kept)+w.Dropped() != 100 {
		t.Errorf("%d lines written and %d dropped, want 100 in all", kept, w.Dropped())
	}
	if _, err := fmt.Fprintln(w, "after close"); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix([]byte(g.String()), []byte("after close\n")) {
		t.Error("a line written after Close did not reach the sink")
	}
}

func TestCloseGivesUpWithItsContext(t *testing.T) {
	g := &gate{open: make(chan struct{})}
	defer close(g.open)
	w := New(g, 10)
	_, _ = fmt.Fprintln(w, "stuck")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := w.Close(ctx); err != context.DeadlineExceeded {
		t.Errorf("Close with a stalled sink = %v, want %v", err, context.DeadlineExceeded)
	}
}
