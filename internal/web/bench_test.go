package web_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/seamless-sessions/seamless/internal/seamless"
	"github.com/seamless-sessions/seamless/internal/web"
)

// BenchmarkActiveRequests measures signed-in page views on a real database,
// twice in one run: with the touch interval (at most one write per session
// per minute) and with a baseline that writes the session on every request,
// as scs's own idle timeout would. It reports both costs, their ratio and
// the session writes per request.
func BenchmarkActiveRequests(b *testing.B) {
	const sessions = 8
	measure := func(touch time.Duration) (nsPerOp, writesPerOp float64) {
		p := testPolicy
		p.TouchInterval = touch
		a := newBenchApp(b, web.Config{Policy: p})
		clients := make([]*browser, sessions)
		for i := range clients {
			clients[i] = a.browser()
			clients[i].signIn("/app")
		}
		before := a.sessionWrites()
		start := time.Now()
		var wg sync.WaitGroup
		for i, c := range clients {
			n := b.N / sessions
			if i < b.N%sessions {
				n++
			}
			wg.Go(func() {
				for range n {
					c.get("/app", nil)
				}
			})
		}
		wg.Wait()
		elapsed := time.Since(start)
		return float64(elapsed.Nanoseconds()) / float64(b.N),
			float64(a.sessionWrites()-before) / float64(b.N)
	}
	b.ResetTimer()
	base, baseWrites := measure(0)
	ours, ourWrites := measure(time.Minute)
	b.StopTimer()
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(ours, "throttled-ns/req")
	b.ReportMetric(base, "baseline-ns/req")
	b.ReportMetric(ours/base, "throttled/baseline")
	b.ReportMetric(ourWrites, "throttled-writes/req")
	b.ReportMetric(baseWrites, "baseline-writes/req")
}

// newBenchApp is newApp for benchmarks: the real clock, so that time passes
// as requests are served.
// It counts session writes with a trigger that bumps a sequence, which is
// exact and costs both runs the same per write.
func newBenchApp(b *testing.B, cfg web.Config) *app {
	b.Helper()
	a := newApp(b, cfg)
	a.db.Clock = seamless.SystemClock{}
	_, err := a.db.Pool.Exec(context.Background(), `
		CREATE SEQUENCE session_writes;
		CREATE FUNCTION count_session_write() RETURNS trigger LANGUAGE plpgsql AS
			$$ BEGIN PERFORM nextval('session_writes'); RETURN NEW; END $$;
		CREATE TRIGGER count_writes AFTER UPDATE ON sessions
			FOR EACH ROW EXECUTE FUNCTION count_session_write();`)
	if err != nil {
		b.Fatal(err)
	}
	return a
}

// sessionWrites returns how many session rows have been updated.
func (a *app) sessionWrites() int64 {
	a.t.Helper()
	var n int64
	err := a.db.Pool.QueryRow(context.Background(),
		"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM session_writes").Scan(&n)
	if err != nil {
		a.t.Fatal(err)
	}
	return n
}
