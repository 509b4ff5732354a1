package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/db"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// writeAttempts bounds the retries of a write that failed before its commit
// was sent: such a failure left nothing behind, so running it again is safe.
const writeAttempts = 3

// cleanupTimeout bounds a rollback or a session's close: without an answer
// by then, the server rolls back on its own when the connection goes.
const cleanupTimeout = 2 * time.Second

// write runs work in one write transaction: all of it or none. It drives
// the transaction itself rather than through the driver's managed retries,
// to tell the three outcomes apart: committed; failed with nothing written
// (retried while the cause is transient); and sent for commit without an
// answer, which is reported as CodeCommitUnknown because the write may or may
// not have landed (writeKeyed settles that case by reading the write's key
// back).
func (s *Store) write(ctx context.Context, op string, work func(tx neo4j.ManagedTransaction) error) error {
	var err error
	commitBy := s.commits.lastCommit(ctx, time.Now())
	for attempt := 1; attempt <= writeAttempts; attempt++ {
		var committing bool
		committing, err = s.writeOnce(ctx, op, commitBy, work)
		if err == nil {
			return nil
		}
		if committing {
			var nerr *db.Neo4jError
			if errors.As(err, &nerr) && nerr.Classification() == "ClientError" {
				// The server refused the commit for what the transaction
				// did (a constraint, say): it rolled it back. Any other
				// failure, such as a database shutting down, may come
				// after the commit was applied.
				return classify(op, err)
			}
			return &model.Error{Code: model.CodeCommitUnknown,
				Message: "the change was sent to the graph database, but its answer was lost: read the fact before trying again",
				Err:     fmt.Errorf("%s: commit: %w", op, err)}
		}
		if !retryable(err) || ctx.Err() != nil || attempt == writeAttempts {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(attempt) * 100 * time.Millisecond):
		}
	}
	return classify(op, err)
}

// writeOnce runs one attempt; committing tells whether the commit had been
// sent when err happened. A commit is not sent after commitBy (when set):
// the attempt fails then with nothing written, rather than leave too little
// of the deadline for the commit's answer.
func (s *Store) writeOnce(ctx context.Context, op string, commitBy time.Time, work func(tx neo4j.ManagedTransaction) error) (committing bool, err error) {
	ctx, session, done := s.transaction(ctx, op, neo4j.AccessModeWrite)
	defer done()
	// After a failure the rollback and the session's close run on their
	// own, like detached reads: the request answers at its deadline, not
	// after cleaning up with a database that may have stopped answering.
	// They must not depend on the request's context, which may be over,
	// and are bounded by cleanupTimeout; Close waits for them.
	abandon := func(tx neo4j.ExplicitTransaction) {
		s.detached.Add(1)
		go func() {
			defer s.detached.Done()
			c, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
			defer cancel()
			if tx != nil {
				_ = tx.Rollback(c)
			}
			_ = session.Close(c)
		}()
	}
	tx, err := session.BeginTransaction(ctx, neo4j.WithTxTimeout(s.timeout))
	if err != nil {
		abandon(nil)
		return false, err
	}
	vt := &versionTx{ManagedTransaction: tx}
	if err := work(vt); err != nil {
		abandon(tx)
		return false, err
	}
	if err := ctx.Err(); err != nil {
		abandon(tx)
		return false, err
	}
	if !commitBy.IsZero() && time.Now().After(commitBy) {
		abandon(tx)
		return false, fmt.Errorf("too little time left for the commit's answer: %w", context.DeadlineExceeded)
	}
	sent := time.Now()
	if err := tx.Commit(ctx); err != nil {
		// The commit took at least this long: a lower bound still tells
		// the next writes that commits are slow.
		s.commits.add(time.Since(sent))
		abandon(nil)
		return true, err
	}
	s.commits.add(time.Since(sent))
	if vt.moved {
		s.published(vt.version)
	}
	c, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	_ = session.Close(c)
	return false, nil
}
