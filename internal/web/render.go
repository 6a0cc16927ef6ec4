package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/a-h/templ"

	"github.com/seamless-sessions/seamless/internal/seamless"
	"github.com/seamless-sessions/seamless/views"
)

// Kinds of answer a request wants.
const (
	kindPage     = iota // a full HTML page
	kindFragment        // an htmx request: a piece of HTML
	kindJSON            // a script or API client
)

// requestKind reads the htmx headers once and decides what to answer with.
// htmx's history restore asks for a whole page.
func requestKind(r *http.Request) int {
	if r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-History-Restore-Request") != "true" {
		return kindFragment
	}
	accept := r.Header.Get("Accept")
	if strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/html") {
		return kindJSON
	}
	return kindPage
}

// render writes an HTML component with status.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := c.Render(r.Context(), w); err != nil {
		logger(r).Error("render failed", "err", err)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// statusOf maps an error code to an HTTP status.
var statusOf = map[string]int{
	seamless.EINVALID:      http.StatusBadRequest,
	seamless.EUNAUTHORIZED: http.StatusUnauthorized,
	seamless.ENOTFOUND:     http.StatusNotFound,
	seamless.ECONFLICT:     http.StatusConflict,
	seamless.ETHROTTLED:    http.StatusTooManyRequests,
	seamless.EUNAVAILABLE:  http.StatusServiceUnavailable,
	seamless.EINTERNAL:     http.StatusInternalServerError,
}

// fail is the one place where an error becomes a response. Server faults are
// logged at Error, a person's mistakes at Warn; the person sees only the
// error's public message. A failure never clears the session cookie, so an
// outage signs nobody out.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := seamless.ErrorCode(err)
	status := statusOf[code]
	msg := seamless.ErrorMessage(err)
	if status >= 500 {
		logger(r).Error("request failed", "code", code, "err", err)
	} else {
		logger(r).Warn("request refused", "code", code, "err", err)
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "5")
		if page := outagePage(r); page != nil && requestKind(r) == kindPage {
			page(w, r, err)
			return
		}
	}
	switch requestKind(r) {
	case kindJSON:
		writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
	case kindFragment:
		s.render(w, r, status, views.ErrorFragment(msg))
	default:
		s.render(w, r, status, views.ErrorPage(status, http.StatusText(status), msg))
	}
}

type outagePageKey struct{}

// outagePageFunc writes a page for a request that failed because something
// it needs, such as the database, is unavailable.
type outagePageFunc func(w http.ResponseWriter, r *http.Request, err error)

// withOutagePage gives fail, for requests to next, a page to show in place
// of the plain error page when something the request needs is unavailable.
func withOutagePage(next http.Handler, page outagePageFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), outagePageKey{}, page)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func outagePage(r *http.Request) outagePageFunc {
	page, _ := r.Context().Value(outagePageKey{}).(outagePageFunc)
	return page
}

func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, seamless.Errorf(seamless.ENOTFOUND, "There is no page at %s.", r.URL.Path))
}

// crossOrigin answers a state-changing request sent from another site.
func (s *server) crossOrigin(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, &seamless.Error{Code: seamless.EINVALID,
		Message: "This request came from another site, so it was refused. " +
			"Go back to Seamless and try again from there."})
}

// badForm turns a form-parsing failure into a message a person can act on.
func badForm(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return seamless.Errorf(seamless.EINVALID, "The form was too large to accept.")
	}
	return seamless.Errorf(seamless.EINVALID, "The form could not be read. Reload the page and try again.")
}
