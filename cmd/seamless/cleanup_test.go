package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/seamless-sessions/seamless/internal/pgtest"
	"github.com/seamless-sessions/seamless/internal/postgres"
	"github.com/seamless-sessions/seamless/internal/seamless/seamlesstest"
)

// backlogSQL adds $3 sessions for user $1 that expired before $2, and $4
// that are live until an hour after it.
const backlogSQL = `
	INSERT INTO sessions (token_hash, user_id, created_at, last_seen,
		idle_deadline, absolute_deadline, data)
	SELECT sha256(('backlog ' || i)::bytea), $1,
		$2::timestamptz - interval '13 hours', $2::timestamptz - interval '1 hour',
		d, CASE WHEN i % 2 = 0 THEN d ELSE d + interval '12 hours' END, ''
	FROM generate_series(1, $3::int + $4::int) AS i,
		LATERAL (SELECT CASE WHEN i <= $3::int THEN $2::timestamptz - i * interval '1 ms'
		                     ELSE $2::timestamptz + interval '1 hour' END AS d) AS deadline`

// newBacklogDatabase returns a migrated database with the test account,
// expired sessions and live ones.
func newBacklogDatabase(t testing.TB, expired, live int) string {
	t.Helper()
	dbURL := pgtest.NewDatabase(t, migrateDB)
	createAccount(t, dbURL, testEmail, testPassword)
	db := openDB(t, dbURL)
	_, err := db.Pool.Exec(context.Background(), backlogSQL, userID(t, db), time.Now(), expired, live)
	if err != nil {
		t.Fatalf("insert backlog: %v", err)
	}
	return dbURL
}

func userID(t testing.TB, db *postgres.DB) int64 {
	t.Helper()
	u, err := db.UserByEmail(context.Background(), testEmail)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// countSessions returns how many sessions have expired and how many have not.
func countSessions(t testing.TB, db *postgres.DB) (expired, live int64) {
	t.Helper()
	err := db.Pool.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE idle_deadline <= $1),
		count(*) FILTER (WHERE idle_deadline > $1) FROM sessions`, time.Now()).Scan(&expired, &live)
	if err != nil {
		t.Fatal(err)
	}
	return expired, live
}

func TestCleanupBacklogWhileSigningIn(t *testing.T) {
	const backlog, live = 200_000, 500
	dbURL := newBacklogDatabase(t, backlog, live)
	cfg := testConfig(t, dbURL, map[string]string{"ADMIN_ADDR": "127.0.0.1:0",
		"CLEANUP_INTERVAL": "1h", "CLEANUP_BATCH": "2000"})
	var logs seamlesstest.Buffer
	app := runAppWith(t, cfg, dbURL, options{logger: slog.New(slog.NewJSONHandler(&logs, nil))})

	db := openDB(t, dbURL)
	client := noRedirects()
	var signIns, during int
	deadline := time.Now().Add(2 * time.Minute)
	for {
		c := signInHTTP(t, client, app.URL)
		getWith(t, client, app.URL+"/app", c)
		signIns++
		expired, _ := countSessions(t, db)
		if expired == 0 {
			break
		}
		during++
		if time.Now().After(deadline) {
			t.Fatalf("%d expired sessions left after 2 minutes", expired)
		}
	}
	if during == 0 {
		t.Error("the backlog was gone before the first sign-in: nothing ran during cleanup")
	}
	waitFor(t, time.Minute, "the cleanup run to end", func() bool {
		return strings.Contains(logs.String(), `"msg":"expired sessions deleted"`)
	})
	if _, got := countSessions(t, db); got != live+int64(signIns) {
		t.Errorf("%d live sessions; want the %d inserted and %d signed in", got, live, signIns)
	}
	scrape(t, app.AdminURL).expect(t, "seamless_cleanup_deleted_sessions_total", backlog)
	t.Logf("%d sign-ins, %d of them while the backlog of %d drained", signIns, during, backlog)
}
