package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/coe-child-online/knowledge-graph/auth"
	"github.com/coe-child-online/knowledge-graph/resolvers"
)

// config is the service's configuration: environment variables, each
// overridable by a flag of the same meaning.
type config struct {
	Neo4jURI        string
	Neo4jUser       string
	Neo4jPassword   string
	Neo4jDatabase   string
	Listen          string
	CORSOrigins     []string
	CORSCredentials bool
	LogLevel        slog.Level
	QueryTimeout    time.Duration
	ShutdownTimeout time.Duration
	// Development turns on introspection, field suggestions and GraphiQL,
	// and lets GET requests through without a preflight header.
	Development bool
	Security    security
	// MaxPoolSize caps the driver's connections to Neo4j.
	MaxPoolSize int
	// PprofAddr, when set, serves Go's profiler there (loopback only).
	PprofAddr string
	// Auth says who may call: API keys and JWT verifiers, and whether
	// anonymous callers may read.
	Auth auth.Config
	// ExportMaxFacts bounds the nodes plus relationships one /export may
	// return.
	ExportMaxFacts int
	// OTLPEndpoint receives traces over OTLP/HTTP; off when empty.
	OTLPEndpoint string
	// SlowQuery is the statement time above which its shape is logged.
	SlowQuery time.Duration
	// Metrics serves /metrics.
	Metrics bool
	// KeyLifetime is how long an idempotency key answers for its write
	// before it is purged.
	KeyLifetime time.Duration
}

// Development defaults: the embedded Neo4j that `make run` starts.
const (
	defaultURI      = "bolt://127.0.0.1:7687"
	defaultUser     = "neo4j"
	defaultPassword = "devpassword"
)

func loadConfig(args []string, getenv func(string) string) (config, error) {
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var (
		cfg         config
		origins     string
		credentials string
		level       string
		timeout     string
		shutdown    string
	)
	fs.StringVar(&cfg.Neo4jURI, "neo4j-uri", env("NEO4J_URI", defaultURI), "Neo4j address: bolt://, neo4j://, bolt+s:// or neo4j+s:// (NEO4J_URI)")
	fs.StringVar(&cfg.Neo4jUser, "neo4j-user", env("NEO4J_USER", defaultUser), "Neo4j user (NEO4J_USER)")
	fs.StringVar(&cfg.Neo4jPassword, "neo4j-password", env("NEO4J_PASSWORD", defaultPassword), "Neo4j password (NEO4J_PASSWORD)")
	fs.StringVar(&cfg.Neo4jDatabase, "neo4j-database", env("NEO4J_DATABASE", "neo4j"), "Neo4j database name (NEO4J_DATABASE)")
	fs.StringVar(&cfg.Listen, "listen", env("LISTEN_ADDR", "127.0.0.1:8080"), "HTTP listen address (LISTEN_ADDR)")
	fs.StringVar(&origins, "cors-origins", env("CORS_ORIGINS", "http://127.0.0.1:8080,http://localhost:8080"), "comma-separated origins allowed by CORS (CORS_ORIGINS)")
	fs.StringVar(&credentials, "cors-credentials", env("CORS_ALLOW_CREDENTIALS", "false"), "allow credentials in CORS requests (CORS_ALLOW_CREDENTIALS)")
	fs.StringVar(&level, "log-level", env("LOG_LEVEL", "info"), "debug, info, warn or error (LOG_LEVEL)")
	fs.StringVar(&timeout, "query-timeout", env("QUERY_TIMEOUT", "10s"), "deadline for each database transaction (QUERY_TIMEOUT)")
	fs.StringVar(&shutdown, "shutdown-timeout", env("SHUTDOWN_TIMEOUT", "15s"), "how long in-flight requests may take to finish on shutdown (SHUTDOWN_TIMEOUT)")
	mode := fs.String("mode", env("MODE", "production"), "production or development (MODE)")
	fs.Int64Var(&cfg.Security.MaxBodyBytes, "max-body-bytes", envInt(env, "MAX_BODY_BYTES", 1<<20), "largest request body accepted (MAX_BODY_BYTES)")
	fs.IntVar(&cfg.Security.MaxTokens, "max-tokens", int(envInt(env, "MAX_TOKENS", 5000)), "most tokens a query may have (MAX_TOKENS)")
	fs.IntVar(&cfg.Security.MaxDirectives, "max-directives", int(envInt(env, "MAX_DIRECTIVES", 8)), "most directives in a query (MAX_DIRECTIVES)")
	fs.IntVar(&cfg.Security.Limits.MaxDepth, "max-depth", int(envInt(env, "MAX_DEPTH", 15)), "deepest field nesting (MAX_DEPTH)")
	fs.IntVar(&cfg.Security.Limits.MaxCost, "max-cost", int(envInt(env, "MAX_COST", 2000000)), "highest query cost (MAX_COST)")
	fs.IntVar(&cfg.Security.Limits.MaxAliases, "max-aliases", int(envInt(env, "MAX_ALIASES", 30)), "most aliases in a query (MAX_ALIASES)")
	fs.IntVar(&cfg.Security.Limits.MaxRootFields, "max-root-fields", int(envInt(env, "MAX_ROOT_FIELDS", 10)), "most root fields in a query (MAX_ROOT_FIELDS)")
	fs.IntVar(&cfg.Security.Limits.MaxFields, "max-fields", int(envInt(env, "MAX_FIELDS", 500)), "most field selections in a query, duplicates included (MAX_FIELDS)")
	fs.IntVar(&cfg.Security.CostPerMinute, "rate-limit", int(envInt(env, "RATE_LIMIT_COST_PER_MINUTE", 10000000)), "cost points each client may spend per minute, 0 for no limit (RATE_LIMIT_COST_PER_MINUTE)")
	fs.StringVar(&cfg.Security.TrustedDocuments, "trusted-documents", env("TRUSTED_DOCUMENTS", ""), "JSON file of the only operations allowed, by SHA-256 hash (TRUSTED_DOCUMENTS); off when empty")
	requestTimeout := fs.String("request-timeout", env("REQUEST_TIMEOUT", "15s"), "deadline for a whole request (REQUEST_TIMEOUT)")
	pool := fs.String("neo4j-max-pool-size", env("NEO4J_MAX_POOL_SIZE", "64"), "most connections the driver opens to Neo4j (NEO4J_MAX_POOL_SIZE)")
	fs.StringVar(&cfg.PprofAddr, "pprof", env("PPROF_ADDR", ""), "serve Go's profiler on this loopback address, such as 127.0.0.1:6060 (PPROF_ADDR); off when empty")
	fs.StringVar(&cfg.Auth.KeysFile, "api-keys-file", env("API_KEYS_FILE", ""), "file of API keys, one \"name role sha256:hash\" per line (API_KEYS_FILE); make one with `go run ./cmd/apikey`")
	fs.StringVar(&cfg.Auth.Keys, "api-keys", env("API_KEYS", ""), "API keys as in the keys file, separated by ';' (API_KEYS)")
	fs.StringVar(&cfg.Auth.JWTSecret, "jwt-secret", env("JWT_SECRET", ""), "HS256 secret for JWTs, at least 32 bytes (JWT_SECRET)")
	fs.StringVar(&cfg.Auth.JWTPublicKeyFile, "jwt-public-key-file", env("JWT_PUBLIC_KEY_FILE", ""), "PEM RSA public key for RS256 JWTs (JWT_PUBLIC_KEY_FILE)")
	fs.StringVar(&cfg.Auth.JWKSFile, "jwks-file", env("JWKS_FILE", ""), "JWKS file of RSA keys for RS256 JWTs (JWKS_FILE)")
	fs.StringVar(&cfg.Auth.Issuer, "jwt-issuer", env("JWT_ISSUER", ""), "required iss claim of JWTs (JWT_ISSUER); not checked when empty")
	fs.StringVar(&cfg.Auth.Audience, "jwt-audience", env("JWT_AUDIENCE", ""), "required aud claim of JWTs (JWT_AUDIENCE); not checked when empty")
	leeway := fs.String("jwt-leeway", env("JWT_LEEWAY", "30s"), "clock skew allowed on JWT times (JWT_LEEWAY)")
	anonymous := fs.String("anonymous-reads", env("ANONYMOUS_READS", "true"), "let callers without a key or token read (ANONYMOUS_READS)")
	fs.StringVar(&cfg.OTLPEndpoint, "otlp-endpoint", env("OTEL_EXPORTER_OTLP_ENDPOINT", ""), "OTLP/HTTP collector for traces, such as http://127.0.0.1:4318 (OTEL_EXPORTER_OTLP_ENDPOINT); off when empty")
	slow := fs.String("slow-query", env("SLOW_QUERY_THRESHOLD", "500ms"), "log statements slower than this with their Cypher shape; 0 turns it off (SLOW_QUERY_THRESHOLD)")
	metrics := fs.String("metrics", env("METRICS", "true"), "serve Prometheus metrics at /metrics (METRICS)")
	keyLifetime := fs.String("idempotency-key-ttl", env("IDEMPOTENCY_KEY_TTL", "24h"), "how long an idempotency key answers for its write before it is purged (IDEMPOTENCY_KEY_TTL)")
	fs.IntVar(&cfg.ExportMaxFacts, "export-max-facts", int(envInt(env, "EXPORT_MAX_FACTS", 500000)), "most nodes plus relationships one /export returns (EXPORT_MAX_FACTS)")
	if err := fs.Parse(args); err != nil {
		return config{}, fmt.Errorf("config: %w (flags: %s)", err, flagNames(fs))
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("config: unexpected argument %q", fs.Arg(0))
	}
	for _, o := range strings.Split(origins, ",") {
		o = strings.TrimSpace(o)
		if o == "*" {
			return config{}, fmt.Errorf("config: CORS_ORIGINS may not be \"*\"; list the origins")
		}
		if o != "" {
			cfg.CORSOrigins = append(cfg.CORSOrigins, o)
		}
	}
	switch strings.ToLower(credentials) {
	case "true", "1", "yes":
		cfg.CORSCredentials = true
	case "false", "0", "no":
	default:
		return config{}, fmt.Errorf("config: CORS_ALLOW_CREDENTIALS %q: want true or false", credentials)
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(level)); err != nil {
		return config{}, fmt.Errorf("config: LOG_LEVEL %q: want debug, info, warn or error", level)
	}
	var err error
	if cfg.QueryTimeout, err = positiveDuration("QUERY_TIMEOUT", timeout); err != nil {
		return config{}, err
	}
	if cfg.ShutdownTimeout, err = positiveDuration("SHUTDOWN_TIMEOUT", shutdown); err != nil {
		return config{}, err
	}
	switch {
	case strings.HasPrefix(cfg.Neo4jURI, "bolt://"), strings.HasPrefix(cfg.Neo4jURI, "neo4j://"),
		strings.HasPrefix(cfg.Neo4jURI, "bolt+s://"), strings.HasPrefix(cfg.Neo4jURI, "neo4j+s://"),
		strings.HasPrefix(cfg.Neo4jURI, "bolt+ssc://"), strings.HasPrefix(cfg.Neo4jURI, "neo4j+ssc://"):
	default:
		return config{}, fmt.Errorf("config: NEO4J_URI %q: want bolt://, neo4j://, bolt+s:// or neo4j+s://", cfg.Neo4jURI)
	}
	switch *mode {
	case "production":
	case "development":
		cfg.Development = true
	default:
		return config{}, fmt.Errorf("config: MODE %q: want production or development", *mode)
	}
	if cfg.Security.RequestTimeout, err = positiveDuration("REQUEST_TIMEOUT", *requestTimeout); err != nil {
		return config{}, err
	}
	if cfg.Security.MaxBodyBytes < 1024 || cfg.Security.MaxTokens < 100 || cfg.Security.CostPerMinute < 0 {
		return config{}, fmt.Errorf("config: MAX_BODY_BYTES must be at least 1024, MAX_TOKENS at least 100, RATE_LIMIT_COST_PER_MINUTE not negative")
	}
	if n, err := strconv.Atoi(*pool); err != nil || n < 1 || n > 10000 {
		return config{}, fmt.Errorf("config: NEO4J_MAX_POOL_SIZE %q: want a whole number from 1 to 10000", *pool)
	} else {
		cfg.MaxPoolSize = n
	}
	if cfg.Auth.Leeway, err = positiveDuration("JWT_LEEWAY", *leeway); err != nil {
		return config{}, err
	}
	switch strings.ToLower(*anonymous) {
	case "true", "1", "yes":
		cfg.Auth.AnonymousReads = true
	case "false", "0", "no":
	default:
		return config{}, fmt.Errorf("config: ANONYMOUS_READS %q: want true or false", *anonymous)
	}
	if *slow == "0" {
		cfg.SlowQuery = 0
	} else if cfg.SlowQuery, err = positiveDuration("SLOW_QUERY_THRESHOLD", *slow); err != nil {
		return config{}, err
	}
	switch strings.ToLower(*metrics) {
	case "true", "1", "yes":
		cfg.Metrics = true
	case "false", "0", "no":
	default:
		return config{}, fmt.Errorf("config: METRICS %q: want true or false", *metrics)
	}
	if cfg.KeyLifetime, err = positiveDuration("IDEMPOTENCY_KEY_TTL", *keyLifetime); err != nil {
		return config{}, err
	}
	if cfg.ExportMaxFacts < 1 {
		return config{}, fmt.Errorf("config: EXPORT_MAX_FACTS must be at least 1")
	}
	if cfg.PprofAddr != "" {
		host, _, err := net.SplitHostPort(cfg.PprofAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			return config{}, fmt.Errorf("config: PPROF_ADDR %q: want a loopback address such as 127.0.0.1:6060", cfg.PprofAddr)
		}
	}
	return cfg, nil
}

func positiveDuration(name, s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("config: %s %q: want a positive duration such as 10s", name, s)
	}
	return d, nil
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

// security holds the limits that keep hostile requests cheap.
type security struct {
	MaxBodyBytes     int64
	MaxTokens        int
	MaxDirectives    int
	Limits           resolvers.Limits
	CostPerMinute    int
	TrustedDocuments string
	RequestTimeout   time.Duration
}

// envInt reads a whole number from the environment, or def when unset or
// not a number (loadConfig then checks the ranges).
func envInt(env func(string, string) string, key string, def int64) int64 {
	n, err := strconv.ParseInt(env(key, ""), 10, 64)
	if err != nil {
		return def
	}
	return n
}
