package postgres_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/seamless-sessions/seamless/internal/pgtest"
	"github.com/seamless-sessions/seamless/internal/postgres"
)

// brokenMigrations has a good first migration and a second that fails
// after one of its statements has succeeded.
var brokenMigrations = fstest.MapFS{
	"00001_widgets.sql": {Data: []byte(`-- +goose Up
CREATE TABLE widgets (id bigint PRIMARY KEY);
-- +goose Down
DROP TABLE widgets;
`)},
	"00002_gadgets.sql": {Data: []byte(`-- +goose Up
CREATE TABLE gadgets (id bigint PRIMARY KEY);
ALTER TABLE widgets ADD COLUMN size no_such_type;
-- +goose Down
DROP TABLE gadgets;
`)},
}

func TestFailedMigrationKeepsPreviousSchema(t *testing.T) {
	url := pgtest.NewDatabase(t, nil)
	ctx := context.Background()
	m, err := postgres.NewMigratorFS(url, brokenMigrations, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()

	res, err := m.Up(ctx)
	if err == nil {
		t.Fatal("Up succeeded with a broken migration")
	}
	for _, want := range []string{"00002_gadgets.sql", "no_such_type"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	if len(res) == 0 || res[0].Source.Version != 1 {
		t.Errorf("results %v; want migration 1 applied", res)
	}

	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var widgets, gadgets bool
	err = db.Pool.QueryRow(ctx, `SELECT to_regclass('widgets') IS NOT NULL,
		to_regclass('gadgets') IS NOT NULL`).Scan(&widgets, &gadgets)
	if err != nil {
		t.Fatal(err)
	}
	if !widgets || gadgets {
		t.Errorf("widgets exists %v, gadgets exists %v; want the schema of migration 1 only",
			widgets, gadgets)
	}
	var version int64
	err = db.Pool.QueryRow(ctx, `SELECT max(version_id) FROM goose_db_version`).Scan(&version)
	if err != nil || version != 1 {
		t.Errorf("recorded version %d (%v); want 1", version, err)
	}
}

// slowMigration holds its transaction long enough that replicas starting
// together would all be inside it at once, were it not for the lock.
var slowMigration = fstest.MapFS{
	"00001_slow.sql": {Data: []byte(`-- +goose Up
SELECT pg_sleep(0.5);
CREATE TABLE slow (id bigint PRIMARY KEY);
INSERT INTO slow VALUES (1);
-- +goose Down
DROP TABLE slow;
`)},
}

func TestConcurrentMigratorsApplyOnce(t *testing.T) {
	url := pgtest.NewDatabase(t, nil)
	ctx := context.Background()
	const replicas = 3
	applied := make(chan int, replicas)
	errs := make(chan error, replicas)
	for range replicas {
		go func() {
			m, err := postgres.NewMigratorFS(url, slowMigration, nil)
			if err != nil {
				errs <- err
				return
			}
			defer m.Close()
			res, err := m.Up(ctx)
			applied <- len(res)
			errs <- err
		}()
	}
	total := 0
	for range replicas {
		if err := <-errs; err != nil {
			t.Errorf("a replica failed to migrate: %v", err)
			continue
		}
		total += <-applied
	}
	if total != 1 {
		t.Errorf("the migration was applied %d times; want once", total)
	}
}
