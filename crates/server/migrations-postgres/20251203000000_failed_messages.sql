-- The conversation list counts each conversation's failed deliveries; without an index
-- that count read every message of the conversation. Failed messages are few.
CREATE INDEX messages_failed ON messages (conversation_id) WHERE delivery = 'failed';
