package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"time"

	"github.com/seamless-sessions/seamless/internal/config"
	"github.com/seamless-sessions/seamless/internal/metrics"
	"github.com/seamless-sessions/seamless/internal/password"
	"github.com/seamless-sessions/seamless/internal/postgres"
	"github.com/seamless-sessions/seamless/internal/seamless"
	"github.com/seamless-sessions/seamless/internal/web"
)

func runServe(ctx context.Context, args []string, e *env) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	migrate := fs.Bool("migrate", false, "apply pending migrations before serving")
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: seamless serve [--migrate]\n\n%s", config.Usage())
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	cfg, err := config.Load(e.getenv, nil)
	if err != nil {
		return fmt.Errorf("invalid configuration:\n%w", err)
	}
	if cfg.DatabaseURL == "" {
		return errors.New("DATABASE_URL is not set: set it to a PostgreSQL connection string " +
			"such as postgres://seamless:secret@localhost:5432/seamless, or use `seamless dev`")
	}
	cfg.Migrate = cfg.Migrate || *migrate
	return serve(ctx, cfg, options{logger: newLogger(cfg, e)})
}

// options are the parts of serve that tests replace.
type options struct {
	logger *slog.Logger
	clock  seamless.Clock
	// listening, if set, is called with the bound address before serving.
	listening func(addr string)
	// adminListening, if set, is called with the admin server's address.
	adminListening func(addr string)
	// hashParams replaces the password cost, for fast tests.
	hashParams *password.Params
}

// serve runs the HTTP server until ctx ends, then shuts it down within the
// configured grace period and closes the database pool.
func serve(ctx context.Context, cfg config.Config, o options) error {
	log := o.logger
	if cfg.Migrate {
		if err := postgres.Migrate(ctx, cfg.DatabaseURL, log); err != nil {
			return err
		}
	}
	db, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if o.clock != nil {
		db.Clock = o.clock
	}

	m := metrics.New(db, db.Pool, log)
	handler, err := newHandler(ctx, cfg, db, m, o)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	stopAdmin, err := startAdmin(cfg, m, log, o)
	if err != nil {
		ln.Close()
		return err
	}
	defer stopAdmin()
	stopCleanup := startCleanup(ctx, cfg, db, m, log)
	defer stopCleanup()
	log.Info("listening", "addr", "http://"+ln.Addr().String())
	if o.listening != nil {
		o.listening(ln.Addr().String())
	}
	return serveUntilDone(ctx, newServer(cfg, handler, log), ln, cfg.ShutdownTimeout, log)
}

// newServer is the public HTTP server, with the configured time limits.
func newServer(cfg config.Config, h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.ConnIdleTimeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

func newHandler(ctx context.Context, cfg config.Config, db *postgres.DB,
	obs web.Observer, o options) (http.Handler, error) {
	params := password.DefaultParams
	if o.hashParams != nil {
		params = *o.hashParams
	}
	hasher := password.NewHasher(params, cfg.HashConcurrency)
	dummy, err := hasher.Hash(ctx, "no account has this password")
	if err != nil {
		return nil, err
	}
	store := postgres.NewSessionStore(db, cfg.Policy)
	return web.NewHandler(web.Config{
		Policy:       cfg.Policy,
		PollInterval: cfg.PollInterval,
		WarningLead:  cfg.WarningLead,
		SecureCookie: cfg.SecureCookie,
		TrustProxy:   cfg.TrustProxy,
	}, web.Deps{
		Users:     db,
		Sessions:  store,
		Notes:     db,
		Passwords: hasher,
		Audit:     db,
		Throttle:  postgres.NewThrottle(db),
		Devices:   store,
		Accounts:  db,
		DB:        db,
		Clock:     db.Clock,
		Logger:    o.logger,
		Observer:  obs,
		DummyHash: dummy,
	}), nil
}

// serveUntilDone serves on ln until ctx ends, then stops accepting and
// waits up to grace for requests in flight.
func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener,
	grace time.Duration, log *slog.Logger) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", grace.String())
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("stopped")
	return nil
}

func newLogger(cfg config.Config, e *env) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(e.stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(e.stderr, opts)).With("go", runtime.Version())
}
