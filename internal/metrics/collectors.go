package metrics

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// liveTimeout bounds the count query run at each scrape, so that a slow
// database cannot hold scrapes up.
const liveTimeout = 2 * time.Second

var liveDesc = prometheus.NewDesc(namespace+"_sessions_active",
	"Sessions that have not expired, counted at scrape time.", nil, nil)

// liveCollector counts live sessions when scraped.
type liveCollector struct {
	sessions Sessions
	log      *slog.Logger
}

func (c *liveCollector) Describe(ch chan<- *prometheus.Desc) { ch <- liveDesc }

func (c *liveCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), liveTimeout)
	defer cancel()
	n, err := c.sessions.LiveSessions(ctx)
	if err != nil {
		// Leaving the series out tells the scraper the value is unknown.
		if c.log != nil {
			c.log.Warn("metrics: sessions not counted", "err", err)
		}
		return
	}
	ch <- prometheus.MustNewConstMetric(liveDesc, prometheus.GaugeValue, float64(n))
}

// poolCollector reports the connection pool's statistics.
type poolCollector struct{ pool *pgxpool.Pool }

func poolDesc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc(namespace+"_db_pool_"+name, help, nil, nil)
}

var (
	poolTotal    = poolDesc("connections", "Connections open in the pool.")
	poolAcquired = poolDesc("acquired_connections", "Connections in use.")
	poolIdle     = poolDesc("idle_connections", "Connections open and unused.")
	poolMax      = poolDesc("max_connections", "Most connections the pool opens.")
	poolAcquires = poolDesc("acquires_total", "Connections taken from the pool.")
	poolEmpty    = poolDesc("empty_acquires_total",
		"Acquires that had to wait because no connection was idle.")
	poolWait = poolDesc("acquire_wait_seconds_total",
		"Time spent waiting for a connection.")
)

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolTotal, poolAcquired, poolIdle,
		poolMax, poolAcquires, poolEmpty, poolWait} {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	gauge := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v)
	}
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	gauge(poolTotal, float64(s.TotalConns()))
	gauge(poolAcquired, float64(s.AcquiredConns()))
	gauge(poolIdle, float64(s.IdleConns()))
	gauge(poolMax, float64(s.MaxConns()))
	counter(poolAcquires, float64(s.AcquireCount()))
	counter(poolEmpty, float64(s.EmptyAcquireCount()))
	counter(poolWait, s.AcquireDuration().Seconds())
}
