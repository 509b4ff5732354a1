package neo4jstore

import (
	"context"
	"sync"
)

// Statement is one Cypher statement as the store sent it.
type Statement struct {
	Cypher string
	Params map[string]any
}

// StatementLog records the statements sent on behalf of one context, so a
// benchmark can replay exactly what a request cost, straight through the
// driver. It is set only in-process, never from a request.
type StatementLog struct {
	mu         sync.Mutex
	Statements []Statement
}

type statementLogKey struct{}

// WithStatementLog returns a context whose read statements are recorded in
// the returned log.
func WithStatementLog(ctx context.Context) (context.Context, *StatementLog) {
	l := &StatementLog{}
	return context.WithValue(ctx, statementLogKey{}, l), l
}

func logStatement(ctx context.Context, cypher string, params map[string]any) {
	if l, ok := ctx.Value(statementLogKey{}).(*StatementLog); ok {
		l.mu.Lock()
		l.Statements = append(l.Statements, Statement{Cypher: cypher, Params: params})
		l.mu.Unlock()
	}
}

// Replay runs recorded statements one after another the way the store runs
// reads: read transactions routed to readers, in the configured database.
func (s *Store) Replay(ctx context.Context, statements []Statement) error {
	for _, st := range statements {
		if _, err := s.read(ctx, "replay", st.Cypher, st.Params); err != nil {
			return err
		}
	}
	return nil
}
