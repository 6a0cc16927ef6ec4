package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	bt "github.com/seamless-sessions/seamless/internal/browsertest"
	"github.com/seamless-sessions/seamless/internal/config"
	"github.com/seamless-sessions/seamless/internal/pgtest"
	"github.com/seamless-sessions/seamless/internal/postgres"
)

// Short timeouts for the page script's tests: the idle timeout is a few
// seconds and the script polls every second.
func quick(idle string) map[string]string {
	return map[string]string{"IDLE_TIMEOUT": idle, "TOUCH_INTERVAL": "1s", "POLL_INTERVAL": "1s",
		"WARNING_LEAD": "20s"}
}

// warnAt sets a warning lead shorter than configuration allows, for tests
// whose whole idle timeout is seconds long.
func warnAt(lead time.Duration) func(*config.Config) {
	return func(c *config.Config) { c.WarningLead = lead }
}

// openSignedIn signs in on tab and waits for path to show.
func openSignedIn(t *testing.T, tab context.Context, app *testApp, path string) {
	t.Helper()
	bt.Step(t, tab, "open sign-in", chromedp.Navigate(app.URL+"/login?next="+url.QueryEscape(path)))
	signIn(t, tab, testEmail, testPassword)
	bt.Step(t, tab, "wait for "+path, chromedp.WaitVisible("header .who"))
	if loc := location(t, tab); !strings.HasSuffix(loc, path) {
		t.Fatalf("after sign-in at %s; want %s", loc, path)
	}
}

func eval[T any](t *testing.T, tab context.Context, expr string) T {
	t.Helper()
	return bt.Step(t, tab, expr, chromedp.Evaluate[T](expr))
}

func warningOpen(t *testing.T, tab context.Context) bool {
	t.Helper()
	return eval[bool](t, tab, `document.getElementById("session-warning").open`)
}

// warningsShown counts how often the warning has opened on the page.
func warningsShown(t *testing.T, tab context.Context) int {
	t.Helper()
	return eval[int](t, tab, `Number(document.body.dataset.warnings || 0)`)
}

// requestsTo counts the requests the page has made to path, from the
// browser's own record of them.
func requestsTo(t *testing.T, tab context.Context, path string) int {
	t.Helper()
	return eval[int](t, tab, `performance.getEntriesByType("resource")
		.filter(e => new URL(e.name).pathname === "`+path+`").length`)
}

// moveMouse sends a real pointer movement, as a person using the page does.
func moveMouse(t *testing.T, tab context.Context, i int) {
	t.Helper()
	x, y := float64(200+i%7*20), float64(300+i%5*15)
	bt.Step(t, tab, "move the mouse", chromedp.MouseEvent(chromedp.MouseMoved, x, y))
}

// keepUsing moves the mouse over tab four times a second for d, and fails
// if the warning opens meanwhile in watched.
func keepUsing(t *testing.T, tab context.Context, d time.Duration, watched context.Context) {
	t.Helper()
	start := time.Now()
	for i := 0; time.Since(start) < d; i++ {
		moveMouse(t, tab, i)
		if warningOpen(t, watched) {
			t.Fatalf("the warning opened after %v of steady use", time.Since(start))
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// A person who keeps using the page is never warned and never signed out,
// across several idle timeouts; refreshes stay within one per touch interval.
func TestBrowserActivePersonStaysSignedIn(t *testing.T) {
	// A refresh is due 1 s after the last one and the warning 3 s after it:
	// 2 s to spare for a slow machine.
	app := startApp(t, quick("4s"), warnAt(time.Second))
	tab := bt.New(t)
	openSignedIn(t, tab, app, "/app")

	start := time.Now()
	keepUsing(t, tab, 13*time.Second, tab)
	took := time.Since(start)
	if loc := location(t, tab); loc != app.URL+"/app" {
		t.Fatalf("after %v of use the tab is at %s", took, loc)
	}
	if n := warningsShown(t, tab); n != 0 {
		t.Fatalf("the warning opened %d times", n)
	}
	refreshes := requestsTo(t, tab, "/auth/refresh")
	if refreshes < 3 || refreshes > int(took/time.Second)+1 {
		t.Fatalf("%d refreshes in %v with a 1 s touch interval; want a few, at most one a second",
			refreshes, took)
	}
}

// An idle person is warned one warning lead before the idle timeout, can
// stay signed in from the keyboard as often as they like, and when they let
// it lapse lands on the sign-in page with the reason and a way back.
func TestBrowserIdleWarningExtendAndLapse(t *testing.T) {
	app := startApp(t, quick("3s"), warnAt(2*time.Second))
	tab := bt.New(t)
	openSignedIn(t, tab, app, "/app")
	// Focus starts on the panel's button and must come back to it.
	eval[bool](t, tab, `document.getElementById("refresh").focus(); true`)
	for i := range 10 {
		extended := time.Now()
		waitFor(t, 5*time.Second, "the warning", func() bool { return warningOpen(t, tab) })
		if after := time.Since(extended); after < 500*time.Millisecond || after > 2500*time.Millisecond {
			t.Fatalf("round %d: warned %v after the last extension; want about 1 s (3 s - 2 s)",
				i, after)
		}
		checkWarning(t, tab, false, 2)
		bt.Step(t, tab, "press Enter", chromedp.KeyEvent("\r"))
		waitFor(t, 2*time.Second, "the warning to close", func() bool { return !warningOpen(t, tab) })
		if !eval[bool](t, tab, `document.activeElement.id === "refresh"`) {
			t.Fatalf("round %d: focus did not return to where it was", i)
		}
	}
	if n := requestsTo(t, tab, "/auth/refresh"); n != 10 {
		t.Fatalf("%d refreshes for 10 presses and no other activity; want 10", n)
	}

	waitFor(t, 8*time.Second, "the idle sign-out", func() bool {
		return strings.Contains(location(t, tab), "/login")
	})
	loc := location(t, tab)
	if !strings.Contains(loc, "next=%2Fapp") || !strings.Contains(loc, "reason=idle") {
		t.Fatalf("idle sign-out went to %s; want next=/app and reason=idle", loc)
	}
	bt.Step(t, tab, "wait for the notice", chromedp.WaitVisible(".notice"))
	if notice := bt.Step(t, tab, "read notice", chromedp.Text(".notice")); !strings.Contains(
		notice, "You were signed out after 3 seconds without activity") {
		t.Fatalf("notice says %q", notice)
	}
	signIn(t, tab, testEmail, testPassword)
	bt.Step(t, tab, "wait for the app page", chromedp.WaitVisible("#session-panel"))
	if loc := location(t, tab); loc != app.URL+"/app" {
		t.Fatalf("after signing in again at %s; want /app", loc)
	}
}

// checkWarning checks the open warning: its title, the buttons it offers,
// where focus is, and a countdown no longer than lead.
func checkWarning(t *testing.T, tab context.Context, final bool, lead int) {
	t.Helper()
	title, focus, shown := "Are you still there?", "warning-stay", "warning-stay"
	hidden := []string{"warning-signin", "warning-back"}
	if final {
		title, focus, shown = "Your session is about to end", "warning-signin", "warning-back"
		hidden = []string{"warning-stay"}
	}
	if got := eval[string](t, tab, `document.getElementById("warning-title").textContent`); got != title {
		t.Fatalf("warning title %q; want %q", got, title)
	}
	if !eval[bool](t, tab, `document.activeElement.id === "`+focus+`"`) {
		t.Fatalf("focus is not on #%s in the open warning", focus)
	}
	visible := func(id string) bool {
		return eval[bool](t, tab, `document.getElementById("`+id+`").checkVisibility()`)
	}
	if !visible(shown) || visible(hidden[0]) || len(hidden) > 1 && visible(hidden[1]) {
		t.Fatalf("the warning shows the wrong buttons (final %v)", final)
	}
	count := eval[string](t, tab, `document.getElementById("warning-countdown").textContent`)
	var n int
	if _, err := fmt.Sscanf(count, "%d s", &n); err != nil || n < 1 || n > lead {
		t.Fatalf("countdown shows %q; want 1 to %d s", count, lead)
	}
}

// skewDate runs before the page's own scripts and sets the page's Date seven
// hours fast, as a browser with a wrong clock would have it.
const skewDate = `(() => {
	const shift = 7 * 3600 * 1000;
	const Real = Date;
	class Skewed extends Real {
		constructor(...args) { args.length ? super(...args) : super(Real.now() + shift); }
		static now() { return Real.now() + shift; }
	}
	globalThis.Date = Skewed;
})();`

// A browser clock seven hours fast changes nothing: the warning comes one
// lead before the idle deadline, the final warning one lead before the
// absolute deadline, and the end comes when the server says. axe-core finds
// nothing wrong in either warning.
func TestBrowserClockSkewChangesNothing(t *testing.T) {
	env := quick("6s")
	env["ABSOLUTE_TIMEOUT"] = "12s"
	app := startApp(t, env, warnAt(3*time.Second))
	tab := bt.New(t)
	bt.Step(t, tab, "skew Date", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument,
			page.AddScriptToEvaluateOnNewDocumentParams{Source: skewDate})
		return err
	}))
	openSignedIn(t, tab, app, "/app")
	signedIn := time.Now()
	if skew := eval[float64](t, tab, `Date.now() - performance.timeOrigin - performance.now()`); skew < 6*3600e3 {
		t.Fatalf("the page's clock is off by %.0f ms; the test means it to be 7 h", skew)
	}
	if idle := idleSeconds(t, tab); idle < 4 || idle > 6 {
		t.Fatalf("panel shows %d s idle time left; want about 6", idle)
	}

	waitFor(t, 6*time.Second, "the warning", func() bool { return warningOpen(t, tab) })
	if after := time.Since(signedIn); after < 2*time.Second || after > 4500*time.Millisecond {
		t.Fatalf("warned %v after sign-in; want about 3 s (6 s - 3 s)", after)
	}
	checkWarning(t, tab, false, 3)
	checkAccessible(t, tab)
	bt.Step(t, tab, "press Enter", chromedp.KeyEvent("\r"))
	waitFor(t, 2*time.Second, "the warning to close", func() bool { return !warningOpen(t, tab) })

	// Keep using the page: only the absolute deadline can end it now.
	for i := 0; !warningOpen(t, tab); i++ {
		if time.Since(signedIn) > 11*time.Second {
			t.Fatal("no final warning before the absolute deadline")
		}
		moveMouse(t, tab, i)
		time.Sleep(200 * time.Millisecond)
	}
	if at := time.Since(signedIn); at < 7*time.Second {
		t.Fatalf("final warning %v after sign-in; want about 9 s (12 s - 3 s)", at)
	}
	checkWarning(t, tab, true, 3)
	checkAccessible(t, tab)
	waitFor(t, 6*time.Second, "the end of the session", func() bool {
		return strings.Contains(location(t, tab), "/login")
	})
	if loc := location(t, tab); !strings.Contains(loc, "reason=absolute") {
		t.Fatalf("ended at %s; want reason=absolute", loc)
	}
}

// checkAccessible runs axe-core on the open warning and fails on any
// violation.
func checkAccessible(t *testing.T, tab context.Context) {
	t.Helper()
	violations := bt.Accessibility(t, tab, "#session-warning")
	if len(violations) > 0 {
		t.Fatalf("axe-core finds %d problems in the warning:\n%s",
			len(violations), strings.Join(violations, "\n"))
	}
	if !warningOpen(t, tab) {
		t.Fatal("the warning closed while axe-core ran; the check saw too little")
	}
}

// Two tabs of one browser share one session: use of one keeps the other from
// warning, the polls of both together come about once per poll interval,
// staying signed in from one closes the warning in the other, and signing out
// in one sends the other to the sign-in page within two seconds.
func TestBrowserTabsStayInStep(t *testing.T) {
	app := startApp(t, quick("6s"), warnAt(2*time.Second))
	a := bt.New(t)
	openSignedIn(t, a, app, "/app")
	b := bt.NewTab(t, a)
	bt.Step(t, b, "open /app in tab B", chromedp.Navigate(app.URL+"/app"))
	bt.Step(t, b, "wait for the app page", chromedp.WaitVisible("#session-panel"))

	keepUsing(t, a, 7*time.Second, b)

	// Left alone, both tabs count down to the warning; one poll a second
	// serves them both.
	polls := requestsTo(t, a, "/auth/session") + requestsTo(t, b, "/auth/session")
	start := time.Now()
	waitFor(t, 6*time.Second, "both tabs to warn", func() bool {
		return warningOpen(t, a) && warningOpen(t, b)
	})
	took := time.Since(start)
	polls = requestsTo(t, a, "/auth/session") + requestsTo(t, b, "/auth/session") - polls
	if limit := int(took.Seconds()) + 1; polls > limit {
		t.Fatalf("two tabs polled %d times in %v at a 1 s interval; want at most %d",
			polls, took, limit)
	}
	t.Logf("two tabs polled %d times in %v", polls, took)
	bt.Step(t, b, "press Enter in tab B", chromedp.KeyEvent("\r"))
	waitFor(t, 2*time.Second, "tab A's warning to close", func() bool { return !warningOpen(t, a) })

	bt.Step(t, a, "sign out in tab A", chromedp.Click("header form button"))
	waitFor(t, 2*time.Second, "tab B to leave", func() bool {
		return strings.Contains(location(t, b), "/login")
	})
	if loc := location(t, b); !strings.Contains(loc, "reason=signed_out") ||
		!strings.Contains(loc, "next=%2Fapp") {
		t.Fatalf("tab B went to %s; want the signed-out notice and a way back to /app", loc)
	}
}

// noteCount counts the notes saved in app's database.
func noteCount(t *testing.T, app *testApp) int {
	t.Helper()
	db, err := postgres.Open(context.Background(), app.DBURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.Pool.QueryRow(context.Background(), "SELECT count(*) FROM notes").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// expireSessions ends every session at once, as if its idle time had run out.
func expireSessions(t *testing.T, app *testApp) {
	t.Helper()
	db, err := postgres.Open(context.Background(), app.DBURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.Pool.Exec(context.Background(), "UPDATE sessions SET idle_deadline = $1",
		time.Now().Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
}

// backToNotes expects the sign-in page for an idle session, signs in, and
// checks that the notes form holds text again.
func backToNotes(t *testing.T, tab context.Context, text string) {
	t.Helper()
	bt.Step(t, tab, "wait for sign-in", chromedp.WaitVisible("#password"))
	if loc := location(t, tab); !strings.Contains(loc, "next=%2Fnotes") ||
		!strings.Contains(loc, "reason=idle") {
		t.Fatalf("the idle session went to %s; want sign-in, then /notes", loc)
	}
	signIn(t, tab, testEmail, testPassword)
	bt.Step(t, tab, "wait for the notes page", chromedp.WaitVisible("#notes-notice"))
	if got := noteText(t, tab); got != text {
		t.Fatalf("after sign-in the form holds %q; want %q", got, text)
	}
}

func noteText(t *testing.T, tab context.Context) string {
	t.Helper()
	return eval[string](t, tab, `document.getElementById("note-body").value`)
}

// Text typed when the session has ended survives sign-in and is saved once;
// while the database is down the page says so, keeps the text, and saves it
// when the database is back.
func TestBrowserNotesSurviveExpiryAndOutage(t *testing.T) {
	app := startApp(t, nil)
	tab := bt.New(t)
	openSignedIn(t, tab, app, "/notes")
	const text = "Buy more punch cards.\nAsk Ada about the loop."
	bt.Step(t, tab, "type a note", chromedp.SendKeys("#note-body", text))
	expireSessions(t, app)

	bt.Step(t, tab, "save", chromedp.Click("#note-save"))
	backToNotes(t, tab, text)
	key := eval[string](t, tab, `document.querySelector("#note-form [name=key]").value`)
	bt.Step(t, tab, "save again", chromedp.Click("#note-save"))
	bt.Step(t, tab, "wait for the saved note", chromedp.WaitVisible("#notes li"))
	// The same form sent once more, as a double click or a resent page would.
	status := bt.Step(t, tab, "resend", chromedp.Evaluate[int](`fetch("/notes", {method: "POST",
		body: new URLSearchParams({key: "`+key+`", body: "again"})}).then(r => r.status)`,
		chromedp.EvalAwaitPromise))
	if n := noteCount(t, app); status != 200 || n != 1 {
		t.Fatalf("after saving and resending: %d notes (resend answered %d); want 1", n, status)
	}

	bt.Step(t, tab, "type another note", chromedp.SendKeys("#note-body", "Written in an outage."))
	pgtest.SetReachable(t, app.DBURL, false)
	bt.Step(t, tab, "save in the outage", chromedp.Click("#note-save"))
	waitFor(t, 5*time.Second, "the page to say it cannot save", func() bool {
		return strings.Contains(eval[string](t, tab,
			`document.querySelector("[data-form-status]").textContent`), "cannot be reached")
	})
	if got := noteText(t, tab); got != "Written in an outage." || !strings.HasSuffix(
		location(t, tab), "/notes?saved=1") {
		t.Fatalf("in the outage the page is at %s holding %q", location(t, tab), got)
	}
	pgtest.SetReachable(t, app.DBURL, true)
	waitFor(t, 10*time.Second, "the note to be saved", func() bool { return noteCount(t, app) == 2 })
}

// Text being written when the idle time runs out is sent before the page
// leaves, kept through sign-in, and is in the form again afterwards.
func TestBrowserNotesSurviveIdleLapse(t *testing.T) {
	app := startApp(t, quick("3s"), warnAt(2*time.Second))
	tab := bt.New(t)
	openSignedIn(t, tab, app, "/notes")
	const text = "Half a thought, then the phone rang"
	bt.Step(t, tab, "type a note", chromedp.SendKeys("#note-body", text))

	waitFor(t, 8*time.Second, "the idle sign-out", func() bool {
		return strings.Contains(location(t, tab), "/login")
	})
	backToNotes(t, tab, text)
	if n := noteCount(t, app); n != 0 {
		t.Fatalf("%d notes saved before the person chose to save", n)
	}
}

// pretendVisibility lets a test say whether the page is shown, through
// window.testVisibility, since headless tabs are always visible.
const pretendVisibility = `Object.defineProperty(Document.prototype, "visibilityState", {
	get() { return window.testVisibility || "visible"; },
});`

func runOnNewDocument(source string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument,
			page.AddScriptToEvaluateOnNewDocumentParams{Source: source})
		return err
	})
}

// A hidden tab does not poll; it asks at once when it is shown again, and a
// page whose timers stopped (a laptop asleep) asks at once when they resume.
func TestBrowserHiddenAndSleepingTabs(t *testing.T) {
	app := startApp(t, map[string]string{"POLL_INTERVAL": "1s"})
	tab := bt.New(t)
	bt.Step(t, tab, "pretend visibility", runOnNewDocument(pretendVisibility))
	openSignedIn(t, tab, app, "/app")
	eval[string](t, tab, `window.testVisibility = "hidden"`)
	polls := requestsTo(t, tab, "/auth/session")
	time.Sleep(3 * time.Second)
	if n := requestsTo(t, tab, "/auth/session") - polls; n != 0 {
		t.Fatalf("a hidden tab polled %d times in 3 s at a 1 s interval", n)
	}

	// With a 30 s poll interval, only being shown or waking up can explain
	// a poll within a second.
	app = startApp(t, map[string]string{"POLL_INTERVAL": "30s"})
	openSignedIn(t, tab, app, "/app")
	time.Sleep(time.Second)
	polls = requestsTo(t, tab, "/auth/session")
	eval[bool](t, tab, `document.dispatchEvent(new Event("visibilitychange")); true`)
	waitFor(t, time.Second, "a poll on being shown", func() bool {
		return requestsTo(t, tab, "/auth/session") > polls
	})
	// The page's timers stop for 6 s, as in sleep, with no event to tell.
	polls = requestsTo(t, tab, "/auth/session")
	eval[bool](t, tab, `for (const end = performance.now() + 6000; performance.now() < end;) {}
		true`)
	waitFor(t, 1500*time.Millisecond, "a poll on waking", func() bool {
		return requestsTo(t, tab, "/auth/session") > polls
	})
}

// TestScreenshotsWarning takes the picture of the warning shown in
// docs/auto-refresh.md, into $SCREENSHOTS_DIR when it is set (make
// screenshots), else into a temporary folder.
func TestScreenshotsWarning(t *testing.T) {
	dir := os.Getenv("SCREENSHOTS_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	app := startApp(t, quick("4s"), warnAt(2*time.Second))
	tab := bt.New(t)
	bt.Step(t, tab, "resize", chromedp.EmulateViewport(1280, 800))
	openSignedIn(t, tab, app, "/notes")
	bt.Step(t, tab, "type a note", chromedp.SendKeys("#note-body", "Minutes of the Tuesday meeting"))
	waitFor(t, 5*time.Second, "the warning", func() bool { return warningOpen(t, tab) })
	png := bt.Step(t, tab, "screenshot", chromedp.FullScreenshot(100))
	if len(png) < 1000 {
		t.Fatalf("screenshot of %d bytes", len(png))
	}
	if err := os.WriteFile(filepath.Join(dir, "warning-desktop.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
