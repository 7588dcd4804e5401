-- Agents sign in with e-mail and password; sessions end (idle and absolute expiry);
-- failed sign-ins are counted here, so the limit holds across server instances.

-- Stored lowercased, so uniqueness is case-insensitive. NULL: the agent has no e-mail.
ALTER TABLE agents ADD COLUMN email TEXT CHECK (email IS NULL OR email = lower(email));
-- An argon2id PHC string. NULL: the agent cannot sign in with a password.
ALTER TABLE agents ADD COLUMN password_hash TEXT;
CREATE UNIQUE INDEX agents_email ON agents (email);

-- Sessions opened before sessions could end had no expiry: they end here (a token in the
-- wild should not live for ever). The tickets hang on their session now, so a ticket of a
-- session that ended opens nothing.
DROP TABLE event_tickets;
DROP TABLE sessions;

CREATE TABLE sessions (
    token_sha256    TEXT PRIMARY KEY NOT NULL CHECK (length(token_sha256) = 64),
    account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    agent_id        INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    created_at      INTEGER NOT NULL,
    -- Moves on with use (sliding), never past `expires_at`, the absolute cap.
    idle_expires_at INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    CHECK (idle_expires_at <= expires_at)
) WITHOUT ROWID;

CREATE TABLE event_tickets (
    ticket_sha256  TEXT PRIMARY KEY NOT NULL CHECK (length(ticket_sha256) = 64),
    -- Signing out deletes the session and with it its unused tickets.
    session_sha256 TEXT NOT NULL REFERENCES sessions (token_sha256) ON DELETE CASCADE,
    expires_at     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX event_tickets_session ON event_tickets (session_sha256);

-- Sign-in attempts that count against an e-mail (its SHA-256: the table must not become a
-- list of addresses people typed). A row is written before the password is checked, so
-- concurrent attempts cannot exceed the limit, and removed when the attempt succeeds.
CREATE TABLE sign_in_failures (
    id           INTEGER PRIMARY KEY,
    email_sha256 TEXT NOT NULL CHECK (length(email_sha256) = 64),
    at           INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_email ON sign_in_failures (email_sha256, at);
