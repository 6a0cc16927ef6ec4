package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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

// sessionsPage lists the signed-in person's sessions.
func (s *server) sessionsPage(w http.ResponseWriter, r *http.Request) {
	s.renderSessions(w, r, "")
}

func (s *server) renderSessions(w http.ResponseWriter, r *http.Request, notice string) {
	cur := seamless.VisitFrom(r.Context()).Session
	u, err := s.Users.UserByID(r.Context(), cur.UserID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.Devices.SessionsByUser(r.Context(), cur.UserID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := views.SessionsPage{Email: u.Email, Notice: notice}
	for _, x := range list {
		p.Sessions = append(p.Sessions, s.deviceRow(x, cur.ID))
	}
	s.render(w, r, http.StatusOK, views.Sessions(p))
}

func (s *server) deviceRow(x *seamless.Session, current string) views.DeviceRow {
	browser, system := describeAgent(x.UserAgent)
	return views.DeviceRow{
		ID: x.ID, Browser: browser, System: system, Address: maskIP(x.ClientIP),
		Started: x.CreatedAt, LastActive: x.LastSeen, Current: x.ID == current,
	}
}

// revokeSession ends one of the person's sessions. Ending the current one
// is signing out.
func (s *server) revokeSession(w http.ResponseWriter, r *http.Request) {
	cur := seamless.VisitFrom(r.Context()).Session
	id := r.PathValue("id")
	if id == cur.ID {
		s.logout(w, r)
		return
	}
	ok, err := s.Devices.RevokeOwn(r.Context(), cur.UserID, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	notice := "That session had already ended."
	if ok {
		notice = "The session was ended. That browser must sign in again."
		s.audit(r, seamless.EventRevoked, cur, seamless.Event{Detail: "ended " + id})
	}
	s.renderSessions(w, r, notice)
}

// revokeOthers ends every session of the person but this one.
func (s *server) revokeOthers(w http.ResponseWriter, r *http.Request) {
	cur := seamless.VisitFrom(r.Context()).Session
	n, err := s.Devices.RevokeOthers(r.Context(), cur.UserID, cur.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, seamless.EventRevoked, cur, seamless.Event{Detail: "ended all others"})
	s.renderSessions(w, r, plural(n, "other session was", "other sessions were")+" ended.")
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
