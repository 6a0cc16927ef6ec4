package main

import (
	"encoding/json"
	"io/fs"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/seamless-sessions/seamless/internal/pgtest"
	"github.com/seamless-sessions/seamless/internal/seamless/seamlesstest"
	"github.com/seamless-sessions/seamless/migrations"
)

func TestMigrateStatus(t *testing.T) {
	vars := map[string]string{"DATABASE_URL": pgtest.NewDatabase(t, nil)}
	files, _ := fs.Glob(migrations.FS, "*.sql")

	out, err := runWith(t, []string{"migrate", "status"}, vars, "")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, "pending"); n != len(files) {
		t.Errorf("empty database: %d pending; want %d:\n%s", n, len(files), out)
	}

	out, err = runWith(t, []string{"migrate", "up"}, vars, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !strings.Contains(out, "applied "+f) {
			t.Errorf("migrate up does not say it applied %s:\n%s", f, out)
		}
	}

	out, err = runWith(t, []string{"migrate", "status"}, vars, "")
	if err != nil {
		t.Fatal(err)
	}
	applied := regexp.MustCompile(`(?m)^\d+\s+\S+\.sql\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$`)
	if n := len(applied.FindAllString(out, -1)); n != len(files) || strings.Contains(out, "pending") {
		t.Errorf("after up: %d applied rows; want %d and none pending:\n%s", n, len(files), out)
	}
}

func TestRequestLogLines(t *testing.T) {
	base := startApp(t, nil)
	var buf seamlesstest.Buffer
	cfg := testConfig(t, base.DBURL, map[string]string{"LOG_FORMAT": "json"})
	app := runAppWith(t, cfg, base.DBURL, options{logger: newLogger(cfg, &env{stderr: &buf})})

	expectStatus(t, app.URL+"/login", http.StatusOK)
	expectStatus(t, app.URL+"/no-such-page", http.StatusNotFound)

	lines := map[string]map[string]any{}
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", l)
		}
		if rec["msg"] == "request" {
			lines[rec["route"].(string)] = rec
		}
	}
	for route, level := range map[string]string{"GET /login": "INFO", "/": "WARN"} {
		rec := lines[route]
		if rec == nil {
			t.Errorf("no request line for %s in:\n%s", route, buf.String())
			continue
		}
		if rec["level"] != level {
			t.Errorf("%s logged at %v; want %s", route, rec["level"], level)
		}
		id, _ := rec["request_id"].(string)
		_, hasDur := rec["duration_ms"].(float64)
		if len(id) != 16 || !hasDur || rec["status"] == nil {
			t.Errorf("%s: request line lacks request_id, status or duration_ms: %v", route, rec)
		}
	}
}

func TestDevLogsAreText(t *testing.T) {
	var buf seamlesstest.Buffer
	cfg := testConfig(t, "", map[string]string{"LOG_FORMAT": "text"})
	newLogger(cfg, &env{stderr: &buf}).Info("request", "route", "GET /app", "status", 200)
	if got := buf.String(); !strings.HasPrefix(got, "time=") ||
		!strings.Contains(got, `route="GET /app" status=200`) {
		t.Errorf("text log line = %q", got)
	}
}

func TestHealthcheckCommand(t *testing.T) {
	app := startApp(t, nil)
	addr := strings.TrimPrefix(app.URL, "http://")
	out, err := runWith(t, []string{"healthcheck"}, map[string]string{"ADDR": addr}, "")
	if err != nil || strings.TrimSpace(out) != "healthy" {
		t.Errorf("healthcheck of a running server: %q, %v", out, err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	if _, err := runWith(t, []string{"healthcheck"},
		map[string]string{"ADDR": closed}, ""); err == nil {
		t.Error("healthcheck succeeded with no server listening")
	}

	for addr, want := range map[string]string{
		":8080":          "http://127.0.0.1:8080/healthz",
		"0.0.0.0:80":     "http://127.0.0.1:80/healthz",
		"[::]:8080":      "http://127.0.0.1:8080/healthz",
		"localhost:9000": "http://localhost:9000/healthz",
	} {
		if got, err := healthURL(addr); err != nil || got != want {
			t.Errorf("healthURL(%q) = %q, %v; want %q", addr, got, err, want)
		}
	}
}
