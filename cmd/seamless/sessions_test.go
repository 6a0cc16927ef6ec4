package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// signedInClient signs in with a plain client and returns it, holding the
// session cookie.
func signedInClient(t *testing.T, app *testApp) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	req, _ := http.NewRequest(http.MethodPost, app.URL+"/login", strings.NewReader(
		url.Values{"email": {testEmail}, "password": {testPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Request.URL.Path != "/app" {
		t.Fatalf("sign-in ended at %s; want /app", res.Request.URL)
	}
	return c
}

// command runs a seamless subcommand against app's database and returns
// what it printed.
func command(t *testing.T, app *testApp, args ...string) (string, error) {
	t.Helper()
	var out, errs bytes.Buffer
	e := &env{stdout: &out, stderr: &errs, getenv: func(k string) string {
		if k == "DATABASE_URL" {
			return app.DBURL
		}
		return ""
	}}
	err := run(context.Background(), args, e)
	return out.String() + errs.String(), err
}

func TestOperatorSessionCommands(t *testing.T) {
	app := startApp(t, nil)
	first, second := signedInClient(t, app), signedInClient(t, app)

	out, err := command(t, app, "sessions", "list", "--user", testEmail)
	if err != nil || strings.Count(out, "\n") != 3 {
		t.Fatalf("sessions list: %v\n%s", err, out)
	}
	id := strings.Fields(strings.Split(out, "\n")[1])[0]
	if out, err := command(t, app, "sessions", "revoke", "--user", testEmail, "--id", id); err != nil ||
		!strings.Contains(out, "ended 1 session") {
		t.Fatalf("revoke --id: %v\n%s", err, out)
	}
	if _, err := command(t, app, "sessions", "revoke", "--user", testEmail); err == nil {
		t.Fatal("revoke without --id or --all was accepted")
	}
	if _, err := command(t, app, "sessions", "list", "--user", "nobody@example.com"); err == nil ||
		!strings.Contains(err.Error(), "no account") {
		t.Fatalf("unknown account: %v", err)
	}
	if out, err := command(t, app, "sessions", "revoke", "--user", testEmail, "--all"); err != nil ||
		!strings.Contains(out, "ended 1 session") {
		t.Fatalf("revoke --all: %v\n%s", err, out)
	}
	for i, c := range []*http.Client{first, second} {
		res, err := c.Get(app.URL + "/app")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.Request.URL.Path != "/login" {
			t.Errorf("client %d after revoke --all is at %s; want /login", i, res.Request.URL)
		}
	}

	out, err = command(t, app, "audit", "--user", testEmail)
	if err != nil || strings.Count(out, "sign_in ") != 2 || strings.Count(out, "revoked") != 2 {
		t.Fatalf("audit: %v\n%s", err, out)
	}
}
