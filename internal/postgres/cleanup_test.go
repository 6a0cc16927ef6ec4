package postgres_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seamless-sessions/seamless/internal/postgres"
	"github.com/seamless-sessions/seamless/internal/seamless"
)

// insertExpired adds n sessions for userID that expired before now: half
// past their idle deadline only, half past both deadlines, all by at
// least a second.
func insertExpired(t *testing.T, db *postgres.DB, userID int64, n int, now time.Time) {
	t.Helper()
	_, err := db.Pool.Exec(context.Background(), `
		INSERT INTO sessions (token_hash, user_id, created_at, last_seen,
			idle_deadline, absolute_deadline, data)
		SELECT sha256(('expired ' || i)::bytea), $1, $2::timestamptz - interval '13 hours',
			$2::timestamptz - interval '1 hour', $2::timestamptz - i * interval '1 second',
			CASE WHEN i % 2 = 0 THEN $2::timestamptz - i * interval '1 second'
			     ELSE $2::timestamptz + interval '1 hour' END, ''
		FROM generate_series(1, $3) AS i`, userID, now, n)
	if err != nil {
		t.Fatalf("insert expired sessions: %v", err)
	}
}

func TestCleanupDeletesOnlyExpired(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	live := f.create(t, &seamless.Visit{})
	insertExpired(t, f.db, f.user.ID, 2500, epoch.Add(policy.IdleTimeout))
	f.clock.Advance(policy.IdleTimeout - time.Second) // live has one second left

	var reported atomic.Int64
	c := &postgres.Cleaner{DB: f.db, Batch: 1000, Deleted: func(n int64) { reported.Add(n) }}
	n, err := c.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2500 || reported.Load() != 2500 {
		t.Errorf("deleted %d, reported %d; want 2500 and 2500", n, reported.Load())
	}
	if got := countSessions(t, f.db); got != 1 {
		t.Errorf("%d sessions left; want only the live one", got)
	}
	if _, found := f.load(t, live); !found {
		t.Error("the live session was deleted")
	}

	f.clock.Advance(time.Second) // now the idle deadline has come
	if n, err := c.RunOnce(ctx); err != nil || n != 1 {
		t.Errorf("second run deleted %d (%v); want the session that just expired", n, err)
	}
}

func TestCleanupOneReplicaAtATime(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	insertExpired(t, f.db, f.user.ID, 10, epoch)

	other, err := f.db.Pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Exec(ctx, `SELECT pg_advisory_lock($1)`, postgres.CleanupLockID); err != nil {
		t.Fatal(err)
	}
	c := &postgres.Cleaner{DB: f.db}
	if n, err := c.RunOnce(ctx); err != nil || n != 0 {
		t.Errorf("while another replica cleans: deleted %d (%v); want 0", n, err)
	}
	if got := countSessions(t, f.db); got != 10 {
		t.Errorf("%d sessions left; want all 10 while the lock is held elsewhere", got)
	}

	if _, err := other.Exec(ctx, `SELECT pg_advisory_unlock($1)`, postgres.CleanupLockID); err != nil {
		t.Fatal(err)
	}
	other.Release()
	if n, err := c.RunOnce(ctx); err != nil || n != 10 {
		t.Errorf("after the lock was released: deleted %d (%v); want 10", n, err)
	}
}

func countSessions(t *testing.T, db *postgres.DB) int {
	t.Helper()
	var n int
	if err := db.Pool.QueryRow(context.Background(),
		`SELECT count(*) FROM sessions`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
