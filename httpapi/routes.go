package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/coe-child-online/knowledge-graph/auth"
	"github.com/coe-child-online/knowledge-graph/graph"
	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/resolvers"
	"github.com/coe-child-online/knowledge-graph/telemetry"
)

// planCacheSize is how many compiled statements the read planner keeps:
// a dashboard's queries, many times over.
const planCacheSize = 1000

// newGraphQL builds the GraphQL server: its transports, the query cache, the
// parser's token cap, the directive limit, introspection in development only,
// persisted and trusted documents, the checks every operation passes before
// it runs, the read planner that answers each root field of a query in one
// statement, and the error presenter.
func newGraphQL(cfg Config, deps Deps, limiter *rateLimiter, authn *auth.Authenticator) (*handler.Server, error) {
	logger := deps.Logger
	res := resolvers.New(deps.Store, deps.Now)
	schema := graph.NewExecutableSchema(graph.Config{Resolvers: res})
	planner, err := resolvers.NewPlanner(res, schema, planCacheSize)
	if err != nil {
		return nil, err
	}
	gql := handler.New(schema)
	// Each root field of a query is one statement of the read planner;
	// the resolvers answer the rest.
	gql.Use(planner)
	gql.AddTransport(transport.Options{})
	addStreamTransports(gql, cfg, authn)
	gql.AddTransport(transport.GET{})
	gql.AddTransport(transport.POST{})
	gql.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	gql.SetParserTokenLimit(cfg.MaxTokens)
	gql.Use(directiveLimit{max: cfg.MaxDirectives})
	if cfg.Development {
		gql.Use(extension.Introspection{})
	} else {
		// Suggestions ("did you mean ...") would reveal the schema that
		// turning introspection off hides.
		gql.SetDisableSuggestion(true)
	}
	apqCache := lru.New[string](1000)
	var trusted trustedDocuments
	if cfg.TrustedDocuments != "" {
		if trusted, err = loadTrustedDocuments(cfg.TrustedDocuments); err != nil {
			return nil, err
		}
		for h, q := range trusted {
			apqCache.Add(context.Background(), h, q)
		}
	}
	gql.Use(extension.AutomaticPersistedQuery{Cache: apqCache})
	gql.AroundOperations(admit(cfg, trusted, limiter, newFeedGate(cfg.Feed), deps.Telemetry, logger))
	// Every answer carries its cost in extensions.cost; a client that sends
	// X-Debug-Round-Trips also sees the statements it cost the database.
	gql.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		info := requestInfoFrom(ctx)
		if resp == nil || info == nil {
			return resp
		}
		if resp.Extensions == nil {
			resp.Extensions = map[string]any{}
		}
		resp.Extensions["cost"] = info.cost()
		if info.debugRoundTrips {
			if rt := telemetry.RoundTripsFrom(ctx); rt != nil {
				resp.Extensions["roundTrips"] = rt.Count()
			}
		}
		return resp
	})
	gql.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		return presentError(ctx, err, logger)
	})
	gql.SetRecoverFunc(func(ctx context.Context, p any) error {
		logger.Error("panic in resolver", "request_id", RequestID(ctx), "panic", p, "stack", string(debug.Stack()))
		return &model.Error{Code: model.CodeInternal, Message: "internal error"}
	})
	return gql, nil
}

// admit decides, once an operation is parsed and before it runs, whether it
// may run: the caller may read, the operation is trusted when a list is
// set, its shape is within the limits, and its cost within the caller's
// budget. A subscription also needs a place at the feed's gate, which it
// holds until its stream ends, and costs Feed.Cost more.
func admit(cfg Config, trusted trustedDocuments, limiter *rateLimiter, gate *feedGate, tel *telemetry.Telemetry, logger *slog.Logger) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		oc := graphql.GetOperationContext(ctx)
		info := requestInfoFrom(ctx)
		if info != nil {
			name := oc.OperationName
			if name == "" && oc.Operation != nil {
				// The name in the document, when the request does not
				// repeat it in operationName.
				name = oc.Operation.Name
			}
			info.setOperation(name)
		}
		refuse := func(err error) graphql.ResponseHandler {
			return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{presentError(ctx, err, logger)}})
		}
		if auth.FromContext(ctx).Role < auth.RoleReader {
			return refuse(model.Errorf(model.CodeUnauthenticated, "this server needs an API key or token to read; send it as Authorization: Bearer ..."))
		}
		if trusted != nil && !isSavedQuery(ctx) {
			if _, ok := trusted[hashQuery(oc.RawQuery)]; !ok {
				return refuse(model.Errorf(model.CodeForbidden, "only registered operations run here; this one is not registered"))
			}
		}
		shape, err := inspect(ctx, cfg.Limits)
		subscription := oc.Operation != nil && oc.Operation.Operation == ast.Subscription
		if subscription {
			shape.Cost += cfg.Feed.Cost
		}
		if info != nil {
			info.setCost(shape.Cost)
		}
		if err != nil {
			return refuse(err)
		}
		release := func() {}
		if subscription {
			client := ""
			if info != nil {
				info.mu.Lock()
				client = info.client
				info.mu.Unlock()
			}
			if release, err = gate.enter(client); err != nil {
				return refuse(err)
			}
		}
		if cfg.CostPerMinute > 0 && info != nil {
			ok, remaining, retry := limiter.take(info.client, shape.Cost)
			info.setBudget(cfg.CostPerMinute, remaining, retry)
			if !ok {
				release()
				tel.Metrics.RateLimited()
				return refuse(model.Errorf(model.CodeRateLimited, "this client has spent its budget of %d cost points per minute; retry in %s", cfg.CostPerMinute, retry))
			}
		}
		if subscription {
			return holdUntilDone(ctx, release, next(ctx))
		}
		return next(ctx)
	}
}

// presentError decides what a client sees of an error: the code and message
// of a model error, GraphQL's own parse and validation errors as they are, and
// for anything else a generic message with the request id, the cause going to
// the log only.
func presentError(ctx context.Context, err error, logger *slog.Logger) *gqlerror.Error {
	gqlErr := graphql.DefaultErrorPresenter(ctx, err)
	id := RequestID(ctx)
	var merr *model.Error
	switch {
	case errors.As(err, &merr):
		gqlErr.Message = merr.Message
		if arg := argumentError(ctx, err); arg != "" {
			gqlErr.Message = "argument " + arg + ": " + merr.Message
		}
		switch merr.Code {
		case model.CodeInternal, model.CodeUnavailable, model.CodeCommitUnknown:
			logger.Error("request failed", "request_id", id, "code", merr.Code, "err", err, "cause", merr.Err)
		}
		setCode(gqlErr, merr.Code, id)
		if merr.IdempotencyKey != "" {
			// The key a retry must be sent with to apply the write at
			// most once (docs/operations.md, "Retrying writes").
			gqlErr.Extensions["idempotencyKey"] = merr.IdempotencyKey
		}
	case gqlErr.Message == "introspection disabled":
		gqlErr.Message = "introspection is turned off in production mode"
		setCode(gqlErr, model.CodeForbidden, id)
	case gqlErr.Extensions != nil && gqlErr.Extensions["code"] != nil:
		// Parse and validation errors carry their own code already.
		setCode(gqlErr, model.Code(gqlErr.Extensions["code"].(string)), id)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		// A batch loader gave up waiting at the request's deadline.
		gqlErr.Message = "the graph database did not answer in time"
		setCode(gqlErr, model.CodeUnavailable, id)
	case argumentError(ctx, err) != "":
		// A value the client wrote that the argument's type refused,
		// caught while the field's arguments were read.
		gqlErr.Message = "argument " + argumentError(ctx, err) + ": " + gqlErr.Message
		setCode(gqlErr, model.CodeBadUserInput, id)
	case gqlErr.Path == nil:
		// Errors outside execution (bad variables, unknown operation) are
		// about the request the client sent.
		setCode(gqlErr, model.CodeBadUserInput, id)
	default:
		logger.Error("request failed", "request_id", id, "err", err)
		gqlErr.Message = "internal error; quote request id " + id + " when reporting it"
		setCode(gqlErr, model.CodeInternal, id)
	}
	if info := requestInfoFrom(ctx); info != nil {
		code, _ := gqlErr.Extensions["code"].(string)
		info.setCode(code)
	}
	return gqlErr
}

// argumentError returns the name of the field argument whose value could
// not be read as its type, when err is such an error, and "" otherwise.
// gqlgen reports these on the field's path followed by the argument's name
// (and the input fields inside it), which no resolver error carries.
func argumentError(ctx context.Context, err error) string {
	var ge *gqlerror.Error
	fc := graphql.GetFieldContext(ctx)
	if !errors.As(err, &ge) || fc == nil || fc.Field.Field == nil {
		return ""
	}
	base := fc.Path()
	if len(ge.Path) <= len(base) {
		return ""
	}
	name, ok := ge.Path[len(base)].(ast.PathName)
	if !ok {
		return ""
	}
	for _, a := range fc.Field.Arguments {
		if a.Name == string(name) {
			return ge.Path[len(base):].String()
		}
	}
	return ""
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
	client          string
	actor           string
	debugRoundTrips bool
	mu              sync.Mutex
	operation       string
	costPoints      int
	budget          int
	remaining       int
	retryAfter      time.Duration
	limited         bool
	// code is the first error code the request answered with.
	code string
}

func (i *requestInfo) setCode(c string) {
	i.mu.Lock()
	if i.code == "" {
		i.code = c
	}
	i.mu.Unlock()
}

func (i *requestInfo) setCost(c int) {
	i.mu.Lock()
	i.costPoints = c
	i.mu.Unlock()
}

func (i *requestInfo) cost() int {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.costPoints
}

func (i *requestInfo) setBudget(budget, remaining int, retry time.Duration) {
	i.mu.Lock()
	i.budget, i.remaining, i.retryAfter, i.limited = budget, remaining, retry, retry > 0
	i.mu.Unlock()
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

// RequestID returns the id of the request ctx belongs to (the one its
// answer carries in X-Request-Id), or "" outside a request.
func RequestID(ctx context.Context) string {
	if info := requestInfoFrom(ctx); info != nil {
		return info.id
	}
	return ""
}

// statusRecorder remembers the status for the log, and turns an answer the
// rate limiter refused into a 429 with Retry-After, adding the budget headers
// to every answer.
type statusRecorder struct {
	http.ResponseWriter
	info    *requestInfo
	status  int
	started bool
}

func (s *statusRecorder) start(code int) {
	if s.started {
		return
	}
	s.started = true
	s.info.mu.Lock()
	budget, remaining, retry, limited := s.info.budget, s.info.remaining, s.info.retryAfter, s.info.limited
	s.info.mu.Unlock()
	if budget > 0 {
		s.Header().Set("X-RateLimit-Limit", strconv.Itoa(budget))
		s.Header().Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	}
	if limited {
		s.Header().Set("Retry-After", strconv.Itoa(int(retry.Seconds())))
		code = http.StatusTooManyRequests
	}
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) WriteHeader(code int) { s.start(code) }

// Flush sends what is written so far, for the SSE transport's events.
func (s *statusRecorder) Flush() {
	s.start(http.StatusOK)
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap gives http.ResponseController and the WebSocket upgrade the
// connection's own writer (to hijack it, and to lift its deadlines).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.start(http.StatusOK)
	return s.ResponseWriter.Write(b)
}

// clientKey names the client a rate-limit budget belongs to until it is
// authenticated: its address. authenticate replaces it with the caller's
// key or token subject.
func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "ip:" + host
}

// logRequests gives each request an id (echoed in X-Request-Id and in error
// extensions), a trace span, one log line and its metrics when it ends.
func logRequests(logger *slog.Logger, tel *telemetry.Telemetry, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		var b [8]byte
		_, _ = rand.Read(b[:])
		info := &requestInfo{id: hex.EncodeToString(b[:]), client: clientKey(r), debugRoundTrips: r.Header.Get("X-Debug-Round-Trips") != ""}
		w.Header().Set("X-Request-Id", info.id)
		rec := &statusRecorder{ResponseWriter: w, info: info, status: http.StatusOK}
		ctx, span := tel.Tracer.Start(r.Context(), r.Method+" "+r.URL.Path, trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(attribute.String("http.request.method", r.Method), attribute.String("url.path", r.URL.Path),
				attribute.String("request.id", info.id)))
		ctx, rt := telemetry.WithRoundTrips(context.WithValue(ctx, requestInfoKey{}, info))
		next.ServeHTTP(rec, r.WithContext(ctx))
		took := time.Since(start)
		info.mu.Lock()
		op, cost, actor, code := info.operation, info.costPoints, info.actor, info.code
		info.mu.Unlock()
		if code == "" {
			code = "OK"
		}
		label := op
		if strings.HasPrefix(r.URL.Path, "/q/") {
			label = "/q/" + op
		} else if r.URL.Path != "/graphql" {
			label = r.URL.Path
		}
		tel.Metrics.Request(label, code, took, cost, rt.Count())
		if op != "" {
			span.SetName("graphql " + op)
			span.SetAttributes(attribute.String("graphql.operation.name", op))
		}
		span.SetAttributes(attribute.String("outcome", code), attribute.Int("http.response.status_code", rec.status),
			attribute.Int("graphql.cost", cost), attribute.Int64("db.round_trips", rt.Count()))
		if code != "OK" {
			span.SetStatus(codes.Error, code)
		}
		span.End()
		logger.Info("request", "request_id", info.id, "method", r.Method, "path", r.URL.Path,
			"operation", op, "actor", actor, "status", rec.status, "outcome", code, "cost", cost, "round_trips", rt.Count(),
			"duration_ms", float64(took.Microseconds())/1000)
	})
}

// authenticate finds who is calling and puts it in the request's context;
// a credential that does not check out is refused here, before anything
// else reads the request.
func authenticate(authn *auth.Authenticator, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := authn.Authenticate(r)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="knowledge-graph"`)
			writeError(w, r, http.StatusUnauthorized, model.CodeUnauthenticated, model.ErrorMessage(err))
			return
		}
		if info := requestInfoFrom(r.Context()); info != nil {
			info.mu.Lock()
			if id := p.ClientID(); id != "" {
				info.client = id
			}
			info.actor = p.Name
			info.mu.Unlock()
		}
		next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
	})
}

// writeError answers with a GraphQL error document outside execution, for
// requests refused before GraphQL reads them.
func writeError(w http.ResponseWriter, r *http.Request, status int, code model.Code, msg string) {
	if info := requestInfoFrom(r.Context()); info != nil {
		info.setCode(string(code))
	}
	ext := map[string]any{"code": string(code)}
	if id := RequestID(r.Context()); id != "" {
		ext["requestId"] = id
	}
	writeJSON(w, status, map[string]any{"errors": []map[string]any{{"message": msg, "extensions": ext}}})
}

// guardRequests refuses, before GraphQL parses anything, what no client
// needs: bodies over the cap, bodies that are not one JSON object (empty,
// malformed, or an array batch), POSTs that are not JSON, and in production
// GET requests without a preflight header (they could be forged across
// sites). It also gives the request its deadline.
func guardRequests(cfg Config, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stream := streamRequest(r)
		if stream && !originAllowed(cfg, r) {
			writeError(w, r, http.StatusForbidden, model.CodeForbidden, fmt.Sprintf("subscriptions from origin %s are not allowed; CORS_ORIGINS lists the origins that may open them", r.Header.Get("Origin")))
			return
		}
		switch r.Method {
		case http.MethodPost:
			if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
				writeError(w, r, http.StatusUnsupportedMediaType, model.CodeBadUserInput, "send the request as application/json")
				return
			}
			if r.ContentLength > cfg.MaxBodyBytes {
				writeError(w, r, http.StatusRequestEntityTooLarge, model.CodeBadUserInput, fmt.Sprintf("the body is over the limit of %d bytes", cfg.MaxBodyBytes))
				return
			}
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, cfg.MaxBodyBytes))
			if err != nil {
				var tooLarge *http.MaxBytesError
				if errors.As(err, &tooLarge) {
					writeError(w, r, http.StatusRequestEntityTooLarge, model.CodeBadUserInput, fmt.Sprintf("the body is over the limit of %d bytes", cfg.MaxBodyBytes))
					return
				}
				writeError(w, r, http.StatusBadRequest, model.CodeBadUserInput, "the body could not be read")
				return
			}
			trimmed := bytes.TrimSpace(body)
			switch {
			case len(trimmed) == 0:
				writeError(w, r, http.StatusBadRequest, model.CodeBadUserInput, "the body is empty; send {\"query\": \"...\"}")
				return
			case trimmed[0] == '[':
				writeError(w, r, http.StatusBadRequest, model.CodeBadUserInput, "batched requests are not accepted; send one operation per request")
				return
			case trimmed[0] != '{' || !json.Valid(trimmed):
				writeError(w, r, http.StatusBadRequest, model.CodeBadUserInput, "the body is not a JSON object")
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		case http.MethodGet:
			// A browser cannot add headers to a WebSocket upgrade; the
			// origin check above protects it instead.
			if !stream && !cfg.Development && r.Header.Get("GraphQL-Require-Preflight") == "" && r.Header.Get("X-Requested-With") == "" {
				writeError(w, r, http.StatusBadRequest, model.CodeBadUserInput, "GET requests need a GraphQL-Require-Preflight header; or use POST")
				return
			}
			if int64(len(r.URL.RawQuery)) > cfg.MaxBodyBytes {
				writeError(w, r, http.StatusRequestURITooLong, model.CodeBadUserInput, "the query string is too long")
				return
			}
		}
		if stream {
			// A stream lasts as long as its client wants; each read it
			// makes has the store's own timeout.
			openStream(w)
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), cfg.RequestTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
