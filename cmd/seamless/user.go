package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/seamless-sessions/seamless/internal/password"
	"github.com/seamless-sessions/seamless/internal/postgres"
	"github.com/seamless-sessions/seamless/internal/seamless"
)

func runUser(ctx context.Context, args []string, e *env) error {
	if len(args) != 2 || args[0] != "add" {
		fmt.Fprintln(e.stderr, "Usage: seamless user add EMAIL   (the password is read from standard input)")
		return errUsage
	}
	email, err := seamless.NormalizeEmail(args[1])
	if err != nil {
		return errors.New(seamless.ErrorMessage(err))
	}
	pw, err := readPassword(e)
	if err != nil {
		return err
	}
	if err := seamless.ValidatePassword(pw); err != nil {
		return errors.New(seamless.ErrorMessage(err))
	}
	db, err := openDatabase(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := addUser(ctx, db, password.NewHasher(password.DefaultParams, 1), email, pw)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "created account %d for %s\n", u.ID, u.Email)
	return nil
}

func addUser(ctx context.Context, db *postgres.DB, h *password.Hasher, email, pw string) (*seamless.User, error) {
	hash, err := h.Hash(ctx, pw)
	if err != nil {
		return nil, err
	}
	u, err := db.CreateUser(ctx, email, hash)
	if seamless.ErrorCode(err) == seamless.ECONFLICT {
		return nil, errors.New(seamless.ErrorMessage(err))
	}
	return u, err
}

// readPassword asks for the password without echo on a terminal, and reads
// one line of standard input otherwise. It is never taken from the command
// line, where other users could read it.
func readPassword(e *env) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, "Password: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		return string(b), nil
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no password on standard input: pipe it in, " +
			"for example: printf '%s\\n' \"$PASSWORD\" | seamless user add EMAIL")
	}
	return strings.TrimRight(line, "\r\n"), nil
}
