-- +goose Up
-- A session is keyed by the SHA-256 of its token: the raw token lives only in
-- the browser's cookie, so a copy of this table lets nobody sign in.
CREATE TABLE sessions (
    token_hash        bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    user_id           bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at        timestamptz NOT NULL,
    last_seen         timestamptz NOT NULL,
    idle_deadline     timestamptz NOT NULL,
    absolute_deadline timestamptz NOT NULL,
    remember          boolean NOT NULL DEFAULT false,
    user_agent        text NOT NULL DEFAULT '',
    client_ip         text NOT NULL DEFAULT '',
    data              bytea NOT NULL,
    CHECK (idle_deadline <= absolute_deadline)
);

CREATE INDEX sessions_user_id_idx ON sessions (user_id);

-- Cleanup looks for sessions past either deadline; the idle deadline is never
-- later than the absolute one, so it alone orders expiry.
CREATE INDEX sessions_idle_deadline_idx ON sessions (idle_deadline);

-- +goose Down
DROP TABLE sessions;
