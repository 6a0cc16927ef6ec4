package seamlesstest

import (
	"log/slog"
	"testing"
)

// Logger returns a logger that writes through t.Log, so that a test's log
// lines are shown only when it fails.
func Logger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(writer{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type writer struct{ t testing.TB }

func (w writer) Write(b []byte) (int, error) {
	w.t.Helper()
	w.t.Log(string(b))
	return len(b), nil
}
