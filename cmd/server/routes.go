package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/coe-child-online/knowledge-graph/graph"
	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore"
	"github.com/coe-child-online/knowledge-graph/resolvers"
	"github.com/coe-child-online/knowledge-graph/resolvers/loaders"
	"github.com/coe-child-online/knowledge-graph/web"
)

// newHandler wires the routes: GraphQL, GraphiQL, health and readiness,
// behind request logging and CORS.
func newHandler(cfg config, store *neo4jstore.Store, logger *slog.Logger, now func() time.Time) (http.Handler, error) {
	gql := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: resolvers.New(store, now)}))
	gql.AddTransport(transport.Options{})
	gql.AddTransport(transport.GET{})
	gql.AddTransport(transport.POST{})
	gql.Use(extension.Introspection{})
	gql.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		if info := requestInfoFrom(ctx); info != nil {
			info.setOperation(graphql.GetOperationContext(ctx).OperationName)
		}
		if err := resolvers.CheckArguments(ctx); err != nil {
			return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{presentError(ctx, err, logger)}})
		}
		return next(ctx)
	})
	// A client that sends X-Debug-Round-Trips sees how many statements its
	// request cost the database, in extensions.roundTrips.
	gql.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if info := requestInfoFrom(ctx); resp != nil && info != nil && info.debugRoundTrips {
			if rt := neo4jstore.RoundTripsFrom(ctx); rt != nil {
				if resp.Extensions == nil {
					resp.Extensions = map[string]any{}
				}
				resp.Extensions["roundTrips"] = rt.Count()
			}
		}
		return resp
	})
	gql.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		return presentError(ctx, err, logger)
	})
	gql.SetRecoverFunc(func(ctx context.Context, p any) error {
		logger.Error("panic in resolver", "request_id", requestID(ctx), "panic", p, "stack", string(debug.Stack()))
		return &model.Error{Code: model.CodeInternal, Message: "internal error"}
	})

	mux := http.NewServeMux()
	mux.Handle("/graphql", loaders.Middleware(store, gql))
	graphiql, err := web.GraphiQL("Child online protection knowledge graph", "/graphql")
	if err != nil {
		return nil, err
	}
	mux.Handle("GET /{$}", graphiql)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if err := store.Ping(ctx); err != nil {
			logger.Warn("not ready", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": model.ErrorMessage(err)})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})

	c := cors.New(cors.Options{
		AllowedOrigins:   cfg.CORSOrigins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders:   []string{"Content-Type", "Authorization", "X-Request-Id", "X-Debug-Round-Trips"},
		ExposedHeaders:   []string{"X-Request-Id"},
		AllowCredentials: cfg.CORSCredentials,
		MaxAge:           600,
	})
	return logRequests(logger, c.Handler(mux)), nil
}

// presentError decides what a client sees of an error: the code and message
// of a model error, GraphQL's own parse and validation errors as they are, and
// for anything else a generic message with the request id, the cause going to
// the log only.
func presentError(ctx context.Context, err error, logger *slog.Logger) *gqlerror.Error {
	gqlErr := graphql.DefaultErrorPresenter(ctx, err)
	id := requestID(ctx)
	var merr *model.Error
	switch {
	case errors.As(err, &merr):
		gqlErr.Message = merr.Message
		if merr.Code == model.CodeInternal || merr.Code == model.CodeUnavailable {
			logger.Error("request failed", "request_id", id, "code", merr.Code, "err", err)
		}
		setCode(gqlErr, merr.Code, id)
	case gqlErr.Extensions != nil && gqlErr.Extensions["code"] != nil:
		// Parse and validation errors carry their own code already.
		setCode(gqlErr, model.Code(gqlErr.Extensions["code"].(string)), id)
	case gqlErr.Path == nil:
		// Errors outside execution (bad variables, unknown operation) are
		// about the request the client sent.
		setCode(gqlErr, model.CodeBadUserInput, id)
	default:
		logger.Error("request failed", "request_id", id, "err", err)
		gqlErr.Message = "internal error; quote request id " + id + " when reporting it"
		setCode(gqlErr, model.CodeInternal, id)
	}
	return gqlErr
}

func setCode(e *gqlerror.Error, code model.Code, id string) {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions["code"] = string(code)
	if id != "" {
		e.Extensions["requestId"] = id
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// requestInfo follows one request so its log line can name the GraphQL
// operation that the handler found inside.
type requestInfo struct {
	id              string
	debugRoundTrips bool
	mu              sync.Mutex
	operation       string
}

func (i *requestInfo) setOperation(name string) {
	i.mu.Lock()
	i.operation = name
	i.mu.Unlock()
}

type requestInfoKey struct{}

func requestInfoFrom(ctx context.Context) *requestInfo {
	info, _ := ctx.Value(requestInfoKey{}).(*requestInfo)
	return info
}

func requestID(ctx context.Context) string {
	if info := requestInfoFrom(ctx); info != nil {
		return info.id
	}
	return ""
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// logRequests gives each request an id (echoed in X-Request-Id and in error
// extensions) and writes one log line when it ends.
func logRequests(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		var b [8]byte
		_, _ = rand.Read(b[:])
		info := &requestInfo{id: hex.EncodeToString(b[:]), debugRoundTrips: r.Header.Get("X-Debug-Round-Trips") != ""}
		w.Header().Set("X-Request-Id", info.id)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		ctx, rt := neo4jstore.WithRoundTrips(context.WithValue(r.Context(), requestInfoKey{}, info))
		next.ServeHTTP(rec, r.WithContext(ctx))
		info.mu.Lock()
		op := info.operation
		info.mu.Unlock()
		logger.Info("request", "request_id", info.id, "method", r.Method, "path", r.URL.Path,
			"operation", op, "status", rec.status, "round_trips", rt.Count(), "duration_ms", float64(time.Since(start).Microseconds())/1000)
	})
}
