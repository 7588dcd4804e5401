-- Every event of a verified webhook delivery, kept before the delivery is acknowledged:
-- platforms deliver at least once, so (source, key) is unique and a repeat is ignored;
-- a stored event is applied once, in the transaction that marks it applied, so a process
-- that dies in between applies it after the restart.
CREATE TABLE webhook_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    source      TEXT NOT NULL CHECK (source IN ('facebook', 'x')),
    key         TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 512),
    brand_id    TEXT NOT NULL,
    -- The JSON of `webhooks::Inbound`.
    event       TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    -- received: to apply; applied: done; deferred: waits for the message `waiting_for`
    -- (an edit, delete or reaction that came before its create); skipped: nothing to do
    -- (`outcome` says why).
    state       TEXT NOT NULL DEFAULT 'received'
        CHECK (state IN ('received', 'applied', 'deferred', 'skipped')),
    waiting_for TEXT,
    outcome     TEXT,
    applied_at  INTEGER,
    CHECK ((state = 'deferred') = (waiting_for IS NOT NULL)),
    UNIQUE (source, key)
);
CREATE INDEX webhook_events_to_apply ON webhook_events (id) WHERE state = 'received';
CREATE INDEX webhook_events_waiting ON webhook_events (source, waiting_for) WHERE state = 'deferred';
