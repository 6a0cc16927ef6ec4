package postgres_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/seamless-sessions/seamless/internal/postgres"
	"github.com/seamless-sessions/seamless/internal/seamless"
)

// A server that accepts connections but never answers (a hung host, a
// black-holed route) must fail a connection within ConnectTimeout, not
// hold readiness checks and requests for as long as the operating system
// waits.
func TestOpenGivesUpOnSilentServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, never answered
		}
	}()

	start := time.Now()
	_, err = postgres.Open(context.Background(),
		"postgres://seamless@"+ln.Addr().String()+"/seamless?sslmode=disable")
	took := time.Since(start)
	if err == nil {
		t.Fatal("Open succeeded against a server that never answers")
	}
	if seamless.ErrorCode(err) != seamless.EUNAVAILABLE {
		t.Errorf("error %v; want EUNAVAILABLE", err)
	}
	if took > postgres.ConnectTimeout+2*time.Second {
		t.Errorf("Open gave up after %s; want about %s", took, postgres.ConnectTimeout)
	}
}
