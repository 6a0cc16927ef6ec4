package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/seamless-sessions/seamless/internal/seamless"
)

// CreateUser adds an account. An address already taken, in any letter case,
// is an ECONFLICT error.
func (db *DB) CreateUser(ctx context.Context, email, passwordHash string) (*seamless.User, error) {
	u := &seamless.User{Email: email, PasswordHash: passwordHash, CreatedAt: db.now()}
	err := db.Pool.QueryRow(ctx, `
		INSERT INTO users (email, password_hash, created_at, updated_at)
		VALUES ($1, $2, $3, $3) RETURNING id`,
		email, passwordHash, u.CreatedAt).Scan(&u.ID)
	if isUniqueViolation(err) {
		return nil, seamless.Errorf(seamless.ECONFLICT, "An account for %s already exists.", email)
	} else if err != nil {
		return nil, unavailable("create user", err)
	}
	return u, nil
}

// UserByEmail finds an account by address, ignoring letter case. A missing
// account is an ENOTFOUND error.
func (db *DB) UserByEmail(ctx context.Context, email string) (*seamless.User, error) {
	return db.findUser(ctx, "lower(email) = lower($1)", email)
}

// UserByID finds an account by id. A missing account is an ENOTFOUND error.
func (db *DB) UserByID(ctx context.Context, id int64) (*seamless.User, error) {
	return db.findUser(ctx, "id = $1", id)
}

func (db *DB) findUser(ctx context.Context, where string, arg any) (*seamless.User, error) {
	var u seamless.User
	err := db.Pool.QueryRow(ctx, `
		SELECT id, email, password_hash, created_at FROM users WHERE `+where, arg,
	).Scan(&u.ID, &u.Email, &u.PasswordHash, &u.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, seamless.Errorf(seamless.ENOTFOUND, "No such account.")
	} else if err != nil {
		return nil, unavailable("find user", err)
	}
	return &u, nil
}

// CountUsers returns how many accounts exist.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := db.Pool.QueryRow(ctx, "SELECT count(*) FROM users").Scan(&n); err != nil {
		return 0, unavailable("count users", err)
	}
	return n, nil
}

// SetPassword replaces the password hash of an account.
func (db *DB) SetPassword(ctx context.Context, userID int64, hash string) error {
	tag, err := db.Pool.Exec(ctx, `UPDATE users SET password_hash = $2, updated_at = $3
		WHERE id = $1`, userID, hash, db.now())
	if err != nil {
		return unavailable("set password", err)
	}
	if tag.RowsAffected() == 0 {
		return seamless.Errorf(seamless.ENOTFOUND, "No such account.")
	}
	return nil
}
