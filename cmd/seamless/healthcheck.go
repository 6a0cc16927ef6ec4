package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/seamless-sessions/seamless/internal/config"
)

// runHealthcheck asks the server on this machine, at the port of ADDR,
// whether it is up. It exists for container health checks, since minimal
// images have no curl or wget.
func runHealthcheck(ctx context.Context, args []string, e *env) error {
	if len(args) != 0 {
		fmt.Fprintln(e.stderr, "Usage: seamless healthcheck   (checks /healthz at the port of ADDR)")
		return errUsage
	}
	cfg, err := config.Load(e.getenv, nil)
	if err != nil {
		return fmt.Errorf("invalid configuration:\n%w", err)
	}
	url, err := healthURL(cfg.Addr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<10))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", url, res.Status)
	}
	fmt.Fprintln(e.stdout, "healthy")
	return nil
}

// healthURL is the /healthz URL of a server listening on addr, reached
// over loopback when it listens on every interface.
func healthURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("healthcheck: ADDR %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz", nil
}
