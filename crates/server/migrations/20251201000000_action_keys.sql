-- The idempotency key an outgoing message was stored under, as "{agent id}/{key}": a
-- request repeated with the key after its first run died (or could not keep its answer)
-- finds the message instead of storing and sending a second one. A "Link to DM" stores
-- two messages under one key, the public invitation and the private reply.
ALTER TABLE messages ADD COLUMN action_key TEXT
    CHECK (action_key IS NULL OR length(action_key) BETWEEN 3 AND 300);
CREATE UNIQUE INDEX messages_action_key ON messages (action_key, private_reply)
    WHERE action_key IS NOT NULL;
