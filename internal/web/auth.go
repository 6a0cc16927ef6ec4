package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/seamless-sessions/seamless/internal/seamless"
	"github.com/seamless-sessions/seamless/views"
)

// maxFormBytes bounds every form body.
const maxFormBytes = 64 << 10

// badCredentials is the one answer to a wrong address or password: it says
// nothing about which of the two was wrong.
const badCredentials = "That email and password do not match an account. Check both and try again."

func (s *server) landing(w http.ResponseWriter, r *http.Request) {
	signedIn := seamless.VisitFrom(r.Context()).Session != nil
	s.render(w, r, http.StatusOK, views.Landing(signedIn))
}

func (s *server) loginForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := views.LoginForm{Next: SafeNext(q.Get("next")), Notice: s.notice(q.Get("reason"))}
	s.render(w, r, http.StatusOK, views.Login(f))
}

// notice explains, on the sign-in page, why the person is there.
func (s *server) notice(reason string) string {
	p := s.cfg.Policy
	switch reason {
	case reasonIdle:
		return fmt.Sprintf("You were signed out after %s without activity. "+
			"Sign in to pick up where you left off.", humanDuration(p.IdleTimeout))
	case reasonAbsolute:
		return fmt.Sprintf("For your security, sessions end %s after sign-in. "+
			"Sign in again to continue.", humanDuration(p.AbsoluteLifetime))
	case reasonEnded:
		return "Your session has ended. Sign in again to continue."
	case reasonInvalid:
		return "Your session cookie could not be read, so it was removed. Sign in again."
	case reasonSignedOut:
		return "You have signed out."
	}
	return ""
}

// credentials is a parsed sign-in form.
type credentials struct {
	Email, Password, Next string
	Remember              bool
}

// parseCredentials reads the sign-in form. Any malformed input is an
// EINVALID error with a message for the person.
func parseCredentials(r *http.Request) (credentials, error) {
	var c credentials
	if err := r.ParseForm(); err != nil {
		return c, badForm(err)
	}
	c.Next = SafeNext(r.PostForm.Get("next"))
	c.Password = r.PostForm.Get("password")
	c.Remember = r.PostForm.Get("remember") == "on"
	email, err := seamless.NormalizeEmail(r.PostForm.Get("email"))
	c.Email = strings.TrimSpace(r.PostForm.Get("email"))
	if err != nil {
		return c, err
	}
	c.Email = email
	if c.Password == "" {
		return c, seamless.Errorf(seamless.EINVALID, "Enter your password.")
	}
	if len(c.Password) > seamless.MaxPasswordLength {
		return c, seamless.Errorf(seamless.EUNAUTHORIZED, badCredentials)
	}
	return c, nil
}

func (s *server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	c, err := parseCredentials(r)
	if err != nil {
		s.loginFailed(w, r, c, err)
		return
	}
	if wait, err := s.throttled(r, c.Email); err != nil {
		s.fail(w, r, err)
		return
	} else if wait > 0 {
		s.tooMany(w, r, c, wait)
		return
	}
	u, err := s.authenticate(r, c)
	if err != nil {
		s.signInRefused(w, r, c, err)
		return
	}
	if err := s.signIn(r, u, c); err != nil {
		s.Observer.SignIn(SignInError)
		s.fail(w, r, err)
		return
	}
	s.Observer.SignIn(SignInOK)
	s.redirect(w, r, c.Next)
}

// signIn starts the session, clears the account's failure count and
// records the event.
func (s *server) signIn(r *http.Request, u *seamless.User, c credentials) error {
	if err := s.startSession(r, u, c.Remember); err != nil {
		return err
	}
	if s.Throttle != nil {
		if err := s.Throttle.Reset(r.Context(), accountKey(c.Email)); err != nil {
			logger(r).Warn("sign-in throttle not reset", "err", err)
		}
	}
	id := TokenID(s.sm.Token(r.Context()))
	s.audit(r, seamless.EventSignIn, nil, seamless.Event{UserID: u.ID, SessionID: id})
	logger(r).Info("signed in", "user_id", u.ID)
	return nil
}

// signInRefused counts a wrong address or password against the throttle
// before answering; other errors go straight to the person.
func (s *server) signInRefused(w http.ResponseWriter, r *http.Request, c credentials, err error) {
	if seamless.ErrorCode(err) == seamless.EUNAUTHORIZED {
		if cerr := s.countFailure(r, c.Email); cerr != nil {
			s.fail(w, r, cerr)
			return
		}
		s.audit(r, seamless.EventSignInFailed, nil, seamless.Event{Email: c.Email})
	}
	s.loginFailed(w, r, c, err)
}

// authenticate checks the credentials. An unknown address costs the same
// hash as a known one, so timing does not tell them apart.
func (s *server) authenticate(r *http.Request, c credentials) (*seamless.User, error) {
	ctx := r.Context()
	u, err := s.Users.UserByEmail(ctx, c.Email)
	if err != nil && seamless.ErrorCode(err) != seamless.ENOTFOUND {
		return nil, err
	}
	hash := s.DummyHash
	if u != nil {
		hash = u.PasswordHash
	}
	ok, err := s.Passwords.Verify(ctx, c.Password, hash)
	if err != nil {
		return nil, fmt.Errorf("verify password: %w", err)
	}
	if !ok || u == nil {
		return nil, seamless.Errorf(seamless.EUNAUTHORIZED, badCredentials)
	}
	return u, nil
}

// startSession gives the browser a new session for u. The token is always
// new, so a token planted before sign-in is never adopted; the old one, if
// any, is deleted.
func (s *server) startSession(r *http.Request, u *seamless.User, remember bool) error {
	ctx := r.Context()
	if err := s.sm.RenewToken(ctx); err != nil {
		return err
	}
	if err := s.sm.Clear(ctx); err != nil {
		return err
	}
	v := seamless.VisitFrom(ctx)
	v.Session, v.NewUserID, v.Remember = nil, u.ID, remember
	s.sm.Put(ctx, "user_id", u.ID)
	if remember {
		s.sm.RememberMe(ctx, true)
		s.sm.SetDeadline(ctx, s.Clock.Now().Add(s.cfg.Policy.RememberLifetime))
	}
	return nil
}

// loginFailed shows the sign-in form again with the error, keeping what was
// typed except the password.
func (s *server) loginFailed(w http.ResponseWriter, r *http.Request, c credentials, err error) {
	code := seamless.ErrorCode(err)
	if code != seamless.EINVALID && code != seamless.EUNAUTHORIZED && code != seamless.ETHROTTLED {
		s.Observer.SignIn(SignInError)
		s.fail(w, r, err)
		return
	}
	outcome := SignInRefused
	if code == seamless.EINVALID {
		outcome = SignInInvalid
	}
	s.Observer.SignIn(outcome)
	logger(r).Warn("sign-in refused", "code", code)
	f := views.LoginForm{Email: c.Email, Next: c.Next, Error: seamless.ErrorMessage(err)}
	if f.Next == "" {
		f.Next = DefaultNext
	}
	s.render(w, r, statusOf[code], views.Login(f))
}

func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	if sess := seamless.VisitFrom(r.Context()).Session; sess != nil {
		s.audit(r, seamless.EventSignOut, sess, seamless.Event{})
	}
	if err := s.sm.Destroy(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/login?reason="+reasonSignedOut)
}

// redirect sends the browser to loc after a form post: HX-Redirect for htmx,
// 303 otherwise.
func (s *server) redirect(w http.ResponseWriter, r *http.Request, loc string) {
	if requestKind(r) == kindFragment {
		w.Header().Set("HX-Redirect", loc)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, loc, http.StatusSeeOther)
}
