-- The real Facebook and X clients: the token each brand channel calls its platform with,
-- and what the sweeper needs to settle messages left pending.

-- The Page access token (Facebook) or the OAuth 2.0 user access token (X) of the channel.
-- Read at call time; never returned by the API nor logged. NULL: not connected yet.
ALTER TABLE brand_channels ADD COLUMN access_token TEXT
    CHECK (access_token IS NULL OR length(access_token) > 0);

-- When the latest send of a pending message began (a retry sets it); NULL: at `sent_at`.
-- The sweeper settles messages pending for too long (the process died mid-send).
ALTER TABLE messages ADD COLUMN pending_since INTEGER;

-- 1 when the failed attempt may have reached the platform (no answer, and the platform
-- could not be checked): a retry then looks on the platform before sending again.
ALTER TABLE messages ADD COLUMN check_before_resend INTEGER NOT NULL DEFAULT 0
    CHECK (check_before_resend IN (0, 1));

CREATE INDEX messages_pending ON messages (COALESCE(pending_since, sent_at))
    WHERE delivery = 'pending';
