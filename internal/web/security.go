package web

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/seamless-sessions/seamless/internal/seamless"
)

// Audit records security events. A failure to record is logged and the
// request goes on: an outage of the audit trail must not sign anyone out.
type Audit interface {
	Record(ctx context.Context, e seamless.Event) error
}

// Throttle counts failed sign-ins per key, in storage shared by every
// replica.
type Throttle interface {
	Wait(ctx context.Context, key string) (time.Duration, error)
	Fail(ctx context.Context, key string, p seamless.ThrottlePolicy) error
	Reset(ctx context.Context, key string) error
}

// audit records an event about the request's visitor. Expiry events are
// also recorded here, once per request that finds its session expired.
func (s *server) audit(r *http.Request, kind seamless.EventKind, sess *seamless.Session, e seamless.Event) {
	if s.Audit == nil {
		return
	}
	v := seamless.VisitFrom(r.Context())
	e.Kind, e.At = kind, s.Clock.Now()
	if v != nil {
		e.ClientIP, e.UserAgent = v.ClientIP, v.UserAgent
	}
	if sess != nil {
		e.SessionID = sess.ID
		if e.UserID == 0 {
			e.UserID = sess.UserID
		}
	}
	if err := s.Audit.Record(context.WithoutCancel(r.Context()), e); err != nil {
		logger(r).Error("audit event not recorded", "kind", kind, "err", err)
	}
}

// recordExpiry records the end of a session the request found expired.
func (s *server) recordExpiry(r *http.Request, v *seamless.Visit) {
	switch {
	case v.Ended == nil:
	case v.Expired == seamless.ExpiredIdle:
		s.audit(r, seamless.EventExpiredIdle, v.Ended, seamless.Event{})
	case v.Expired == seamless.ExpiredAbsolute:
		s.audit(r, seamless.EventExpiredAbsolute, v.Ended, seamless.Event{})
	}
}

// Throttle keys: one per account address, one per client address.
func accountKey(email string) string { return "account:" + email }
func addressKey(ip string) string    { return "address:" + ip }

// throttled returns an ETHROTTLED error when the account or the address
// must wait before trying again.
func (s *server) throttled(r *http.Request, email string) (time.Duration, error) {
	if s.Throttle == nil {
		return 0, nil
	}
	wait := time.Duration(0)
	for _, key := range s.throttleKeys(r, email) {
		d, err := s.Throttle.Wait(r.Context(), key)
		if err != nil {
			return 0, err
		}
		wait = max(wait, d)
	}
	return wait, nil
}

func (s *server) throttleKeys(r *http.Request, email string) []string {
	keys := []string{accountKey(email)}
	if ip := seamless.VisitFrom(r.Context()).ClientIP; ip != "" {
		keys = append(keys, addressKey(ip))
	}
	return keys
}

// countFailure counts a failed sign-in against the account and the address.
func (s *server) countFailure(r *http.Request, email string) error {
	if s.Throttle == nil {
		return nil
	}
	if err := s.Throttle.Fail(r.Context(), accountKey(email), s.cfg.AccountThrottle); err != nil {
		return err
	}
	if ip := seamless.VisitFrom(r.Context()).ClientIP; ip != "" {
		return s.Throttle.Fail(r.Context(), addressKey(ip), s.cfg.AddressThrottle)
	}
	return nil
}

// tooMany answers a throttled sign-in with 429, Retry-After and a sentence
// saying how long to wait.
func (s *server) tooMany(w http.ResponseWriter, r *http.Request, c credentials, wait time.Duration) {
	secs := int(math.Ceil(wait.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.audit(r, seamless.EventThrottled, nil, seamless.Event{Email: c.Email,
		Detail: fmt.Sprintf("retry after %ds", secs)})
	err := seamless.Errorf(seamless.ETHROTTLED,
		"Too many attempts. Try again in %d seconds.", secs)
	s.loginFailed(w, r, c, err)
}

// reauthenticate checks the password of the signed-in person u before a
// sensitive change. Wrong guesses count against the account's throttle, so
// a stolen session cannot be used to guess the password.
func (s *server) reauthenticate(r *http.Request, u *seamless.User, pw string) error {
	wait, err := s.throttled(r, u.Email)
	if err != nil {
		return err
	} else if wait > 0 {
		return seamless.Errorf(seamless.ETHROTTLED,
			"Too many attempts. Try again in %d seconds.", int(math.Ceil(wait.Seconds())))
	}
	ok := false
	if len(pw) <= seamless.MaxPasswordLength {
		if ok, err = s.Passwords.Verify(r.Context(), pw, u.PasswordHash); err != nil {
			return fmt.Errorf("verify password: %w", err)
		}
	}
	if ok {
		return nil
	}
	if err := s.countFailure(r, u.Email); err != nil {
		return err
	}
	s.audit(r, seamless.EventSignInFailed, seamless.VisitFrom(r.Context()).Session,
		seamless.Event{Email: u.Email, Detail: "password confirmation"})
	return seamless.Errorf(seamless.EUNAUTHORIZED, "Your password is not right.")
}
