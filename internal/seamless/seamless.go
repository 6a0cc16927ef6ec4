// Package seamless holds the domain of the Seamless application: accounts,
// sessions and the rules that decide how long a session lives. It imports no
// database, HTTP or view code; the packages beside it supply those.
package seamless

import "time"

// Clock tells the time. Production code uses SystemClock; tests inject a
// clock they can move forward so that expiry needs no sleeping.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }

// ClockFunc adapts a function to the Clock interface.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }
