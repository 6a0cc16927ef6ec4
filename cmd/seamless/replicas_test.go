package main

import (
	"context"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seamless-sessions/seamless/internal/pgtest"
	"github.com/seamless-sessions/seamless/internal/seamless/seamlesstest"
	"github.com/seamless-sessions/seamless/migrations"
)

func TestReplicasMigrateOnce(t *testing.T) {
	dbURL := pgtest.NewDatabase(t, nil) // empty: no schema at all
	cfg := testConfig(t, dbURL, map[string]string{"MIGRATE": "true"})

	const replicas = 3
	start := make(chan struct{})
	urls := make(chan string, replicas)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range replicas {
		wg.Go(func() {
			<-start
			err := serve(ctx, cfg, options{logger: seamlesstest.Logger(t),
				listening: func(a string) { urls <- "http://" + a }, hashParams: &cheapHash})
			if err != nil {
				t.Errorf("serve: %v", err)
				urls <- ""
			}
		})
	}
	t.Cleanup(func() { cancel(); wg.Wait() })
	close(start)

	for range replicas {
		select {
		case u := <-urls:
			if u != "" {
				expectStatus(t, u+"/readyz", http.StatusOK)
				expectStatus(t, u+"/login", http.StatusOK)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("a replica did not start in 30 s")
		}
	}
	checkAppliedOnce(t, dbURL)
}

// checkAppliedOnce fails unless goose recorded every embedded migration
// exactly once.
func checkAppliedOnce(t *testing.T, dbURL string) {
	t.Helper()
	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations found (%v)", err)
	}
	rows, err := openDB(t, dbURL).Pool.Query(context.Background(), `SELECT version_id, count(*)
		FROM goose_db_version WHERE version_id > 0 GROUP BY version_id ORDER BY version_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var versions int
	for rows.Next() {
		var v, n int64
		if err := rows.Scan(&v, &n); err != nil {
			t.Fatal(err)
		}
		versions++
		if n != 1 {
			t.Errorf("migration %d recorded %d times; want once", v, n)
		}
	}
	if versions != len(files) {
		t.Errorf("%d migrations recorded; want %d", versions, len(files))
	}
}

func TestReplicasShareSessions(t *testing.T) {
	first := startApp(t, nil)
	second := runApp(t, testConfig(t, first.DBURL, nil), first.DBURL)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}

	cookie := signInHTTP(t, client, first.URL)
	if res := getWith(t, client, second.URL+"/app", cookie); res.StatusCode != http.StatusOK {
		t.Fatalf("second replica: GET /app with the first one's cookie: %d; want 200",
			res.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodPost, second.URL+"/logout", nil)
	req.AddCookie(cookie)
	res := do(t, client, req)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("second replica: POST /logout: %d; want 303", res.StatusCode)
	}
	res = getWith(t, client, first.URL+"/app", cookie)
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther ||
		!strings.HasPrefix(loc, "/login?") {
		t.Fatalf("first replica after sign-out on the second: %d to %q; want 303 to /login",
			res.StatusCode, loc)
	}
}

// signInHTTP signs the test account in at base and returns its cookie.
func signInHTTP(t testing.TB, client *http.Client, base string) *http.Cookie {
	t.Helper()
	form := url.Values{"email": {testEmail}, "password": {testPassword}, "next": {"/app"}}
	res, err := client.PostForm(base+"/login", form)
	if err != nil {
		t.Fatal(err)
	}
	drain(res)
	for _, c := range res.Cookies() {
		if c.Name == "seamless" && c.Value != "" {
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign-in: %d; want 303", res.StatusCode)
			}
			return c
		}
	}
	t.Fatalf("sign-in: %d without a session cookie", res.StatusCode)
	return nil
}

func getWith(t testing.TB, client *http.Client, u string, c *http.Cookie) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.AddCookie(c)
	return do(t, client, req)
}

func do(t testing.TB, client *http.Client, req *http.Request) *http.Response {
	t.Helper()
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	drain(res)
	return res
}

func expectStatus(t testing.TB, u string, want int) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	drain(res)
	if res.StatusCode != want {
		t.Errorf("GET %s: %d; want %d", u, res.StatusCode, want)
	}
}

func drain(res *http.Response) {
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
}
