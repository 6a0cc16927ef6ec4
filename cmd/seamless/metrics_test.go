package main

import (
	"bufio"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seamless-sessions/seamless/internal/seamless/seamlesstest"
)

func TestMetricsOnAdminServer(t *testing.T) {
	base := startApp(t, nil)
	clock := seamlesstest.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	cfg := testConfig(t, base.DBURL, map[string]string{
		"ADMIN_ADDR": "127.0.0.1:0", "CLEANUP_INTERVAL": "0"})
	app := runAppWith(t, cfg, base.DBURL, options{clock: clock})
	if app.AdminURL == "" {
		t.Fatal("no admin server")
	}
	client := noRedirects()

	postLogin(t, client, app.URL, "wrong password", http.StatusUnauthorized)
	postLogin(t, client, app.URL, "", http.StatusBadRequest)
	a, b := signInHTTP(t, client, app.URL), signInHTTP(t, client, app.URL)
	getWith(t, client, app.URL+"/app", a) // inside the touch interval: no write
	clock.Advance(2 * time.Minute)
	getWith(t, client, app.URL+"/app", a) // written
	refresh(t, client, app.URL, a)        // just written: skipped
	clock.Advance(5 * time.Second)
	refresh(t, client, app.URL, a) // written

	m := scrape(t, app.AdminURL)
	m.expect(t, `seamless_sessions_active`, 2)
	clock.Advance(31 * time.Minute)
	getWith(t, client, app.URL+"/app", a) // idle
	clock.Advance(12 * time.Hour)
	getWith(t, client, app.URL+"/app", b) // absolute
	expectStatus(t, app.URL+"/metrics", http.StatusNotFound)

	m = scrape(t, app.AdminURL)
	for series, want := range map[string]float64{
		`seamless_sign_ins_total{outcome="ok"}`:                                       2,
		`seamless_sign_ins_total{outcome="refused"}`:                                  1,
		`seamless_sign_ins_total{outcome="invalid"}`:                                  1,
		`seamless_session_extensions_total{written="false"}`:                          1,
		`seamless_session_extensions_total{written="true"}`:                           1,
		`seamless_session_refreshes_total{written="false"}`:                           1,
		`seamless_session_refreshes_total{written="true"}`:                            1,
		`seamless_session_expiries_total{kind="idle"}`:                                1,
		`seamless_session_expiries_total{kind="absolute"}`:                            1,
		`seamless_http_requests_total{route="POST /login",status="303"}`:              2,
		`seamless_http_requests_total{route="GET /app",status="200"}`:                 2,
		`seamless_http_requests_total{route="GET /app",status="303"}`:                 2,
		`seamless_http_requests_total{route="/",status="404"}`:                        1,
		`seamless_http_request_duration_seconds_count{route="GET /app",status="200"}`: 2,
		`seamless_sessions_active`:                                                    0,
		`seamless_cleanup_deleted_sessions_total`:                                     0,
	} {
		m.expect(t, series, want)
	}
	if m[`seamless_db_pool_max_connections`] < 1 || m[`seamless_db_pool_acquires_total`] < 1 {
		t.Errorf("pool statistics missing: max %v, acquires %v",
			m[`seamless_db_pool_max_connections`], m[`seamless_db_pool_acquires_total`])
	}
}

func noRedirects() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

func postLogin(t *testing.T, client *http.Client, base, pw string, want int) {
	t.Helper()
	res, err := client.PostForm(base+"/login", url.Values{"email": {testEmail}, "password": {pw}})
	if err != nil {
		t.Fatal(err)
	}
	drain(res)
	if res.StatusCode != want {
		t.Errorf("sign-in with password %q: %d; want %d", pw, res.StatusCode, want)
	}
}

func refresh(t *testing.T, client *http.Client, base string, c *http.Cookie) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/auth/refresh", nil)
	req.Header.Set("Accept", "application/json")
	req.AddCookie(c)
	if res := do(t, client, req); res.StatusCode != http.StatusOK {
		t.Errorf("refresh: %d; want 200", res.StatusCode)
	}
}

// samples maps a series, written as in the text format, to its value.
type samples map[string]float64

func scrape(t testing.TB, adminURL string) samples {
	t.Helper()
	res, err := http.Get(adminURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %d", res.StatusCode)
	}
	m := samples{}
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		line := sc.Text()
		i := strings.LastIndexByte(line, ' ')
		if strings.HasPrefix(line, "#") || i < 0 {
			continue
		}
		if v, err := strconv.ParseFloat(line[i+1:], 64); err == nil {
			m[line[:i]] = v
		}
	}
	return m
}

func (m samples) expect(t *testing.T, series string, want float64) {
	t.Helper()
	if got, ok := m[series]; !ok {
		t.Errorf("%s missing from /metrics", series)
	} else if got != want {
		t.Errorf("%s = %v; want %v", series, got, want)
	}
}
