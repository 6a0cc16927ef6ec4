package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/seamless-sessions/seamless/internal/pgcluster"
)

// server is the process-wide PostgreSQL server.
type server struct {
	admin    string                 // connection string to database postgres
	url      func(db string) string // connection string to database db
	cluster  *pgcluster.Cluster     // nil when EnvURL is used
	tmpDir   string                 // the cluster's directory
	external bool                   // EnvURL is used
	err      error                  // why the server is unusable
	cloneMu  sync.Mutex             // serialises CREATE DATABASE
	tplMu    sync.Mutex             // guards templates
	tpls     map[uintptr]*template  // by Prepare function
	counter  atomic.Int64           // makes names unique
}

var (
	serverOnce sync.Once
	srv        *server
)

// getServer starts or connects to the server on first use.
func getServer() *server {
	serverOnce.Do(func() { srv = startServer() })
	return srv
}

// require returns the server, or fails or skips the test and returns nil.
func require(t testing.TB) *server {
	t.Helper()
	return getServer().usable(t)
}

// usable returns s if it works, else fails or skips the test and returns
// nil: an unusable EnvURL is always an error, missing binaries or a failed
// start are Unavailable.
func (s *server) usable(t testing.TB) *server {
	t.Helper()
	switch {
	case s.err == nil:
		return s
	case s.external:
		t.Fatalf("pgtest: %s is set but its server is unusable: %v", EnvURL, s.err)
	case errors.Is(s.err, pgcluster.ErrNotFound):
		Unavailable(t, "PostgreSQL server binaries not found; install the postgresql "+
			"package (apt-get install postgresql) or set %s", EnvURL)
	default:
		Unavailable(t, "could not start a throwaway PostgreSQL server (set %s to use "+
			"another one): %v", EnvURL, s.err)
	}
	return nil
}

// startServer uses EnvURL's server if set, else starts a cluster.
func startServer() *server {
	if admin := os.Getenv(EnvURL); admin != "" {
		return externalServer(admin)
	}
	return clusterServer()
}

// externalServer checks that the server at admin can be reached.
func externalServer(admin string) *server {
	s := &server{admin: admin, external: true}
	s.url = func(db string) string { return withDatabase(admin, db) }
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	s.err = s.exec(ctx, "SELECT 1")
	return s
}

// clusterServer starts a throwaway cluster in a new temporary directory.
func clusterServer() *server {
	if _, err := pgcluster.BinDir(); err != nil {
		return &server{err: err}
	}
	dir, err := makeClusterDir()
	if err != nil {
		return &server{err: fmt.Errorf("pgtest: temp dir: %w", err)}
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	opts := pgcluster.Options{Dir: dir, Ephemeral: true}
	c, err := pgcluster.Start(ctx, opts)
	if err != nil {
		_ = os.RemoveAll(dir)
		return &server{err: err}
	}
	return &server{admin: c.URL("postgres"), url: c.URL, cluster: c, tmpDir: dir}
}

// withDatabase points a connection string, URL or keyword/value, at db.
func withDatabase(conn, db string) string {
	if strings.HasPrefix(conn, "postgres://") || strings.HasPrefix(conn, "postgresql://") {
		if u, err := url.Parse(conn); err == nil {
			u.Path, u.RawPath = "/"+db, ""
			return u.String()
		}
	}
	return conn + " dbname=" + db // a later keyword overrides an earlier one
}

// newName returns a database name unique to this process and, with high
// probability, to every process sharing the server.
func (s *server) newName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s_%d_%s", prefix, s.counter.Add(1), hex.EncodeToString(b))
}

// exec runs one statement on a new admin connection.
func (s *server) exec(ctx context.Context, sql string, args ...any) error {
	conn, err := pgx.Connect(ctx, s.admin)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer func() { _ = conn.Close(context.Background()) }()
	_, err = conn.Exec(ctx, sql, args...)
	return err
}

// ident quotes a name for SQL.
func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

// shutdown stops the cluster and removes its directory, or drops the
// templates made on an external server.
func shutdown() error {
	serverOnce.Do(func() {}) // never start a server just to stop it
	s := srv
	if s == nil || s.err != nil {
		return nil
	}
	if s.external {
		return s.dropTemplates()
	}
	err := s.cluster.Stop()
	if rmErr := os.RemoveAll(s.tmpDir); rmErr != nil && err == nil {
		err = fmt.Errorf("pgtest: %w", rmErr)
	}
	return err
}
