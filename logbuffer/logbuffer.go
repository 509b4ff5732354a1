// Package logbuffer holds log lines in memory and writes them to their sink
// on a goroutine of its own, so that a slow sink (a pipe nobody drains fast
// enough, a disk busy with a database's recovery) never holds up a request
// that logs. When the buffer is full, lines are dropped and counted rather
// than waited for: an answer late by a stalled log is worse than a lost line,
// and the count tells the operator that lines were lost.
package logbuffer

import (
	"context"
	"io"
	"sync"
	"sync/atomic"
)

// Writer is an io.Writer for a logger. Each Write is taken as one whole
// line, as log/slog handlers write them.
type Writer struct {
	out     io.Writer
	lines   chan []byte
	drained chan struct{}
	dropped atomic.Int64

	// mu guards closed against the channel being closed under a Write.
	mu     sync.RWMutex
	closed bool
}

// New returns a Writer holding up to lines lines for out, and starts the
// goroutine that writes them.
func New(out io.Writer, lines int) *Writer {
	w := &Writer{out: out, lines: make(chan []byte, max(lines, 1)), drained: make(chan struct{})}
	go w.drain()
	return w
}

func (w *Writer) drain() {
	defer close(w.drained)
	for b := range w.lines {
		// A failing sink has nobody to tell but itself; the line is lost
		// either way.
		_, _ = w.out.Write(b)
	}
}

// Write queues a copy of p (loggers reuse their buffers) and returns at
// once. When the queue is full the line is dropped and counted. After
// Close, lines go straight to the sink.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.closed {
		return w.out.Write(p)
	}
	select {
	case w.lines <- append([]byte(nil), p...):
	default:
		w.dropped.Add(1)
	}
	return len(p), nil
}

// Dropped returns how many lines were dropped because the buffer was full.
func (w *Writer) Dropped() int64 { return w.dropped.Load() }

// Close stops taking lines into the buffer and waits until the lines
// already in it are written, or until ctx ends.
func (w *Writer) Close(ctx context.Context) error {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.lines)
	}
	w.mu.Unlock()
	select {
	case <-w.drained:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
