package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/seamless-sessions/seamless/internal/password"
	"github.com/seamless-sessions/seamless/internal/pgtest"
	"github.com/seamless-sessions/seamless/internal/postgres"
	"github.com/seamless-sessions/seamless/internal/seamless"
	"github.com/seamless-sessions/seamless/internal/seamless/seamlesstest"
	"github.com/seamless-sessions/seamless/internal/web"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const (
	testEmail    = "ada@example.com"
	testPassword = "analytical engine"
)

var testPolicy = seamless.Policy{
	IdleTimeout:         30 * time.Minute,
	AbsoluteLifetime:    12 * time.Hour,
	TouchInterval:       time.Minute,
	RememberIdleTimeout: 7 * 24 * time.Hour,
	RememberLifetime:    30 * 24 * time.Hour,
}

// app is a running Seamless on a real database, driven by a test clock.
type app struct {
	t     testing.TB
	url   string
	db    *postgres.DB
	dbURL string
	clock *seamlesstest.Clock
	user  *seamless.User

	cfg    web.Config
	hasher *password.Hasher
	dummy  string
}

func newApp(t testing.TB, cfg web.Config) *app {
	t.Helper()
	dbURL := pgtest.NewDatabase(t, func(ctx context.Context, url string) error {
		return postgres.Migrate(ctx, url, nil)
	})
	ctx := context.Background()
	db, err := postgres.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	clock := seamlesstest.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	db.Clock = clock

	hasher := password.NewHasher(password.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 4)
	hash, _ := hasher.Hash(ctx, testPassword)
	u, err := db.CreateUser(ctx, testEmail, hash)
	if err != nil {
		t.Fatal(err)
	}
	dummy, _ := hasher.Hash(ctx, "dummy")
	if cfg.Policy.IdleTimeout == 0 {
		cfg.Policy = testPolicy
	}
	a := &app{t: t, db: db, dbURL: dbURL, clock: clock, user: u, cfg: cfg, hasher: hasher, dummy: dummy}
	a.url = a.replica(testLogger(t))
	return a
}

// replica starts another server on the same database and clock, as a
// second replica behind a load balancer would be, and returns its URL.
func (a *app) replica(log *slog.Logger) string {
	a.t.Helper()
	store := postgres.NewSessionStore(a.db, a.cfg.Policy)
	h := web.NewHandler(a.cfg, web.Deps{
		Users: a.db, Sessions: store, Passwords: a.hasher,
		DB: a.db, Clock: a.clock, DummyHash: a.dummy, Logger: log,
		Notes: a.db, Audit: a.db, Throttle: postgres.NewThrottle(a.db), Devices: store, Accounts: a.db,
	})
	srv := httptest.NewServer(h)
	a.t.Cleanup(srv.Close)
	return srv.URL
}

// testLogger shows a test's log lines when it fails; benchmarks log nothing.
func testLogger(t testing.TB) *slog.Logger {
	if _, ok := t.(*testing.B); ok {
		return slog.New(slog.DiscardHandler)
	}
	return seamlesstest.Logger(t)
}

// browser is a cookie-keeping client that does not follow redirects and
// sends the headers a same-origin browser sends.
type browser struct {
	a    *app
	c    *http.Client
	jar  http.CookieJar
	hdrs map[string]string
}

func (a *app) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{a: a, jar: jar, c: &http.Client{
		Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

type response struct {
	*http.Response
	body string
}

func (b *browser) do(method, path string, form url.Values, hdr map[string]string) *response {
	b.a.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.a.url+path, body)
	if err != nil {
		b.a.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if method != http.MethodGet {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.a.t.Fatal(err)
	}
	defer res.Body.Close()
	all, _ := io.ReadAll(res.Body)
	return &response{Response: res, body: string(all)}
}

func (b *browser) get(path string, hdr map[string]string) *response {
	b.a.t.Helper()
	return b.do(http.MethodGet, path, nil, hdr)
}

// signIn signs in with the test account and checks it worked.
func (b *browser) signIn(next string) *response {
	b.a.t.Helper()
	res := b.do(http.MethodPost, "/login", url.Values{
		"email": {testEmail}, "password": {testPassword}, "next": {next},
	}, nil)
	if res.StatusCode != http.StatusSeeOther {
		b.a.t.Fatalf("sign-in: status %d; body %s", res.StatusCode, res.body)
	}
	return res
}

func (b *browser) cookie(name string) *http.Cookie {
	u, _ := url.Parse(b.a.url)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

var (
	htmx     = map[string]string{"HX-Request": "true"}
	wantJSON = map[string]string{"Accept": "application/json"}
)
