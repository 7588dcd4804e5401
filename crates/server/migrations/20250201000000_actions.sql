-- The agent's actions: how an outgoing message was sent (so a retry sends it the same
-- way), how often it was tried, and the idempotency keys of action requests.

-- Platform calls made for the message (first send and retries).
ALTER TABLE messages ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0);
-- Whether the consumer is mentioned (Facebook tags the consumer's id on every attempt).
ALTER TABLE messages ADD COLUMN mention INTEGER NOT NULL DEFAULT 0 CHECK (mention IN (0, 1));
-- A Facebook private reply: a Messenger message answering the public comment `reply_to`.
ALTER TABLE messages ADD COLUMN private_reply INTEGER NOT NULL DEFAULT 0
    CHECK (private_reply IN (0, 1));
-- Meta allows one private reply per comment: two racing invitations cannot both send one.
CREATE UNIQUE INDEX messages_one_private_reply ON messages (reply_to) WHERE private_reply = 1;

-- One row per Idempotency-Key of an agent: the request it was first used with and, once
-- answered, the answer every repetition gets. Kept at least 24 h (no cleanup job yet;
-- `created_at` is indexed for it).
CREATE TABLE idempotency_keys (
    account_id            INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    agent_id              INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    key                   TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    -- SHA-256 of method, path and body: the same key with another request is refused.
    request_sha256        TEXT NOT NULL CHECK (length(request_sha256) = 64),
    created_at            INTEGER NOT NULL,
    -- NULL while the first request is being handled.
    response_status       INTEGER CHECK (response_status BETWEEN 100 AND 599),
    response_content_type TEXT,
    response_body         BLOB,
    CHECK ((response_status IS NULL) = (response_body IS NULL)),
    PRIMARY KEY (account_id, agent_id, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
