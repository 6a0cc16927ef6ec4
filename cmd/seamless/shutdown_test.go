package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildBinary builds the seamless command into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "seamless")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// process is the binary running `seamless serve`, with its log lines.
type process struct {
	cmd  *exec.Cmd
	logs chan map[string]any
	addr string
}

func startProcess(t *testing.T, bin string, env ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, logs: make(chan map[string]any, 100)}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		for range p.logs { // until the reader below has stopped logging
		}
		_ = cmd.Wait()
	})
	go func() {
		defer close(p.logs)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			t.Log(sc.Text())
			var rec map[string]any
			if json.Unmarshal(sc.Bytes(), &rec) == nil {
				p.logs <- rec
			}
		}
	}()
	rec := p.waitLog(t, "listening")
	p.addr = strings.TrimPrefix(rec["addr"].(string), "http://")
	return p
}

// waitLog waits for the log line with message msg.
func (p *process) waitLog(t *testing.T, msg string) map[string]any {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case rec, ok := <-p.logs:
			if !ok {
				t.Fatalf("process ended before logging %q", msg)
			}
			if rec["msg"] == msg {
				return rec
			}
		case <-timeout:
			t.Fatalf("no %q log line in 30 s", msg)
		}
	}
}

func TestShutdownFinishesRequestsInFlight(t *testing.T) {
	dbURL := newBacklogDatabase(t, 0, 0)
	p := startProcess(t, buildBinary(t), "DATABASE_URL="+dbURL, "ADDR=127.0.0.1:0",
		"ADMIN_ADDR=off", "SECURE_COOKIE=false", "LOG_FORMAT=json", "SHUTDOWN_TIMEOUT=10s")

	// A sign-in whose body is still on its way when SIGTERM arrives.
	body := url.Values{"email": {testEmail}, "password": {testPassword}}.Encode()
	conn, err := net.Dial("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /login HTTP/1.1\r\nHost: %s\r\nContent-Type: "+
		"application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s",
		p.addr, len(body), body[:10])
	time.Sleep(200 * time.Millisecond)

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	p.waitLog(t, "shutting down")
	waitRefused(t, p.addr)

	fmt.Fprint(conn, body[10:])
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight got no response: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || len(res.Cookies()) == 0 {
		t.Errorf("the request in flight: %d with %d cookies; want 303 and a session",
			res.StatusCode, len(res.Cookies()))
	}

	p.waitLog(t, "stopped")
	if err := p.cmd.Wait(); err != nil {
		t.Errorf("process exit: %v; want status 0", err)
	}
}

// waitRefused waits until new connections to addr are refused.
func waitRefused(t *testing.T, addr string) {
	t.Helper()
	for range 100 {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return
		}
		c.Close()
		time.Sleep(20 * time.Millisecond)
	}
	t.Error("new connections still accepted two seconds after SIGTERM")
}
