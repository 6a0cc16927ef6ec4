// Package pgcluster runs a private PostgreSQL server from the server
// binaries installed on this machine. The server listens only on a Unix
// socket in a private directory, runs as a child of this process and dies
// with it. It serves `seamless dev` (data kept across restarts) and the
// test harness (a throwaway cluster in a temporary directory).
package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Defaults for the zero values of Options.
const (
	DefaultPort         = 5432
	DefaultStartTimeout = 30 * time.Second
)

// Superuser is the name of the cluster's superuser.
const Superuser = "postgres"

// ErrDataDirInUse is wrapped by Start's error when another live server
// already uses the data directory.
var ErrDataDirInUse = errors.New("pgcluster: data directory in use")

// ErrDatabaseExists is wrapped by CreateDatabase's error when the database
// already exists.
var ErrDatabaseExists = errors.New("pgcluster: database already exists")

// Options configure Start.
type Options struct {
	// Dir is the root folder. The data lives in Dir/pgdata (created with
	// initdb on first start and reused after), the server log in
	// Dir/postgres.log and the Unix socket in Dir/run, or in a short
	// private folder under /tmp when Dir is too long for a socket path.
	Dir string
	// Logger receives progress messages; it may be nil.
	Logger *slog.Logger
	// Ephemeral trades durability for speed (fsync, synchronous_commit
	// and full_page_writes off), for tests whose data may be lost.
	Ephemeral bool
	// Port names the socket file (.s.PGSQL.PORT); DefaultPort when 0.
	// No TCP port is opened.
	Port int
	// BinDir holds initdb and postgres; found with BinDir when empty.
	BinDir string
	// StartTimeout bounds the wait for the server to accept connections;
	// DefaultStartTimeout when 0.
	StartTimeout time.Duration
}

// Cluster is a running PostgreSQL server started by Start.
type Cluster struct {
	opts    Options
	log     *slog.Logger
	user    serverUser
	binDir  string
	dir     string
	dataDir string
	sockDir string
	logPath string

	tempSock bool     // sockDir was made under /tmp and is removed on Stop
	logFile  *os.File // server log, shared by initdb and postgres
	logStart int64    // offset of this run's first line in the log

	cmd     *exec.Cmd
	done    chan struct{} // closed when postgres has exited
	waitErr error         // postgres's exit status, set before done closes

	stopOnce sync.Once
	stopErr  error
}

// Start initialises the cluster if needed and starts postgres listening
// only on a Unix socket (listen_addresses is empty). It returns once the server
// accepts connections, or fails after Options.StartTimeout with an error
// that includes the tail of the server log.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	c, err := newCluster(opts)
	if err != nil {
		return nil, err
	}
	if err := c.start(ctx); err != nil {
		_ = c.Stop()
		return nil, err
	}
	c.log.Info("pgcluster: postgres ready", "data", c.dataDir, "socket", c.sockDir,
		"log", c.logPath)
	return c, nil
}

// newCluster fills in the defaults and finds the binaries.
func newCluster(opts Options) (*Cluster, error) {
	if opts.Dir == "" {
		return nil, errors.New("pgcluster: Options.Dir is empty")
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	if opts.Port == 0 {
		opts.Port = DefaultPort
	}
	if opts.StartTimeout == 0 {
		opts.StartTimeout = DefaultStartTimeout
	}
	if opts.BinDir == "" {
		if opts.BinDir, err = BinDir(); err != nil {
			return nil, err
		}
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Cluster{
		opts: opts, log: logger, user: currentServerUser(), binDir: opts.BinDir,
		dir: dir, dataDir: filepath.Join(dir, "pgdata"),
		logPath: filepath.Join(dir, "postgres.log"),
	}, nil
}

// start runs every step of Start; Start cleans up when it fails.
func (c *Cluster) start(ctx context.Context) error {
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	steps := []func() error{
		func() error { return c.user.checkTraversable(c.dir) },
		c.openLog,
		func() error { return c.prepareDataDir(ctx) },
		c.checkPidFile,
		c.prepareSocketDir,
		func() error { return c.runServer(ctx) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// URL returns a pgx/libpq connection string for the named database over
// the Unix socket, as the superuser.
func (c *Cluster) URL(dbname string) string {
	return fmt.Sprintf("host=%s port=%d user=%s dbname=%s sslmode=disable",
		quoteValue(c.sockDir), c.opts.Port, Superuser, quoteValue(dbname))
}

// quoteValue quotes a keyword/value connection string value when needed.
func quoteValue(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t\n\r\\'") {
		return v
	}
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "'" + r.Replace(v) + "'"
}

// SocketDir returns the directory holding the server's Unix socket.
func (c *Cluster) SocketDir() string { return c.sockDir }

// Port returns the port number in the socket's name.
func (c *Cluster) Port() int { return c.opts.Port }

// DataDir returns the cluster's data directory.
func (c *Cluster) DataDir() string { return c.dataDir }

// LogPath returns the file receiving the server's log.
func (c *Cluster) LogPath() string { return c.logPath }

// CreateDatabase creates the database name, copied from template unless
// template is empty. Names are quoted, so any string is a safe name. If the
// database exists the error wraps ErrDatabaseExists.
func (c *Cluster) CreateDatabase(ctx context.Context, name, template string) error {
	if name == "" {
		return errors.New("pgcluster: create database: empty name")
	}
	sql := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if template != "" {
		sql += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return fmt.Errorf("pgcluster: create database %s: %w", name, err)
	}
	defer func() { _ = conn.Close(context.Background()) }()
	if _, err := conn.Exec(ctx, sql); err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "42P04" {
			return fmt.Errorf("pgcluster: create database %s: %w: %w",
				name, ErrDatabaseExists, err)
		}
		return fmt.Errorf("pgcluster: create database %s: %w", name, err)
	}
	return nil
}
