package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/seamless-sessions/seamless/internal/web"
)

// A signed-in page hands its script the times it needs, by the server's
// clock; a warning lead longer than the idle timeout becomes half of it.
func TestPageGivesScriptItsTimes(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{WarningLead: time.Hour, PollInterval: 15 * time.Second})
	b := a.browser()
	if res := b.get("/", nil); strings.Contains(res.body, "session.js") {
		t.Fatal("a signed-out page loads the session script")
	}
	b.signIn("/app")
	a.clock.Advance(10 * time.Second)
	res := b.get("/app", nil)
	for _, want := range []string{
		`<script type="module" src="/static/session.js?v=`,
		`data-idle-remaining-ms="1790000"`,
		`data-absolute-remaining-ms="43190000"`,
		`data-idle-timeout-ms="1800000"`,
		`data-touch-interval-ms="60000"`,
		`data-warning-lead-ms="900000"`,
		`data-poll-interval-ms="15000"`,
		`role="alertdialog"`,
	} {
		if !strings.Contains(res.body, want) {
			t.Errorf("/app lacks %s", want)
		}
	}
}

// Without scripts the panel's button posts a form and comes back; a script
// whose session ended is told where to sign in and come back to.
func TestRefreshAndStatusForEveryKindOfRequest(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{})
	b := a.browser()
	b.signIn("/app")
	from := map[string]string{"Referer": a.url + "/app?tab=notes"}
	res := b.do(http.MethodPost, "/auth/refresh", nil, from)
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther ||
		loc != "/app?tab=notes" {
		t.Fatalf("plain refresh: %d to %q; want 303 back to the page", res.StatusCode, loc)
	}

	a.clock.Advance(31 * time.Minute)
	res = b.get("/auth/session", map[string]string{
		"Accept": "application/json", "Referer": a.url + "/notes"})
	var answer struct {
		LoginURL string `json:"login_url"`
	}
	if err := json.Unmarshal([]byte(res.body), &answer); err != nil ||
		res.StatusCode != http.StatusUnauthorized ||
		answer.LoginURL != "/login?next=%2Fnotes&reason=idle" {
		t.Fatalf("expired status: %d %s", res.StatusCode, res.body)
	}
}
