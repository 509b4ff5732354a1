// Command server serves the knowledge graph over GraphQL, with GraphiQL at /,
// health at /healthz and readiness at /readyz.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore"
	"github.com/coe-child-online/knowledge-graph/httpapi"
	"github.com/coe-child-online/knowledge-graph/logbuffer"
	"github.com/coe-child-online/knowledge-graph/telemetry"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

// run starts the service and blocks until ctx is cancelled, then drains
// in-flight requests and closes the driver.
// logBufferLines is how many log lines wait in memory for a slow sink
// before further lines are dropped (and counted in
// kg_log_lines_dropped_total): a few seconds of a busy service's requests.
const logBufferLines = 10000

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := loadConfig(args, getenv)
	if err != nil {
		return err
	}
	// Requests log as they fail; a sink that stalls (a busy disk, a full
	// pipe) must not hold their answers past the deadline.
	logs := logbuffer.New(stdout, logBufferLines)
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = logs.Close(closeCtx)
	}()
	logger := newLogger(logs, cfg.LogLevel, cfg.HTTP.Development)

	tel, err := telemetry.New(ctx, telemetry.Config{Version: version(), OTLPEndpoint: cfg.OTLPEndpoint, SlowQuery: cfg.SlowQuery,
		Logger: logger, RequestID: httpapi.RequestID})
	if err != nil {
		return err
	}
	tel.Metrics.CountDroppedLogLines(logs.Dropped)
	defer func() {
		flushCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := tel.Shutdown(flushCtx); err != nil {
			logger.Warn("flush traces", "err", err)
		}
	}()
	cfg.Neo4j.Observer = tel
	store, err := neo4jstore.Open(cfg.Neo4j)
	if err != nil {
		return err
	}
	tel.Metrics.WatchPool(store)
	store.StartVersionWatch()
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := store.Close(closeCtx); err != nil {
			logger.Error("close driver", "err", err)
		}
	}()

	defer store.StartKeyPurge(ctx, cfg.Neo4j.KeyLifetime, func(err error, retryIn time.Duration) {
		logger.Warn("purge expired idempotency keys; trying again later", "err", err, "retry_in", retryIn.String())
	})()

	connectCtx, stopConnect := context.WithCancel(ctx)
	defer stopConnect()
	go waitForDatabase(connectCtx, store, logger)

	if cfg.PprofAddr != "" {
		go servePprof(ctx, cfg.PprofAddr, logger)
	}

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	// Subscription streams end when the shutdown begins: their clients
	// resume from their cursors, and the drain need not wait for them.
	streams, endStreams := context.WithCancel(context.Background())
	defer endStreams()
	h, err := httpapi.New(cfg.HTTP, httpapi.Deps{Store: store, Logger: logger, Telemetry: tel, Now: time.Now, Streams: streams})
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      cfg.Neo4j.QueryTimeout + 10*time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	srv.RegisterOnShutdown(endStreams)
	logger.Info("listening", "graphql", "http://"+ln.Addr().String()+"/graphql", "graphiql", "http://"+ln.Addr().String()+"/", "neo4j", store.URI())

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// waitForDatabase checks Neo4j at start and, while it is away, keeps
// checking with a growing pause, so the service comes up before the database
// and reports when it is reachable.
func waitForDatabase(ctx context.Context, store *neo4jstore.Store, logger *slog.Logger) {
	pause := time.Second
	for attempt := 1; ; attempt++ {
		pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := store.Ping(pingCtx)
		cancel()
		if err == nil {
			logger.Info("neo4j reachable", "uri", store.URI())
			return
		}
		if attempt == 1 || attempt%10 == 0 {
			logger.Warn("neo4j unreachable; retrying in the background, /readyz answers 503 meanwhile", "uri", store.URI(), "attempt", attempt, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		if pause < 10*time.Second {
			pause *= 2
		}
	}
}

// servePprof serves the profiler on its own loopback listener, apart from
// the public routes, until ctx ends.
func servePprof(ctx context.Context, addr string, logger *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	logger.Info("profiler", "addr", "http://"+addr+"/debug/pprof/")
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Error("profiler", "err", err)
	}
}

// version names the build from the module information Go records.
func version() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return s.Value[:12]
			}
		}
		if info.Main.Version != "" {
			return info.Main.Version
		}
	}
	return "dev"
}
