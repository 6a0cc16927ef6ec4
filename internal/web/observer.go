package web

import "time"

// Observer is told what the handlers did, for metrics. Its methods must be
// quick and safe for concurrent use. The default does nothing.
type Observer interface {
	// Request is called once per request with its route pattern ("" when
	// no route matched), status and duration.
	Request(route string, status int, d time.Duration)

	// SignIn is called once per sign-in attempt with its outcome: one of
	// SignInOK, SignInRefused, SignInInvalid or SignInError.
	SignIn(outcome string)

	// Refresh is called after a refresh asked for by the page; written is
	// false when one had just been written.
	Refresh(written bool)

	// Extension is called after activity on a session; written is false
	// when the touch interval had not yet passed, so nothing was written.
	Extension(written bool)

	// Expiry is called when a request brings the cookie of a session that
	// has expired, with the kind of expiry: "idle" or "absolute".
	Expiry(kind string)
}

// Sign-in outcomes told to Observer.SignIn.
const (
	SignInOK      = "ok"      // signed in
	SignInRefused = "refused" // wrong address or password
	SignInInvalid = "invalid" // the form was incomplete or malformed
	SignInError   = "error"   // a server fault, such as a database outage
)

// nopObserver is the Observer used when Deps has none.
type nopObserver struct{}

func (nopObserver) Request(string, int, time.Duration) {}
func (nopObserver) SignIn(string)                      {}
func (nopObserver) Refresh(bool)                       {}
func (nopObserver) Extension(bool)                     {}
func (nopObserver) Expiry(string)                      {}
