// Package telemetry holds what an operator watches: Prometheus metrics,
// OpenTelemetry traces and the slow-query log. Nothing here is global: the
// service builds one Telemetry and passes it where it is needed.
package telemetry

import (
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the service's Prometheus metrics, in a registry of their own.
type Metrics struct {
	registry    *prometheus.Registry
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	cost        prometheus.Histogram
	roundTrips  prometheus.Histogram
	statements  *prometheus.CounterVec
	neo4jTime   *prometheus.HistogramVec
	rateLimited prometheus.Counter
	// operations are the operation names seen, capped: clients choose
	// them, and each one is a set of series.
	mu         sync.Mutex
	operations map[string]bool
}

// maxOperations bounds the operation names the metrics keep apart; later
// ones are counted as "other".
const maxOperations = 200

// Pool reports the store's connections: statements in flight, and how many
// of them wait for a connection because all are in use.
type Pool interface {
	InFlight() int64
	PoolSize() int
}

// latencyBuckets cover a cached lookup (a millisecond) to a request at its
// deadline (15 s).
var latencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 15}

// NewMetrics registers the metrics; version names the build.
func NewMetrics(version string) *Metrics {
	m := &Metrics{registry: prometheus.NewRegistry(), operations: map[string]bool{}}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kg_requests_total", Help: "Requests by GraphQL operation name and outcome (OK or the error code).",
	}, []string{"operation", "code"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "kg_request_duration_seconds", Help: "Time from receiving a request to its last byte, by operation.", Buckets: latencyBuckets,
	}, []string{"operation"})
	m.cost = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "kg_graphql_cost", Help: "Cost points of each query, as computed before it runs.",
		Buckets: prometheus.ExponentialBuckets(1, 4, 12),
	})
	m.roundTrips = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "kg_request_round_trips", Help: "Cypher statements (round trips to Neo4j) each request sent.",
		Buckets: []float64{0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64},
	})
	m.statements = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kg_cypher_statements_total", Help: "Cypher statements sent to Neo4j, by store operation and outcome (ok or error).",
	}, []string{"operation", "outcome"})
	m.neo4jTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "kg_neo4j_query_seconds", Help: "Neo4j's own timings of each statement from its result summary: available_after (until the first record) and consumed_after (until the last).",
		Buckets: latencyBuckets,
	}, []string{"phase"})
	m.rateLimited = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "kg_rate_limited_total", Help: "Requests refused because the client spent its cost budget.",
	})
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "kg_build_info", Help: "Always 1; the labels name the build.",
	}, []string{"version", "goversion"})
	build.WithLabelValues(version, runtime.Version()).Set(1)
	m.registry.MustRegister(m.requests, m.duration, m.cost, m.roundTrips, m.statements, m.neo4jTime, m.rateLimited, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// WatchPool exports the store's pool as kg_neo4j_pool_in_use and
// kg_neo4j_pool_waiting. The store reports its statements to the metrics,
// so it opens after them; its pool is registered once it is open.
func (m *Metrics) WatchPool(pool Pool) {
	m.registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "kg_neo4j_pool_in_use", Help: "Statements in flight, each holding a pooled connection.",
		}, func() float64 { return float64(min(pool.InFlight(), int64(pool.PoolSize()))) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "kg_neo4j_pool_waiting", Help: "Statements waiting for a connection because the pool is full.",
		}, func() float64 { return float64(max(0, pool.InFlight()-int64(pool.PoolSize()))) }),
	)
}

// CountDroppedLogLines exports, as kg_log_lines_dropped_total, the count of
// log lines the log buffer dropped because its sink was too slow.
func (m *Metrics) CountDroppedLogLines(dropped func() int64) {
	m.registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "kg_log_lines_dropped_total", Help: "Log lines dropped because the log sink was too slow to take them.",
	}, func() float64 { return float64(dropped()) }))
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// Request records one finished request.
func (m *Metrics) Request(operation, code string, took time.Duration, cost int, roundTrips int64) {
	operation = m.label(operation)
	m.requests.WithLabelValues(operation, code).Inc()
	m.duration.WithLabelValues(operation).Observe(took.Seconds())
	if cost > 0 {
		m.cost.Observe(float64(cost))
	}
	m.roundTrips.Observe(float64(roundTrips))
}

func (m *Metrics) label(operation string) string {
	switch {
	case operation == "":
		return "anonymous"
	case len(operation) > 64:
		return "other"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.operations[operation] {
		if len(m.operations) >= maxOperations {
			return "other"
		}
		m.operations[operation] = true
	}
	return operation
}

// RateLimited records a request refused for its budget.
func (m *Metrics) RateLimited() { m.rateLimited.Inc() }

func (m *Metrics) statement(op string, availableAfter, consumedAfter time.Duration, failed bool) {
	outcome := "ok"
	if failed {
		outcome = "error"
	}
	m.statements.WithLabelValues(op, outcome).Inc()
	if !failed {
		m.neo4jTime.WithLabelValues("available_after").Observe(availableAfter.Seconds())
		m.neo4jTime.WithLabelValues("consumed_after").Observe(consumedAfter.Seconds())
	}
}
