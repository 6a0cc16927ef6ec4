// Package postgres stores Seamless's accounts and sessions in PostgreSQL,
// through pgx.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/seamless-sessions/seamless/internal/seamless"
)

// DB is a pool of connections to the Seamless database.
type DB struct {
	Pool  *pgxpool.Pool
	Clock seamless.Clock
}

// ConnectTimeout bounds each new connection when the database URL sets no
// connect_timeout of its own.
const ConnectTimeout = 3 * time.Second

// Open connects to the database at url and checks that it answers.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: database URL: %w", err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		// Without a limit, a request waits for the operating system to give
		// up on an unreachable server; readiness must fail faster than that.
		cfg.ConnConfig.ConnectTimeout = ConnectTimeout
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	db := &DB{Pool: pool, Clock: seamless.SystemClock{}}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.Ping(pctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// Close closes every connection.
func (db *DB) Close() { db.Pool.Close() }

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	if _, err := db.Pool.Exec(ctx, "SELECT 1"); err != nil {
		return unavailable("ping", err)
	}
	return nil
}

func (db *DB) now() time.Time { return db.Clock.Now().UTC() }

// unavailable wraps a database failure so that the HTTP layer answers "try
// again" instead of treating it as a missing session or a bad password.
func unavailable(op string, err error) error {
	return fmt.Errorf("postgres: %s: %w: %w", op, errUnavailable, err)
}

var errUnavailable = seamless.Errorf(seamless.EUNAVAILABLE,
	"The database cannot be reached right now. Nothing was lost; please try again in a moment.")

// isUniqueViolation reports whether err is PostgreSQL's unique_violation.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}
