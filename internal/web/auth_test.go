package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/seamless-sessions/seamless/internal/web"
)

func TestSignInAndOut(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{})
	b := a.browser()

	res := b.get("/app?tab=2", nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next=%2Fapp%3Ftab%3D2" {
		t.Fatalf("GET /app signed out: %d to %q; want 303 to the sign-in page", res.StatusCode, res.Header.Get("Location"))
	}
	res = b.signIn("/app?tab=2")
	if loc := res.Header.Get("Location"); loc != "/app?tab=2" {
		t.Fatalf("after sign-in went to %q; want /app?tab=2", loc)
	}
	set := res.Header.Get("Set-Cookie")
	for _, want := range []string{"seamless=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(set, want) {
			t.Errorf("Set-Cookie %q lacks %q", set, want)
		}
	}
	if strings.Contains(set, "Expires") || strings.Contains(set, "Max-Age") || strings.Contains(set, "Domain") {
		t.Errorf("Set-Cookie %q should be a session cookie with no Domain", set)
	}
	if cc := res.Header.Values("Cache-Control"); !strings.Contains(strings.Join(cc, ","), "no-store") {
		t.Errorf("Cache-Control %q on a cookie-setting response; want no-store", cc)
	}
	old := b.cookie("seamless").Value

	res = b.get("/app", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.body, testEmail) ||
		!strings.Contains(res.body, `id="session-panel"`) {
		t.Fatalf("GET /app signed in: %d; want the app page with the email and the panel", res.StatusCode)
	}

	res = b.do(http.MethodPost, "/logout", url.Values{}, nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?reason=signed_out" {
		t.Fatalf("sign-out: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res = b.get("/app", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("GET /app after sign-out: %d; want 303", res.StatusCode)
	}

	// Replaying the old cookie gets nowhere.
	replay := a.browser()
	u, _ := url.Parse(a.url)
	replay.jar.SetCookies(u, []*http.Cookie{{Name: "seamless", Value: old}})
	if res = replay.get("/app", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("replayed cookie after sign-out: %d; want 303", res.StatusCode)
	}
	if n := a.count("SELECT count(*) FROM sessions"); n != 0 {
		t.Fatalf("%d session rows after sign-out; want 0", n)
	}
}

func (a *app) count(sql string, args ...any) int {
	a.t.Helper()
	var n int
	if err := a.db.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		a.t.Fatal(err)
	}
	return n
}

func TestSignedOutAnswersByKind(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{})
	b := a.browser()

	res := b.get("/auth/session", map[string]string{"HX-Request": "true",
		"HX-Current-URL": a.url + "/app?x=1"})
	if res.StatusCode != http.StatusUnauthorized || res.Header.Get("HX-Redirect") != "/login?next=%2Fapp%3Fx%3D1" {
		t.Errorf("htmx poll signed out: %d HX-Redirect %q", res.StatusCode, res.Header.Get("HX-Redirect"))
	}
	if strings.Contains(res.body, "<form") {
		t.Error("htmx poll got a form to swap in")
	}
	res = b.get("/auth/session", wantJSON)
	var body struct {
		LoginURL string `json:"login_url"`
	}
	if res.StatusCode != http.StatusUnauthorized || json.Unmarshal([]byte(res.body), &body) != nil ||
		body.LoginURL == "" {
		t.Errorf("JSON status signed out: %d %s; want 401 with login_url", res.StatusCode, res.body)
	}
}

type statusBody struct {
	IdleRemaining     int64     `json:"idle_remaining_seconds"`
	AbsoluteRemaining int64     `json:"absolute_remaining_seconds"`
	IdleExpiresAt     time.Time `json:"idle_expires_at"`
}

func (b *browser) status() (statusBody, int) {
	b.a.t.Helper()
	res := b.get("/auth/session", wantJSON)
	var st statusBody
	if res.StatusCode == http.StatusOK {
		if err := json.Unmarshal([]byte(res.body), &st); err != nil {
			b.a.t.Fatalf("status body %q: %v", res.body, err)
		}
	}
	return st, res.StatusCode
}

// Polling the status must not keep a session alive; only use does.
func TestStatusPollDoesNotSlide(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{})
	b := a.browser()
	b.signIn("/app")

	for range 5 {
		a.clock.Advance(5 * time.Minute)
		if _, code := b.status(); code != http.StatusOK {
			t.Fatalf("status: %d", code)
		}
	}
	st, _ := b.status()
	if st.IdleRemaining != int64((5 * time.Minute).Seconds()) {
		t.Fatalf("idle remaining after 25 min of polls = %ds; want 300", st.IdleRemaining)
	}
	a.clock.Advance(5 * time.Minute)
	res := b.get("/auth/session", htmx)
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.Header.Get("HX-Redirect"), "reason=idle") {
		t.Fatalf("poll after 30 min of only polls: %d to %q; want 401 to sign-in, reason=idle",
			res.StatusCode, res.Header.Get("HX-Redirect"))
	}
}

func TestActivityAndRefreshSlide(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{})
	b := a.browser()
	b.signIn("/app")

	a.clock.Advance(10 * time.Minute)
	b.get("/app", nil)
	if st, _ := b.status(); st.IdleRemaining != 1800 {
		t.Fatalf("idle remaining after a page view = %ds; want 1800", st.IdleRemaining)
	}
	a.clock.Advance(10 * time.Minute)
	res := b.do(http.MethodPost, "/auth/refresh", nil, wantJSON)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.body, `"idle_remaining_seconds":1800`) {
		t.Fatalf("refresh: %d %s; want 1800 s left", res.StatusCode, res.body)
	}
	res = b.do(http.MethodPost, "/auth/refresh", nil, htmx)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.body, `id="session-panel"`) {
		t.Fatalf("htmx refresh: %d; want the panel fragment", res.StatusCode)
	}
	if strings.Contains(res.body, "<html") {
		t.Fatal("htmx refresh returned a whole page")
	}
}

// A token the browser had before signing in, whoever chose it, is never the
// one it has after.
func TestSignInRenewsToken(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{})
	victim := a.browser()
	u, _ := url.Parse(a.url)
	planted := "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	victim.jar.SetCookies(u, []*http.Cookie{{Name: "seamless", Value: planted}})
	victim.signIn("/app")
	if got := victim.cookie("seamless").Value; got == planted {
		t.Fatal("sign-in adopted a planted token")
	}

	// Signing in again from a live session replaces and deletes the old one.
	first := victim.cookie("seamless").Value
	victim.signIn("/app")
	if victim.cookie("seamless").Value == first {
		t.Fatal("second sign-in kept the token")
	}
	if n := a.count("SELECT count(*) FROM sessions"); n != 1 {
		t.Fatalf("%d session rows after signing in twice; want 1", n)
	}
}

func TestBadCredentialsLookAlike(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{})
	try := func(email string) *response {
		return a.browser().do(http.MethodPost, "/login", url.Values{
			"email": {email}, "password": {"wrong password"}, "next": {"/app"},
		}, nil)
	}
	known, unknown := try(testEmail), try("nobody@example.com")
	if known.StatusCode != http.StatusUnauthorized || unknown.StatusCode != known.StatusCode {
		t.Fatalf("statuses %d, %d; want 401 for both", known.StatusCode, unknown.StatusCode)
	}
	if strings.ReplaceAll(unknown.body, "nobody@example.com", testEmail) != known.body {
		t.Fatal("unknown and known addresses get different pages")
	}
	if known.Header.Get("Set-Cookie") != "" || unknown.Header.Get("Set-Cookie") != "" {
		t.Fatal("a failed sign-in set a cookie")
	}
	if !strings.Contains(known.body, "do not match an account") {
		t.Fatal("failed sign-in does not say so")
	}
}

func TestMalformedInputIsExplained(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{})
	b := a.browser()
	u, _ := url.Parse(a.url)
	b.jar.SetCookies(u, []*http.Cookie{{Name: "seamless", Value: "not-a-token"}})
	res := b.get("/app", nil)
	if loc := res.Header.Get("Location"); !strings.Contains(loc, "reason=invalid") {
		t.Fatalf("malformed cookie sent to %q; want reason=invalid", loc)
	}
	if !strings.Contains(res.Header.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("malformed cookie not removed: %q", res.Header.Get("Set-Cookie"))
	}
	page := b.get("/login?reason=invalid", nil)
	if !strings.Contains(page.body, "could not be read") {
		t.Fatal("sign-in page does not explain the removed cookie")
	}

	for _, tc := range []struct{ form, want string }{
		{"email=not-an-address&password=x", "is not an email address"},
		{"email=&password=x", "Enter an email address"},
		{"email=a%40b.example&password=", "Enter your password"},
		{"email=%zz", "could not be read"},
	} {
		res := b.raw(http.MethodPost, "/login", tc.form)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(res.body, tc.want) {
			t.Errorf("form %q: %d; want 400 saying %q", tc.form, res.StatusCode, tc.want)
		}
	}
}

func (b *browser) raw(method, path, body string) *response {
	b.a.t.Helper()
	req, _ := http.NewRequest(method, b.a.url+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := b.c.Do(req)
	if err != nil {
		b.a.t.Fatal(err)
	}
	defer res.Body.Close()
	buf := new(strings.Builder)
	_, _ = io.Copy(buf, res.Body)
	return &response{Response: res, body: buf.String()}
}

func TestCrossOriginPostsRefused(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{})
	b := a.browser()
	b.signIn("/app")
	cross := map[string]string{"Sec-Fetch-Site": "cross-site"}
	for _, path := range []string{"/login", "/logout", "/auth/refresh"} {
		res := b.do(http.MethodPost, path, url.Values{"email": {testEmail}, "password": {testPassword}}, cross)
		if res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusBadRequest {
			t.Errorf("cross-site POST %s: %d; want refused", path, res.StatusCode)
		}
	}
	if res := b.get("/app", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("cross-site sign-out took effect: /app %d", res.StatusCode)
	}
	res := b.do(http.MethodPost, "/auth/refresh", nil, wantJSON)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("same-origin refresh: %d", res.StatusCode)
	}
}

// openRedirects are return paths that would leave the site.
var openRedirects = []string{
	"//evil.example", "///evil.example", `/\evil.example`, `\\evil.example`,
	"https://evil.example", "http:evil.example", "javascript:alert(1)",
	"/%2F%2Fevil.example", "/%5Cevil.example", "/\tevil", "evil.example",
	"//evil.example/app", "data:text/html;base64,PHNjcmlwdD4=", "https:/\\evil.example",
	"/%2fevil.example", "%2F%2Fevil.example", "//%65vil.example", "/\r\n/evil.example",
	"@evil.example", "http://" + testEmail + "@evil.example",
}

func TestOpenRedirectsFallBack(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{})
	if len(openRedirects) < 20 {
		t.Fatalf("only %d inputs", len(openRedirects))
	}
	for _, next := range openRedirects {
		res := a.browser().do(http.MethodPost, "/login", url.Values{
			"email": {testEmail}, "password": {testPassword}, "next": {next}}, nil)
		if loc := res.Header.Get("Location"); loc != web.DefaultNext {
			t.Errorf("next=%q: Location %q; want %s", next, loc, web.DefaultNext)
		}
		res = a.browser().do(http.MethodPost, "/login", url.Values{
			"email": {testEmail}, "password": {testPassword}, "next": {next}}, htmx)
		if loc := res.Header.Get("HX-Redirect"); loc != web.DefaultNext {
			t.Errorf("htmx next=%q: HX-Redirect %q; want %s", next, loc, web.DefaultNext)
		}
		if strings.ContainsAny(next, "\r\n\t") {
			continue // no client can send these in a header
		}
		res = a.browser().get("/auth/session", map[string]string{
			"HX-Request": "true", "HX-Current-URL": next})
		want := "/login?next=" + url.QueryEscape(web.DefaultNext)
		if loc := res.Header.Get("HX-Redirect"); loc != want {
			t.Errorf("poll from %q: HX-Redirect %q; want %s", next, loc, want)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{SecureCookie: true})
	res := a.browser().get("/login", nil)
	for k, want := range map[string]string{
		"Content-Security-Policy": "frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
		"Cache-Control":           "no-store",
	} {
		if got := res.Header.Get(k); !strings.Contains(got, want) {
			t.Errorf("%s = %q; want it to hold %q", k, got, want)
		}
	}
	if csp := res.Header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %s", csp)
	}
}

func TestStaticFiles(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{})
	b := a.browser()
	page := b.get("/login", nil)
	i := strings.Index(page.body, "/static/app.css?v=")
	if i < 0 {
		t.Fatal("page links no versioned stylesheet")
	}
	href := page.body[i : i+strings.IndexByte(page.body[i:], '"')]
	res := b.get(href, nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("GET %s: %d, Cache-Control %q", href, res.StatusCode, res.Header.Get("Cache-Control"))
	}
	for _, p := range []string{"/static/", "/static/vendor/"} {
		if res := b.get(p, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d; want 404, no listing", p, res.StatusCode)
		}
	}
}
