package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore"
	"github.com/coe-child-online/knowledge-graph/httpapi"
)

// config is the service's configuration: environment variables, each
// overridable by a flag of the same meaning.
type config struct {
	Neo4j           neo4jstore.Config
	Listen          string
	LogLevel        slog.Level
	ShutdownTimeout time.Duration
	// HTTP is the request policy: limits, credentials, CORS, mode.
	HTTP httpapi.Config
	// PprofAddr, when set, serves Go's profiler there (loopback only).
	PprofAddr string
	// OTLPEndpoint receives traces over OTLP/HTTP; off when empty.
	OTLPEndpoint string
	// SlowQuery is the statement time above which its shape is logged;
	// zero turns the log off.
	SlowQuery time.Duration
}

// settings binds flags to their environment variables: a variable that is
// set gives the flag's default, and the flag overrides it. Every number,
// duration and true/false value is parsed strictly, and a bad one is an
// error naming the variable (or the flag), never a silent default.
type settings struct {
	fs     *flag.FlagSet
	getenv func(string) string
	errs   []error
}

// value is a flag.Value that parses with parse and checks with ok.
type value struct {
	set  func(string) error
	show func() string
}

func (v value) Set(s string) error { return v.set(s) }
func (v value) String() string {
	if v.show == nil {
		return ""
	}
	return v.show()
}

// bind defines the flag and reads its variable into it.
func (s *settings) bind(name, env, usage string, set func(string) error, show func() string) {
	if v := s.getenv(env); v != "" {
		if err := set(v); err != nil {
			s.errs = append(s.errs, fmt.Errorf("%s %q: %w", env, v, err))
		}
	}
	// A bad flag names its variable too: one name to look up in the docs.
	named := func(v string) error {
		if err := set(v); err != nil {
			return fmt.Errorf("%s: %w", env, err)
		}
		return nil
	}
	s.fs.Var(value{set: named, show: show}, name, usage+" ("+env+")")
}

func (s *settings) str(p *string, name, env, def, usage string) {
	*p = def
	s.bind(name, env, usage, func(v string) error { *p = v; return nil }, func() string { return *p })
}

func (s *settings) int(p *int, name, env string, def, lo, hi int, usage string) {
	*p = def
	s.bind(name, env, usage, func(v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("want a whole number from %d to %d", lo, hi)
		}
		*p = n
		return nil
	}, func() string { return strconv.Itoa(*p) })
}

// duration reads a positive duration; with zeroOff, "0" too (turned off).
func (s *settings) duration(p *time.Duration, name, env string, def time.Duration, zeroOff bool, usage string) {
	*p = def
	s.bind(name, env, usage, func(v string) error {
		v = strings.TrimSpace(v)
		if zeroOff && v == "0" {
			*p = 0
			return nil
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return errors.New("want a positive duration such as 10s")
		}
		*p = d
		return nil
	}, func() string { return p.String() })
}

func (s *settings) bool(p *bool, name, env string, def bool, usage string) {
	*p = def
	s.bind(name, env, usage, func(v string) error {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true", "1", "yes":
			*p = true
		case "false", "0", "no":
			*p = false
		default:
			return errors.New("want true or false")
		}
		return nil
	}, func() string { return strconv.FormatBool(*p) })
}

func loadConfig(args []string, getenv func(string) string) (config, error) {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	s := &settings{fs: fs, getenv: getenv}
	def := httpapi.Defaults()
	var (
		cfg       config
		origins   string
		bodyBytes int
	)
	h := &cfg.HTTP
	neo4j := neo4jstore.BindFlags(fs, getenv)
	s.duration(&neo4j.QueryTimeout, "query-timeout", "QUERY_TIMEOUT", 10*time.Second, false, "deadline for each database transaction")
	s.int(&neo4j.MaxPoolSize, "neo4j-max-pool-size", "NEO4J_MAX_POOL_SIZE", 64, 1, 10000, "most connections the driver opens to Neo4j")
	s.str(&cfg.Listen, "listen", "LISTEN_ADDR", "127.0.0.1:8080", "HTTP listen address")
	s.str(&origins, "cors-origins", "CORS_ORIGINS", strings.Join(def.CORSOrigins, ","), "comma-separated origins allowed by CORS")
	s.bool(&h.CORSCredentials, "cors-credentials", "CORS_ALLOW_CREDENTIALS", false, "allow credentials in CORS requests")
	s.bind("log-level", "LOG_LEVEL", "debug, info, warn or error", func(v string) error {
		if err := cfg.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return errors.New("want debug, info, warn or error")
		}
		return nil
	}, func() string { return cfg.LogLevel.String() })
	s.duration(&neo4j.KeyLifetime, "idempotency-key-ttl", "IDEMPOTENCY_KEY_TTL", 24*time.Hour, false, "how long an idempotency key answers for its write before it is purged")
	s.duration(&cfg.ShutdownTimeout, "shutdown-timeout", "SHUTDOWN_TIMEOUT", 15*time.Second, false, "how long in-flight requests may take to finish on shutdown")
	s.bind("mode", "MODE", "production, or development for introspection and GraphiQL", func(v string) error {
		if v != "production" && v != "development" {
			return errors.New("want production or development")
		}
		h.Development = v == "development"
		return nil
	}, nil)
	s.int(&bodyBytes, "max-body-bytes", "MAX_BODY_BYTES", int(def.MaxBodyBytes), 1024, 1<<30, "largest request body accepted")
	s.int(&h.MaxTokens, "max-tokens", "MAX_TOKENS", def.MaxTokens, 100, 1<<20, "most tokens a query may have")
	s.int(&h.MaxDirectives, "max-directives", "MAX_DIRECTIVES", def.MaxDirectives, 0, 1<<20, "most directives in a query")
	s.int(&h.Limits.MaxDepth, "max-depth", "MAX_DEPTH", def.Limits.MaxDepth, 0, 1<<20, "deepest field nesting, 0 for no limit")
	s.int(&h.Limits.MaxCost, "max-cost", "MAX_COST", def.Limits.MaxCost, 0, 1<<40, "highest query cost, 0 for no limit")
	s.int(&h.Limits.MaxAliases, "max-aliases", "MAX_ALIASES", def.Limits.MaxAliases, 0, 1<<20, "most aliases in a query, 0 for no limit")
	s.int(&h.Limits.MaxRootFields, "max-root-fields", "MAX_ROOT_FIELDS", def.Limits.MaxRootFields, 0, 1<<20, "most root fields in a query, 0 for no limit")
	s.int(&h.Limits.MaxFields, "max-fields", "MAX_FIELDS", def.Limits.MaxFields, 0, 1<<20, "most field selections in a query, duplicates included, 0 for no limit")
	s.int(&h.CostPerMinute, "rate-limit", "RATE_LIMIT_COST_PER_MINUTE", def.CostPerMinute, 0, 1<<40, "cost points each client may spend per minute, 0 for no limit")
	s.str(&h.TrustedDocuments, "trusted-documents", "TRUSTED_DOCUMENTS", "", "JSON file of the only operations allowed, by SHA-256 hash; off when empty")
	s.duration(&h.RequestTimeout, "request-timeout", "REQUEST_TIMEOUT", def.RequestTimeout, false, "deadline for a whole request")
	s.str(&cfg.PprofAddr, "pprof", "PPROF_ADDR", "", "serve Go's profiler on this loopback address, such as 127.0.0.1:6060; off when empty")
	s.str(&h.Auth.KeysFile, "api-keys-file", "API_KEYS_FILE", "", "file of API keys, one \"name role sha256:hash\" per line; make one with `go run ./cmd/apikey`")
	s.str(&h.Auth.Keys, "api-keys", "API_KEYS", "", "API keys as in the keys file, separated by ';'")
	s.str(&h.Auth.JWTSecret, "jwt-secret", "JWT_SECRET", "", "HS256 secret for JWTs, at least 32 bytes")
	s.str(&h.Auth.JWTPublicKeyFile, "jwt-public-key-file", "JWT_PUBLIC_KEY_FILE", "", "PEM RSA public key for RS256 JWTs")
	s.str(&h.Auth.JWKSFile, "jwks-file", "JWKS_FILE", "", "JWKS file of RSA keys for RS256 JWTs")
	s.str(&h.Auth.Issuer, "jwt-issuer", "JWT_ISSUER", "", "required iss claim of JWTs; not checked when empty")
	s.str(&h.Auth.Audience, "jwt-audience", "JWT_AUDIENCE", "", "required aud claim of JWTs; not checked when empty")
	s.duration(&h.Auth.Leeway, "jwt-leeway", "JWT_LEEWAY", def.Auth.Leeway, false, "clock skew allowed on JWT times")
	s.bool(&h.Auth.AnonymousReads, "anonymous-reads", "ANONYMOUS_READS", def.Auth.AnonymousReads, "let callers without a key or token read")
	s.str(&cfg.OTLPEndpoint, "otlp-endpoint", "OTEL_EXPORTER_OTLP_ENDPOINT", "", "OTLP/HTTP collector for traces, such as http://127.0.0.1:4318; off when empty")
	s.duration(&cfg.SlowQuery, "slow-query", "SLOW_QUERY_THRESHOLD", 500*time.Millisecond, true, "log statements slower than this with their Cypher shape; 0 turns it off")
	s.bool(&h.Metrics, "metrics", "METRICS", def.Metrics, "serve Prometheus metrics at /metrics")
	s.int(&h.ExportMaxFacts, "export-max-facts", "EXPORT_MAX_FACTS", def.ExportMaxFacts, 1, 1<<40, "most nodes plus relationships one /export returns")
	s.int(&h.CacheMaxAge, "cache-max-age", "CACHE_MAX_AGE", def.CacheMaxAge, 0, 31536000, "max-age in seconds of query answers' Cache-Control; 0 has clients revalidate each time with their ETag")
	s.int(&h.Feed.MaxSubscribers, "feed-max-subscribers", "FEED_MAX_SUBSCRIBERS", def.Feed.MaxSubscribers, 0, 1<<20, "most change-feed subscriptions this process serves at once, 0 for no limit")
	s.int(&h.Feed.MaxPerClient, "feed-max-per-client", "FEED_MAX_PER_CLIENT", def.Feed.MaxPerClient, 0, 1<<20, "most change-feed subscriptions one client holds at once, 0 for no limit")
	s.duration(&h.Feed.Heartbeat, "feed-heartbeat", "FEED_HEARTBEAT", def.Feed.Heartbeat, false, "how often an idle change-feed stream is pinged")
	s.int(&h.Feed.Cost, "feed-cost", "FEED_COST", def.Feed.Cost, 0, 1<<40, "cost points a subscription is charged when it starts, beyond its selection's cost")
	s.duration(&neo4j.VersionPoll, "version-poll", "VERSION_POLL", neo4jstore.DefaultVersionPoll, false, "how often the service reads the graph's version, to notice other processes' changes")
	if err := errors.Join(s.errs...); err != nil {
		return config{}, fmt.Errorf("config: %w", err)
	}
	if err := fs.Parse(args); err != nil {
		return config{}, fmt.Errorf("config: %w (flags: %s)", err, flagNames(fs))
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("config: unexpected argument %q", fs.Arg(0))
	}
	cfg.Neo4j = *neo4j
	if err := neo4jstore.CheckURI(cfg.Neo4j.URI); err != nil {
		return config{}, fmt.Errorf("config: %w", err)
	}
	for _, o := range strings.Split(origins, ",") {
		o = strings.TrimSpace(o)
		if o == "*" {
			return config{}, fmt.Errorf("config: CORS_ORIGINS may not be \"*\"; list the origins")
		}
		if o != "" {
			h.CORSOrigins = append(h.CORSOrigins, o)
		}
	}
	h.MaxBodyBytes = int64(bodyBytes)
	if cfg.PprofAddr != "" {
		host, _, err := net.SplitHostPort(cfg.PprofAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			return config{}, fmt.Errorf("config: PPROF_ADDR %q: want a loopback address such as 127.0.0.1:6060", cfg.PprofAddr)
		}
	}
	return cfg, nil
}

func flagNames(fs *flag.FlagSet) string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, "-"+f.Name) })
	return strings.Join(names, " ")
}

// newLogger logs JSON lines in production, for log collectors, and text in
// development, for people.
func newLogger(w io.Writer, level slog.Level, development bool) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if development {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
