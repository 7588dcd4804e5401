-- Admin settings: each brand channel is a data source (one Facebook Page or one X
-- account) that admins connect, edit and disconnect; routing rules gain a version; every
-- change is in an audit log.

-- Conversations start from the public space (comments, posts, mentions) and from the
-- private one (direct messages) only while it is on.
ALTER TABLE brand_channels ADD COLUMN public_enabled INTEGER NOT NULL DEFAULT 1
    CHECK (public_enabled IN (0, 1));
ALTER TABLE brand_channels ADD COLUMN private_enabled INTEGER NOT NULL DEFAULT 1
    CHECK (private_enabled IN (0, 1));
-- The platform sends the source's events to our webhook. Channels from before this
-- migration were receiving them.
ALTER TABLE brand_channels ADD COLUMN subscribed INTEGER NOT NULL DEFAULT 1
    CHECK (subscribed IN (0, 1));
-- Set when an admin disconnects it: its conversations stay, nothing new comes or goes.
-- The row stays because conversations reference it; connecting again clears it.
ALTER TABLE brand_channels ADD COLUMN disconnected_at INTEGER;
ALTER TABLE brand_channels ADD COLUMN last_error TEXT
    CHECK (last_error IS NULL OR length(last_error) BETWEEN 1 AND 1000);
-- Bumped by every change, so an edit based on an older reading is refused (If-Match).
ALTER TABLE brand_channels ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);

ALTER TABLE accounts ADD COLUMN routing_version INTEGER NOT NULL DEFAULT 1
    CHECK (routing_version >= 1);

-- Who changed what, when, with the fields before and after (JSON objects of text;
-- secrets only as "(set)", "(replaced)" or "(not set)").
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    -- No reference: the entry outlives the agent.
    actor_id   INTEGER NOT NULL,
    actor_name TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN
        ('source_connected', 'source_changed', 'source_disconnected', 'routing_changed')),
    target     TEXT NOT NULL,
    source_id  INTEGER REFERENCES brand_channels (id),
    before     TEXT NOT NULL,
    after      TEXT NOT NULL
);
CREATE INDEX audit_log_account ON audit_log (account_id, id);

-- A source's latest event is read from the events kept for it (the admin page shows it):
-- an index entry per event rather than a second write on the webhook path.
CREATE INDEX webhook_events_brand ON webhook_events (source, brand_id, received_at);
