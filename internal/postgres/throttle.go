package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/seamless-sessions/seamless/internal/seamless"
)

// Throttle counts failed sign-ins per key in the login_failures table, so
// that every replica sees the same counts.
type Throttle struct {
	DB *DB
}

// NewThrottle returns a Throttle on db.
func NewThrottle(db *DB) *Throttle { return &Throttle{DB: db} }

// Wait returns how long the key must still wait before its next attempt;
// zero when it is free.
func (t *Throttle) Wait(ctx context.Context, key string) (time.Duration, error) {
	var until time.Time
	err := t.DB.Pool.QueryRow(ctx,
		`SELECT locked_until FROM login_failures WHERE key = $1`, key).Scan(&until)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	} else if err != nil {
		return 0, unavailable("read sign-in throttle", err)
	}
	return max(until.Sub(t.DB.now()), 0), nil
}

// failSQL counts one failure; a count last raised more than a window ago
// starts again at one.
const failSQL = `
	INSERT INTO login_failures (key, failures, last_failure, locked_until)
	VALUES ($1, 1, $2, $2)
	ON CONFLICT (key) DO UPDATE SET
	    failures = CASE WHEN login_failures.last_failure < $3
	                    THEN 1 ELSE login_failures.failures + 1 END,
	    last_failure = $2
	RETURNING failures`

// Fail counts a failed attempt for key under policy p and locks the key
// for p's delay when it has failed too often.
func (t *Throttle) Fail(ctx context.Context, key string, p seamless.ThrottlePolicy) error {
	now := t.DB.now()
	var n int
	err := t.DB.Pool.QueryRow(ctx, failSQL, key, now, now.Add(-p.Window)).Scan(&n)
	if err != nil {
		return unavailable("count failed sign-in", err)
	}
	if d := p.Delay(n); d > 0 {
		_, err = t.DB.Pool.Exec(ctx,
			`UPDATE login_failures SET locked_until = $2 WHERE key = $1`, key, now.Add(d))
		if err != nil {
			return unavailable("lock sign-in", err)
		}
	}
	return nil
}

// Reset forgets the failures of key, after a successful sign-in.
func (t *Throttle) Reset(ctx context.Context, key string) error {
	_, err := t.DB.Pool.Exec(ctx, `DELETE FROM login_failures WHERE key = $1`, key)
	if err != nil {
		return unavailable("reset sign-in throttle", err)
	}
	return nil
}
