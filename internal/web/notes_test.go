package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/seamless-sessions/seamless/internal/web"
)

var formKey = regexp.MustCompile(`name="key" value="([^"]+)"`)

// notesForm opens the notes page and returns it with its form's key.
func (b *browser) notesForm() (*response, string) {
	b.a.t.Helper()
	res := b.get("/notes", nil)
	m := formKey.FindStringSubmatch(res.body)
	if res.StatusCode != http.StatusOK || m == nil {
		b.a.t.Fatalf("GET /notes: %d, key found: %v", res.StatusCode, m != nil)
	}
	return res, m[1]
}

func (a *app) noteCount() int {
	a.t.Helper()
	var n int
	err := a.db.Pool.QueryRow(context.Background(), "SELECT count(*) FROM notes").Scan(&n)
	if err != nil {
		a.t.Fatal(err)
	}
	return n
}

// Without scripts, a note sent after the session ended is kept for this
// browser through sign-in, and saving it, however often, saves it once.
func TestNoteSurvivesSignInWithoutScripts(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{})
	b := a.browser()
	b.signIn("/notes")
	_, key := b.notesForm()
	a.clock.Advance(31 * time.Minute)

	const text = "Draft of the loop for Bernoulli numbers"
	note := url.Values{"key": {key}, "body": {text}}
	res := b.do(http.MethodPost, "/notes", note, nil)
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther ||
		loc != "/login?next=%2Fnotes&reason=idle" {
		t.Fatalf("note after expiry: %d to %q; want 303 to sign in and back", res.StatusCode, loc)
	}
	if c := b.cookie("seamless-draft"); c == nil || !strings.Contains(
		res.Header.Get("Set-Cookie"), "HttpOnly") {
		t.Fatalf("no HttpOnly draft cookie: %q", res.Header.Get("Set-Cookie"))
	}

	other := a.browser()
	other.signIn("/notes")
	if res, _ := other.notesForm(); strings.Contains(res.body, text) {
		t.Fatal("another browser was given the draft")
	}
	b.signIn("/notes")
	res, restored := b.notesForm()
	if !strings.Contains(res.body, text) || restored != key {
		t.Fatalf("after sign-in the form lacks the text or its key (%q, want %q)", restored, key)
	}
	if again, _ := b.notesForm(); strings.Contains(again.body, text) {
		t.Fatal("the draft was given back twice")
	}

	for range 2 {
		res = b.do(http.MethodPost, "/notes", note, nil)
		if loc := res.Header.Get("Location"); loc != "/notes?saved=1" {
			t.Fatalf("save: %d to %q", res.StatusCode, loc)
		}
	}
	if n := a.noteCount(); n != 1 {
		t.Fatalf("the same form sent twice saved %d notes; want 1", n)
	}
	res = b.do(http.MethodPost, "/notes", url.Values{"key": {key}, "body": {" "}}, nil)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(res.body, "Write something") {
		t.Fatalf("empty note: %d", res.StatusCode)
	}
}

// A draft left by one account's ended session is not shown to another
// account that signs in on the same browser; its owner still gets it.
func TestDraftStaysWithItsOwner(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{})
	if _, err := a.db.CreateUser(context.Background(), "mallory@example.com",
		a.user.PasswordHash); err != nil {
		t.Fatal(err)
	}
	b := a.browser()
	b.signIn("/notes")
	_, key := b.notesForm()
	a.clock.Advance(31 * time.Minute)
	b.do(http.MethodPost, "/notes", url.Values{"key": {key}, "body": {"private words"}}, nil)

	res := b.do(http.MethodPost, "/login", url.Values{"email": {"mallory@example.com"},
		"password": {testPassword}, "next": {"/notes"}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("second account's sign-in: %d", res.StatusCode)
	}
	if res, _ := b.notesForm(); strings.Contains(res.body, "private words") {
		t.Fatal("another account was shown the draft")
	}
	b.signIn("/notes")
	if res, _ := b.notesForm(); !strings.Contains(res.body, "private words") {
		t.Fatal("the owner did not get the draft back")
	}
}

// A person about to sign in again can ask to keep the text instead of
// saving it; it comes back after sign-in, saved nowhere meanwhile.
func TestNoteKeptForSignInOnRequest(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{})
	b := a.browser()
	b.signIn("/notes")
	_, key := b.notesForm()
	res := b.do(http.MethodPost, "/notes",
		url.Values{"key": {key}, "body": {"carry this over"}, "keep": {"draft"}}, nil)
	if loc := res.Header.Get("Location"); loc != "/login?next=%2Fnotes" {
		t.Fatalf("keep as draft: %d to %q", res.StatusCode, loc)
	}
	b.signIn("/notes")
	if res, _ := b.notesForm(); !strings.Contains(res.body, "carry this over") {
		t.Fatal("the kept text did not come back")
	}
	if n := a.noteCount(); n != 0 {
		t.Fatalf("%d notes saved; keeping a draft saves none", n)
	}
}

// Without scripts, a note sent while the database cannot be reached comes
// back as the form with its text and the reason, and signs nobody out.
func TestNoteKeptInOutageWithoutScripts(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{})
	b := a.browser()
	b.signIn("/notes")
	_, key := b.notesForm()

	a.setDatabaseReachable(false)
	res := b.do(http.MethodPost, "/notes", url.Values{"key": {key}, "body": {"still here"}}, nil)
	a.setDatabaseReachable(true)
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Set-Cookie") != "" {
		t.Fatalf("note in outage: %d, Set-Cookie %q", res.StatusCode, res.Header.Get("Set-Cookie"))
	}
	for _, want := range []string{"still here", `value="` + key + `"`, "cannot be reached"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the page in the outage lacks %q", want)
		}
	}
	res = b.do(http.MethodPost, "/notes", url.Values{"key": {key}, "body": {"still here"}}, nil)
	if res.Header.Get("Location") != "/notes?saved=1" || a.noteCount() != 1 {
		t.Fatalf("after the outage: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
}
