package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// CleanupLockID is the advisory lock held by the one replica that is
// deleting expired sessions. It must stay the same across releases.
const CleanupLockID int64 = 0x5ea11e56

// deleteExpiredSQL deletes up to $2 sessions whose idle deadline passed at
// $1. The idle deadline is never later than the absolute one, so its index
// finds sessions past either. Rows locked by a request that is touching
// them are skipped, not waited for.
const deleteExpiredSQL = `
	DELETE FROM sessions WHERE token_hash IN (
	    SELECT token_hash FROM sessions
	    WHERE idle_deadline <= $1
	    ORDER BY idle_deadline
	    LIMIT $2
	    FOR UPDATE SKIP LOCKED)`

// Cleaner deletes expired sessions. Expired sessions are already refused
// when read; deleting them only keeps the table small. A run holds one
// connection of the pool (the one with the lock) until the backlog is gone.
type Cleaner struct {
	DB *DB

	// Interval is the time between two runs. Default 5 minutes.
	Interval time.Duration

	// Batch is the most rows deleted by one statement, each in its own
	// short transaction, so that cleanup never holds many row locks at
	// once. Default 1000.
	Batch int

	// BatchTimeout is the statement timeout of one batch. Default 5 seconds.
	BatchTimeout time.Duration

	// Logger receives a line per run that deleted something, and failures.
	Logger *slog.Logger

	// Deleted, if set, is told how many rows each batch deleted.
	Deleted func(n int64)
}

func (c *Cleaner) defaults() {
	if c.Interval <= 0 {
		c.Interval = 5 * time.Minute
	}
	if c.Batch <= 0 {
		c.Batch = 1000
	}
	if c.BatchTimeout <= 0 {
		c.BatchTimeout = 5 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Run cleans up at once and then every Interval until ctx ends. Failures
// are logged and retried at the next interval.
func (c *Cleaner) Run(ctx context.Context) {
	c.defaults()
	t := time.NewTicker(c.Interval)
	defer t.Stop()
	for {
		n, err := c.RunOnce(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			c.Logger.Warn("session cleanup failed", "err", err, "deleted", n)
		case n > 0:
			c.Logger.Info("expired sessions deleted", "deleted", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce deletes expired sessions batch by batch until none is left, and
// returns how many it deleted. Only one replica cleans at a time: when
// another holds the cleanup lock, RunOnce returns 0 at once.
func (c *Cleaner) RunOnce(ctx context.Context) (int64, error) {
	c.defaults()
	conn, err := c.DB.Pool.Acquire(ctx)
	if err != nil {
		return 0, fmt.Errorf("postgres: cleanup: %w", err)
	}
	var locked bool
	err = conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, CleanupLockID).Scan(&locked)
	if err != nil || !locked {
		conn.Release()
		return 0, wrapCleanup(err)
	}
	defer c.unlock(conn)
	return c.drain(ctx, conn)
}

// drain deletes batches until one comes back short.
func (c *Cleaner) drain(ctx context.Context, conn *pgxpool.Conn) (int64, error) {
	var total int64
	for ctx.Err() == nil {
		n, err := c.batch(ctx, conn)
		total += n
		if err != nil {
			return total, wrapCleanup(err)
		}
		if n < int64(c.Batch) {
			break
		}
	}
	return total, nil
}

// batch deletes one batch in a transaction with a statement timeout.
func (c *Cleaner) batch(ctx context.Context, conn *pgxpool.Conn) (int64, error) {
	var n int64
	err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		ms := fmt.Sprint(c.BatchTimeout.Milliseconds())
		if _, err := tx.Exec(ctx, `SELECT set_config('statement_timeout', $1, true)`, ms); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, deleteExpiredSQL, c.DB.now(), c.Batch)
		n = tag.RowsAffected()
		return err
	})
	if err != nil {
		return 0, err
	}
	if c.Deleted != nil {
		c.Deleted(n)
	}
	return n, nil
}

// unlock releases the cleanup lock, or closes the connection (which
// releases it too) when that fails.
func (c *Cleaner) unlock(conn *pgxpool.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, CleanupLockID); err != nil {
		_ = conn.Hijack().Close(ctx)
		return
	}
	conn.Release()
}

func wrapCleanup(err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	return fmt.Errorf("postgres: cleanup: %w", err)
}

// LiveSessions counts the sessions that have not expired. It reads the idle
// deadline index only.
func (db *DB) LiveSessions(ctx context.Context) (int64, error) {
	var n int64
	err := db.Pool.QueryRow(ctx,
		`SELECT count(*) FROM sessions WHERE idle_deadline > $1`, db.now()).Scan(&n)
	if err != nil {
		return 0, unavailable("count sessions", err)
	}
	return n, nil
}
