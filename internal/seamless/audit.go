package seamless

import (
	"context"
	"time"
)

// EventKind names a security event in the audit trail.
type EventKind string

// The security events Seamless records.
const (
	EventSignIn          EventKind = "sign_in"
	EventSignInFailed    EventKind = "sign_in_failed"
	EventSignOut         EventKind = "sign_out"
	EventRefresh         EventKind = "refresh"
	EventExpiredIdle     EventKind = "expired_idle"
	EventExpiredAbsolute EventKind = "expired_absolute"
	EventRevoked         EventKind = "revoked"
	EventPasswordChanged EventKind = "password_changed"
	EventThrottled       EventKind = "throttled"
)

// Event is one entry of the audit trail. It never holds a token or a
// password: a session is named by its ID, the hash of its token.
type Event struct {
	At        time.Time
	Kind      EventKind
	UserID    int64  // 0 when no account is known
	Email     string // the address typed, for failed sign-ins
	SessionID string
	ClientIP  string
	UserAgent string
	Detail    string
}

// Auditor records security events.
type Auditor interface {
	Record(ctx context.Context, e Event) error
}

// ThrottlePolicy slows down guessing of passwords. Each key (an account or a
// client address) may fail Free times within Window; every further failure
// locks it for a delay that doubles from Base up to Max. Max keeps the real
// owner from being locked out for good, and a success clears the account.
type ThrottlePolicy struct {
	Free   int
	Base   time.Duration
	Max    time.Duration
	Window time.Duration
}

// Delay returns how long a key that has failed n times is locked.
func (p ThrottlePolicy) Delay(n int) time.Duration {
	if n <= p.Free {
		return 0
	}
	d := p.Base
	for i := p.Free + 1; i < n && d < p.Max; i++ {
		d *= 2
	}
	return min(d, p.Max)
}

// DefaultAccountThrottle allows five failures per account, then locks it
// for 1 second, doubling to at most 15 minutes; a quiet hour forgets.
var DefaultAccountThrottle = ThrottlePolicy{
	Free: 5, Base: time.Second, Max: 15 * time.Minute, Window: time.Hour,
}

// DefaultAddressThrottle is looser, since many people may share an address.
var DefaultAddressThrottle = ThrottlePolicy{
	Free: 20, Base: time.Second, Max: 15 * time.Minute, Window: time.Hour,
}
