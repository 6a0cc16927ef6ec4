// Package metrics defines Seamless's Prometheus metrics and serves them.
// The HTTP and storage layers report through small hooks of their own (the
// web.Observer interface, the cleaner's Deleted function), so only this
// package and the wiring in cmd/seamless know about Prometheus.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Sessions counts live sessions; *postgres.DB implements it.
type Sessions interface {
	LiveSessions(ctx context.Context) (int64, error)
}

// Metrics holds every metric of one server. It implements web.Observer.
type Metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	signIns    *prometheus.CounterVec
	refreshes  *prometheus.CounterVec
	extensions *prometheus.CounterVec
	expiries   *prometheus.CounterVec
	cleaned    prometheus.Counter
}

// New returns the metrics of a server whose sessions and connection pool
// are read at each scrape. Either may be nil.
func New(sessions Sessions, pool *pgxpool.Pool, log *slog.Logger) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = counterVec("http_requests_total",
		"HTTP requests answered, by route pattern and status.", "route", "status")
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "http_request_duration_seconds",
		Help:    "Time to answer HTTP requests, by route pattern and status.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "status"})
	m.signIns = counterVec("sign_ins_total",
		"Sign-in attempts by outcome: ok, refused, invalid or error.", "outcome")
	m.refreshes = counterVec("session_refreshes_total",
		"Refreshes asked for by open pages; written is false when one had just been written.",
		"written")
	m.extensions = counterVec("session_extensions_total",
		"Activity on sessions; written is false when the touch interval skipped the write.",
		"written")
	m.expiries = counterVec("session_expiries_total",
		"Requests that brought an expired session, by kind: idle or absolute.", "kind")
	m.cleaned = prometheus.NewCounter(prometheus.CounterOpts{Namespace: namespace,
		Name: "cleanup_deleted_sessions_total",
		Help: "Expired sessions deleted by the cleanup on this instance."})
	m.reg.MustRegister(m.requests, m.latency, m.signIns, m.refreshes,
		m.extensions, m.expiries, m.cleaned,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if sessions != nil {
		m.reg.MustRegister(&liveCollector{sessions: sessions, log: log})
	}
	if pool != nil {
		m.reg.MustRegister(&poolCollector{pool: pool})
	}
	return m
}

// namespace prefixes every metric's name.
const namespace = "seamless"

func counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: name, Help: help}, labels)
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Request counts one answered request.
func (m *Metrics) Request(route string, status int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	code := strconv.Itoa(status)
	m.requests.WithLabelValues(route, code).Inc()
	m.latency.WithLabelValues(route, code).Observe(d.Seconds())
}

// SignIn counts one sign-in attempt.
func (m *Metrics) SignIn(outcome string) { m.signIns.WithLabelValues(outcome).Inc() }

// Refresh counts one refresh.
func (m *Metrics) Refresh(written bool) {
	m.refreshes.WithLabelValues(strconv.FormatBool(written)).Inc()
}

// Extension counts one touch of a session.
func (m *Metrics) Extension(written bool) {
	m.extensions.WithLabelValues(strconv.FormatBool(written)).Inc()
}

// Expiry counts one expired session met by a request.
func (m *Metrics) Expiry(kind string) { m.expiries.WithLabelValues(kind).Inc() }

// CleanupDeleted adds n to the expired sessions deleted.
func (m *Metrics) CleanupDeleted(n int64) { m.cleaned.Add(float64(n)) }
