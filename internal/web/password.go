package web

import (
	"context"
	"net/http"

	"github.com/seamless-sessions/seamless/internal/seamless"
	"github.com/seamless-sessions/seamless/views"
)

// Accounts changes account details.
type Accounts interface {
	SetPassword(ctx context.Context, userID int64, hash string) error
}

func (s *server) passwordForm(w http.ResponseWriter, r *http.Request) {
	u, _, err := s.signedInUser(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.Password(views.PasswordForm{Email: u.Email}))
}

// changePassword checks the current password, stores the new one, ends
// every other session of the account and gives this browser a new token
// that keeps the old absolute deadline.
func (s *server) changePassword(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	u, cur, err := s.signedInUser(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := views.PasswordForm{Email: u.Email}
	err = s.setPassword(r, u, cur)
	code, status := seamless.ErrorCode(err), http.StatusOK
	switch {
	case err == nil:
		f.Notice = "Your password was changed. Every other session was signed out."
	case code == seamless.EINVALID || code == seamless.EUNAUTHORIZED || code == seamless.ETHROTTLED:
		f.Error, status = seamless.ErrorMessage(err), statusOf[code]
	default:
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, views.Password(f))
}

func (s *server) setPassword(r *http.Request, u *seamless.User, cur *seamless.Session) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	hash, err := s.newHash(r, u)
	if err != nil {
		return err
	}
	if err := s.Accounts.SetPassword(r.Context(), u.ID, hash); err != nil {
		return err
	}
	if _, err := s.Devices.RevokeOthers(r.Context(), u.ID, cur.ID); err != nil {
		return err
	}
	s.audit(r, seamless.EventPasswordChanged, cur, seamless.Event{})
	return s.renewToken(r, cur)
}

// newHash checks the form's current password and hashes the new one.
func (s *server) newHash(r *http.Request, u *seamless.User) (string, error) {
	if err := s.reauthenticate(r, u, r.PostForm.Get("current")); err != nil {
		return "", err
	}
	next := r.PostForm.Get("new")
	if err := seamless.ValidatePassword(next); err != nil {
		return "", err
	}
	return s.Passwords.Hash(r.Context(), next)
}

// renewToken replaces this browser's token after a privilege change. The
// new session keeps the old absolute deadline, so renewal never lengthens
// a session.
func (s *server) renewToken(r *http.Request, cur *seamless.Session) error {
	ctx := r.Context()
	if err := s.sm.RenewToken(ctx); err != nil {
		return err
	}
	v := seamless.VisitFrom(ctx)
	v.Session, v.NewUserID, v.Remember = nil, cur.UserID, cur.Remember
	v.KeepAbsolute = cur.AbsoluteDeadline
	s.sm.Put(ctx, "user_id", cur.UserID)
	return nil
}
