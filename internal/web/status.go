package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/seamless-sessions/seamless/internal/seamless"
	"github.com/seamless-sessions/seamless/views"
)

func (s *server) app(w http.ResponseWriter, r *http.Request) {
	v := seamless.VisitFrom(r.Context())
	u, err := s.Users.UserByID(r.Context(), v.Session.UserID)
	if seamless.ErrorCode(err) == seamless.ENOTFOUND {
		s.toLogin(w, r, reasonEnded)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.App(views.AppPage{
		Email: u.Email, Session: s.sessionTimes(v.Session),
	}))
}

// sessionTimes is what a page's script needs to know about sess.
// A warning lead not shorter than the idle timeout becomes half of it.
func (s *server) sessionTimes(sess *seamless.Session) views.SessionTimes {
	idle, lead := s.cfg.Policy.Idle(sess.Remember), s.cfg.WarningLead
	if lead >= idle {
		lead = idle / 2
	}
	return views.SessionTimes{
		Status:        sess.Status(s.Clock.Now()),
		IdleTimeout:   idle,
		TouchInterval: s.cfg.Policy.TouchInterval,
		WarningLead:   lead,
		PollInterval:  s.cfg.PollInterval,
	}
}

// status answers the session panel's poll. It never slides the session: a
// page left open must not keep itself signed in.
func (s *server) status(w http.ResponseWriter, r *http.Request) {
	s.writeStatus(w, r, seamless.VisitFrom(r.Context()).Session)
}

// refresh slides the session now, for a person who is using the page. A
// plain form post, from a page without scripts, goes back to that page.
func (s *server) refresh(w http.ResponseWriter, r *http.Request) {
	sess := seamless.VisitFrom(r.Context()).Session
	written, err := s.Sessions.Refresh(r.Context(), sess)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.Observer.Refresh(written)
	s.audit(r, seamless.EventRefresh, sess, seamless.Event{})
	s.writeStatus(w, r, sess)
}

// statusJSON is the JSON form of a session's status.
type statusJSON struct {
	IdleExpiresAt            time.Time `json:"idle_expires_at"`
	AbsoluteExpiresAt        time.Time `json:"absolute_expires_at"`
	IdleRemainingSeconds     int64     `json:"idle_remaining_seconds"`
	AbsoluteRemainingSeconds int64     `json:"absolute_remaining_seconds"`
	IdleRemainingMillis      int64     `json:"idle_remaining_ms"`
	AbsoluteRemainingMillis  int64     `json:"absolute_remaining_ms"`
}

func (s *server) writeStatus(w http.ResponseWriter, r *http.Request, sess *seamless.Session) {
	st := sess.Status(s.Clock.Now())
	switch requestKind(r) {
	case kindFragment:
		s.render(w, r, http.StatusOK, views.SessionPanel(st))
		return
	case kindPage:
		if r.Method == http.MethodPost {
			s.redirect(w, r, s.returnPath(r))
			return
		}
	}
	writeJSON(w, http.StatusOK, statusJSON{
		IdleExpiresAt:            st.IdleExpiresAt.UTC(),
		AbsoluteExpiresAt:        st.AbsoluteExpiresAt.UTC(),
		IdleRemainingSeconds:     int64(st.IdleRemaining / time.Second),
		AbsoluteRemainingSeconds: int64(st.AbsoluteRemaining / time.Second),
		IdleRemainingMillis:      st.IdleRemaining.Milliseconds(),
		AbsoluteRemainingMillis:  st.AbsoluteRemaining.Milliseconds(),
	})
}

func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz reports whether the database answers within two seconds.
func (s *server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.DB.Ping(ctx); err != nil {
		logger(r).Error("not ready", "err", err)
		writeJSON(w, http.StatusServiceUnavailable,
			map[string]string{"status": "unavailable", "database": "unreachable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "database": "ok"})
}

// humanDuration writes a whole duration in words: "30 minutes", "12 hours".
func humanDuration(d time.Duration) string {
	unit := func(n int64, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %ss", n, one)
	}
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return unit(int64(d/time.Hour), "hour")
	case d >= time.Minute && d%time.Minute == 0:
		return unit(int64(d/time.Minute), "minute")
	}
	return unit(int64(d.Round(time.Second)/time.Second), "second")
}
