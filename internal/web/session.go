package web

import (
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/seamless-sessions/seamless/internal/seamless"
)

// session loads the request's session through scs and saves it afterwards.
// Before loading, it puts a Visit in the context, through which the store
// reports what the cookie named and learns who is asking.
func (s *server) session(next http.Handler) http.Handler {
	load := s.sm.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := seamless.VisitFrom(r.Context())
		if v.Malformed {
			logger(r).Warn("session cookie is not a token; removing it")
		}
		if v.Expired != seamless.NotExpired {
			s.recordExpiry(r, v)
		}
		// A script's check leaves an expired cookie in place, so that the
		// form it sends next, to keep a person's text, is still known as
		// theirs. The server refuses the cookie either way.
		expired := v.Expired != seamless.NotExpired && requestKind(r) != kindJSON
		if expired {
			s.Observer.Expiry(string(v.Expired))
		}
		if v.Malformed || expired {
			s.clearCookie(w)
		}
		next.ServeHTTP(w, r)
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Add("Vary", "HX-Request, Accept")
		v := &seamless.Visit{UserAgent: limit(r.UserAgent(), 512), ClientIP: s.clientIP(r)}
		load.ServeHTTP(w, r.WithContext(seamless.WithVisit(r.Context(), v)))
	})
}

// requireSession lets only requests with a live session through. Others are
// sent to sign in, in the way their kind of request understands.
func (s *server) requireSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if seamless.VisitFrom(r.Context()).Session == nil {
			s.toLogin(w, r, s.endReason(r))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// active marks a route whose use counts as activity: it slides the session's
// idle deadline, writing at most once per touch interval. A failed slide is
// logged and the request goes on: the session is still valid. A request
// without a session passes through untouched.
func (s *server) active(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := seamless.VisitFrom(r.Context())
		if v.Session == nil {
			next.ServeHTTP(w, r)
			return
		}
		written, err := s.Sessions.Touch(r.Context(), v.Session)
		if err != nil {
			logger(r).Warn("session not slid", "err", err)
		} else {
			s.Observer.Extension(written)
		}
		next.ServeHTTP(w, r)
	})
}

// Reasons a person is sent to the sign-in page, carried in its URL.
const (
	reasonIdle      = "idle"
	reasonAbsolute  = "absolute"
	reasonEnded     = "ended"
	reasonInvalid   = "invalid"
	reasonSignedOut = "signed_out"
)

// endReason says why a request that sent a cookie has no session.
func (s *server) endReason(r *http.Request) string {
	v := seamless.VisitFrom(r.Context())
	switch {
	case v.Expired == seamless.ExpiredIdle:
		return reasonIdle
	case v.Expired == seamless.ExpiredAbsolute:
		return reasonAbsolute
	case v.Malformed:
		return reasonInvalid
	}
	if _, err := r.Cookie(s.cfg.CookieName()); err == nil {
		return reasonEnded
	}
	return ""
}

// toLogin sends a request without a session to the sign-in page, with the
// place it came from as next: a full page by redirect, htmx by HX-Redirect
// (never a login form swapped into a fragment), and JSON with a 401.
func (s *server) toLogin(w http.ResponseWriter, r *http.Request, reason string) {
	loc := loginURL(s.returnPath(r), reason)
	switch requestKind(r) {
	case kindFragment:
		w.Header().Set("HX-Redirect", loc)
		w.WriteHeader(http.StatusUnauthorized)
	case kindJSON:
		writeJSON(w, http.StatusUnauthorized, map[string]any{
			"error": map[string]string{
				"code":    seamless.EUNAUTHORIZED,
				"message": "Sign in to continue.",
			},
			"login_url": loc,
		})
	default:
		http.Redirect(w, r, loc, http.StatusSeeOther)
	}
}

// loginURL is the sign-in page that explains reason and then goes to next.
func loginURL(next, reason string) string {
	q := url.Values{"next": {next}}
	if reason != "" {
		q.Set("reason", reason)
	}
	return "/login?" + q.Encode()
}

// returnPath is where a person should land after signing in again: the page
// they were on. A script's JSON request names it in its Referer.
func (s *server) returnPath(r *http.Request) string {
	if requestKind(r) == kindFragment {
		u, err := url.Parse(r.Header.Get("HX-Current-URL"))
		if err != nil || u.Host != r.Host || u.User != nil {
			return DefaultNext
		}
		return SafeNext(u.RequestURI())
	}
	if r.Method == http.MethodGet && requestKind(r) == kindPage {
		return SafeNext(r.URL.RequestURI())
	}
	if u, err := url.Parse(r.Referer()); err == nil && u.Host == r.Host {
		return SafeNext(u.RequestURI())
	}
	return DefaultNext
}

func (s *server) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: s.cfg.CookieName(), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.SecureCookie, SameSite: http.SameSiteLaxMode,
	})
}

// clientIP returns the address of the browser: the connection's peer, or,
// behind a trusted proxy, the last address it appended to X-Forwarded-For.
func (s *server) clientIP(r *http.Request) string {
	if s.cfg.TrustProxy {
		hops := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
		if a, err := netip.ParseAddr(strings.TrimSpace(hops[len(hops)-1])); err == nil {
			return a.Unmap().String()
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return ""
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return a.Unmap().String()
	}
	return ""
}

func limit(s string, n int) string {
	if len(s) > n {
		return strings.ToValidUTF8(s[:n], "")
	}
	return s
}
