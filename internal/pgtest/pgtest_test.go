package pgtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/seamless-sessions/seamless/internal/pgcluster"
)

func TestMain(m *testing.M) { Main(m) }

// prepareCalls counts the runs of prepareWidgets.
var prepareCalls atomic.Int32

// prepareWidgets makes the table every copy of its template starts with.
func prepareWidgets(ctx context.Context, url string) error {
	prepareCalls.Add(1)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close(ctx) }()
	_, err = conn.Exec(ctx, `CREATE TABLE widgets (name text);
		INSERT INTO widgets VALUES ('from template')`)
	return err
}

// leakedConn is the connection prepareLeaky forgets to close.
var leakedConn *pgx.Conn

// prepareLeaky leaves a session connected to its template.
func prepareLeaky(ctx context.Context, url string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	leakedConn = conn
	_, err = conn.Exec(ctx, "CREATE TABLE gadgets (id int)")
	return err
}

// connect opens a connection closed when the test ends.
func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// databaseExists asks the server whether the database name exists.
func databaseExists(t *testing.T, name string) bool {
	t.Helper()
	conn := connect(t, Server(t))
	var n int
	err := conn.QueryRow(context.Background(),
		"SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n == 1
}

func TestParallelTestsGetOwnPreparedDatabases(t *testing.T) {
	var names sync.Map
	t.Run("group", func(t *testing.T) {
		for i := range 4 {
			t.Run(fmt.Sprint("db", i), func(t *testing.T) {
				t.Parallel()
				conn := connect(t, NewDatabase(t, prepareWidgets))
				ctx := context.Background()
				var db string
				_ = conn.QueryRow(ctx, "SELECT current_database()").Scan(&db)
				if _, dup := names.LoadOrStore(db, i); dup {
					t.Errorf("database %s handed out twice", db)
				}
				_, err := conn.Exec(ctx, "INSERT INTO widgets VALUES ($1)", t.Name())
				if err != nil {
					t.Fatal(err)
				}
				var n int
				_ = conn.QueryRow(ctx, "SELECT count(*) FROM widgets").Scan(&n)
				if n != 2 {
					t.Errorf("widgets has %d rows, want the template's and ours", n)
				}
			})
		}
	})
	if got := prepareCalls.Load(); got != 1 {
		t.Errorf("prepare ran %d times, want once", got)
	}
	names.Range(func(db, _ any) bool {
		if databaseExists(t, db.(string)) {
			t.Errorf("database %s was not dropped after its test", db)
		}
		return true
	})
}

func TestNilPrepareGivesEmptyDatabase(t *testing.T) {
	t.Parallel()
	conn := connect(t, NewDatabase(t, nil))
	var n int
	err := conn.QueryRow(context.Background(),
		"SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&n)
	if err != nil || n != 0 {
		t.Errorf("fresh database has %d tables (%v), want none", n, err)
	}
}

func TestPrepareLeavingSessionOpenStillClones(t *testing.T) {
	t.Parallel()
	for range 2 {
		conn := connect(t, NewDatabase(t, prepareLeaky))
		_, err := conn.Exec(context.Background(), "INSERT INTO gadgets VALUES (1)")
		if err != nil {
			t.Fatal(err)
		}
	}
	if leakedConn != nil {
		_ = leakedConn.Close(context.Background())
	}
}

func TestServerIsAdminConnection(t *testing.T) {
	t.Parallel()
	conn := connect(t, Server(t))
	var db string
	var super bool
	err := conn.QueryRow(context.Background(),
		"SELECT current_database(), rolsuper FROM pg_roles WHERE rolname = current_user",
	).Scan(&db, &super)
	if err != nil || db != "postgres" || !super {
		t.Errorf("Server connects to %q as superuser=%v (%v)", db, super, err)
	}
}

// quiet silences warnOnce for the rest of the test.
func quiet(t *testing.T) {
	old := warnOutput
	warnOutput = io.Discard
	t.Cleanup(func() { warnOutput = old })
}

// fakeTB records how a test would have ended.
type fakeTB struct {
	testing.TB
	fatal, skip string
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Fatalf(format string, args ...any) { f.fatal = fmt.Sprintf(format, args...) }

func (f *fakeTB) Skipf(format string, args ...any) { f.skip = fmt.Sprintf(format, args...) }

func TestUnavailableFailsOnlyInCI(t *testing.T) {
	quiet(t)
	for ci, wantFail := range map[string]bool{
		"true": true, "1": true, "yes": true,
		"": false, "false": false, "FALSE": false, "0": false,
	} {
		t.Setenv("CI", ci)
		f := &fakeTB{TB: t}
		Unavailable(f, "no %s", "thing")
		switch {
		case wantFail && !strings.Contains(f.fatal, "no thing"):
			t.Errorf("CI=%q: want a failure naming the problem, got %+v", ci, f)
		case !wantFail && f.skip != "SKIPPING: no thing":
			t.Errorf("CI=%q: want a loud skip, got %+v", ci, f)
		case (f.fatal != "") == (f.skip != ""):
			t.Errorf("CI=%q: want exactly one of fail or skip, got %+v", ci, f)
		}
	}
}

func TestUnusableServerMessages(t *testing.T) {
	quiet(t)
	notFound := fmt.Errorf("%w (details)", pgcluster.ErrNotFound)
	tests := []struct {
		name string
		s    *server
		ci   string
		want *fakeTB
	}{
		{"no binaries", &server{err: notFound}, "", &fakeTB{skip: "SKIPPING: " +
			"PostgreSQL server binaries not found; install the postgresql package " +
			"(apt-get install postgresql) or set TEST_DATABASE_URL"}},
		{"no binaries in CI", &server{err: notFound}, "true",
			&fakeTB{fatal: "binaries not found"}},
		{"start failed", &server{err: errors.New("boom")}, "",
			&fakeTB{skip: "could not start a throwaway PostgreSQL server"}},
		{"bad TEST_DATABASE_URL", &server{err: errors.New("boom"), external: true},
			"", &fakeTB{fatal: "TEST_DATABASE_URL is set"}},
	}
	for _, tt := range tests {
		t.Setenv("CI", tt.ci)
		f := &fakeTB{TB: t}
		if tt.s.usable(f) != nil {
			t.Errorf("%s: usable returned a server", tt.name)
		}
		if !matches(f.fatal, tt.want.fatal) || !matches(f.skip, tt.want.skip) {
			t.Errorf("%s: got fatal %q skip %q; want %+v", tt.name, f.fatal, f.skip, tt.want)
		}
	}
}

// matches reports whether got contains want, or both are empty.
func matches(got, want string) bool {
	if want == "" {
		return got == ""
	}
	return strings.Contains(got, want)
}

func TestWithDatabase(t *testing.T) {
	tests := map[string]string{
		"postgres://u:p@db:5432/postgres?sslmode=disable": "postgres://u:p@db:5432/t_1?sslmode=disable",
		"postgresql://u@/x?host=/run/pg":                  "postgresql://u@/t_1?host=/run/pg",
		"host=/tmp port=5432 dbname=postgres":             "host=/tmp port=5432 dbname=postgres dbname=t_1",
	}
	for in, want := range tests {
		got := withDatabase(in, "t_1")
		if got != want {
			t.Errorf("withDatabase(%q) = %q, want %q", in, got, want)
		}
		cfg, err := pgx.ParseConfig(got)
		if err != nil {
			t.Errorf("%q does not parse: %v", got, err)
		} else if cfg.Database != "t_1" {
			t.Errorf("%q parses to database %q", got, cfg.Database)
		}
	}
}

func TestReapStaleRemovesOnlyDeadOwnersDirs(t *testing.T) {
	root := t.TempDir()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	owners := map[string]string{
		"pgtest-dead":     strconv.Itoa(dead.Process.Pid),
		"pgtest-alive":    strconv.Itoa(os.Getpid()),
		"pgtest-no-owner": "",
		"other-dead":      strconv.Itoa(dead.Process.Pid),
	}
	for name, pid := range owners {
		dir := filepath.Join(root, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if pid != "" {
			_ = os.WriteFile(filepath.Join(dir, ownerFile), []byte(pid+"\n"), 0o644)
		}
	}
	reapStale(root)
	for name := range owners {
		_, err := os.Stat(filepath.Join(root, name))
		if gone := err != nil; gone != (name == "pgtest-dead") {
			t.Errorf("%s: removed = %v", name, gone)
		}
	}
}
