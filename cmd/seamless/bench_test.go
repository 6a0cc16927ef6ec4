package main

import (
	"context"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/seamless-sessions/seamless/internal/postgres"
)

// BenchmarkSignInDuringCleanup measures how much draining a large backlog of
// expired sessions slows sign-ins: it times sign-ins with the backlog in
// place, then while the cleanup deletes it, and reports the ratio of the two
// medians and 95th percentiles (1.0 means no slowdown). SOAK_ROWS sets the
// backlog, a million by default. Run it with make bench.
func BenchmarkSignInDuringCleanup(b *testing.B) {
	rows := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("SOAK_ROWS")); err == nil && v > 0 {
		rows = v
	}
	start := time.Now()
	dbURL := newBacklogDatabase(b, rows, 1000)
	b.Logf("inserted %d expired sessions in %s", rows, time.Since(start).Round(time.Millisecond))
	app := runAppWith(b, testConfig(b, dbURL, map[string]string{"CLEANUP_INTERVAL": "0"}),
		dbURL, options{logger: slog.New(slog.DiscardHandler)})
	client := noRedirects()
	signIn := func() time.Duration {
		t0 := time.Now()
		signInHTTP(b, client, app.URL)
		return time.Since(t0)
	}

	for b.Loop() {
		var baseline, during []time.Duration
		for range 50 { // warm up connections and caches
			signIn()
		}
		for range 200 {
			baseline = append(baseline, signIn())
		}
		db, err := postgres.Open(context.Background(), dbURL)
		if err != nil {
			b.Fatal(err)
		}
		done := make(chan int64)
		go func() {
			n, err := (&postgres.Cleaner{DB: db, Batch: 1000}).RunOnce(context.Background())
			if err != nil {
				b.Error(err)
			}
			done <- n
		}()
		t0 := time.Now()
		var deleted int64
	measure:
		for {
			select {
			case deleted = <-done:
				break measure
			default:
				during = append(during, signIn())
			}
		}
		took := time.Since(t0)
		db.Close()
		report(b, baseline, during, deleted, took)
	}
}

func report(b *testing.B, baseline, during []time.Duration, deleted int64, took time.Duration) {
	b.Helper()
	p := func(d []time.Duration, q float64) time.Duration {
		slices.Sort(d)
		return d[int(q*float64(len(d)-1))]
	}
	if len(during) < 10 {
		b.Fatalf("only %d sign-ins ran during cleanup; use a larger SOAK_ROWS", len(during))
	}
	b.ReportMetric(float64(p(during, .5))/float64(p(baseline, .5)), "p50-ratio")
	b.ReportMetric(float64(p(during, .95))/float64(p(baseline, .95)), "p95-ratio")
	b.ReportMetric(float64(deleted)/took.Seconds(), "deleted/s")
	b.Logf("cleanup deleted %d rows in %s; sign-in p50 %s → %s, p95 %s → %s (%d and %d samples)",
		deleted, took.Round(time.Millisecond), p(baseline, .5), p(during, .5),
		p(baseline, .95), p(during, .95), len(baseline), len(during))
}
