// Package neo4jstore is the only package that talks to Neo4j: it owns the
// driver, holds the Cypher beside the methods that run it, maps records to
// model types and driver failures to model error codes.
package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/db"

	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/telemetry"
)

// Config says where Neo4j is and how to use it.
type Config struct {
	// URI is a bolt://, neo4j://, bolt+s:// or neo4j+s:// address.
	URI      string
	User     string
	Password string
	// Database is the database every query names, so no round trip is spent
	// resolving the home database.
	Database string
	// QueryTimeout bounds each transaction on the server as well as the client.
	QueryTimeout time.Duration
	// MaxPoolSize caps open connections; zero keeps the driver's default.
	MaxPoolSize int
	// Observer hears of every round trip and statement; nil counts round
	// trips only (telemetry.CountOnly).
	Observer telemetry.Observer
	// KeyLifetime is how long an idempotency key answers for its write;
	// zero means DefaultKeyLifetime.
	KeyLifetime time.Duration
	// VersionPoll is how often the version watcher reads the graph's
	// version (see WatchVersion); zero means DefaultVersionPoll.
	VersionPoll time.Duration
}

// Store reads and writes the knowledge graph in Neo4j. It is safe for
// concurrent use.
type Store struct {
	driver  neo4j.DriverWithContext
	db      string
	timeout time.Duration
	uri     string
	// sent counts every statement since the store opened.
	sent atomic.Int64
	// detached tracks reads whose caller stopped waiting, so Close does not
	// pull the driver from under them.
	detached sync.WaitGroup
	obs      telemetry.Observer
	inFlight atomic.Int64
	poolSize int
	// warm is set once the driver has made its first connection attempt;
	// warmMu makes that attempt alone (see warmUp).
	warm   atomic.Bool
	warmMu sync.Mutex
	// commits times recent commits (see lastCommit).
	commits commitTimes
	// keyLifetime and keySchemaReady serve idempotency keys (see
	// writeKeyed).
	keyLifetime    time.Duration
	keySchemaReady atomic.Bool
	// watch follows the graph's version for every consumer (see
	// WatchVersion).
	watch versionWatch
}

// warmUp lets the driver make its first connection attempt alone. The
// driver (5.28) sets up its dialer during the first attempt without a
// lock, so two first attempts at once race; after one attempt, whether it
// reached the server or not, the dialer is set and later ones only read it.
// The attempt has its own short deadline: a request's may already be over,
// and the attempt must reach the dialer to count.
func (s *Store) warmUp() {
	if s.warm.Load() {
		return
	}
	s.warmMu.Lock()
	defer s.warmMu.Unlock()
	if s.warm.Load() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.driver.VerifyConnectivity(ctx)
	s.warm.Store(true)
}

// StatementsSent returns how many statements the store has sent to Neo4j
// since it opened.
func (s *Store) StatementsSent() int64 { return s.sent.Load() }

// Open creates the driver. It does not contact the server: Ping does, so a
// service can start while Neo4j is still down and connect when it comes up.
func Open(cfg Config) (*Store, error) {
	if err := CheckURI(cfg.URI); err != nil {
		return nil, fmt.Errorf("open neo4j: %w", err)
	}
	u, err := url.Parse(cfg.URI)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("open neo4j: %q is not a Neo4j URI (want bolt://host:port or neo4j://host:port)", cfg.URI)
	}
	timeout := cfg.QueryTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	driver, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.User, cfg.Password, ""), func(c *config.Config) {
		// Fail fast when the database is away: a request should get
		// UNAVAILABLE well within its own deadline rather than wait out the
		// driver's 30 s default retry budget and 60 s acquisition timeout.
		c.MaxTransactionRetryTime = timeout / 2
		c.ConnectionAcquisitionTimeout = timeout / 2
		c.SocketConnectTimeout = 3 * time.Second
		if cfg.MaxPoolSize > 0 {
			c.MaxConnectionPoolSize = cfg.MaxPoolSize
		}
	})
	if err != nil {
		return nil, fmt.Errorf("open neo4j %s: %w", cfg.URI, err)
	}
	db := cfg.Database
	if db == "" {
		db = "neo4j"
	}
	var obs telemetry.Observer = telemetry.CountOnly{}
	if cfg.Observer != nil {
		obs = cfg.Observer
	}
	pool := cfg.MaxPoolSize
	if pool <= 0 {
		pool = 100 // the driver's default
	}
	lifetime := cfg.KeyLifetime
	if lifetime <= 0 {
		lifetime = DefaultKeyLifetime
	}
	s := &Store{driver: driver, db: db, timeout: timeout, uri: redact(u), obs: obs, poolSize: pool, keyLifetime: lifetime}
	s.watch.every = cfg.VersionPoll
	return s, nil
}

// Connect opens the store and checks that Neo4j answers, for commands that
// have nothing to do without it. The caller closes the store.
func Connect(ctx context.Context, cfg Config) (*Store, error) {
	s, err := Open(cfg)
	if err != nil {
		return nil, err
	}
	if err := s.Ping(ctx); err != nil {
		_ = s.Close(context.Background())
		return nil, fmt.Errorf("%w (is Neo4j running? `make neo4j-start` starts one)", err)
	}
	return s, nil
}

// URI returns the address of the database without credentials, for logs.
func (s *Store) URI() string { return s.uri }

// Close closes the driver and its connections, after the reads still
// running on their own have ended (or the transaction timeout has passed).
func (s *Store) Close(ctx context.Context) error {
	s.stopWatch()
	done := make(chan struct{})
	go func() {
		s.detached.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(s.timeout + time.Second):
	case <-ctx.Done():
	}
	if err := s.driver.Close(ctx); err != nil {
		return fmt.Errorf("close neo4j: %w", err)
	}
	return nil
}

// Ping checks that the database answers and accepts the credentials. It
// returns an UNAVAILABLE error naming the URI when it does not.
func (s *Store) Ping(ctx context.Context) error {
	s.warmUp()
	if err := s.driver.VerifyConnectivity(ctx); err != nil {
		return &model.Error{Code: model.CodeUnavailable, Message: fmt.Sprintf("neo4j at %s does not answer", s.uri), Err: err}
	}
	return nil
}

// read runs one parameterised statement in a read transaction routed to
// readers, so the same code serves a cluster.
//
// The driver gets a context without the request's deadline: given one, it
// races every socket read against it, which tripled the latency of small
// queries in the benchmark. The deadline still holds: the server aborts the
// transaction after its timeout, and the caller stops waiting when ctx ends,
// leaving the statement to finish on its own (bounded by that timeout, and by
// the pool size when the database hangs).
func (s *Store) read(ctx context.Context, op, cypher string, params map[string]any) (*neo4j.EagerResult, error) {
	s.warmUp()
	s.obs.RoundTrip(ctx)
	s.sent.Add(1)
	logStatement(ctx, cypher, params)
	ctx, observed := s.observe(ctx, op, cypher)
	run := func(ctx context.Context) (res *neo4j.EagerResult, err error) {
		defer func() {
			if err != nil {
				observed(telemetry.Timing{}, err)
			} else {
				observed(timingOf(res.Summary), nil)
			}
		}()
		return neo4j.ExecuteQuery(ctx, s.driver, cypher, params, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase(s.db),
			neo4j.ExecuteQueryWithReadersRouting(),
			neo4j.ExecuteQueryWithTransactionConfig(neo4j.WithTxTimeout(s.timeout)))
	}
	if ctx.Done() == nil {
		res, err := run(ctx)
		if err != nil {
			return nil, classify(op, err)
		}
		return res, nil
	}
	type answer struct {
		res *neo4j.EagerResult
		err error
	}
	done := make(chan answer, 1)
	s.detached.Add(1)
	go func() {
		defer s.detached.Done()
		res, err := run(context.WithoutCancel(ctx))
		done <- answer{res, err}
	}()
	select {
	case a := <-done:
		if a.err != nil {
			return nil, classify(op, a.err)
		}
		return a.res, nil
	case <-ctx.Done():
		return nil, classify(op, ctx.Err())
	}
}

// classify wraps a driver error with the operation's name and the code a
// client may see; the driver's own text stays in the wrapped cause.
func classify(op string, err error) error {
	var merr *model.Error
	if errors.As(err, &merr) {
		return fmt.Errorf("%s: %w", op, err)
	}
	var nerr *db.Neo4jError
	isNeo4j := errors.As(err, &nerr)
	switch {
	case isNeo4j && nerr.Code == "Neo.ClientError.Schema.ConstraintValidationFailed":
		return &model.Error{Code: model.CodeConflict, Message: "the change clashes with a fact written at the same time; read it again", Err: fmt.Errorf("%s: %w", op, err)}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled),
		isNeo4j && strings.HasPrefix(nerr.Code, "Neo.ClientError.Transaction.TransactionTimedOut"),
		// The driver's own cancelled read or write does not wrap the
		// context's error; only its text says so.
		strings.Contains(err.Error(), "connection has been canceled"):
		return &model.Error{Code: model.CodeUnavailable, Message: "the graph database did not answer in time", Err: fmt.Errorf("%s: %w", op, err)}
	case unavailable(err):
		return &model.Error{Code: model.CodeUnavailable, Message: "the graph database is unavailable; try again shortly", Err: fmt.Errorf("%s: %w", op, err)}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// unavailable tells the errors of a database that is away, starting,
// stopping or overloaded, wherever they sit in err's chain: trying again
// later may work.
func unavailable(err error) bool {
	var cerr *neo4j.ConnectivityError
	var limit *neo4j.TransactionExecutionLimit
	var nerr *db.Neo4jError
	switch {
	case errors.As(err, &cerr), errors.As(err, &limit), isNetworkError(err):
		return true
	case errors.As(err, &nerr):
		switch nerr.Code {
		case "Neo.ClientError.Security.Unauthorized", "Neo.ClientError.Transaction.Terminated",
			"Neo.ClientError.Transaction.LockClientStopped", "Neo.ClientError.Database.DatabaseNotFound":
			return true
		}
		return nerr.Classification() == "TransientError"
	}
	// A server still starting answers the Bolt handshake with no version.
	return strings.Contains(err.Error(), "Bolt versions")
}

// retryable tells whether a write that failed before its commit may run
// again: the driver's own rule, applied through any wrapping.
func retryable(err error) bool {
	var cerr *neo4j.ConnectivityError
	var nerr *db.Neo4jError
	switch {
	case errors.As(err, &cerr):
		return neo4j.IsRetryable(cerr)
	case errors.As(err, &nerr):
		return nerr.IsRetriable() || nerr.Code == "Neo.ClientError.Transaction.LockClientStopped"
	}
	return neo4j.IsRetryable(err)
}

func redact(u *url.URL) string {
	c := *u
	c.User = nil
	return c.String()
}

// isNetworkError catches a connection that broke where the driver passes the
// socket's error on without wrapping it.
func isNetworkError(err error) bool {
	var nerr net.Error
	var usage *neo4j.UsageError
	return errors.As(err, &nerr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		(errors.As(err, &usage) && strings.Contains(usage.Message, "closed"))
}
