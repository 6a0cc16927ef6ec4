-- +goose Up
-- Security events, kept for people and operators to review. A row never
-- holds a token or a password: sessions are named by the SHA-256 of their
-- token, as in the sessions table.
CREATE TABLE audit_events (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL,
    kind       text NOT NULL,
    user_id    bigint REFERENCES users (id) ON DELETE SET NULL,
    email      text NOT NULL DEFAULT '',
    session_id text NOT NULL DEFAULT '',
    client_ip  text NOT NULL DEFAULT '',
    user_agent text NOT NULL DEFAULT '',
    detail     text NOT NULL DEFAULT ''
);

CREATE INDEX audit_events_user_idx ON audit_events (user_id, at);
CREATE INDEX audit_events_email_idx ON audit_events (lower(email), at);

-- A session expires once: replicas that all notice it record one event.
CREATE UNIQUE INDEX audit_events_expiry_once ON audit_events (session_id, kind)
    WHERE kind IN ('expired_idle', 'expired_absolute');

-- Failed sign-ins per key ("account:EMAIL" or "address:IP"). Counting here
-- rather than in memory makes the limit hold across replicas.
CREATE TABLE login_failures (
    key          text PRIMARY KEY,
    failures     integer NOT NULL,
    last_failure timestamptz NOT NULL,
    locked_until timestamptz NOT NULL
);

-- +goose Down
DROP TABLE login_failures;
DROP TABLE audit_events;
