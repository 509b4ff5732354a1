// Package httpapi is the service's HTTP surface: the GraphQL transports and
// the error presenter, the guards and limits every request passes (body and
// token caps, directive and cost limits, the rate limit, trusted documents),
// /export, the health checks, CORS and the request log. New builds the one
// handler the service, the tests and the benchmark all serve.
package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/rs/cors"

	"github.com/coe-child-online/knowledge-graph/auth"
	"github.com/coe-child-online/knowledge-graph/graph"
	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/resolvers"
	"github.com/coe-child-online/knowledge-graph/resolvers/loaders"
	"github.com/coe-child-online/knowledge-graph/telemetry"
	"github.com/coe-child-online/knowledge-graph/web"
)

// Config is the request policy of the HTTP surface.
type Config struct {
	// Development turns on introspection, field suggestions and GraphiQL,
	// and lets GET requests through without a preflight header.
	Development bool
	// CORSOrigins are the origins browsers may call from; never "*".
	CORSOrigins     []string
	CORSCredentials bool
	// MaxBodyBytes caps a request's body (and a GET's query string).
	MaxBodyBytes int64
	// MaxTokens caps the tokens the GraphQL parser reads.
	MaxTokens int
	// MaxDirectives caps the directives of a query, counted before parsing.
	MaxDirectives int
	// Limits bound the shape and cost of an operation.
	Limits Limits
	// CostPerMinute is each client's budget of cost points; 0 is no limit.
	CostPerMinute int
	// TrustedDocuments, when set, is a JSON file of the only operations
	// allowed, by the SHA-256 hash of their text.
	TrustedDocuments string
	// RequestTimeout is the deadline of a whole request.
	RequestTimeout time.Duration
	// Auth says who may call: API keys and JWT verifiers, and whether
	// anonymous callers may read.
	Auth auth.Config
	// ExportMaxFacts bounds the nodes plus relationships one /export may
	// return.
	ExportMaxFacts int
	// Metrics serves /metrics.
	Metrics bool
	// CacheMaxAge is the max-age, in seconds, of the Cache-Control of
	// query answers (GET /graphql, /q/{name}, /export). 0, the default,
	// has clients revalidate every time: the ETag then spares the
	// database, and no answer outlives a change.
	CacheMaxAge int
	// Feed bounds the change feed's subscriptions.
	Feed FeedConfig
}

// Defaults returns the production policy; the service's flags and
// environment start from it.
func Defaults() Config {
	return Config{
		CORSOrigins:    []string{"http://127.0.0.1:8080", "http://localhost:8080"},
		MaxBodyBytes:   1 << 20,
		MaxTokens:      5000,
		MaxDirectives:  8,
		Limits:         Limits{MaxDepth: 15, MaxCost: 2000000, MaxAliases: 30, MaxRootFields: 10, MaxFields: 500},
		CostPerMinute:  10000000,
		RequestTimeout: 15 * time.Second,
		Auth:           auth.Config{AnonymousReads: true, Leeway: auth.DefaultLeeway},
		ExportMaxFacts: 500000,
		Metrics:        true,
		Feed:           DefaultFeed(),
	}
}

// Store is what the HTTP surface reads: what the resolvers need, the
// readiness check, and whole-graph documents for /export.
type Store interface {
	resolvers.Store
	Ping(ctx context.Context) error
	Document(ctx context.Context, root string, depth, limit int) (model.GraphDocument, error)
}

// Deps are the handler's collaborators.
type Deps struct {
	Store  Store
	Logger *slog.Logger
	// Telemetry receives the requests' metrics and spans; nil gives the
	// handler telemetry of its own, with tracing off.
	Telemetry *telemetry.Telemetry
	// Now tells today's date to the resolvers and the time to the rate
	// limiter; nil is time.Now.
	Now func() time.Time
	// Streams, when done, ends every open subscription stream, so a server
	// shutting down need not wait for clients that never hang up (they
	// resume from their cursor elsewhere); nil leaves streams to their
	// clients.
	Streams context.Context
}

// New returns the service's handler. Its errors are configuration errors:
// credentials or trusted documents that do not load.
func New(cfg Config, deps Deps) (http.Handler, error) {
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	authn, err := auth.New(cfg.Auth)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if deps.Telemetry == nil {
		if deps.Telemetry, err = telemetry.New(context.Background(), telemetry.Config{Logger: deps.Logger, RequestID: RequestID}); err != nil {
			return nil, err
		}
	}
	limiter := newRateLimiter(cfg.CostPerMinute, deps.Now)
	gql, err := newGraphQL(cfg, deps, limiter, authn)
	if err != nil {
		return nil, err
	}

	book, err := newSavedQueryBook(graph.NewExecutableSchema(graph.Config{}).Schema(), deps.Store)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	cache := &answerCache{version: versionOf(deps.Store), maxAge: cfg.CacheMaxAge, roleDependent: !cfg.Auth.AnonymousReads, logger: deps.Logger}

	mux := http.NewServeMux()
	mux.Handle("/graphql", authenticate(authn, guardRequests(cfg, endStreams(deps.Streams, graphqlGET(cache, loaders.Middleware(deps.Store, gql), deps.Now, deps.Logger)))))
	// A saved query runs through the chain of a POST to /graphql. Its GET
	// needs no preflight header: it only ever runs a query.
	mux.Handle("GET /q/{name}", authenticate(authn, savedQueryHandler(book, cache, guardRequests(cfg, loaders.Middleware(deps.Store, gql)), deps.Now, deps.Logger)))
	mux.Handle("GET /export", authenticate(authn, exportCache(cache, exportHandler(cfg, deps.Store, limiter, deps.Logger))))
	// The explorer always; GraphiQL (at / and /graphiql) only in
	// development, where introspection is on for it.
	if err := web.Mount(mux, cfg.Development); err != nil {
		return nil, err
	}
	if cfg.Metrics {
		mux.Handle("GET /metrics", deps.Telemetry.Metrics.Handler())
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.Handle("GET /readyz", readiness(deps.Store, deps.Logger))

	c := cors.New(cors.Options{
		AllowedOrigins:   cfg.CORSOrigins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders:   []string{"Content-Type", "Authorization", "X-Api-Key", "X-Request-Id", "X-Debug-Round-Trips", "GraphQL-Require-Preflight", "If-None-Match", resolvers.IdempotencyHeader},
		ExposedHeaders:   []string{"X-Request-Id", "X-RateLimit-Limit", "X-RateLimit-Remaining", "Retry-After", "ETag", "Content-Disposition"},
		AllowCredentials: cfg.CORSCredentials,
		MaxAge:           600,
	})
	return logRequests(deps.Logger, deps.Telemetry, c.Handler(mux)), nil
}

// readiness answers 200 while the database answers, and 503 with the reason
// while it does not, so a load balancer sends no traffic meanwhile.
func readiness(store Store, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if err := store.Ping(ctx); err != nil {
			logger.Warn("not ready", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": model.ErrorMessage(err)})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
}
