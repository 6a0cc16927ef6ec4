package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/seamless-sessions/seamless/internal/postgres"
	"github.com/seamless-sessions/seamless/internal/seamless"
)

const sessionsUsage = `Usage:
  seamless sessions list --user EMAIL                list the account's live sessions
  seamless sessions revoke --user EMAIL --id ID      end one session
  seamless sessions revoke --user EMAIL --all        end every session of the account
  seamless audit --user EMAIL [--limit N]            print the account's security events
`

// runSessions lists or ends the sessions of one account, for an operator
// helping someone who lost a device.
func runSessions(ctx context.Context, args []string, e *env) error {
	if len(args) == 0 || (args[0] != "list" && args[0] != "revoke") {
		fmt.Fprint(e.stderr, sessionsUsage)
		return errUsage
	}
	fs := flag.NewFlagSet("sessions "+args[0], flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	email := fs.String("user", "", "the account's email address")
	id := fs.String("id", "", "the session to end, as listed")
	all := fs.Bool("all", false, "end every session of the account")
	if err := fs.Parse(args[1:]); err != nil {
		return errUsage
	}
	if args[0] == "revoke" && (*all == (*id != "")) {
		return errors.New("say which sessions to end: --id ID or --all, not both")
	}
	return withAccount(ctx, e, *email, func(db *postgres.DB, u *seamless.User) error {
		st := postgres.NewSessionStore(db, seamless.DefaultPolicy())
		if args[0] == "list" {
			return listSessions(ctx, e.stdout, st, u)
		}
		return revokeSessions(ctx, e.stdout, st, db, u, *id)
	})
}

func listSessions(ctx context.Context, w io.Writer, st *postgres.SessionStore, u *seamless.User) error {
	list, err := st.SessionsByUser(ctx, u.ID)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintf(w, "%s has no live sessions\n", u.Email)
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTARTED\tLAST ACTIVE\tENDS\tADDRESS\tUSER AGENT")
	for _, s := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, stamp(s.CreatedAt), stamp(s.LastSeen),
			stamp(s.AbsoluteDeadline), s.ClientIP, s.UserAgent)
	}
	return tw.Flush()
}

// revokeSessions ends one session (id) or all of them (id empty), and
// records it in the audit trail.
func revokeSessions(ctx context.Context, w io.Writer, st *postgres.SessionStore,
	db *postgres.DB, u *seamless.User, id string) error {
	n := 0
	if id == "" {
		var err error
		if n, err = st.RevokeAll(ctx, u.ID); err != nil {
			return err
		}
	} else if ok, err := st.RevokeOwn(ctx, u.ID, id); err != nil {
		return err
	} else if !ok {
		return fmt.Errorf("%s has no session %s; list them with seamless sessions list", u.Email, id)
	} else {
		n = 1
	}
	detail := fmt.Sprintf("operator ended %d session(s)", n)
	if err := db.Record(ctx, seamless.Event{Kind: seamless.EventRevoked, UserID: u.ID,
		SessionID: id, Detail: detail}); err != nil {
		return err
	}
	fmt.Fprintf(w, "ended %d session(s) of %s\n", n, u.Email)
	return nil
}

// runAudit prints the security events of one account, newest first.
func runAudit(ctx context.Context, args []string, e *env) error {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	email := fs.String("user", "", "the account's email address")
	limit := fs.Int("limit", 100, "print at most this many events")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	return withAccount(ctx, e, *email, func(db *postgres.DB, u *seamless.User) error {
		events, err := db.Events(ctx, u, *limit)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "TIME\tEVENT\tSESSION\tADDRESS\tDETAIL\tUSER AGENT")
		for _, ev := range events {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", stamp(ev.At), ev.Kind,
				short(ev.SessionID), ev.ClientIP, ev.Detail, ev.UserAgent)
		}
		return tw.Flush()
	})
}

// withAccount opens the database and finds the account named by email.
func withAccount(ctx context.Context, e *env, email string,
	fn func(*postgres.DB, *seamless.User) error) error {
	if email == "" {
		fmt.Fprint(e.stderr, sessionsUsage)
		return errUsage
	}
	db, err := openDatabase(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.UserByEmail(ctx, email)
	if seamless.ErrorCode(err) == seamless.ENOTFOUND {
		return fmt.Errorf("no account for %s", email)
	} else if err != nil {
		return err
	}
	return fn(db, u)
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") }

// short abbreviates a session ID for the audit listing.
func short(id string) string {
	if len(id) > 16 {
		return id[:16]
	}
	return id
}
