package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func runWith(t *testing.T, args []string, vars map[string]string, stdin string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &out,
		getenv: func(k string) string { return vars[k] }}
	err := run(context.Background(), args, e)
	return out.String(), err
}

func TestServeRefusesBadConfiguration(t *testing.T) {
	_, err := runWith(t, []string{"serve"}, map[string]string{
		"DATABASE_URL": "postgres://x@127.0.0.1:1/x", "IDLE_TIMEOUT": "soon", "ADDR": "nowhere",
	}, "")
	if err == nil {
		t.Fatal("serve started with bad configuration")
	}
	for _, want := range []string{`IDLE_TIMEOUT="soon": expected a duration`, `ADDR="nowhere": expected host:port`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	_, err = runWith(t, []string{"serve"}, nil, "")
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL is not set") {
		t.Fatalf("serve without DATABASE_URL: %v", err)
	}
}

func TestServeHelpListsVariables(t *testing.T) {
	out, err := runWith(t, []string{"serve", "--help"}, nil, "")
	if err != nil || !strings.Contains(out, "IDLE_TIMEOUT") || !strings.Contains(out, "DATABASE_URL") {
		t.Fatalf("serve --help: %v\n%s", err, out)
	}
}

func TestUnknownCommand(t *testing.T) {
	out, err := runWith(t, []string{"serv"}, nil, "")
	if err == nil || !strings.Contains(out, `unknown command "serv"`) || !strings.Contains(out, "Usage:") {
		t.Fatalf("unknown command: %v\n%s", err, out)
	}
}

func TestUserAdd(t *testing.T) {
	app := startApp(t, nil)
	vars := map[string]string{"DATABASE_URL": app.DBURL}
	out, err := runWith(t, []string{"user", "add", "Lin@Example.com"}, vars, "a long enough password\n")
	if err != nil || !strings.Contains(out, "created account") {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	_, err = runWith(t, []string{"user", "add", "lin@example.com"}, vars, "another password\n")
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("adding the same address in other case: %v", err)
	}
	for _, tc := range []struct{ email, stdin, want string }{
		{"not-an-address", "password123\n", "is not an email address"},
		{"a@example.com", "short\n", "at least 8 characters"},
		{"a@example.com", "", "no password on standard input"},
	} {
		_, err := runWith(t, []string{"user", "add", tc.email}, vars, tc.stdin)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("user add %s: %v; want %q", tc.email, err, tc.want)
		}
	}
}
