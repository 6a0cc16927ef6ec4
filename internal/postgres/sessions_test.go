package postgres_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seamless-sessions/seamless/internal/postgres"
	"github.com/seamless-sessions/seamless/internal/seamless"
)

var policy = seamless.Policy{
	IdleTimeout:         30 * time.Minute,
	AbsoluteLifetime:    12 * time.Hour,
	TouchInterval:       time.Minute,
	RememberIdleTimeout: 7 * 24 * time.Hour,
	RememberLifetime:    30 * 24 * time.Hour,
}

func newToken(t *testing.T) string {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// fixture is a store with one account.
type fixture struct {
	db    *postgres.DB
	st    *postgres.SessionStore
	clock interface{ Advance(time.Duration) }
	user  *seamless.User
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db, clock := openDB(t)
	u, err := db.CreateUser(context.Background(), "ada@example.com", "not-a-real-hash")
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{db: db, st: postgres.NewSessionStore(db, policy), clock: clock, user: u}
}

// create commits a new session for the fixture's user and returns its token.
func (f *fixture) create(t *testing.T, v *seamless.Visit) string {
	t.Helper()
	token := newToken(t)
	v.NewUserID = f.user.ID
	ctx := seamless.WithVisit(context.Background(), v)
	if err := f.st.CommitCtx(ctx, token, []byte("payload"), time.Time{}); err != nil {
		t.Fatalf("CommitCtx: %v", err)
	}
	return token
}

// load finds token's session as a request would.
func (f *fixture) load(t *testing.T, token string) (*seamless.Visit, bool) {
	t.Helper()
	v := &seamless.Visit{}
	b, found, err := f.st.FindCtx(seamless.WithVisit(context.Background(), v), token)
	if err != nil {
		t.Fatalf("FindCtx: %v", err)
	}
	if found && string(b) != "payload" {
		t.Fatalf("FindCtx data = %q; want %q", b, "payload")
	}
	return v, found
}

func TestSessionCreateAndFind(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token := f.create(t, &seamless.Visit{UserAgent: "Firefox", ClientIP: "192.0.2.7"})

	v, found := f.load(t, token)
	if !found || v.Session == nil {
		t.Fatal("new session not found")
	}
	s := v.Session
	if s.UserID != f.user.ID || s.UserAgent != "Firefox" || s.ClientIP != "192.0.2.7" {
		t.Errorf("session = %+v; want user %d, Firefox, 192.0.2.7", s, f.user.ID)
	}
	if !s.IdleDeadline.Equal(epoch.Add(30*time.Minute)) || !s.AbsoluteDeadline.Equal(epoch.Add(12*time.Hour)) {
		t.Errorf("deadlines = %v, %v; want +30m, +12h", s.IdleDeadline, s.AbsoluteDeadline)
	}
	if s.ID != hex.EncodeToString(postgres.HashToken(token)) {
		t.Errorf("ID = %s; want the hex SHA-256 of the token", s.ID)
	}
}

func TestSessionTokenNotStored(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token := f.create(t, &seamless.Visit{})
	raw, _ := base64.RawURLEncoding.DecodeString(token)

	// Every row of every table, as text and as bytes.
	rows, err := f.db.Pool.Query(context.Background(), `
		SELECT t::text FROM users t UNION ALL SELECT t::text FROM sessions t`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		n++
		for _, needle := range []string{token, hex.EncodeToString(raw),
			base64.StdEncoding.EncodeToString(raw)} {
			if strings.Contains(line, needle) {
				t.Fatalf("row %q holds the raw token", line)
			}
		}
	}
	if n != 2 {
		t.Fatalf("read %d rows; want 2", n)
	}
	var h []byte
	err = f.db.Pool.QueryRow(context.Background(), "SELECT token_hash FROM sessions").Scan(&h)
	if err != nil || !bytes.Equal(h, postgres.HashToken(token)) {
		t.Fatalf("token_hash = %x, %v; want SHA-256 of the token", h, err)
	}
}

func TestSessionSlidesOncePerInterval(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token := f.create(t, &seamless.Visit{})
	ctx := context.Background()

	f.clock.Advance(30 * time.Second)
	v, _ := f.load(t, token)
	if wrote, err := f.st.Touch(ctx, v.Session); err != nil || wrote {
		t.Fatalf("Touch inside the interval = %v, %v; want no write", wrote, err)
	}
	f.clock.Advance(45 * time.Second) // 75 s after creation
	v, _ = f.load(t, token)
	if wrote, err := f.st.Touch(ctx, v.Session); err != nil || !wrote {
		t.Fatalf("Touch after the interval = %v, %v; want a write", wrote, err)
	}
	want := epoch.Add(75*time.Second + 30*time.Minute)
	if !v.Session.IdleDeadline.Equal(want) {
		t.Errorf("idle deadline = %v; want %v", v.Session.IdleDeadline, want)
	}
	if v2, _ := f.load(t, token); !v2.Session.IdleDeadline.Equal(want) {
		t.Errorf("stored idle deadline = %v; want %v", v2.Session.IdleDeadline, want)
	}
	if !v.Session.AbsoluteDeadline.Equal(epoch.Add(12 * time.Hour)) {
		t.Errorf("absolute deadline moved to %v", v.Session.AbsoluteDeadline)
	}
}

func TestSessionIdleCappedByAbsolute(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token := f.create(t, &seamless.Visit{})
	// Stay active every 20 minutes until past the absolute deadline.
	for i := 0; i < 40; i++ {
		f.clock.Advance(20 * time.Minute)
		v, found := f.load(t, token)
		if !found {
			if elapsed := time.Duration(i+1) * 20 * time.Minute; elapsed < 12*time.Hour {
				t.Fatalf("session ended after %v of constant activity", elapsed)
			}
			if v.Expired != seamless.ExpiredAbsolute {
				t.Fatalf("ended as %q; want absolute", v.Expired)
			}
			return
		}
		if _, err := f.st.Refresh(context.Background(), v.Session); err != nil {
			t.Fatal(err)
		}
		if v.Session.IdleDeadline.After(epoch.Add(12 * time.Hour)) {
			t.Fatalf("idle deadline %v is past the absolute deadline", v.Session.IdleDeadline)
		}
	}
	t.Fatal("session outlived its absolute lifetime")
}

func TestSessionExpiresWhenIdle(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token := f.create(t, &seamless.Visit{})
	f.clock.Advance(30*time.Minute - time.Second)
	if _, found := f.load(t, token); !found {
		t.Fatal("session ended a second before its idle deadline")
	}
	f.clock.Advance(time.Second)
	v, found := f.load(t, token)
	if found || v.Expired != seamless.ExpiredIdle {
		t.Fatalf("found=%v expired=%q at the idle deadline; want not found, idle", found, v.Expired)
	}
	if wrote, _ := f.st.Refresh(context.Background(), &seamless.Session{ID: hex.EncodeToString(postgres.HashToken(token))}); wrote {
		t.Fatal("Refresh revived an expired session")
	}
}

func TestSessionDelete(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token := f.create(t, &seamless.Visit{})
	if err := f.st.DeleteCtx(context.Background(), token); err != nil {
		t.Fatal(err)
	}
	if _, found := f.load(t, token); found {
		t.Fatal("deleted session still found")
	}
	if err := f.st.DeleteCtx(context.Background(), token); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}
}

// A request that loaded a session before it was deleted must not bring it
// back when it saves its data afterwards.
func TestSessionCommitDoesNotResurrect(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token := f.create(t, &seamless.Visit{})
	inFlight, _ := f.load(t, token)

	if err := f.st.DeleteCtx(context.Background(), token); err != nil {
		t.Fatal(err)
	}
	ctx := seamless.WithVisit(context.Background(), inFlight)
	if err := f.st.CommitCtx(ctx, token, []byte("late write"), time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.Touch(context.Background(), inFlight.Session); err != nil {
		t.Fatal(err)
	}
	if _, found := f.load(t, token); found {
		t.Fatal("a late commit brought a signed-out session back")
	}
}

func TestSessionMalformedToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, tok := range []string{"", "short", strings.Repeat("A", 42),
		strings.Repeat("!", 43), strings.Repeat("A", 44), "' OR 1=1 --"} {
		v, found := f.load(t, tok)
		if found || !v.Malformed {
			t.Errorf("token %q: found=%v malformed=%v; want not found, malformed", tok, found, v.Malformed)
		}
	}
}

func TestSessionRenewalKeepsAbsoluteDeadline(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	first := f.create(t, &seamless.Visit{})
	f.clock.Advance(20 * time.Minute)
	old, _ := f.load(t, first)

	second := f.create(t, &seamless.Visit{KeepAbsolute: old.Session.AbsoluteDeadline})
	v, found := f.load(t, second)
	if !found || !v.Session.AbsoluteDeadline.Equal(old.Session.AbsoluteDeadline) {
		t.Fatalf("renewed absolute deadline = %v; want %v", v.Session.AbsoluteDeadline,
			old.Session.AbsoluteDeadline)
	}
}

func TestSessionRememberMeLifetimes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token := f.create(t, &seamless.Visit{Remember: true})
	v, _ := f.load(t, token)
	if !v.Session.Remember || !v.Session.AbsoluteDeadline.Equal(epoch.Add(30*24*time.Hour)) ||
		!v.Session.IdleDeadline.Equal(epoch.Add(7*24*time.Hour)) {
		t.Fatalf("remembered session = %+v; want 7-day idle and 30-day absolute", v.Session)
	}
}

// TestSessionWritesPerInterval counts the row writes PostgreSQL performs, with
// a trigger, while many requests on many connections touch one session: one
// touch interval must cost one write, whatever the request rate.
func TestSessionWritesPerInterval(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.db.Pool.Exec(ctx, `
		CREATE TABLE session_writes (n int NOT NULL);
		INSERT INTO session_writes VALUES (0);
		CREATE FUNCTION count_session_write() RETURNS trigger LANGUAGE plpgsql AS
			$$ BEGIN UPDATE session_writes SET n = n + 1; RETURN NEW; END $$;
		CREATE TRIGGER count_writes AFTER UPDATE ON sessions
			FOR EACH ROW EXECUTE FUNCTION count_session_write();`)
	if err != nil {
		t.Fatal(err)
	}
	token := f.create(t, &seamless.Visit{})
	writes := func() int {
		var n int
		if err := f.db.Pool.QueryRow(ctx, "SELECT n FROM session_writes").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	for interval := 1; interval <= 3; interval++ {
		f.clock.Advance(policy.TouchInterval)
		var wg sync.WaitGroup
		for range 200 {
			wg.Go(func() {
				v, found := f.load(t, token)
				if !found {
					t.Error("session lost")
					return
				}
				if _, err := f.st.Touch(ctx, v.Session); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if got := writes(); got != interval {
			t.Fatalf("after %d intervals of 200 requests: %d writes; want %d", interval, got, interval)
		}
	}
}
