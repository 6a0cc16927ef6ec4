package postgres

import (
	"context"

	"github.com/seamless-sessions/seamless/internal/seamless"
)

// SessionsByUser returns the live sessions of an account, newest first.
func (st *SessionStore) SessionsByUser(ctx context.Context, userID int64) ([]*seamless.Session, error) {
	rows, err := st.DB.Pool.Query(ctx, `SELECT `+sessionColumns+` FROM sessions
		WHERE user_id = $1 AND idle_deadline > $2 AND absolute_deadline > $2
		ORDER BY created_at DESC, token_hash`, userID, st.DB.now())
	if err != nil {
		return nil, unavailable("list sessions", err)
	}
	defer rows.Close()
	var out []*seamless.Session
	for rows.Next() {
		s, err := scanSession(rows, nil)
		if err != nil {
			return nil, unavailable("list sessions", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, unavailable("list sessions", err)
	}
	return out, nil
}

// RevokeOwn ends the session id if it belongs to userID, and reports
// whether it did. Someone else's session is left alone.
func (st *SessionStore) RevokeOwn(ctx context.Context, userID int64, id string) (bool, error) {
	tag, err := st.DB.Pool.Exec(ctx, `DELETE FROM sessions
		WHERE token_hash = decode($2, 'hex') AND user_id = $1`, userID, id)
	if err != nil {
		return false, unavailable("revoke session", err)
	}
	return tag.RowsAffected() > 0, nil
}

// RevokeOthers ends every session of userID except exceptID and returns
// how many it ended.
func (st *SessionStore) RevokeOthers(ctx context.Context, userID int64, exceptID string) (int, error) {
	tag, err := st.DB.Pool.Exec(ctx, `DELETE FROM sessions
		WHERE user_id = $1 AND token_hash <> decode($2, 'hex')`, userID, exceptID)
	if err != nil {
		return 0, unavailable("revoke sessions", err)
	}
	return int(tag.RowsAffected()), nil
}

// RevokeAll ends every session of userID and returns how many it ended.
func (st *SessionStore) RevokeAll(ctx context.Context, userID int64) (int, error) {
	tag, err := st.DB.Pool.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	if err != nil {
		return 0, unavailable("revoke sessions", err)
	}
	return int(tag.RowsAffected()), nil
}
