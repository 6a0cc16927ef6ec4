// Package pgtest gives tests a real PostgreSQL database of their own.
//
// By default the first test that asks starts one throwaway cluster per test
// process (with package pgcluster, in a temporary directory). When
// TEST_DATABASE_URL is set, that server is used instead: pgtest connects to
// it as an administrator and creates and drops databases there.
//
// Packages using pgtest should stop the cluster when their tests end:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// Without that (or when the test process is killed or panics), the server
// still dies with the process, and its temporary directory is removed by
// the next test process that starts a cluster.
package pgtest

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// EnvURL names the variable holding the connection string of an existing
// server to use instead of a throwaway cluster.
const EnvURL = "TEST_DATABASE_URL"

// Prepare is run once per test process on a template database (e.g. to run
// migrations). It must close its connections before returning; any left
// open are terminated.
type Prepare func(ctx context.Context, url string) error

// Time limits of the harness's own steps.
const (
	startTimeout   = 2 * time.Minute
	prepareTimeout = 5 * time.Minute
	createTimeout  = time.Minute
	dropTimeout    = 30 * time.Second
)

// NewDatabase returns a connection string to a fresh database for this
// test, dropped at t.Cleanup (after cleanups registered later, so close
// pools with t.Cleanup too). With a nil prepare the database is empty.
// Otherwise it is a copy (CREATE DATABASE ... TEMPLATE) of a template
// database that prepare built once per process; tests passing the same
// function share that template, so a database costs only the copy.
//
// When no PostgreSQL can be found or started, the test fails in CI and is
// skipped elsewhere; see Unavailable.
func NewDatabase(t testing.TB, prepare Prepare) string {
	t.Helper()
	s := require(t)
	if s == nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), createTimeout)
	defer cancel()
	name := s.newName("t")
	if err := s.createDatabase(ctx, name, prepare); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		if err := s.dropDatabase(name); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return s.url(name)
}

// Server returns the admin connection string (database "postgres") of the
// process-wide server, for tests that need to create things themselves.
// It fails or skips the test like NewDatabase.
func Server(t testing.TB) string {
	t.Helper()
	if s := require(t); s != nil {
		return s.admin
	}
	return ""
}

// Unavailable reports that something a test needs (PostgreSQL, a browser)
// is missing. In CI (env CI set to anything but "", "false" or "0") the
// test fails, since CI must run every test; elsewhere it is skipped with a
// loud message, also printed to stderr once per process.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if ci := os.Getenv("CI"); InCI() {
		t.Fatalf("FAIL: %s (CI=%s, so a missing dependency is an error)", msg, ci)
		return
	}
	warnOnce(msg)
	t.Skipf("SKIPPING: %s", msg)
}

// InCI reports whether env CI says the tests run in continuous integration.
func InCI() bool {
	v := strings.TrimSpace(os.Getenv("CI"))
	return v != "" && !strings.EqualFold(v, "false") && v != "0"
}

// warned holds the messages warnOnce has printed.
var warned sync.Map

// warnOutput receives warnOnce's messages.
var warnOutput io.Writer = os.Stderr

// warnOnce prints msg to stderr the first time it is seen, so that skips
// stand out in the test output.
func warnOnce(msg string) {
	if _, seen := warned.LoadOrStore(msg, true); !seen {
		fmt.Fprintf(warnOutput, "\n*** SKIPPING: %s ***\n\n", msg)
	}
}

// Main runs the tests, then stops the throwaway cluster, removes its
// directory and drops leftover templates, and exits. Use it as
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	if err := shutdown(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}
