package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	bt "github.com/seamless-sessions/seamless/internal/browsertest"
)

// Two browsers sign in; one ends the other on the sessions page, and the
// ended one lands on the sign-in page at its next poll.
func TestBrowserEndAnotherSession(t *testing.T) {
	app := startApp(t, map[string]string{"POLL_INTERVAL": "1s"})
	laptop, phone := bt.New(t), bt.New(t)
	bt.Step(t, phone, "phone opens /app", chromedp.Navigate(app.URL+"/app"))
	signIn(t, phone, testEmail, testPassword)
	bt.Step(t, phone, "phone sees the app", chromedp.WaitVisible("#session-panel"))

	bt.Step(t, laptop, "laptop opens /sessions", chromedp.Navigate(app.URL+"/sessions"))
	signIn(t, laptop, testEmail, testPassword)
	bt.Step(t, laptop, "laptop sees its sessions", chromedp.WaitVisible("#sessions"))
	n := bt.Step(t, laptop, "count sessions", chromedp.Evaluate[int](
		`document.querySelectorAll("li.session").length`))
	if n != 2 {
		t.Fatalf("sessions page lists %d sessions; want 2", n)
	}
	mine := bt.Step(t, laptop, "read this session", chromedp.Text("li.session[data-current] strong"))
	if !strings.Contains(mine, "Chrome") {
		t.Fatalf("this session is described as %q; want the browser named", mine)
	}

	other := "li.session:not([data-current]) form"
	bt.Step(t, laptop, "end the phone's session, confirming the password", chromedp.Steps(
		chromedp.SendKeys(other+` input[name="password"]`, testPassword),
		chromedp.Click(other+" button"),
	))
	bt.Step(t, laptop, "see the confirmation", chromedp.WaitVisible("#sessions-notice"))

	waitFor(t, 5*time.Second, "the phone's next poll to send it to sign in", func() bool {
		return strings.Contains(location(t, phone), "/login")
	})
	bt.Step(t, phone, "phone shows the sign-in form", chromedp.WaitVisible("#password"))
	notice := bt.Step(t, phone, "read notice", chromedp.Text(".notice"))
	if !strings.Contains(notice, "session has ended") {
		t.Fatalf("ended phone's sign-in page says %q", notice)
	}
	bt.Step(t, laptop, "laptop still signed in", chromedp.Navigate(app.URL+"/app"))
	bt.Step(t, laptop, "laptop sees the app", chromedp.WaitVisible("#session-panel"))
}
