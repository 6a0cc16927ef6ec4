package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/seamless-sessions/seamless/internal/seamless"
)

const insertNote = `
INSERT INTO notes (user_id, idempotency_key, body, created_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (user_id, idempotency_key) DO NOTHING`

// CreateNote saves a note for userID. A key already used by that account
// saves nothing and reports false: the form was sent twice.
func (db *DB) CreateNote(ctx context.Context, userID int64, key, body string) (bool, error) {
	tag, err := db.Pool.Exec(ctx, insertNote, userID, key, body, db.now())
	if err != nil {
		return false, unavailable("create note", err)
	}
	return tag.RowsAffected() == 1, nil
}

// Notes returns userID's latest notes, newest first, at most limit of them.
func (db *DB) Notes(ctx context.Context, userID int64, limit int) ([]seamless.Note, error) {
	rows, err := db.Pool.Query(ctx, `
		SELECT id, user_id, body, created_at FROM notes
		WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, userID, limit)
	if err != nil {
		return nil, unavailable("list notes", err)
	}
	notes, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (seamless.Note, error) {
		var n seamless.Note
		err := row.Scan(&n.ID, &n.UserID, &n.Body, &n.CreatedAt)
		return n, err
	})
	if err != nil {
		return nil, unavailable("list notes", err)
	}
	return notes, nil
}

const upsertDraft = `
INSERT INTO note_drafts (token_hash, owner_id, idempotency_key, body, expires_at)
VALUES ($1, NULLIF($2, 0), $3, $4, $5)
ON CONFLICT (token_hash) DO UPDATE
SET owner_id = EXCLUDED.owner_id, idempotency_key = EXCLUDED.idempotency_key,
    body = EXCLUDED.body, expires_at = EXCLUDED.expires_at`

// SaveDraft keeps d for the browser holding token until expires. Drafts
// already past their time are deleted on the way.
func (db *DB) SaveDraft(ctx context.Context, token string, d seamless.Draft, expires time.Time) error {
	if _, err := db.Pool.Exec(ctx, `DELETE FROM note_drafts WHERE expires_at <= $1`,
		db.now()); err != nil {
		return unavailable("delete old drafts", err)
	}
	_, err := db.Pool.Exec(ctx, upsertDraft,
		HashToken(token), d.OwnerID, d.Key, d.Body, expires.UTC())
	if err != nil {
		return unavailable("save draft", err)
	}
	return nil
}

const takeDraft = `
DELETE FROM note_drafts
WHERE token_hash = $1 AND expires_at > $2 AND (owner_id IS NULL OR owner_id = $3)
RETURNING idempotency_key, body, coalesce(owner_id, 0)`

// TakeDraft returns and deletes the live draft kept for the browser holding
// token, if userID may have it. Having none is an ENOTFOUND error.
func (db *DB) TakeDraft(ctx context.Context, token string, userID int64) (*seamless.Draft, error) {
	var d seamless.Draft
	err := db.Pool.QueryRow(ctx, takeDraft, HashToken(token), db.now(), userID).
		Scan(&d.Key, &d.Body, &d.OwnerID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, seamless.Errorf(seamless.ENOTFOUND, "No draft was kept for this browser.")
	} else if err != nil {
		return nil, unavailable("take draft", err)
	}
	return &d, nil
}
