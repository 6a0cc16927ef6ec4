// Command seamless runs the Seamless web application and its operator tools.
//
// Usage:
//
//	seamless serve [--migrate]     run the HTTP server (configured by environment)
//	seamless dev                   run with a private PostgreSQL under ./.data
//	seamless migrate up|down|status
//	seamless user add EMAIL        create an account; the password is read from stdin
//	seamless healthcheck           exit 0 if the local server answers /healthz
//	seamless sessions list|revoke --user EMAIL [--all | --id ID]
//	seamless audit --user EMAIL    print an account's security events
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	if err := run(ctx, os.Args[1:], env); err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "seamless:", err)
		}
		os.Exit(1)
	}
}

// env is what a command may touch of the outside world; tests replace it.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

// errUsage means the usage text has already been printed.
var errUsage = errors.New("usage")

const usage = `Seamless: server-side sessions that stay alive while you work.

Usage:
  seamless serve [--migrate]       run the HTTP server (see seamless serve --help)
  seamless dev                     run locally with a private PostgreSQL under ./.data
  seamless migrate up|down|status  manage the database schema
  seamless user add EMAIL          create an account; the password comes from stdin
  seamless healthcheck             exit 0 if the server on this machine is up
  seamless sessions list --user EMAIL
  seamless sessions revoke --user EMAIL --all | --id ID
                                   list or end an account's sessions
  seamless audit --user EMAIL      print an account's security events
`

func run(ctx context.Context, args []string, e *env) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return errUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(ctx, rest, e)
	case "dev":
		return runDev(ctx, rest, e)
	case "migrate":
		return runMigrate(ctx, rest, e)
	case "user":
		return runUser(ctx, rest, e)
	case "healthcheck":
		return runHealthcheck(ctx, rest, e)
	case "sessions":
		return runSessions(ctx, rest, e)
	case "audit":
		return runAudit(ctx, rest, e)
	case "help", "-h", "--help":
		fmt.Fprint(e.stdout, usage)
		return nil
	}
	fmt.Fprintf(e.stderr, "seamless: unknown command %q\n\n%s", cmd, usage)
	return errUsage
}
