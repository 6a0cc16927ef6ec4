package web

import (
	"net/http"

	"github.com/seamless-sessions/seamless/views"
)

// routes lists every route of the application.
func (s *server) routes() http.Handler {
	mux := http.NewServeMux()

	mux.Handle("GET /static/", http.StripPrefix("/static/", staticFiles(views.Static)))
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)

	// Pages load the session; "active" marks the routes whose use counts as
	// activity and slides the idle deadline.
	mux.Handle("GET /{$}", s.session(http.HandlerFunc(s.landing)))
	mux.Handle("GET /login", s.session(http.HandlerFunc(s.loginForm)))
	mux.Handle("POST /login", s.session(http.HandlerFunc(s.login)))
	mux.Handle("POST /logout", s.session(http.HandlerFunc(s.logout)))
	mux.Handle("GET /app", s.session(s.requireSession(s.active(http.HandlerFunc(s.app)))))
	mux.Handle("GET /notes", s.session(s.requireSession(s.active(http.HandlerFunc(s.notesPage)))))
	// A note sent after the session ended, or while the database is down,
	// is kept for the person rather than refused.
	mux.Handle("POST /notes",
		s.keepNoteInOutage(s.session(s.active(http.HandlerFunc(s.saveNote)))))
	mux.Handle("GET /auth/session", s.session(s.requireSession(http.HandlerFunc(s.status))))
	mux.Handle("POST /auth/refresh", s.session(s.requireSession(http.HandlerFunc(s.refresh))))
	inUse := func(h http.HandlerFunc) http.Handler {
		return s.session(s.requireSession(s.active(h)))
	}
	mux.Handle("GET /sessions", inUse(s.sessionsPage))
	mux.Handle("POST /sessions/{id}/revoke", inUse(s.revokeSession))
	mux.Handle("POST /sessions/revoke-others", inUse(s.revokeOthers))
	mux.Handle("GET /account/password", inUse(s.passwordForm))
	mux.Handle("POST /account/password", inUse(s.changePassword))
	mux.Handle("/", http.HandlerFunc(s.notFound))

	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(s.crossOrigin))

	return s.logRequests(s.recoverPanics(s.securityHeaders(csrf.Handler(mux))))
}
