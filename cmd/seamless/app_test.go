package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/seamless-sessions/seamless/internal/config"
	"github.com/seamless-sessions/seamless/internal/password"
	"github.com/seamless-sessions/seamless/internal/pgtest"
	"github.com/seamless-sessions/seamless/internal/postgres"
	"github.com/seamless-sessions/seamless/internal/seamless/seamlesstest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const (
	testEmail    = "grace@example.com"
	testPassword = "compiler first"
)

// cheapHash keeps sign-in fast in tests; the format and checks are the same.
var cheapHash = password.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// testApp is the whole program, serving on a free loopback port.
type testApp struct {
	URL      string
	DBURL    string
	AdminURL string // "" when ADMIN_ADDR is off
}

// startApp runs `seamless serve` in-process on a fresh database with one
// account, with env overriding the configuration, and stops it when t ends.
// Each adjust function may then change what no variable would allow, such as
// a warning lead of seconds.
func startApp(t *testing.T, env map[string]string, adjust ...func(*config.Config)) *testApp {
	t.Helper()
	dbURL := pgtest.NewDatabase(t, migrateDB)
	cfg := testConfig(t, dbURL, env)
	for _, f := range adjust {
		f(&cfg)
	}
	createAccount(t, dbURL, testEmail, testPassword)
	return runApp(t, cfg, dbURL)
}

// migrateDB prepares the template of the tests' databases.
func migrateDB(ctx context.Context, url string) error { return postgres.Migrate(ctx, url, nil) }

// testConfig is the configuration of a test server on dbURL, on a free
// loopback port, with env overriding it.
func testConfig(t testing.TB, dbURL string, env map[string]string) config.Config {
	t.Helper()
	vars := map[string]string{
		"DATABASE_URL": dbURL, "ADDR": "127.0.0.1:0", "SECURE_COOKIE": "false",
		"ADMIN_ADDR": "off", "SHUTDOWN_TIMEOUT": "5s",
	}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := config.Load(func(k string) string { return vars[k] }, nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// runApp serves cfg until t ends and waits until it is listening.
func runApp(t *testing.T, cfg config.Config, dbURL string) *testApp {
	t.Helper()
	return runAppWith(t, cfg, dbURL, options{})
}

// runAppWith is runApp with some options set by the test; it fills in the
// others (logger, cheap hashes, listening hooks).
func runAppWith(t testing.TB, cfg config.Config, dbURL string, o options) *testApp {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr, admin := make(chan string, 1), make(chan string, 1)
	done := make(chan error, 1)
	if o.logger == nil {
		o.logger = seamlesstest.Logger(t)
	}
	if o.hashParams == nil {
		o.hashParams = &cheapHash
	}
	o.listening = func(a string) { addr <- a }
	o.adminListening = func(a string) { admin <- "http://" + a }
	go func() { done <- serve(ctx, cfg, o) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve returned %v", err)
		}
	})
	select {
	case a := <-addr:
		app := &testApp{URL: "http://" + a, DBURL: dbURL}
		select {
		case app.AdminURL = <-admin: // the admin server starts first
		default:
		}
		app.waitHealthy(t)
		return app
	case err := <-done:
		t.Fatalf("serve stopped before listening: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start listening in 30 s")
	}
	return nil
}

func (a *testApp) waitHealthy(t testing.TB) {
	t.Helper()
	res, err := http.Get(a.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/healthz: %d", res.StatusCode)
	}
}

func createAccount(t testing.TB, dbURL, email, pw string) {
	t.Helper()
	ctx := context.Background()
	_, err := addUser(ctx, openDB(t, dbURL), password.NewHasher(cheapHash, 1), email, pw)
	if err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}

// openDB opens a pool on dbURL, closed when t ends.
func openDB(t testing.TB, dbURL string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}
