package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	bt "github.com/seamless-sessions/seamless/internal/browsertest"
)

// signIn fills in and sends the sign-in form on the current page.
func signIn(t *testing.T, tab context.Context, email, pw string) {
	t.Helper()
	bt.Step(t, tab, "fill in the sign-in form", chromedp.Steps(
		chromedp.WaitVisible("#email"),
		chromedp.SendKeys("#email", email),
		chromedp.SendKeys("#password", pw),
		chromedp.Submit("#password"),
	))
}

func location(t *testing.T, tab context.Context) string {
	t.Helper()
	return bt.Step(t, tab, "read location", chromedp.Location())
}

// waitFor polls cond every 100 ms until it holds or limit passes.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", limit, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func idleSeconds(t *testing.T, tab context.Context) int {
	t.Helper()
	v := bt.Step(t, tab, "read idle seconds", chromedp.Evaluate[string](
		`document.getElementById("session-panel").dataset.idleRemaining`))
	n, err := strconv.Atoi(v)
	if err != nil {
		t.Fatalf("data-idle-remaining = %q", v)
	}
	return n
}

func TestBrowserSignInStayAndSignOut(t *testing.T) {
	app := startApp(t, map[string]string{"POLL_INTERVAL": "1s"})
	tab := bt.New(t)

	bt.Step(t, tab, "open /app", chromedp.Navigate(app.URL+"/app"))
	if loc := location(t, tab); !strings.HasSuffix(loc, "/login?next=%2Fapp") {
		t.Fatalf("signed-out /app landed on %s; want the sign-in page", loc)
	}
	signIn(t, tab, testEmail, testPassword)
	bt.Step(t, tab, "wait for the app page", chromedp.WaitVisible("#session-panel"))
	if loc := location(t, tab); loc != app.URL+"/app" {
		t.Fatalf("after sign-in at %s; want /app", loc)
	}
	if got := bt.Step(t, tab, "read email", chromedp.Text("#email")); got != testEmail {
		t.Fatalf("page shows %q; want %q", got, testEmail)
	}

	// The panel is replaced by each poll; its idle time goes down.
	first := idleSeconds(t, tab)
	waitFor(t, 5*time.Second, "a poll to update the panel", func() bool {
		return idleSeconds(t, tab) < first
	})
	before := idleSeconds(t, tab)
	bt.Step(t, tab, "press Stay signed in", chromedp.Click("#refresh"))
	waitFor(t, 5*time.Second, "refresh to raise the idle time", func() bool {
		return idleSeconds(t, tab) > before
	})

	bt.Step(t, tab, "sign out", chromedp.Click("header form button"))
	bt.Step(t, tab, "wait for the sign-in page", chromedp.WaitVisible("#password"))
	notice := bt.Step(t, tab, "read notice", chromedp.Text(".notice"))
	if !strings.Contains(notice, "signed out") {
		t.Fatalf("after sign-out the page says %q", notice)
	}
	bt.Step(t, tab, "open /app again", chromedp.Navigate(app.URL+"/app"))
	if loc := location(t, tab); !strings.Contains(loc, "/login") {
		t.Fatalf("/app after sign-out is at %s; want the sign-in page", loc)
	}
}

// An idle page is signed out by its next poll: polls alone keep nothing
// alive.
func TestBrowserIdleSignOut(t *testing.T) {
	app := startApp(t, map[string]string{
		"POLL_INTERVAL": "1s", "IDLE_TIMEOUT": "3s", "TOUCH_INTERVAL": "1s",
	})
	tab := bt.New(t)
	bt.Step(t, tab, "open /login", chromedp.Navigate(app.URL+"/login?next=%2Fapp"))
	signIn(t, tab, testEmail, testPassword)
	bt.Step(t, tab, "wait for the app page", chromedp.WaitVisible("#session-panel"))
	start := time.Now()

	waitFor(t, 10*time.Second, "the idle page to be signed out", func() bool {
		return strings.Contains(location(t, tab), "/login")
	})
	if took := time.Since(start); took < 2*time.Second {
		t.Fatalf("signed out after %v; the idle timeout is 3 s", took)
	}
	loc := location(t, tab)
	if !strings.Contains(loc, "next=%2Fapp") || !strings.Contains(loc, "reason=idle") {
		t.Fatalf("idle sign-out went to %s; want next=/app and reason=idle", loc)
	}
	bt.Step(t, tab, "wait for the notice", chromedp.WaitVisible(".notice"))
	notice := bt.Step(t, tab, "read notice", chromedp.Text(".notice"))
	if !strings.Contains(notice, "3 seconds without activity") {
		t.Fatalf("notice says %q", notice)
	}
	signIn(t, tab, testEmail, testPassword)
	bt.Step(t, tab, "wait for the app page", chromedp.WaitVisible("#session-panel"))
	if loc := location(t, tab); loc != app.URL+"/app" {
		t.Fatalf("after signing in again at %s; want /app", loc)
	}
}

// TestScreenshots takes the pictures shown in the README. They go to
// $SCREENSHOTS_DIR when it is set (make screenshots), else to a temporary
// folder, so that the test runs, and can fail, either way.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("SCREENSHOTS_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	app := startApp(t, nil)
	tab := bt.New(t)
	shoot := func(name string, width, height int64) {
		bt.Step(t, tab, "resize", chromedp.EmulateViewport(width, height))
		png := bt.Step(t, tab, "screenshot", chromedp.FullScreenshot(100))
		if len(png) < 1000 {
			t.Fatalf("%s: screenshot of %d bytes", name, len(png))
		}
		if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bt.Step(t, tab, "open sign-in", chromedp.Navigate(app.URL+"/login?next=%2Fapp"))
	shoot("login-desktop.png", 1280, 800)
	shoot("login-phone.png", 390, 844)
	bt.Step(t, tab, "resize", chromedp.EmulateViewport(1280, 800))
	signIn(t, tab, testEmail, testPassword)
	bt.Step(t, tab, "wait for the app page", chromedp.WaitVisible("#session-panel"))
	shoot("app-desktop.png", 1280, 800)
	shoot("app-phone.png", 390, 844)
}
