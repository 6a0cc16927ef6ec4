// Package seamlesstest holds helpers for testing code that uses the seamless
// domain, such as a clock that tests move by hand.
package seamlesstest

import (
	"sync"
	"time"
)

// Clock is a seamless.Clock that stands still until Advance moves it, so that
// tests of expiry need no sleeping. It is safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a Clock set to t.
func NewClock(t time.Time) *Clock { return &Clock{now: t.UTC()} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
