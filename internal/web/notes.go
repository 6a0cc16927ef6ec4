package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/seamless-sessions/seamless/internal/seamless"
	"github.com/seamless-sessions/seamless/views"
)

// Notes stores people's notes, and the drafts kept for a browser whose
// session ended before its note could be saved.
type Notes interface {
	CreateNote(ctx context.Context, userID int64, key, body string) (bool, error)
	Notes(ctx context.Context, userID int64, limit int) ([]seamless.Note, error)
	SaveDraft(ctx context.Context, token string, d seamless.Draft, expires time.Time) error
	TakeDraft(ctx context.Context, token string, userID int64) (*seamless.Draft, error)
}

// draftLifetime is how long a draft waits for its writer to sign in again.
// A draft whose owner the server no longer knew (a session signed out
// elsewhere) goes to whoever signs in next in that browser within this time.
const draftLifetime = 30 * time.Minute

// notesShown is how many saved notes the page lists.
const notesShown = 20

// noteForm is a parsed notes form.
type noteForm struct {
	Key, Body string
	// KeepDraft asks to keep the text for after sign-in instead of saving
	// it, for a person about to sign in again.
	KeepDraft bool
}

// parseNoteForm reads the notes form. A key that is missing or malformed
// gets a fresh one, so that what was typed can still be sent again.
func parseNoteForm(w http.ResponseWriter, r *http.Request) (noteForm, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return noteForm{}, badForm(err)
	}
	f := noteForm{Key: r.PostForm.Get("key"), Body: r.PostForm.Get("body"),
		KeepDraft: r.PostForm.Get("keep") == "draft"}
	if !validKey(f.Key) {
		f.Key = newToken()
	}
	switch {
	case strings.TrimSpace(f.Body) == "":
		return f, seamless.Errorf(seamless.EINVALID, "Write something before saving.")
	case len(f.Body) > seamless.MaxNoteLength:
		return f, seamless.Errorf(seamless.EINVALID,
			"A note can hold at most %d characters.", seamless.MaxNoteLength)
	}
	return f, nil
}

// notesPage shows the notes and the form, filled with this browser's draft
// when one was kept while the person signed in again.
func (s *server) notesPage(w http.ResponseWriter, r *http.Request) {
	sess := seamless.VisitFrom(r.Context()).Session
	p := s.notesView(sess, noteForm{Key: newToken()})
	if d := s.takeDraft(w, r, sess.UserID); d != nil {
		p.Body, p.Key = d.Body, d.Key
		p.Notice = "Your text was kept while you signed in again. Check it and save it."
	} else if r.URL.Query().Get("saved") == "1" {
		p.Notice = "Your note was saved."
	}
	s.showNotes(w, r, http.StatusOK, p)
}

// saveNote saves a note once, however many times its form is sent. Sent
// after the session ended, the text is kept for this browser and the person
// is asked to sign in, then brought back to the form with it.
func (s *server) saveNote(w http.ResponseWriter, r *http.Request) {
	f, err := parseNoteForm(w, r)
	sess := seamless.VisitFrom(r.Context()).Session
	if (sess == nil || f.KeepDraft) && err == nil {
		s.keepDraft(w, r, f)
		return
	}
	if sess == nil {
		s.toLogin(w, r, s.endReason(r))
		return
	}
	if err == nil {
		_, err = s.Notes.CreateNote(r.Context(), sess.UserID, f.Key, f.Body)
	}
	if err != nil {
		s.noteFailed(w, r, sess, f, err)
		return
	}
	s.redirect(w, r, "/notes?saved=1")
}

// noteFailed shows the form again with the text kept and the reason it was
// not saved: a mistake to correct, or a database that cannot be reached.
func (s *server) noteFailed(w http.ResponseWriter, r *http.Request, sess *seamless.Session,
	f noteForm, err error) {
	code := seamless.ErrorCode(err)
	if code != seamless.EINVALID && code != seamless.EUNAVAILABLE {
		s.fail(w, r, err)
		return
	}
	logger(r).Warn("note not saved", "code", code, "err", err)
	p := s.notesView(sess, f)
	p.Error = seamless.ErrorMessage(err)
	s.showNotes(w, r, statusOf[code], p)
}

// keepDraft stores the text for this browser under a fresh random token in
// an HttpOnly cookie, then sends the person to sign in and come back. Drafts
// are taken from browsers without a session, so their number is bounded only
// by their 30-minute life, the form size limit and any rate limit in front of
// this route.
func (s *server) keepDraft(w http.ResponseWriter, r *http.Request, f noteForm) {
	v := seamless.VisitFrom(r.Context())
	token := newToken()
	d := seamless.Draft{Key: f.Key, Body: f.Body, OwnerID: v.EndedUserID}
	if v.Session != nil {
		d.OwnerID = v.Session.UserID
	}
	expires := s.Clock.Now().Add(draftLifetime)
	if err := s.Notes.SaveDraft(r.Context(), token, d, expires); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setDraftCookie(w, token, int(draftLifetime/time.Second))
	logger(r).Info("note kept as a draft until sign-in", "owner_known", d.OwnerID != 0)
	reason := s.endReason(r)
	switch {
	case v.Session != nil:
		reason = "" // still signed in: nothing to explain
	case reason == "":
		reason = reasonEnded
	}
	s.redirect(w, r, loginURL("/notes", reason))
}

// takeDraft returns the draft kept for this browser, if userID may have it,
// and forgets it. A draft kept for another account stays for its owner; one
// that cannot be read now stays for the next visit.
func (s *server) takeDraft(w http.ResponseWriter, r *http.Request, userID int64) *seamless.Draft {
	c, err := r.Cookie(s.draftCookieName())
	if err != nil {
		return nil
	}
	if !validKey(c.Value) {
		s.setDraftCookie(w, "", -1)
		return nil
	}
	d, err := s.Notes.TakeDraft(r.Context(), c.Value, userID)
	if err != nil {
		if seamless.ErrorCode(err) != seamless.ENOTFOUND {
			logger(r).Warn("draft not read", "err", err)
		}
		return nil
	}
	s.setDraftCookie(w, "", -1)
	return d
}

func (s *server) notesView(sess *seamless.Session, f noteForm) views.NotesPage {
	times := s.sessionTimes(sess)
	return views.NotesPage{Session: &times, Body: f.Body, Key: f.Key}
}

// keepNoteInOutage makes a note sent while the database cannot be reached,
// even to check the session, come back as the form with its text and the
// reason, instead of a bare error page: without scripts, that page would be
// all the person had left of what they wrote.
func (s *server) keepNoteInOutage(next http.Handler) http.Handler {
	return withOutagePage(next, func(w http.ResponseWriter, r *http.Request, err error) {
		f, _ := parseNoteForm(w, r)
		p := views.NotesPage{Body: f.Body, Key: f.Key, Error: seamless.ErrorMessage(err)}
		s.render(w, r, http.StatusServiceUnavailable, views.Notes(p))
	})
}

// showNotes fills in the account and its notes, then renders the page. If
// the notes cannot be read, the form is shown anyway, with its text.
func (s *server) showNotes(w http.ResponseWriter, r *http.Request, status int, p views.NotesPage) {
	sess := seamless.VisitFrom(r.Context()).Session
	u, err := s.Users.UserByID(r.Context(), sess.UserID)
	if err == nil {
		p.Email = u.Email
		p.Notes, err = s.Notes.Notes(r.Context(), sess.UserID, notesShown)
	}
	if err != nil && p.Error == "" {
		logger(r).Error("notes not read", "err", err)
		p.Error = seamless.ErrorMessage(err)
		status = statusOf[seamless.ErrorCode(err)]
	}
	s.render(w, r, status, views.Notes(p))
}

func (s *server) draftCookieName() string {
	if s.cfg.SecureCookie {
		return "__Host-seamless-draft"
	}
	return "seamless-draft"
}

func (s *server) setDraftCookie(w http.ResponseWriter, token string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: s.draftCookieName(), Value: token, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.cfg.SecureCookie, SameSite: http.SameSiteLaxMode,
	})
}

// newToken returns 32 random bytes in URL-safe base64, for draft tokens and
// idempotency keys.
func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// validKey reports whether k has the form newToken gives.
func validKey(k string) bool {
	b, err := base64.RawURLEncoding.DecodeString(k)
	return len(k) == 43 && err == nil && len(b) == 32
}
