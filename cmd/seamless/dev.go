package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/seamless-sessions/seamless/internal/config"
	"github.com/seamless-sessions/seamless/internal/password"
	"github.com/seamless-sessions/seamless/internal/pgcluster"
	"github.com/seamless-sessions/seamless/internal/postgres"
)

// devDefaults make dev work on plain http://localhost with readable logs.
var devDefaults = map[string]string{
	"ADDR":          "localhost:8080",
	"SECURE_COOKIE": "false",
	"LOG_FORMAT":    "text",
	"MIGRATE":       "true",
}

const (
	devDir      = ".data"
	devDatabase = "seamless"
	demoEmail   = "demo@seamless.test"
)

// runDev serves with a private PostgreSQL kept under ./.data, unless
// DATABASE_URL names another database. It migrates, creates a demo account
// the first time, and stops the database cleanly when interrupted.
func runDev(ctx context.Context, args []string, e *env) error {
	if len(args) != 0 {
		fmt.Fprintln(e.stderr, "Usage: seamless dev   (settings come from the environment, see seamless serve --help)")
		return errUsage
	}
	cfg, err := config.Load(e.getenv, devDefaults)
	if err != nil {
		return fmt.Errorf("invalid configuration:\n%w", err)
	}
	log := newLogger(cfg, e)
	if cfg.DatabaseURL == "" {
		cluster, err := startDevCluster(ctx, e)
		if err != nil {
			return err
		}
		defer func() {
			log.Info("stopping PostgreSQL")
			if err := cluster.Stop(); err != nil {
				log.Error("PostgreSQL did not stop cleanly", "err", err)
			}
		}()
		cfg.DatabaseURL = cluster.URL(devDatabase)
	}
	if err := postgres.Migrate(ctx, cfg.DatabaseURL, log); err != nil {
		return err
	}
	if err := ensureDemoAccount(ctx, cfg.DatabaseURL, cfg.Addr, e); err != nil {
		return err
	}
	return serve(ctx, cfg, options{logger: log})
}

func startDevCluster(ctx context.Context, e *env) (*pgcluster.Cluster, error) {
	if _, err := pgcluster.BinDir(); err != nil {
		return nil, err
	}
	fmt.Fprintf(e.stderr, "Starting a private PostgreSQL in ./%s ...\n", devDir)
	c, err := pgcluster.Start(ctx, pgcluster.Options{Dir: devDir})
	if err != nil {
		return nil, err
	}
	err = c.CreateDatabase(ctx, devDatabase, "")
	if err != nil && !errors.Is(err, pgcluster.ErrDatabaseExists) {
		_ = c.Stop()
		return nil, err
	}
	return c, nil
}

// ensureDemoAccount creates the demo account on first run, keeps its
// password in .data (readable by this user only) and prints it every time.
func ensureDemoAccount(ctx context.Context, url, addr string, e *env) error {
	credPath := filepath.Join(devDir, "demo-password")
	db, err := postgres.Open(ctx, url)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.UserByEmail(ctx, demoEmail); err == nil {
		if b, err := os.ReadFile(credPath); err == nil {
			printDemo(e, addr, strings.TrimSpace(string(b)))
		}
		return nil
	}
	pw := rand.Text()[:16]
	if _, err := addUser(ctx, db, password.NewHasher(password.DefaultParams, 1), demoEmail, pw); err != nil {
		return err
	}
	if err := os.MkdirAll(devDir, 0o755); err == nil {
		_ = os.WriteFile(credPath, []byte(pw+"\n"), 0o600)
	}
	printDemo(e, addr, pw)
	return nil
}

func printDemo(e *env, addr, pw string) {
	if strings.HasPrefix(addr, ":") {
		addr = "localhost" + addr
	}
	fmt.Fprintf(e.stderr, "\n  Seamless is starting on http://%s\n"+
		"  Demo account: %s\n  Password:     %s\n\n", addr, demoEmail, pw)
}
