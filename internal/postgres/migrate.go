package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"path"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/seamless-sessions/seamless/migrations"
)

// MigrationLockID is the advisory lock that serialises migrations, so that
// replicas starting together apply each migration exactly once. It must stay
// the same across releases.
const MigrationLockID int64 = 0x5ea11e55

// Migrator applies the embedded migrations with goose.
type Migrator struct {
	provider *goose.Provider
	close    func() error
}

// NewMigrator returns a Migrator that applies the embedded migrations to the
// database at url. Close it after use.
func NewMigrator(url string, logger *slog.Logger) (*Migrator, error) {
	return NewMigratorFS(url, migrations.FS, logger)
}

// NewMigratorFS is NewMigrator with the migrations read from fsys, where
// goose expects them (files named like 00001_name.sql at its root).
func NewMigratorFS(url string, fsys fs.FS, logger *slog.Logger) (*Migrator, error) {
	cc, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: database URL: %w", err)
	}
	db := stdlib.OpenDB(*cc)
	// A replica that finds the lock taken asks again every second, for up
	// to five minutes, then gives up with an error.
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(MigrationLockID),
		lock.WithLockTimeout(1, 300))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: migrate: %w", err)
	}
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys,
		goose.WithSessionLocker(locker), goose.WithSlog(logger))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: migrate: %w", err)
	}
	return &Migrator{provider: p, close: db.Close}, nil
}

// Close releases the Migrator's connection.
func (m *Migrator) Close() error { return m.close() }

// Up applies every pending migration and returns those it applied. Each
// migration runs in its own transaction, so a failure leaves the schema of
// the last one that succeeded.
func (m *Migrator) Up(ctx context.Context) ([]*goose.MigrationResult, error) {
	res, err := m.provider.Up(ctx)
	var partial *goose.PartialError
	if errors.As(err, &partial) {
		return partial.Applied, fmt.Errorf("postgres: migration %s failed and was rolled back; "+
			"the schema is as the migrations before it left it: %w",
			path.Base(partial.Failed.Source.Path), partial.Err)
	}
	if err != nil {
		return res, fmt.Errorf("postgres: migrate up: %w", err)
	}
	return res, nil
}

// Down rolls back the most recent migration.
func (m *Migrator) Down(ctx context.Context) (*goose.MigrationResult, error) {
	res, err := m.provider.Down(ctx)
	if err != nil {
		return res, fmt.Errorf("postgres: migrate down: %w", err)
	}
	return res, nil
}

// Status lists every migration and whether it has been applied.
func (m *Migrator) Status(ctx context.Context) ([]*goose.MigrationStatus, error) {
	st, err := m.provider.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: migrate status: %w", err)
	}
	return st, nil
}

// Migrate applies every pending migration to the database at url.
func Migrate(ctx context.Context, url string, logger *slog.Logger) error {
	m, err := NewMigrator(url, logger)
	if err != nil {
		return err
	}
	defer m.Close()
	_, err = m.Up(ctx)
	return err
}
