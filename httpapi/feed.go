package httpapi

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"

	"github.com/coe-child-online/knowledge-graph/auth"
	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// FeedConfig bounds the change feed's subscriptions (Subscription.changes).
type FeedConfig struct {
	// MaxSubscribers caps the subscriptions open at once in this process.
	MaxSubscribers int
	// MaxPerClient caps the subscriptions one client (API key, token
	// subject, or address when anonymous) holds open at once.
	MaxPerClient int
	// Heartbeat is how often an idle stream is pinged: an SSE comment, or
	// a graphql-transport-ws ping (and a keep-alive message on the older
	// graphql-ws protocol).
	Heartbeat time.Duration
	// Cost is charged to the client's budget when a subscription starts,
	// on top of its selection's cost: a subscription holds a connection
	// and a place in the watcher's fan-out for as long as it lasts.
	Cost int
}

// DefaultFeed is the feed's production policy.
func DefaultFeed() FeedConfig {
	return FeedConfig{MaxSubscribers: 1000, MaxPerClient: 5, Heartbeat: 15 * time.Second, Cost: 100}
}

// addStreamTransports serves subscriptions over Server-Sent Events (the
// graphql-sse protocol, distinct connections mode) and WebSocket (the
// graphql-transport-ws protocol, and the older graphql-ws). They go before
// POST, which would otherwise take an SSE request for a plain one.
func addStreamTransports(gql *handler.Server, cfg Config, authn *auth.Authenticator) {
	beat := cfg.Feed.Heartbeat
	gql.AddTransport(transport.SSE{KeepAlivePingInterval: beat})
	gql.AddTransport(transport.Websocket{
		// guardRequests has checked the origin against CORS_ORIGINS;
		// coder/websocket would otherwise allow only the service's own.
		Implementation:        transport.CoderWebsocketImplementation{AcceptOptions: coderws.AcceptOptions{InsecureSkipVerify: true}},
		InitFunc:              wsInit(authn),
		InitTimeout:           10 * time.Second,
		KeepAlivePingInterval: beat,
		PingPongInterval:      beat,
	})
}

// wsInit lets a WebSocket client send its credential in connection_init's
// payload ({"Authorization": "Bearer ..."} or {"X-Api-Key": "..."}), since a
// browser cannot set headers on a WebSocket. A credential in the payload
// replaces the upgrade request's; a wrong one closes the connection.
func wsInit(authn *auth.Authenticator) transport.WebsocketInitFunc {
	return func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		h := http.Header{}
		for k, v := range payload {
			s, ok := v.(string)
			if !ok {
				continue
			}
			switch strings.ToLower(k) {
			case "authorization", "x-api-key":
				h.Set(k, s)
			}
		}
		if len(h) == 0 {
			return ctx, nil, nil
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "/graphql", nil)
		if err != nil {
			return ctx, nil, fmt.Errorf("connection_init: %w", err)
		}
		req.Header = h
		p, err := authn.Authenticate(req)
		if err != nil {
			return ctx, nil, fmt.Errorf("connection_init: %s", model.ErrorMessage(err))
		}
		if info := requestInfoFrom(ctx); info != nil {
			info.mu.Lock()
			if id := p.ClientID(); id != "" {
				info.client = id
			}
			info.actor = p.Name
			info.mu.Unlock()
		}
		return auth.WithPrincipal(ctx, p), nil, nil
	}
}

// streamRequest tells a request that opens a subscription stream: a
// WebSocket upgrade, or an SSE POST.
func streamRequest(r *http.Request) bool {
	if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		return true
	}
	if r.Method != http.MethodPost || !strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
		return false
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return ct == "application/json"
}

// originAllowed tells whether a stream may be opened from the request's
// origin: none given (not a browser), the service's own, or one of
// CORS_ORIGINS. Browsers do not apply CORS to WebSockets, and a cross-site
// page could otherwise hold a visitor's stream open with their cookies.
func originAllowed(cfg Config, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if slices.Contains(cfg.CORSOrigins, origin) {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host)
}

// openStream lifts the server's read and write deadlines for a stream,
// which lasts as long as its client wants: the http.Server's timeouts are
// meant for single answers.
func openStream(w http.ResponseWriter) {
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
}

// endStreams ends a stream's context when done is, as well as when its
// client goes.
func endStreams(done context.Context, next http.Handler) http.Handler {
	if done == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !streamRequest(r) {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		stop := context.AfterFunc(done, cancel)
		defer stop()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// feedGate counts open subscriptions, per client and overall.
type feedGate struct {
	max, perClient int
	mu             sync.Mutex
	total          int
	clients        map[string]int
}

func newFeedGate(cfg FeedConfig) *feedGate {
	return &feedGate{max: cfg.MaxSubscribers, perClient: cfg.MaxPerClient, clients: map[string]int{}}
}

// enter takes a place for a subscription of client, or refuses with
// TOO_MANY_SUBSCRIPTIONS; release gives the place back (once, however often
// it is called).
func (g *feedGate) enter(client string) (release func(), err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.perClient > 0 && g.clients[client] >= g.perClient {
		return nil, model.Errorf(model.CodeTooManySubscriptions, "this client already holds %d subscriptions, the most one client may; close one first", g.perClient)
	}
	if g.max > 0 && g.total >= g.max {
		return nil, model.Errorf(model.CodeTooManySubscriptions, "the service holds %d subscriptions, the most it serves at once; retry later", g.max)
	}
	g.total++
	g.clients[client]++
	var once sync.Once
	return func() {
		once.Do(func() {
			g.mu.Lock()
			defer g.mu.Unlock()
			g.total--
			if g.clients[client]--; g.clients[client] <= 0 {
				delete(g.clients, client)
			}
		})
	}, nil
}

// holdUntilDone keeps a subscription's place until its stream ends: its
// last response, or its context (the client closed the stream or the
// connection).
func holdUntilDone(ctx context.Context, release func(), h graphql.ResponseHandler) graphql.ResponseHandler {
	go func() {
		<-ctx.Done()
		release()
	}()
	return func(ctx context.Context) *graphql.Response {
		resp := h(ctx)
		if resp == nil {
			release()
		}
		return resp
	}
}
