package neo4jstore

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// The graph's version lives on one node, joined to nothing like the audit
// trail: the sequence the trail's entries take their numbers from, the
// epoch chosen when the node was made, and the seed files last loaded.
//
// sequenceLock begins every statement that moves the version. It makes the
// node on first use (the graph_version_id constraint keeps two writers from
// making two) and takes its write lock before anything reads the sequence,
// so two transactions never read the same value: the second waits for the
// first to commit or roll back.
const sequenceLock = `
MERGE (q:GraphVersion {id: 'graph'})
ON CREATE SET q.epoch = randomUUID(), q.seq = 0
SET q._lock = true
REMOVE q._lock`

// versionStatement reads the version. It is the watcher's whole poll: one
// lookup in a unique index.
const versionStatement = `
OPTIONAL MATCH (q:GraphVersion {id: 'graph'})
RETURN q.epoch AS epoch, q.seq AS seq, q.seed AS seed`

// versionOfRecords reads the epoch, seq and seed columns of a statement's
// first record; no record, or a null epoch, is the version of a graph that
// has no sequence yet.
func versionOfRecords(recs []*neo4j.Record) model.GraphVersion {
	var v model.GraphVersion
	if len(recs) == 0 {
		return v
	}
	m := recs[0].AsMap()
	v.Epoch, _ = m["epoch"].(string)
	v.Seq, _ = m["seq"].(int64)
	v.Seed, _ = m["seed"].(string)
	return v
}

// versionTx is the transaction write hands to its work: a statement that
// moves the version notes the new one here, and write tells the watcher
// once the transaction has committed.
type versionTx struct {
	neo4j.ManagedTransaction
	moved   bool
	version model.GraphVersion
}

// noteVersion records the version a statement of tx returned (epoch, seq,
// seed columns), for write to publish after the commit.
func noteVersion(tx neo4j.ManagedTransaction, recs []*neo4j.Record) {
	if vt, ok := tx.(*versionTx); ok {
		vt.moved, vt.version = true, versionOfRecords(recs)
	}
}

// Version reads the graph's version from the database. Every process on one
// database reads the same.
func (s *Store) Version(ctx context.Context) (model.GraphVersion, error) {
	res, err := s.read(ctx, "read graph version", versionStatement, nil)
	if err != nil {
		return model.GraphVersion{}, err
	}
	return versionOfRecords(res.Records), nil
}

// RecordSeedVersion notes which seed files the graph was loaded from. The
// seed loader calls it after each load, so a load of other files moves the
// version even where it changes no fact.
func (s *Store) RecordSeedVersion(ctx context.Context, seed string) error {
	return s.write(ctx, "record seed version", func(tx neo4j.ManagedTransaction) error {
		recs, err := collect(ctx, tx, sequenceLock+`
WITH q
SET q.seed = $seed
RETURN q.epoch AS epoch, q.seq AS seq, q.seed AS seed`, map[string]any{"seed": seed})
		if err != nil {
			return fmt.Errorf("record seed version: %w", err)
		}
		noteVersion(tx, recs)
		return nil
	})
}

// moveVersion advances the sequence without an audit entry, for writes the
// trail does not describe one by one (a bulk load): the number it takes is
// never an entry's, so readers of the trail see a gap, not a missing entry.
func (s *Store) moveVersion(ctx context.Context, op string) error {
	return s.write(ctx, op, func(tx neo4j.ManagedTransaction) error {
		recs, err := collect(ctx, tx, sequenceLock+`
WITH q
SET q.seq = q.seq + 1
RETURN q.epoch AS epoch, q.seq AS seq, q.seed AS seed`, nil)
		if err != nil {
			return fmt.Errorf("%s: move version: %w", op, err)
		}
		noteVersion(tx, recs)
		return nil
	})
}

// NumberChanges gives audit entries written before the trail was numbered
// their sequence numbers, oldest first (change ids sort by time), after
// the highest number already given. It is idempotent: EnsureSchema and the
// version watcher's first poll run it, so a graph seeded by an older
// version of the service is numbered at its first start. It returns how
// many entries it numbered.
func (s *Store) NumberChanges(ctx context.Context) (int, error) {
	const op = "number audit entries"
	var numbered int64
	err := s.write(ctx, op, func(tx neo4j.ManagedTransaction) error {
		if _, err := collect(ctx, tx, sequenceLock, nil); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		recs, err := collect(ctx, tx, `
MATCH (q:GraphVersion {id: 'graph'})
OPTIONAL MATCH (n:Change) WHERE n.seq IS NOT NULL
WITH q, coalesce(max(n.seq), 0) AS top
WITH q, CASE WHEN top > q.seq THEN top ELSE q.seq END AS base
OPTIONAL MATCH (c:Change) WHERE c.seq IS NULL
WITH q, base, c ORDER BY c.id
WITH q, base, collect(c) AS cs
FOREACH (i IN range(0, size(cs) - 1) | FOREACH (c IN [cs[i]] | SET c.seq = base + i + 1))
SET q.seq = base + size(cs)
RETURN q.epoch AS epoch, q.seq AS seq, q.seed AS seed, size(cs) AS numbered`, nil)
		if err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		if len(recs) > 0 {
			numbered, _ = recs[0].AsMap()["numbered"].(int64)
		}
		noteVersion(tx, recs)
		return nil
	})
	return int(numbered), err
}

// DefaultVersionPoll is how often the version watcher reads the version
// when Config.VersionPoll is zero.
const DefaultVersionPoll = 250 * time.Millisecond

// versionWatch is the store's one watcher of the version, shared by every
// consumer: it starts with the first WatchVersion and polls until Close.
type versionWatch struct {
	once  sync.Once
	every time.Duration
	stop  context.CancelFunc
	done  chan struct{}

	mu      sync.Mutex
	current model.GraphVersion
	known   bool
	// lastOK is when the database last answered the poll (or a local
	// commit told the version).
	lastOK time.Time
	// changed is closed, and replaced, each time current moves.
	changed chan struct{}
	// ready is closed once the first version is known.
	ready    chan struct{}
	lastErr  error
	numbered bool
}

// publish makes v the current version, waking everyone waiting on the old
// one. A poll that answers with a lower sequence of the same epoch and seed
// than a local commit already published is older than that commit and is
// ignored.
func (w *versionWatch) publish(v model.GraphVersion, at time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.changed == nil {
		w.changed, w.ready = make(chan struct{}), make(chan struct{})
	}
	w.lastOK, w.lastErr = at, nil
	if w.known {
		if v == w.current {
			return
		}
		if v.Epoch == w.current.Epoch && v.Seed == w.current.Seed && v.Seq < w.current.Seq {
			return
		}
	}
	wasKnown := w.known
	w.current, w.known = v, true
	close(w.changed)
	w.changed = make(chan struct{})
	if !wasKnown {
		close(w.ready)
	}
}

func (w *versionWatch) failed(err error) {
	w.mu.Lock()
	w.lastErr = err
	w.mu.Unlock()
}

// published tells a local commit's version to the watcher, so this
// process's consumers see its own writes at once rather than at the next
// poll.
func (s *Store) published(v model.GraphVersion) {
	s.watch.mu.Lock()
	running := s.watch.changed != nil
	s.watch.mu.Unlock()
	if running {
		s.watch.publish(v, time.Now())
	}
}

// StartVersionWatch starts the version watcher now rather than at the
// first WatchVersion, so its first poll numbers the audit entries an older
// version of the service left unnumbered before any new entry takes a
// number. The service calls it at start; Close stops the watcher.
func (s *Store) StartVersionWatch() { s.startWatch() }

// startWatch starts the poller once.
func (s *Store) startWatch() {
	s.watch.once.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		s.watch.mu.Lock()
		if s.watch.changed == nil {
			s.watch.changed, s.watch.ready = make(chan struct{}), make(chan struct{})
		}
		s.watch.stop, s.watch.done = cancel, make(chan struct{})
		done := s.watch.done
		s.watch.mu.Unlock()
		go s.pollVersion(ctx, done)
	})
}

// pollVersion reads the version every interval until ctx ends. It sends
// its statement past the store's counters (StatementsSent, the observer):
// the poll is the service's own, and a request that Neo4j did not serve
// must count none.
func (s *Store) pollVersion(ctx context.Context, done chan struct{}) {
	defer close(done)
	every := s.watch.every
	if every <= 0 {
		every = DefaultVersionPoll
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		s.pollOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (s *Store) pollOnce(ctx context.Context) {
	s.warmUp()
	if !s.watch.numbered {
		// Older entries get their numbers before anyone reads the trail by
		// number.
		c, cancel := context.WithTimeout(ctx, s.timeout)
		_, err := s.NumberChanges(c)
		cancel()
		if err != nil {
			s.watch.failed(err)
			return
		}
		s.watch.numbered = true
	}
	c, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	// Routed to the writer: in a cluster a follower may lag behind the
	// commit that moved the version.
	res, err := neo4j.ExecuteQuery(c, s.driver, versionStatement, nil, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(s.db), neo4j.ExecuteQueryWithWritersRouting())
	if err != nil {
		s.watch.failed(classify("poll graph version", err))
		return
	}
	s.watch.publish(versionOfRecords(res.Records), time.Now())
}

// staleAfter is how long a watched version stays current without an answer
// from the database: past it, WatchVersion fails rather than vouch for a
// version another process may have moved.
func (w *versionWatch) staleAfter() time.Duration {
	every := w.every
	if every <= 0 {
		every = DefaultVersionPoll
	}
	return max(8*every, 2*time.Second)
}

// WatchVersion returns the graph's current version as the store's watcher
// last read it, and a channel closed when the version moves past it. The
// first call starts the watcher, which polls the database every
// Config.VersionPoll with one small statement, for all callers together,
// until Close; it waits for the first poll (bounded by ctx). Writes through
// this store publish their version at their commit; others' writes (another
// process, the seed loader) show at the next poll. It fails with
// UNAVAILABLE while the database has not answered the poll for a while, so
// a cache never vouches for a version it cannot check.
func (s *Store) WatchVersion(ctx context.Context) (model.GraphVersion, <-chan struct{}, error) {
	s.startWatch()
	s.watch.mu.Lock()
	ready := s.watch.ready
	s.watch.mu.Unlock()
	select {
	case <-ready:
	case <-ctx.Done():
		return model.GraphVersion{}, nil, classify("watch graph version", ctx.Err())
	}
	s.watch.mu.Lock()
	defer s.watch.mu.Unlock()
	if time.Since(s.watch.lastOK) > s.watch.staleAfter() {
		err := s.watch.lastErr
		if err == nil {
			err = fmt.Errorf("no answer since %s", s.watch.lastOK.Format(time.RFC3339))
		}
		return model.GraphVersion{}, nil, &model.Error{Code: model.CodeUnavailable,
			Message: "the graph's version cannot be checked: the database does not answer", Err: fmt.Errorf("watch graph version: %w", err)}
	}
	return s.watch.current, s.watch.changed, nil
}

// AwaitVersion blocks until the graph's version differs from v (or ctx
// ends) and returns the new one.
func (s *Store) AwaitVersion(ctx context.Context, v model.GraphVersion) (model.GraphVersion, error) {
	for {
		cur, changed, err := s.WatchVersion(ctx)
		if err != nil {
			return model.GraphVersion{}, err
		}
		if cur != v {
			return cur, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return model.GraphVersion{}, classify("await graph version", ctx.Err())
		}
	}
}

// stopWatch ends the poller, if it runs, and waits for it.
func (s *Store) stopWatch() {
	s.watch.mu.Lock()
	stop, done := s.watch.stop, s.watch.done
	s.watch.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
}
