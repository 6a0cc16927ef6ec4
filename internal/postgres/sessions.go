package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/seamless-sessions/seamless/internal/seamless"
)

// SessionStore keeps sessions in the sessions table. It is the store behind
// the scs session manager (it implements scs.CtxStore) and also slides, lists
// and revokes sessions, which scs has no words for.
//
// The store, not scs, owns both deadlines: scs's own idle timeout would
// rewrite the row on every request, and its token renewal would restart the
// absolute lifetime.
type SessionStore struct {
	DB     *DB
	Policy seamless.Policy
}

// NewSessionStore returns a SessionStore for db that applies policy.
func NewSessionStore(db *DB, policy seamless.Policy) *SessionStore {
	return &SessionStore{DB: db, Policy: policy}
}

// TokenLen is the length of a session token: 32 random bytes, base64url
// without padding, as scs makes them.
const TokenLen = 43

// HashToken returns the SHA-256 of a token, the only form stored.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// ValidToken reports whether s has the form of a session token: 32 bytes
// in canonical unpadded base64url. Anything else is refused before it
// reaches the database.
func ValidToken(s string) bool {
	if len(s) != TokenLen {
		return false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil && len(b) == 32
}

// SessionID returns the public identifier of the session with token hash h.
func SessionID(h []byte) string { return hex.EncodeToString(h) }

const sessionColumns = `token_hash, user_id, created_at, last_seen, idle_deadline,
	absolute_deadline, remember, user_agent, client_ip`

func scanSession(row pgx.Row, data *[]byte) (*seamless.Session, error) {
	var s seamless.Session
	var h []byte
	dest := []any{&h, &s.UserID, &s.CreatedAt, &s.LastSeen, &s.IdleDeadline,
		&s.AbsoluteDeadline, &s.Remember, &s.UserAgent, &s.ClientIP}
	if data != nil {
		dest = append(dest, data)
	}
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	s.ID = SessionID(h)
	return &s, nil
}

// FindCtx returns the data of the live session named by token. A token of
// the wrong form, an unknown one and an expired one are all "not found"; the
// request's Visit records which. Only a database failure is an error, so an
// outage never reads as a sign-out.
func (st *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	v := seamless.VisitFrom(ctx)
	if v == nil {
		v = &seamless.Visit{}
	}
	if !ValidToken(token) {
		v.Malformed = true
		return nil, false, nil
	}
	var data []byte
	s, err := scanSession(st.DB.Pool.QueryRow(ctx,
		`SELECT `+sessionColumns+`, data FROM sessions WHERE token_hash = $1`,
		HashToken(token)), &data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	} else if err != nil {
		return nil, false, unavailable("find session", err)
	}
	if v.Expired = s.Expiry(st.DB.now()); v.Expired != seamless.NotExpired {
		v.Ended = s
		v.EndedUserID = s.UserID
		return nil, false, nil
	}
	v.Session = s
	return data, true, nil
}

// CommitCtx saves session data. A token the request loaded is only ever
// updated, never inserted again, so a request still in flight when its
// session was signed out or revoked cannot bring it back. Any other token is
// a new session, created for the Visit's NewUserID.
func (st *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, _ time.Time) error {
	v := seamless.VisitFrom(ctx)
	if v == nil {
		return errors.New("postgres: commit session: no visit in context")
	}
	h := HashToken(token)
	if v.Session != nil && v.Session.ID == SessionID(h) {
		_, err := st.DB.Pool.Exec(ctx,
			`UPDATE sessions SET data = $2 WHERE token_hash = $1`, h, b)
		if err != nil {
			return unavailable("save session", err)
		}
		return nil
	}
	return st.insert(ctx, v, h, b)
}

func (st *SessionStore) insert(ctx context.Context, v *seamless.Visit, h, b []byte) error {
	if v.NewUserID == 0 {
		return errors.New("postgres: commit session: new session has no user")
	}
	now := st.DB.now()
	abs := now.Add(st.Policy.Lifetime(v.Remember))
	if !v.KeepAbsolute.IsZero() && v.KeepAbsolute.Before(abs) {
		abs = v.KeepAbsolute
	}
	s, err := scanSession(st.DB.Pool.QueryRow(ctx, `
		INSERT INTO sessions (token_hash, user_id, created_at, last_seen,
			idle_deadline, absolute_deadline, remember, user_agent, client_ip, data)
		VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9)
		RETURNING `+sessionColumns,
		h, v.NewUserID, now, st.Policy.IdleDeadline(now, abs, v.Remember), abs,
		v.Remember, v.UserAgent, v.ClientIP, b), nil)
	if err != nil {
		return unavailable("create session", err)
	}
	v.Session = s
	return nil
}

// DeleteCtx removes the session named by token. Removing one that does not
// exist is not an error.
func (st *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	if !ValidToken(token) {
		return nil
	}
	_, err := st.DB.Pool.Exec(ctx,
		`DELETE FROM sessions WHERE token_hash = $1`, HashToken(token))
	if err != nil {
		return unavailable("delete session", err)
	}
	return nil
}

// Find, Commit and Delete satisfy scs.Store for callers without a context.
func (st *SessionStore) Find(token string) ([]byte, bool, error) {
	return st.FindCtx(context.Background(), token)
}

// Commit is CommitCtx without a context; it can only update sessions.
func (st *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return st.CommitCtx(seamless.WithVisit(context.Background(), nil), token, b, expiry)
}

// Delete is DeleteCtx without a context.
func (st *SessionStore) Delete(token string) error {
	return st.DeleteCtx(context.Background(), token)
}

// touchSQL slides one live session, but only if it was last slid at or before
// $2. Requests racing on several replicas all send it; the first one to get
// the row lock writes and the rest find the condition false, so one interval
// costs one write however many requests arrive in it.
const touchSQL = `
	UPDATE sessions
	SET last_seen = $3::timestamptz,
	    idle_deadline = LEAST(
	        CASE WHEN remember THEN $5::timestamptz ELSE $4::timestamptz END,
	        absolute_deadline)
	WHERE token_hash = decode($1, 'hex')
	  AND last_seen <= $2::timestamptz
	  AND idle_deadline > $3::timestamptz AND absolute_deadline > $3::timestamptz
	RETURNING ` + sessionColumns

// Touch records activity on s: if its idle deadline was last slid at least
// one TouchInterval ago it is moved to one idle timeout from now (never past
// the absolute deadline), and s is updated. It reports whether it wrote.
func (st *SessionStore) Touch(ctx context.Context, s *seamless.Session) (bool, error) {
	now := st.DB.now()
	if now.Sub(s.LastSeen) < st.Policy.TouchInterval {
		return false, nil
	}
	return st.slide(ctx, s, now, now.Add(-st.Policy.TouchInterval))
}

// Refresh slides s now, whatever the touch interval, for a person who asked
// to stay signed in. Refreshes closer than a second apart are not written.
func (st *SessionStore) Refresh(ctx context.Context, s *seamless.Session) (bool, error) {
	now := st.DB.now()
	return st.slide(ctx, s, now, now.Add(-time.Second))
}

func (st *SessionStore) slide(ctx context.Context, s *seamless.Session, now, since time.Time) (bool, error) {
	p := st.Policy
	got, err := scanSession(st.DB.Pool.QueryRow(ctx, touchSQL, s.ID, since, now,
		now.Add(p.IdleTimeout), now.Add(p.RememberIdleTimeout)), nil)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, unavailable("touch session", err)
	}
	*s = *got
	return true, nil
}

// Session returns the live session with the given ID, or an ENOTFOUND
// error, without sliding it.
func (st *SessionStore) Session(ctx context.Context, id string) (*seamless.Session, error) {
	s, err := scanSession(st.DB.Pool.QueryRow(ctx, `SELECT `+sessionColumns+`
		FROM sessions WHERE token_hash = decode($1, 'hex')
		AND idle_deadline > $2 AND absolute_deadline > $2`, id, st.DB.now()), nil)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, seamless.Errorf(seamless.ENOTFOUND, "That session has ended.")
	} else if err != nil {
		return nil, unavailable("find session", err)
	}
	return s, nil
}

// Revoke ends the session with the given ID. Ending one already gone is not
// an error.
func (st *SessionStore) Revoke(ctx context.Context, id string) error {
	_, err := st.DB.Pool.Exec(ctx,
		`DELETE FROM sessions WHERE token_hash = decode($1, 'hex')`, id)
	if err != nil {
		return unavailable("revoke session", err)
	}
	return nil
}
