-- The event log: every change the live streams carry, in order. A stream that reconnects
-- replays from the last id it saw. AUTOINCREMENT: an id is never given twice, so "after
-- this id" means the same thing for ever.
CREATE TABLE events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    -- The JSON of `social_api::events::Change`, as the stream sends it.
    change          TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX events_conversation ON events (conversation_id, id);

-- Tickets that open one event stream each: EventSource sends no Authorization header, and
-- a session token must never be in a URL. Only the SHA-256 is stored; a ticket is deleted
-- when used.
CREATE TABLE event_tickets (
    ticket_sha256 TEXT PRIMARY KEY NOT NULL CHECK (length(ticket_sha256) = 64),
    account_id    INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    agent_id      INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    expires_at    INTEGER NOT NULL
) WITHOUT ROWID;
