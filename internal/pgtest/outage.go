package pgtest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// SetReachable cuts every connection to the database at dbURL and refuses
// new ones, or lets them in again: a real outage for the code under test, not
// a mock. The database must be one that NewDatabase made.
func SetReachable(t testing.TB, dbURL string, ok bool) {
	t.Helper()
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := pgx.Connect(ctx, Server(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	name := ident(cfg.Database)
	if ok {
		_, err = admin.Exec(ctx, "ALTER DATABASE "+name+" ALLOW_CONNECTIONS true")
	} else {
		_, err = admin.Exec(ctx, "ALTER DATABASE "+name+" ALLOW_CONNECTIONS false")
		if err == nil {
			_, err = admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
				WHERE datname = $1 AND pid <> pg_backend_pid()`, cfg.Database)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
}
