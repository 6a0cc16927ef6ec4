package seamless

import (
	"context"
	"time"
)

// Policy decides how long sessions live. The zero value is not useful; start
// from DefaultPolicy.
type Policy struct {
	// IdleTimeout ends a session that has seen no activity for this long.
	// Real use slides it forward; status polls do not. Default 30 minutes.
	IdleTimeout time.Duration

	// AbsoluteLifetime ends a session this long after sign-in, however active
	// it is. Nothing extends it, so a stolen token has a hard end. Default 12
	// hours.
	AbsoluteLifetime time.Duration

	// TouchInterval is the least time between two writes that slide a
	// session's idle deadline. Requests inside one interval cost no write, so
	// a session may end up to TouchInterval before a strict idle timeout
	// would end it. Default 60 seconds.
	TouchInterval time.Duration

	// RememberIdleTimeout and RememberLifetime replace IdleTimeout and
	// AbsoluteLifetime for sessions whose owner ticked "remember me".
	// Defaults 7 days and 30 days.
	RememberIdleTimeout time.Duration
	RememberLifetime    time.Duration
}

// DefaultPolicy returns the default session lifetimes.
func DefaultPolicy() Policy {
	return Policy{
		IdleTimeout:         30 * time.Minute,
		AbsoluteLifetime:    12 * time.Hour,
		TouchInterval:       time.Minute,
		RememberIdleTimeout: 7 * 24 * time.Hour,
		RememberLifetime:    30 * 24 * time.Hour,
	}
}

// Idle returns the idle timeout that applies to a session.
func (p Policy) Idle(remember bool) time.Duration {
	if remember {
		return p.RememberIdleTimeout
	}
	return p.IdleTimeout
}

// Lifetime returns the absolute lifetime that applies to a session.
func (p Policy) Lifetime(remember bool) time.Duration {
	if remember {
		return p.RememberLifetime
	}
	return p.AbsoluteLifetime
}

// IdleDeadline returns the idle deadline of a session used at now: one idle
// timeout away, but never past the absolute deadline.
func (p Policy) IdleDeadline(now, absolute time.Time, remember bool) time.Time {
	d := now.Add(p.Idle(remember))
	if d.After(absolute) {
		return absolute
	}
	return d
}

// Expiry says why a session ended.
type Expiry string

// The ways a session runs out of time.
const (
	NotExpired      Expiry = ""
	ExpiredIdle     Expiry = "idle"
	ExpiredAbsolute Expiry = "absolute"
)

// Session is one signed-in browser. Its token is never held here: only its
// SHA-256, from which ID is derived.
type Session struct {
	// ID is the hex SHA-256 of the token. It names the session in lists, logs
	// and audit records without letting anyone use it.
	ID string

	UserID           int64
	CreatedAt        time.Time
	LastSeen         time.Time
	IdleDeadline     time.Time
	AbsoluteDeadline time.Time
	Remember         bool
	UserAgent        string
	ClientIP         string
}

// Expiry reports whether the session has run out of time at now, and which
// limit ended it. The absolute deadline wins when both have passed.
func (s *Session) Expiry(now time.Time) Expiry {
	switch {
	case !now.Before(s.AbsoluteDeadline):
		return ExpiredAbsolute
	case !now.Before(s.IdleDeadline):
		return ExpiredIdle
	}
	return NotExpired
}

// Status is what a browser is told about its session: both deadlines and the
// time left before each, measured by the server's clock so that a browser
// whose clock is wrong still counts down correctly.
type Status struct {
	IdleExpiresAt     time.Time
	AbsoluteExpiresAt time.Time
	IdleRemaining     time.Duration
	AbsoluteRemaining time.Duration
}

// Status returns the session's status at now. Remaining times are never
// negative.
func (s *Session) Status(now time.Time) Status {
	return Status{
		IdleExpiresAt:     s.IdleDeadline,
		AbsoluteExpiresAt: s.AbsoluteDeadline,
		IdleRemaining:     max(s.IdleDeadline.Sub(now), 0),
		AbsoluteRemaining: max(s.AbsoluteDeadline.Sub(now), 0),
	}
}

// Visit carries what the session store learns and needs while one request is
// served. The HTTP layer puts a Visit in the request's context before the
// session is loaded; the store fills in what it found.
type Visit struct {
	// UserAgent and ClientIP describe the browser, for new sessions.
	UserAgent string
	ClientIP  string

	// Session is the session the request's cookie named, or nil. The store
	// sets it on load and keeps it current when it slides or creates one.
	Session *Session

	// Expired says why the cookie's session was refused, when it was, and
	// Ended is that expired session, so its end can be recorded.
	Expired Expiry
	Ended   *Session

	// EndedUserID is the account of the expired session the cookie named,
	// when there was one, so that what it left behind stays that person's.
	EndedUserID int64

	// Malformed is set when the cookie held something that is not a token.
	Malformed bool

	// NewUserID, Remember and KeepAbsolute describe a session about to be
	// created at sign-in or renewed. KeepAbsolute, when set, carries the old
	// absolute deadline over to a renewed token so renewal never extends it.
	NewUserID    int64
	Remember     bool
	KeepAbsolute time.Time
}

type visitKey struct{}

// WithVisit returns a context that carries v.
func WithVisit(ctx context.Context, v *Visit) context.Context {
	return context.WithValue(ctx, visitKey{}, v)
}

// VisitFrom returns the Visit in ctx, or nil.
func VisitFrom(ctx context.Context) *Visit {
	v, _ := ctx.Value(visitKey{}).(*Visit)
	return v
}
