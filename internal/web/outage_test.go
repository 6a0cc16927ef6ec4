package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/seamless-sessions/seamless/internal/pgtest"
	"github.com/seamless-sessions/seamless/internal/web"
)

// setDatabaseReachable cuts the app's database off, or lets it back in.
func (a *app) setDatabaseReachable(ok bool) {
	a.t.Helper()
	pgtest.SetReachable(a.t, a.dbURL, ok)
}

// A database outage must never sign anyone out or delete a session.
func TestDatabaseOutageKeepsSession(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{})
	b := a.browser()
	b.signIn("/app")
	token := b.cookie("seamless").Value

	a.setDatabaseReachable(false)
	for _, tc := range []struct {
		name string
		res  *response
	}{
		{"page", b.get("/app", nil)},
		{"poll", b.get("/auth/session", htmx)},
		{"json", b.get("/auth/session", wantJSON)},
		{"refresh", b.do(http.MethodPost, "/auth/refresh", nil, htmx)},
	} {
		if tc.res.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("%s during outage: %d; want 503", tc.name, tc.res.StatusCode)
		}
		if tc.res.Header.Get("Set-Cookie") != "" || tc.res.Header.Get("HX-Redirect") != "" {
			t.Errorf("%s during outage touched the cookie or redirected", tc.name)
		}
		if !strings.Contains(tc.res.body, "cannot be reached") {
			t.Errorf("%s during outage does not say what is wrong: %s", tc.name, tc.res.body)
		}
	}
	if ready := b.get("/readyz", nil); ready.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz during outage: %d; want 503", ready.StatusCode)
	}

	a.setDatabaseReachable(true)
	if res := b.get("/app", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("/app after the outage: %d; want 200", res.StatusCode)
	}
	if b.cookie("seamless").Value != token {
		t.Fatal("the outage changed the session token")
	}
}
