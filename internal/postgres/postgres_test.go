package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/seamless-sessions/seamless/internal/pgtest"
	"github.com/seamless-sessions/seamless/internal/postgres"
	"github.com/seamless-sessions/seamless/internal/seamless/seamlesstest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// epoch is where every test clock starts.
var epoch = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// openDB returns a fresh, migrated database driven by a clock the test moves.
func openDB(t *testing.T) (*postgres.DB, *seamlesstest.Clock) {
	t.Helper()
	url := pgtest.NewDatabase(t, func(ctx context.Context, url string) error {
		return postgres.Migrate(ctx, url, nil)
	})
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	clock := seamlesstest.NewClock(epoch)
	db.Clock = clock
	return db, clock
}
