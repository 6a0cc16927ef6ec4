-- +goose Up
-- A note saved by a person. The idempotency key comes from the form that
-- wrote it, so sending the same form twice saves it once.
CREATE TABLE notes (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    idempotency_key text NOT NULL CHECK (idempotency_key <> ''),
    body            text NOT NULL CHECK (body <> ''),
    created_at      timestamptz NOT NULL,
    UNIQUE (user_id, idempotency_key)
);

-- The text of a note sent after its writer's session ended, kept for the
-- browser that sent it until they sign in again. It is keyed by the SHA-256
-- of a random token held in that browser's cookie; owner_id is the account of
-- the ended session when the server still knew it.
CREATE TABLE note_drafts (
    token_hash      bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    owner_id        bigint REFERENCES users (id) ON DELETE CASCADE,
    idempotency_key text NOT NULL,
    body            text NOT NULL,
    expires_at      timestamptz NOT NULL
);

CREATE INDEX note_drafts_expires_at_idx ON note_drafts (expires_at);

-- +goose Down
DROP TABLE note_drafts;
DROP TABLE notes;
