package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/seamless-sessions/seamless/internal/config"
	"github.com/seamless-sessions/seamless/internal/metrics"
	"github.com/seamless-sessions/seamless/internal/postgres"
)

// startAdmin serves /metrics on cfg.AdminAddr, apart from the public
// server so that metrics are not published to the world. It returns a
// function that stops it. An empty address (ADMIN_ADDR=off) serves nothing.
func startAdmin(cfg config.Config, m *metrics.Metrics, log *slog.Logger,
	o options) (stop func(), err error) {
	if cfg.AdminAddr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", cfg.AdminAddr)
	if err != nil {
		return nil, fmt.Errorf("listen on ADMIN_ADDR %s: %w", cfg.AdminAddr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			log.Error("admin server stopped", "err", err)
		}
	}()
	log.Info("admin listening", "addr", "http://"+ln.Addr().String(), "metrics", "/metrics")
	if o.adminListening != nil {
		o.adminListening(ln.Addr().String())
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
	}, nil
}

// startCleanup deletes expired sessions in the background until stopped.
// A CLEANUP_INTERVAL of 0 turns it off on this instance.
func startCleanup(ctx context.Context, cfg config.Config, db *postgres.DB,
	m *metrics.Metrics, log *slog.Logger) (stop func()) {
	if cfg.CleanupInterval <= 0 {
		return func() {}
	}
	c := &postgres.Cleaner{DB: db, Interval: cfg.CleanupInterval, Batch: cfg.CleanupBatch,
		Logger: log, Deleted: m.CleanupDeleted}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { c.Run(ctx) })
	return func() {
		cancel()
		wg.Wait()
	}
}
