package postgres

import (
	"context"

	"github.com/seamless-sessions/seamless/internal/seamless"
)

// insertEventSQL adds one audit event. An expiry already recorded for the
// same session is skipped, so replicas that all notice it record it once.
const insertEventSQL = `
	INSERT INTO audit_events (at, kind, user_id, email, session_id,
		client_ip, user_agent, detail)
	VALUES ($1, $2, NULLIF($3, 0), $4, $5, $6, $7, $8)
	ON CONFLICT DO NOTHING`

// Record adds e to the audit trail, at the database clock's time if e.At
// is zero.
func (db *DB) Record(ctx context.Context, e seamless.Event) error {
	if e.At.IsZero() {
		e.At = db.now()
	}
	_, err := db.Pool.Exec(ctx, insertEventSQL, e.At, string(e.Kind), e.UserID,
		e.Email, e.SessionID, e.ClientIP, e.UserAgent, e.Detail)
	if err != nil {
		return unavailable("record audit event", err)
	}
	return nil
}

const eventsSQL = `
	SELECT at, kind, COALESCE(user_id, 0), email, session_id, client_ip,
		user_agent, detail
	FROM audit_events
	WHERE user_id = $1 OR lower(email) = lower($2)
	ORDER BY at DESC, id DESC
	LIMIT $3`

// Events returns the newest audit events, at most limit, that concern the
// account u: those recorded for it and failed sign-ins naming its address.
func (db *DB) Events(ctx context.Context, u *seamless.User, limit int) ([]seamless.Event, error) {
	rows, err := db.Pool.Query(ctx, eventsSQL, u.ID, u.Email, limit)
	if err != nil {
		return nil, unavailable("list audit events", err)
	}
	defer rows.Close()
	var out []seamless.Event
	for rows.Next() {
		var e seamless.Event
		var kind string
		if err := rows.Scan(&e.At, &kind, &e.UserID, &e.Email, &e.SessionID,
			&e.ClientIP, &e.UserAgent, &e.Detail); err != nil {
			return nil, unavailable("list audit events", err)
		}
		e.Kind = seamless.EventKind(kind)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, unavailable("list audit events", err)
	}
	return out, nil
}
