package postgres_test

import (
	"context"
	"testing"

	"github.com/seamless-sessions/seamless/internal/pgtest"
	"github.com/seamless-sessions/seamless/internal/postgres"
)

// Every migration can be rolled back, and applied again after.
func TestMigrationsAreReversible(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m, err := postgres.NewMigrator(pgtest.NewDatabase(t, nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()

	up, err := m.Up(ctx)
	if err != nil || len(up) == 0 {
		t.Fatalf("up: %d applied, %v", len(up), err)
	}
	for range up {
		if _, err := m.Down(ctx); err != nil {
			t.Fatalf("down: %v", err)
		}
	}
	st, err := m.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range st {
		if !s.AppliedAt.IsZero() {
			t.Fatalf("%s still applied after rolling everything back", s.Source.Path)
		}
	}
	again, err := m.Up(ctx)
	if err != nil || len(again) != len(up) {
		t.Fatalf("up again: %d applied, %v; want %d", len(again), err, len(up))
	}
}
