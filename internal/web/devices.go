package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/netip"

	"github.com/seamless-sessions/seamless/internal/seamless"
	"github.com/seamless-sessions/seamless/views"
)

// Devices lists and ends the sessions of one account. Every request reads
// its session row, so an ended session is refused on its next request on
// every replica.
type Devices interface {
	SessionsByUser(ctx context.Context, userID int64) ([]*seamless.Session, error)
	RevokeOwn(ctx context.Context, userID int64, id string) (bool, error)
	RevokeOthers(ctx context.Context, userID int64, exceptID string) (int, error)
}

// TokenID returns the public ID of the session with token: the hex
// SHA-256 the store keys it by. Logs and the audit trail name sessions by
// it, never by the token.
func TokenID(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// signedInUser returns the account and session of a request that passed
// requireSession.
func (s *server) signedInUser(r *http.Request) (*seamless.User, *seamless.Session, error) {
	cur := seamless.VisitFrom(r.Context()).Session
	u, err := s.Users.UserByID(r.Context(), cur.UserID)
	return u, cur, err
}

// sessionsPage lists the signed-in person's sessions.
func (s *server) sessionsPage(w http.ResponseWriter, r *http.Request) {
	u, _, err := s.signedInUser(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderSessions(w, r, u, http.StatusOK, views.SessionsPage{})
}

func (s *server) renderSessions(w http.ResponseWriter, r *http.Request, u *seamless.User,
	status int, p views.SessionsPage) {
	cur := seamless.VisitFrom(r.Context()).Session
	list, err := s.Devices.SessionsByUser(r.Context(), u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Email = u.Email
	for _, x := range list {
		p.Sessions = append(p.Sessions, s.deviceRow(x, cur))
	}
	s.render(w, r, status, views.Sessions(p))
}

func (s *server) deviceRow(x, cur *seamless.Session) views.DeviceRow {
	browser, system := describeAgent(x.UserAgent)
	return views.DeviceRow{
		ID: x.ID, Browser: browser, System: system, Address: maskIP(x.ClientIP),
		Started: x.CreatedAt, LastActive: x.LastSeen, Current: cur != nil && x.ID == cur.ID,
	}
}

// revokeSession ends one of the person's sessions, after they confirm
// their password. Ending the current one is signing out.
func (s *server) revokeSession(w http.ResponseWriter, r *http.Request) {
	s.confirmed(w, r, func(cur *seamless.Session) (string, error) {
		id := r.PathValue("id")
		if id == cur.ID {
			return "", errSignOut
		}
		ok, err := s.Devices.RevokeOwn(r.Context(), cur.UserID, id)
		if err != nil || !ok {
			return "That session had already ended.", err
		}
		s.audit(r, seamless.EventRevoked, cur, seamless.Event{Detail: "ended " + id})
		return "The session was ended. That browser must sign in again.", nil
	})
}

// revokeOthers ends every session of the person but this one, after they
// confirm their password.
func (s *server) revokeOthers(w http.ResponseWriter, r *http.Request) {
	s.confirmed(w, r, func(cur *seamless.Session) (string, error) {
		n, err := s.Devices.RevokeOthers(r.Context(), cur.UserID, cur.ID)
		if err != nil {
			return "", err
		}
		s.audit(r, seamless.EventRevoked, cur, seamless.Event{Detail: "ended all others"})
		return plural(n, "other session was", "other sessions were") + " ended.", nil
	})
}

// errSignOut asks confirmed to sign the person out instead.
var errSignOut = errors.New("sign out")

// confirmed runs end, which ends sessions, once the form's password is
// right, and shows the sessions page with its notice or the error.
func (s *server) confirmed(w http.ResponseWriter, r *http.Request,
	end func(cur *seamless.Session) (string, error)) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	u, cur, err := s.signedInUser(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badForm(err))
		return
	}
	if err := s.reauthenticate(r, u, r.PostForm.Get("password")); err != nil {
		s.sessionsError(w, r, u, err)
		return
	}
	notice, err := end(cur)
	if errors.Is(err, errSignOut) {
		s.logout(w, r)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderSessions(w, r, u, http.StatusOK, views.SessionsPage{Notice: notice})
}

// sessionsError shows the sessions page again with a person's mistake, or
// hands a server fault to fail.
func (s *server) sessionsError(w http.ResponseWriter, r *http.Request, u *seamless.User, err error) {
	code := seamless.ErrorCode(err)
	if code != seamless.EUNAUTHORIZED && code != seamless.ETHROTTLED {
		s.fail(w, r, err)
		return
	}
	s.renderSessions(w, r, u, statusOf[code], views.SessionsPage{Error: seamless.ErrorMessage(err)})
}

// maskIP hides the host part of an address: the last octet of IPv4, all
// but the first 48 bits of IPv6. It is enough to recognise a network
// without telling a passer-by the exact address.
func maskIP(s string) string {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return "unknown"
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		b := a.As4()
		return fmt.Sprintf("%d.%d.%d.x", b[0], b[1], b[2])
	}
	p, _ := a.Prefix(48)
	return p.String()
}

// plural writes "1 thing was" or "n things were".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
