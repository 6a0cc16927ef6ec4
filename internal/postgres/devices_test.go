package postgres_test

import (
	"context"
	"testing"

	"github.com/seamless-sessions/seamless/internal/seamless"
)

func TestDeletingAccountEndsItsSessions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tok := f.create(t, &seamless.Visit{})
	if _, err := f.db.Pool.Exec(context.Background(), `DELETE FROM users WHERE id = $1`, f.user.ID); err != nil {
		t.Fatal(err)
	}
	if _, found := f.load(t, tok); found {
		t.Fatal("the session of a deleted account is still found")
	}
}

func TestRevokeOthersKeepsOne(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	keep := f.create(t, &seamless.Visit{})
	drop1, drop2 := f.create(t, &seamless.Visit{}), f.create(t, &seamless.Visit{})
	v, _ := f.load(t, keep)
	list, err := f.st.SessionsByUser(context.Background(), f.user.ID)
	if err != nil || len(list) != 3 {
		t.Fatalf("SessionsByUser: %d sessions, %v; want 3", len(list), err)
	}
	n, err := f.st.RevokeOthers(context.Background(), f.user.ID, v.Session.ID)
	if err != nil || n != 2 {
		t.Fatalf("RevokeOthers = %d, %v; want 2", n, err)
	}
	for _, tok := range []string{drop1, drop2} {
		if _, found := f.load(t, tok); found {
			t.Error("a revoked session is still found")
		}
	}
	if _, found := f.load(t, keep); !found {
		t.Fatal("the kept session was revoked")
	}
}
