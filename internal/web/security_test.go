package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/seamless-sessions/seamless/internal/password"
	"github.com/seamless-sessions/seamless/internal/postgres"
	"github.com/seamless-sessions/seamless/internal/seamless"
	"github.com/seamless-sessions/seamless/internal/seamless/seamlesstest"
	"github.com/seamless-sessions/seamless/internal/web"
)

// on returns a browser that shares b's cookies but talks to another
// replica.
func (b *browser) on(replicaURL string) *browser {
	a := *b.a
	a.url = replicaURL
	c := *b
	c.a = &a
	return &c
}

// replay returns a fresh browser holding only the given session token.
func (a *app) replay(token string) *browser {
	b := a.browser()
	u, _ := url.Parse(a.url)
	b.jar.SetCookies(u, []*http.Cookie{{Name: "seamless", Value: token}})
	return b
}

// sessionID is the ID the sessions page uses for the browser's session.
func (b *browser) sessionID() string {
	b.a.t.Helper()
	return web.TokenID(b.cookie("seamless").Value)
}

func TestRevokedSessionRefusedOnEveryReplica(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{})
	other := a.replica(slog.New(slog.DiscardHandler))
	laptop, phone := a.browser(), a.browser()
	laptop.signIn("/app")
	phone.signIn("/app")
	stolen := phone.cookie("seamless").Value
	if res := phone.on(other).get("/app", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("phone on the second replica: %d; want 200", res.StatusCode)
	}

	page := laptop.get("/sessions", nil)
	if !strings.Contains(page.body, "This session") || strings.Count(page.body, `class="session"`) != 2 {
		t.Fatalf("sessions page does not list both sessions with a marker:\n%s", page.body)
	}
	res := laptop.do(http.MethodPost, "/sessions/"+phone.sessionID()+"/revoke", confirm, nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.body, "The session was ended") {
		t.Fatalf("revoke: %d\n%s", res.StatusCode, res.body)
	}
	if res := phone.on(other).get("/app", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoked session on the other replica: %d; want 303 to sign in", res.StatusCode)
	}
	if res := a.replay(stolen).get("/app", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("replayed revoked cookie: %d; want 303", res.StatusCode)
	}
	if res := laptop.get("/app", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("the revoking session itself: %d; want 200", res.StatusCode)
	}
}

// confirm is the form that ends sessions: it carries the password again.
var confirm = url.Values{"password": {testPassword}}

func TestEndingSessionsNeedsThePassword(t *testing.T) {
	t.Parallel()
	a := newApp(t, throttled)
	me, other := a.browser(), a.browser()
	me.signIn("/app")
	other.signIn("/app")
	for _, path := range []string{"/sessions/revoke-others", "/sessions/" + other.sessionID() + "/revoke"} {
		res := me.do(http.MethodPost, path, url.Values{"password": {"a guess"}}, nil)
		if res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.body, "Your password is not right") {
			t.Fatalf("POST %s with a wrong password: %d; want 401 saying so", path, res.StatusCode)
		}
	}
	if res := other.get("/app", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("a wrong password ended a session: %d", res.StatusCode)
	}
	me.do(http.MethodPost, "/account/password", url.Values{"current": {"a guess"}, "new": {"x"}}, nil)
	res := me.do(http.MethodPost, "/sessions/revoke-others", confirm, nil)
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(res.body, "Try again in") {
		t.Fatalf("after three guesses through a session: %d; want 429 (they count against the account)",
			res.StatusCode)
	}
}

func TestRevokeOnlyOwnSessions(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{})
	mallory, ada := a.browser(), a.browser()
	ada.signIn("/app")
	a.addUser("mallory@example.com")
	mallory.signInAs("mallory@example.com")
	mallory.do(http.MethodPost, "/sessions/"+ada.sessionID()+"/revoke", confirm, nil)
	mallory.do(http.MethodPost, "/sessions/revoke-others", confirm, nil)
	if res := ada.get("/app", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("another account ended Ada's session: /app %d", res.StatusCode)
	}
}

func TestRevokeOthers(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{})
	keep, b1, b2 := a.browser(), a.browser(), a.browser()
	for _, b := range []*browser{b1, b2, keep} {
		b.signIn("/app")
	}
	res := keep.do(http.MethodPost, "/sessions/revoke-others", confirm, nil)
	if !strings.Contains(res.body, "2 other sessions were ended") {
		t.Fatalf("revoke others: %d\n%s", res.StatusCode, res.body)
	}
	for i, b := range []*browser{b1, b2} {
		if res := b.get("/app", nil); res.StatusCode != http.StatusSeeOther {
			t.Errorf("browser %d after revoke-others: %d; want 303", i, res.StatusCode)
		}
	}
	if res := keep.get("/app", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("kept session: %d", res.StatusCode)
	}
	ids := a.strings(`SELECT session_id FROM audit_events WHERE kind = 'revoked'`)
	if len(ids) != 1 || ids[0] != keep.sessionID() {
		t.Fatalf("revocation recorded for sessions %v; want the one that asked", ids)
	}
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{})
	me, other := a.browser(), a.browser()
	me.signIn("/app")
	other.signIn("/app")
	before := a.session(me.sessionID())
	oldToken, otherToken := me.cookie("seamless").Value, other.cookie("seamless").Value
	a.clock.Advance(20 * time.Minute)

	res := me.do(http.MethodPost, "/account/password", url.Values{
		"current": {"not it"}, "new": {"a brand new passphrase"}}, nil)
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong current password: %d; want 401", res.StatusCode)
	}
	res = me.do(http.MethodPost, "/account/password", url.Values{
		"current": {testPassword}, "new": {"a brand new passphrase"}}, nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.body, "Your password was changed") {
		t.Fatalf("change password: %d\n%s", res.StatusCode, res.body)
	}
	if me.cookie("seamless").Value == oldToken {
		t.Fatal("password change kept the session token")
	}
	after := a.session(me.sessionID())
	if !after.AbsoluteDeadline.Equal(before.AbsoluteDeadline) {
		t.Fatalf("absolute deadline moved from %v to %v", before.AbsoluteDeadline, after.AbsoluteDeadline)
	}
	for what, tok := range map[string]string{"old token": oldToken, "other session": otherToken} {
		if res := a.replay(tok).get("/app", nil); res.StatusCode != http.StatusSeeOther {
			t.Errorf("%s after password change: %d; want 303", what, res.StatusCode)
		}
	}
	if res := me.get("/app", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("own session after password change: %d", res.StatusCode)
	}
	res = a.browser().do(http.MethodPost, "/login", url.Values{
		"email": {testEmail}, "password": {"a brand new passphrase"}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in with the new password: %d", res.StatusCode)
	}
	if n := a.count(`SELECT count(*) FROM audit_events WHERE kind = 'password_changed'`); n != 1 {
		t.Fatalf("%d password changes recorded; want 1", n)
	}
}

func TestAbsoluteDeadlineHoldsUnderActivity(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{})
	b := a.browser()
	b.signIn("/app")
	abs := a.session(b.sessionID()).AbsoluteDeadline
	for elapsed := time.Duration(0); elapsed < testPolicy.AbsoluteLifetime-10*time.Minute; {
		a.clock.Advance(10 * time.Minute)
		elapsed += 10 * time.Minute
		if res := b.get("/app", nil); res.StatusCode != http.StatusOK {
			t.Fatalf("active at %v: /app %d", elapsed, res.StatusCode)
		}
		if res := b.do(http.MethodPost, "/auth/refresh", nil, wantJSON); res.StatusCode != http.StatusOK {
			t.Fatalf("refresh at %v: %d", elapsed, res.StatusCode)
		}
		if got := a.session(b.sessionID()).AbsoluteDeadline; !got.Equal(abs) {
			t.Fatalf("absolute deadline moved to %v at %v", got, elapsed)
		}
	}
	a.clock.Advance(10 * time.Minute)
	res := b.get("/app", nil)
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther ||
		!strings.Contains(loc, "reason=absolute") {
		t.Fatalf("past the absolute deadline: %d to %q; want 303 with reason=absolute", res.StatusCode, loc)
	}
}

// throttled is how the test app is configured: two free failures per
// account, then 10 s doubling to 40 s.
var throttled = web.Config{
	AccountThrottle: seamless.ThrottlePolicy{
		Free: 2, Base: 10 * time.Second, Max: 40 * time.Second, Window: time.Hour},
	AddressThrottle: seamless.ThrottlePolicy{Free: 100, Base: time.Second, Max: time.Minute, Window: time.Hour},
}

func TestFailedSignInsThrottledAcrossReplicas(t *testing.T) {
	t.Parallel()
	a := newApp(t, throttled)
	replicas := []string{a.url, a.replica(slog.New(slog.DiscardHandler))}
	try := func(i int, pw string) *response {
		return a.browser().on(replicas[i%2]).do(http.MethodPost, "/login",
			url.Values{"email": {testEmail}, "password": {pw}}, nil)
	}
	for i := range 3 {
		if res := try(i, "wrong"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d; want 401", i+1, res.StatusCode)
		}
	}
	res := try(3, testPassword)
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "10" ||
		!strings.Contains(res.body, "Too many attempts. Try again in 10 seconds.") {
		t.Fatalf("after three failures on two replicas: %d, Retry-After %q\n%s",
			res.StatusCode, res.Header.Get("Retry-After"), res.body)
	}
	a.clock.Advance(10 * time.Second)
	try(4, "wrong")
	if res := try(5, testPassword); res.Header.Get("Retry-After") != "20" {
		t.Fatalf("second lock: Retry-After %q; want 20 (doubled)", res.Header.Get("Retry-After"))
	}
	for range 5 {
		a.clock.Advance(40 * time.Second)
		try(0, "wrong")
	}
	if res := try(1, testPassword); res.Header.Get("Retry-After") != "40" {
		t.Fatalf("capped lock: Retry-After %q; want 40", res.Header.Get("Retry-After"))
	}
	a.clock.Advance(40 * time.Second)
	if res := try(0, testPassword); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the owner after the capped wait: %d; want 303", res.StatusCode)
	}
	if res := try(1, "wrong"); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("success did not reset the count: %d", res.StatusCode)
	}
	if n := a.count(`SELECT count(*) FROM audit_events WHERE kind = 'throttled'`); n != 3 {
		t.Fatalf("%d throttled events recorded; want 3", n)
	}
}

func TestSignInThrottledPerAddress(t *testing.T) {
	t.Parallel()
	cfg := throttled
	cfg.AddressThrottle.Free = 3
	a := newApp(t, cfg)
	for i := range 4 {
		a.browser().do(http.MethodPost, "/login", url.Values{
			"email": {"guess" + string(rune('a'+i)) + "@example.com"}, "password": {"x"}}, nil)
	}
	res := a.browser().do(http.MethodPost, "/login", url.Values{
		"email": {testEmail}, "password": {testPassword}}, nil)
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("fifth account from one address: %d; want 429 with Retry-After", res.StatusCode)
	}
}

// TestEnumerationLooksAlike signs in with an unknown address and with a
// known one and a wrong password: status, page, cookies and time match.
func TestEnumerationLooksAlike(t *testing.T) {
	t.Parallel()
	loose := seamless.ThrottlePolicy{Free: 1000, Base: time.Second, Max: time.Second, Window: time.Hour}
	a := newApp(t, web.Config{AccountThrottle: loose, AddressThrottle: loose})
	costly := a.withRealHashCost()
	const unknown = "nobody@example.com"
	try := func(email string) (*response, time.Duration) {
		start := time.Now()
		res := a.browser().on(costly).do(http.MethodPost, "/login",
			url.Values{"email": {email}, "password": {"wrong password"}, "next": {"/app"}}, nil)
		return res, time.Since(start)
	}
	var known, missing []time.Duration
	for range 7 {
		k, dk := try(testEmail)
		u, du := try(unknown)
		known, missing = append(known, dk), append(missing, du)
		if k.StatusCode != u.StatusCode || k.StatusCode != http.StatusUnauthorized {
			t.Fatalf("statuses %d and %d; want 401 for both", k.StatusCode, u.StatusCode)
		}
		if strings.ReplaceAll(u.body, unknown, testEmail) != k.body {
			t.Fatal("unknown and known addresses get different pages")
		}
		if !slices.Equal(k.Header.Values("Set-Cookie"), u.Header.Values("Set-Cookie")) {
			t.Fatal("unknown and known addresses get different cookies")
		}
	}
	mk, mu := median(known), median(missing)
	t.Logf("median sign-in failure: known address %v, unknown address %v", mk, mu)
	if ratio := float64(max(mk, mu)) / float64(min(mk, mu)); ratio > 3 {
		t.Fatalf("median times %v (known) and %v (unknown) differ by %.1fx", mk, mu, ratio)
	}
}

// withRealHashCost starts a replica that hashes at production cost, with
// the test account's password and the dummy hash rehashed to match, so
// that timing is dominated by hashing as it is in production.
func (a *app) withRealHashCost() string {
	a.t.Helper()
	ctx := context.Background()
	a.hasher = password.NewHasher(password.DefaultParams, 2)
	hash, err := a.hasher.Hash(ctx, testPassword)
	if err != nil {
		a.t.Fatal(err)
	}
	if err := a.db.SetPassword(ctx, a.user.ID, hash); err != nil {
		a.t.Fatal(err)
	}
	a.dummy, _ = a.hasher.Hash(ctx, "no account has this password")
	return a.replica(slog.New(slog.DiscardHandler))
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func TestTokenOnlyFromCookie(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{})
	b := a.browser()
	b.signIn("/app")
	tok := b.cookie("seamless").Value
	stranger := a.browser()
	for _, tc := range []struct {
		path string
		hdr  map[string]string
	}{
		{"/app?seamless=" + tok, nil},
		{"/app?token=" + tok, nil},
		{"/app", map[string]string{"Authorization": "Bearer " + tok}},
		{"/app", map[string]string{"X-Session-Token": tok}},
	} {
		if res := stranger.get(tc.path, tc.hdr); res.StatusCode != http.StatusSeeOther {
			t.Errorf("token outside the cookie (%s %v): %d; want 303", tc.path, tc.hdr, res.StatusCode)
		}
	}
}

func TestProductionCookieAttributes(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{SecureCookie: true})
	for _, remember := range []bool{false, true} {
		form := url.Values{"email": {testEmail}, "password": {testPassword}}
		if remember {
			form.Set("remember", "on")
		}
		res := a.browser().do(http.MethodPost, "/login", form, nil)
		c := parseSetCookie(t, res.Header.Get("Set-Cookie"))
		if c.Name != "__Host-seamless" || !c.Secure || !c.HttpOnly || c.Path != "/" ||
			c.Domain != "" || c.SameSite != http.SameSiteLaxMode {
			t.Fatalf("production cookie %q lacks __Host-, Secure, HttpOnly, Path=/, SameSite=Lax or has a Domain",
				res.Header.Get("Set-Cookie"))
		}
		persistent := !c.Expires.IsZero() || c.MaxAge > 0
		if persistent != remember {
			t.Errorf("remember=%v: cookie has expiry %v, Max-Age %d", remember, c.Expires, c.MaxAge)
		}
		if remember {
			if want := a.clock.Now().Add(testPolicy.RememberLifetime); c.Expires.Sub(want).Abs() > time.Minute {
				t.Errorf("remember-me cookie expires %v; want about %v", c.Expires, want)
			}
		}
	}
}

func parseSetCookie(t *testing.T, line string) *http.Cookie {
	t.Helper()
	c, err := http.ParseSetCookie(line)
	if err != nil {
		t.Fatalf("Set-Cookie %q: %v", line, err)
	}
	return c
}

// TestBackButtonShowsNothingPrivate checks that private pages are never
// stored, so Back after sign-out asks the server, which refuses.
func TestBackButtonShowsNothingPrivate(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{})
	b := a.browser()
	b.signIn("/app")
	for _, path := range []string{"/app", "/sessions", "/account/password", "/auth/session"} {
		res := b.get(path, nil)
		if cc := res.Header.Get("Cache-Control"); res.StatusCode != http.StatusOK || cc != "no-store" {
			t.Errorf("GET %s: %d, Cache-Control %q; want 200 and no-store", path, res.StatusCode, cc)
		}
	}
	b.do(http.MethodPost, "/logout", url.Values{}, nil)
	res := b.get("/app", nil)
	if res.StatusCode != http.StatusSeeOther || strings.Contains(res.body, testEmail) {
		t.Fatalf("Back to /app after sign-out: %d; want 303 and nothing private", res.StatusCode)
	}
}

func TestUnsafeRoutesRefuseCrossSite(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{})
	b, victim := a.browser(), a.browser()
	b.signIn("/app")
	victim.signIn("/app")
	forms := map[string]url.Values{
		"/login":                  {"email": {testEmail}, "password": {testPassword}},
		"/logout":                 {},
		"/auth/refresh":           {},
		"/sessions/revoke-others": {},
		"/sessions/" + victim.sessionID() + "/revoke": {},
		"/account/password":                           {"current": {testPassword}, "new": {"hijacked password"}},
	}
	before := b.cookie("seamless").Value
	for path, form := range forms {
		for _, site := range []string{"cross-site", "same-site"} {
			res := b.do(http.MethodPost, path, form, map[string]string{"Sec-Fetch-Site": site})
			if !refusedCrossSite(res) {
				t.Errorf("%s POST %s: %d; want it refused as cross-site", site, path, res.StatusCode)
			}
		}
		res := b.do(http.MethodPost, path, form, map[string]string{
			"Sec-Fetch-Site": "", "Origin": "https://evil.example"})
		if !refusedCrossSite(res) {
			t.Errorf("POST %s from a foreign Origin: %d; want it refused", path, res.StatusCode)
		}
	}
	if b.cookie("seamless").Value != before || b.get("/app", nil).StatusCode != http.StatusOK ||
		victim.get("/app", nil).StatusCode != http.StatusOK {
		t.Fatal("a refused cross-site POST changed a session")
	}
	for _, path := range []string{"/logout", "/sessions/revoke-others", "/auth/refresh",
		"/sessions/" + victim.sessionID() + "/revoke"} {
		if res := b.get(path, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d; want 404 (state never changes on GET)", path, res.StatusCode)
		}
	}
	if b.get("/app", nil).StatusCode != http.StatusOK || victim.get("/app", nil).StatusCode != http.StatusOK {
		t.Fatal("a GET changed a session")
	}
	res := b.do(http.MethodPost, "/sessions/revoke-others", confirm, nil)
	if res.StatusCode != http.StatusOK || victim.get("/app", nil).StatusCode != http.StatusSeeOther {
		t.Fatalf("same-origin revoke-others: %d; want 200 and the other session ended", res.StatusCode)
	}
}

// refusedCrossSite reports whether res is the cross-site refusal.
func refusedCrossSite(res *response) bool {
	return res.StatusCode == http.StatusBadRequest && strings.Contains(res.body, "came from another site")
}

func TestLogsHoldNoSecrets(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{})
	var buf seamlesstest.Buffer
	logged := a.replica(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	b := a.browser().on(logged)
	b.do(http.MethodPost, "/login", url.Values{"email": {testEmail}, "password": {"wrong " + testPassword}}, nil)
	b.signIn("/app")
	tok := b.cookie("seamless").Value
	b.get("/app", nil)
	b.do(http.MethodPost, "/auth/refresh", nil, wantJSON)
	b.do(http.MethodPost, "/account/password",
		url.Values{"current": {testPassword}, "new": {testPassword + "!"}}, nil)
	newTok := b.cookie("seamless").Value
	b.do(http.MethodPost, "/logout", url.Values{}, nil)

	out := buf.String()
	if !strings.Contains(out, "signed in") {
		t.Fatalf("the log captured nothing useful:\n%s", out)
	}
	for what, secret := range map[string]string{
		"token": tok, "renewed token": newTok, "password": testPassword, "cookie": "seamless=",
	} {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds the %s:\n%s", what, out)
		}
	}
}

func TestAuditTrail(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{})
	b := a.browser()
	b.do(http.MethodPost, "/login", url.Values{"email": {testEmail}, "password": {"wrong"}}, nil)
	b.signIn("/app")
	tok := b.cookie("seamless").Value
	b.do(http.MethodPost, "/auth/refresh", nil, wantJSON)
	b.do(http.MethodPost, "/logout", url.Values{}, nil)
	idle := a.browser()
	idle.signIn("/app")
	idleTok := idle.cookie("seamless").Value
	a.clock.Advance(testPolicy.IdleTimeout + time.Second)
	idle.get("/app", nil)
	a.replay(idleTok).get("/app", nil)

	kinds := a.strings(`SELECT kind FROM audit_events ORDER BY id`)
	want := []string{"sign_in_failed", "sign_in", "refresh", "sign_out", "sign_in", "expired_idle"}
	if !slices.Equal(kinds, want) {
		t.Fatalf("audit kinds %v; want %v", kinds, want)
	}
	ids := a.strings(`SELECT session_id FROM audit_events WHERE kind = 'sign_out'`)
	if len(ids) != 1 || ids[0] != web.TokenID(tok) {
		t.Fatalf("sign-out recorded session %v; want the hash of the token", ids)
	}
	rows := a.strings(`SELECT concat_ws('|', email, session_id, client_ip, user_agent, detail)
		FROM audit_events`)
	for _, r := range rows {
		if strings.Contains(r, tok) || strings.Contains(r, "wrong") {
			t.Fatalf("audit row holds a secret: %s", r)
		}
	}
}

// addUser creates another account with the test password.
func (a *app) addUser(email string) {
	a.t.Helper()
	hash, _ := a.hasher.Hash(context.Background(), testPassword)
	if _, err := a.db.CreateUser(context.Background(), email, hash); err != nil {
		a.t.Fatal(err)
	}
}

func (b *browser) signInAs(email string) {
	b.a.t.Helper()
	res := b.do(http.MethodPost, "/login", url.Values{"email": {email}, "password": {testPassword}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		b.a.t.Fatalf("sign-in as %s: %d", email, res.StatusCode)
	}
}

// session reads a session from the database without sliding it.
func (a *app) session(id string) *seamless.Session {
	a.t.Helper()
	s, err := postgres.NewSessionStore(a.db, a.cfg.Policy).Session(context.Background(), id)
	if err != nil {
		a.t.Fatal(err)
	}
	return s
}

func (a *app) strings(sql string) []string {
	a.t.Helper()
	rows, err := a.db.Pool.Query(context.Background(), sql)
	if err != nil {
		a.t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		a.t.Fatal(err)
	}
	return out
}

// TestEveryResponseCarriesSecurityHeaders checks pages, redirects, errors,
// JSON and static files alike.
func TestEveryResponseCarriesSecurityHeaders(t *testing.T) {
	t.Parallel()
	a := newApp(t, web.Config{SecureCookie: true})
	b := a.browser()
	for _, path := range []string{"/", "/login", "/app", "/no-such-page", "/healthz", "/auth/session"} {
		res := b.get(path, nil)
		h := res.Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: CSP %q lacks %s", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-") {
			t.Errorf("GET %s: CSP %q allows unsafe sources", path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" ||
			!strings.Contains(h.Get("Strict-Transport-Security"), "includeSubDomains") {
			t.Errorf("GET %s: nosniff %q, Referrer-Policy %q, HSTS %q", path,
				h.Get("X-Content-Type-Options"), h.Get("Referrer-Policy"), h.Get("Strict-Transport-Security"))
		}
	}
}
