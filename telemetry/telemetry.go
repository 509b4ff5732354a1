package telemetry

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Telemetry is what the service reports to operators: metrics, traces and
// the slow-query log. It observes every statement the store sends.
type Telemetry struct {
	Metrics *Metrics
	Tracer  trace.Tracer
	logger  *slog.Logger
	slow    time.Duration
	// requestID names the request a statement belongs to in the log.
	requestID func(context.Context) string
	shutdown  func(context.Context) error
}

// Config says where traces go and what counts as slow.
type Config struct {
	Version string
	// OTLPEndpoint is an OTLP/HTTP collector address such as
	// "http://127.0.0.1:4318"; tracing is off when it is empty and
	// TracerProvider is nil.
	OTLPEndpoint string
	// TracerProvider, when set, receives the spans instead (tests use an
	// in-memory exporter).
	TracerProvider trace.TracerProvider
	// SlowQuery is the statement time above which the statement's shape
	// is logged; zero turns the slow-query log off.
	SlowQuery time.Duration
	Logger    *slog.Logger
	RequestID func(context.Context) string
}

// New builds the telemetry. The store's pool is watched once the store is
// open (Metrics.WatchPool).
func New(ctx context.Context, cfg Config) (*Telemetry, error) {
	t := &Telemetry{Metrics: NewMetrics(cfg.Version), logger: cfg.Logger, slow: cfg.SlowQuery, requestID: cfg.RequestID,
		shutdown: func(context.Context) error { return nil }}
	if t.logger == nil {
		t.logger = slog.New(slog.DiscardHandler)
	}
	if t.requestID == nil {
		t.requestID = func(context.Context) string { return "" }
	}
	switch {
	case cfg.TracerProvider != nil:
		t.Tracer = cfg.TracerProvider.Tracer("knowledge-graph")
	case cfg.OTLPEndpoint != "":
		exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(strings.TrimSuffix(cfg.OTLPEndpoint, "/")+"/v1/traces"))
		if err != nil {
			return nil, fmt.Errorf("telemetry: OTLP exporter: %w", err)
		}
		res := resource.NewSchemaless(attribute.String("service.name", "knowledge-graph"), attribute.String("service.version", cfg.Version))
		tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
		t.Tracer = tp.Tracer("knowledge-graph")
		t.shutdown = tp.Shutdown
	default:
		t.Tracer = noop.NewTracerProvider().Tracer("knowledge-graph")
	}
	return t, nil
}

// Shutdown sends the spans still buffered.
func (t *Telemetry) Shutdown(ctx context.Context) error { return t.shutdown(ctx) }

var spaces = regexp.MustCompile(`\s+`)

// shape is a statement's text on one line. Statements are parameterised,
// so the text never holds a value a client sent.
func shape(cypher string) string { return strings.TrimSpace(spaces.ReplaceAllString(cypher, " ")) }

// RoundTrip implements Observer: it counts the round trip in the
// request's counter (WithRoundTrips).
func (t *Telemetry) RoundTrip(ctx context.Context) { countRoundTrip(ctx) }

// Statement implements Observer: a span per statement, its timings in the
// metrics, and a log line when it was slow.
func (t *Telemetry) Statement(ctx context.Context, op, cypher string) (context.Context, func(Timing, error)) {
	start := time.Now()
	ctx, span := t.Tracer.Start(ctx, "cypher "+op, trace.WithSpanKind(trace.SpanKindClient))
	// The statement's shape costs a pass over its text: only for a span
	// that is kept.
	recording := span.IsRecording()
	if recording {
		span.SetAttributes(
			attribute.String("db.system", "neo4j"),
			attribute.String("db.operation.name", op),
			attribute.String("db.query.text", shape(cypher)),
		)
	}
	return ctx, func(timing Timing, err error) {
		took := time.Since(start)
		t.Metrics.statement(op, timing.AvailableAfter, timing.ConsumedAfter, err != nil)
		if recording {
			if err != nil {
				span.SetStatus(codes.Error, "statement failed")
			}
			span.SetAttributes(attribute.Int64("db.neo4j.available_after_ms", timing.AvailableAfter.Milliseconds()),
				attribute.Int64("db.neo4j.consumed_after_ms", timing.ConsumedAfter.Milliseconds()))
		}
		span.End()
		if t.slow > 0 && took >= t.slow {
			t.logger.Warn("slow query", "request_id", t.requestID(ctx), "operation", op, "duration_ms", float64(took.Microseconds())/1000,
				"available_after_ms", timing.AvailableAfter.Milliseconds(), "consumed_after_ms", timing.ConsumedAfter.Milliseconds(),
				"cypher", shape(cypher))
		}
	}
}
