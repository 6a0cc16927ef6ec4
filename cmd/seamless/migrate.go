package main

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/seamless-sessions/seamless/internal/config"
	"github.com/seamless-sessions/seamless/internal/postgres"
)

func runMigrate(ctx context.Context, args []string, e *env) error {
	if len(args) != 1 {
		fmt.Fprintln(e.stderr, "Usage: seamless migrate up|down|status   (DATABASE_URL names the database)")
		return errUsage
	}
	url, err := databaseURL(e)
	if err != nil {
		return err
	}
	m, err := postgres.NewMigrator(url, nil)
	if err != nil {
		return err
	}
	defer m.Close()
	switch args[0] {
	case "up":
		res, err := m.Up(ctx)
		for _, r := range res {
			fmt.Fprintf(e.stdout, "applied %s (%s)\n", r.Source.Path, r.Duration.Round(1e6))
		}
		if err == nil && len(res) == 0 {
			fmt.Fprintln(e.stdout, "database is up to date")
		}
		return err
	case "down":
		r, err := m.Down(ctx)
		if r != nil {
			fmt.Fprintf(e.stdout, "rolled back %s\n", r.Source.Path)
		}
		return err
	case "status":
		return printStatus(ctx, m, e)
	}
	fmt.Fprintf(e.stderr, "seamless migrate: unknown action %q; use up, down or status\n", args[0])
	return errUsage
}

func printStatus(ctx context.Context, m *postgres.Migrator, e *env) error {
	st, err := m.Status(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tMIGRATION\tAPPLIED AT")
	for _, s := range st {
		at := "pending"
		if !s.AppliedAt.IsZero() {
			at = s.AppliedAt.UTC().Format("2006-01-02 15:04:05 UTC")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\n", s.Source.Version, s.Source.Path, at)
	}
	return tw.Flush()
}

// openDatabase connects the operator commands to DATABASE_URL.
func openDatabase(ctx context.Context, e *env) (*postgres.DB, error) {
	url, err := databaseURL(e)
	if err != nil {
		return nil, err
	}
	return postgres.Open(ctx, url)
}

// databaseURL reads DATABASE_URL for the operator commands.
func databaseURL(e *env) (string, error) {
	cfg, err := config.Load(e.getenv, nil)
	if err != nil {
		return "", fmt.Errorf("invalid configuration:\n%w", err)
	}
	if cfg.DatabaseURL == "" {
		return "", errors.New("DATABASE_URL is not set: set it to the database to work on")
	}
	return cfg.DatabaseURL, nil
}
