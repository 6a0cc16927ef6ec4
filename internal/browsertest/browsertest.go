// Package browsertest starts headless Chromium for end-to-end tests, through
// chromedp. A test that finds no Chromium skips with a loud message on a
// developer's machine and fails in CI.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/seamless-sessions/seamless/internal/pgtest"
)

// ExecPath finds Chromium: $CHROMIUM_PATH, then chromium, chromium-browser
// and google-chrome on PATH.
func ExecPath() (string, bool) {
	if p := os.Getenv("CHROMIUM_PATH"); p != "" {
		return p, true
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, true
		}
	}
	return "", false
}

// New starts a headless Chromium for t and returns a context for its first
// tab. The browser is closed when t ends. Each call gets its own browser and
// profile, so cookies are never shared between two calls.
func New(t testing.TB) context.Context {
	t.Helper()
	path, ok := ExecPath()
	if !ok {
		pgtest.Unavailable(t, "Chromium not found: install it (apt-get install chromium) "+
			"or set CHROMIUM_PATH")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		// The machine's network is closed: stop Chromium from reaching out.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-domain-reliability", true),
	}
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	ctx, cancel := chromedp.NewContext(context.Background(),
		chromedp.WithAllocatorOptions(opts...),
		chromedp.WithLogf(t.Logf))
	t.Cleanup(cancel)
	// Start the browser now, on a context without a deadline, so a later
	// timeout on one step does not stop the whole browser.
	if err := chromedp.Do(ctx); err != nil {
		if pgtest.InCI() {
			t.Fatalf("start Chromium at %s: %v", path, err)
		}
		pgtest.Unavailable(t, "Chromium at %s did not start: %v", path, err)
	}
	return ctx
}

// NewTab opens another tab in the same browser as ctx, sharing its cookies.
func NewTab(t testing.TB, ctx context.Context) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(ctx)
	t.Cleanup(cancel)
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	return tab
}

// Step runs action with a time limit and fails t if it errs.
func Step[T any](t testing.TB, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(sctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}
