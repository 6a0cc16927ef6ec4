// Package web serves Seamless over HTTP: routes, handlers, the session
// middleware built on scs, and the one place that turns errors into
// responses.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/seamless-sessions/seamless/internal/seamless"
)

// Config holds the HTTP layer's settings.
type Config struct {
	Policy seamless.Policy

	// PollInterval is how often an open page asks for its session status.
	// Default 30 seconds.
	PollInterval time.Duration

	// WarningLead is how long before an idle sign-out the page warns and
	// offers to stay signed in. When it is not shorter than the idle timeout
	// the page warns at half the idle timeout instead. Default 2 minutes.
	WarningLead time.Duration

	// SecureCookie marks the session cookie Secure and gives it the __Host-
	// prefix, so that it is only sent over HTTPS and cannot be set by a
	// sibling domain. Turn it off only for http://localhost.
	SecureCookie bool

	// AccountThrottle and AddressThrottle limit failed sign-ins per account
	// and per client address. Defaults seamless.DefaultAccountThrottle and
	// seamless.DefaultAddressThrottle.
	AccountThrottle, AddressThrottle seamless.ThrottlePolicy

	// TrustProxy takes the client address from the last X-Forwarded-For hop
	// instead of the connection. Turn it on only behind a proxy that sets it.
	TrustProxy bool
}

// CookieName returns the session cookie's name for cfg.
func (cfg Config) CookieName() string {
	if cfg.SecureCookie {
		return "__Host-seamless"
	}
	return "seamless"
}

// Users finds accounts.
type Users interface {
	UserByEmail(ctx context.Context, email string) (*seamless.User, error)
	UserByID(ctx context.Context, id int64) (*seamless.User, error)
}

// Sessions stores sessions for scs and slides them.
type Sessions interface {
	scs.CtxStore
	Touch(ctx context.Context, s *seamless.Session) (bool, error)
	Refresh(ctx context.Context, s *seamless.Session) (bool, error)
}

// Passwords checks passwords against stored hashes.
type Passwords interface {
	Verify(ctx context.Context, password, hash string) (bool, error)
	Hash(ctx context.Context, password string) (string, error)
}

// Pinger reports whether the database answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Deps are what the handlers call.
type Deps struct {
	Users     Users
	Sessions  Sessions
	Notes     Notes
	Passwords Passwords
	DB        Pinger
	Clock     seamless.Clock
	Logger    *slog.Logger
	Observer  Observer

	// Audit records security events; Throttle slows down password
	// guessing; Devices lists and ends a person's sessions; Accounts
	// changes passwords. A nil Audit or Throttle turns that feature off.
	Audit    Audit
	Throttle Throttle
	Devices  Devices
	Accounts Accounts

	// DummyHash is a valid password hash checked when an account does not
	// exist, so that unknown and known addresses take the same time.
	DummyHash string
}

// server holds the handlers' dependencies.
type server struct {
	cfg Config
	Deps
	sm *scs.SessionManager
}

// NewHandler returns the whole application as one http.Handler.
func NewHandler(cfg Config, d Deps) http.Handler {
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 30 * time.Second
	}
	if cfg.AccountThrottle.Max == 0 {
		cfg.AccountThrottle = seamless.DefaultAccountThrottle
	}
	if cfg.AddressThrottle.Max == 0 {
		cfg.AddressThrottle = seamless.DefaultAddressThrottle
	}
	if cfg.WarningLead <= 0 {
		cfg.WarningLead = 2 * time.Minute
	}
	if d.Clock == nil {
		d.Clock = seamless.SystemClock{}
	}
	if d.Observer == nil {
		d.Observer = nopObserver{}
	}
	s := &server{cfg: cfg, Deps: d}
	s.sm = s.newSessionManager()
	return s.routes()
}

func (s *server) newSessionManager() *scs.SessionManager {
	sm := scs.New()
	sm.Store = s.Sessions
	// No scs idle timeout: it would write the session on every request. The
	// store slides the idle deadline itself, at most once per interval.
	sm.IdleTimeout = 0
	sm.Lifetime = s.cfg.Policy.AbsoluteLifetime
	sm.Cookie.Name = s.cfg.CookieName()
	sm.Cookie.HttpOnly = true
	sm.Cookie.Path = "/"
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = s.cfg.SecureCookie
	sm.Cookie.Persist = false
	sm.ErrorFunc = s.fail
	return sm
}
