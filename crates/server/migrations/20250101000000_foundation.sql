-- The foundation: brand accounts, their channels and agents, sessions, and the
-- conversations with consumers. Platform ids are unique where a platform could deliver
-- the same object twice (webhooks are retried), so inserts can be apply-once.

CREATE TABLE accounts (
    id   INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

-- The brand's own Facebook Page or X account.
CREATE TABLE brand_channels (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    source      TEXT NOT NULL CHECK (source IN ('facebook', 'x')),
    platform_id TEXT NOT NULL,
    name        TEXT NOT NULL,
    handle      TEXT,
    -- A page or X account is connected to one brand account: webhooks are routed by it.
    UNIQUE (source, platform_id)
);
CREATE INDEX brand_channels_account ON brand_channels (account_id);

CREATE TABLE agents (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('human', 'bot')),
    role       TEXT NOT NULL CHECK (role IN ('agent', 'admin'))
);
CREATE INDEX agents_account ON agents (account_id);

-- Only the SHA-256 of a bearer token is stored: a copy of this table signs nobody in.
CREATE TABLE sessions (
    token_sha256 TEXT PRIMARY KEY NOT NULL CHECK (length(token_sha256) = 64),
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    agent_id     INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE consumers (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    source          TEXT NOT NULL CHECK (source IN ('facebook', 'x')),
    platform_id     TEXT NOT NULL,
    display_name    TEXT,
    handle          TEXT,
    picture_url     TEXT,
    profile_url     TEXT,
    locale          TEXT,
    timezone        TEXT,
    follower_count  INTEGER CHECK (follower_count IS NULL OR follower_count >= 0),
    -- Set when the platform withholds the profile; the profile columns are then empty.
    withheld_reason TEXT CHECK (withheld_reason IN ('eu_privacy', 'no_profile_available')),
    CHECK (withheld_reason IS NOT NULL OR display_name IS NOT NULL),
    UNIQUE (account_id, source, platform_id)
);

CREATE TABLE conversations (
    id                INTEGER PRIMARY KEY,
    account_id        INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    brand_channel_id  INTEGER NOT NULL REFERENCES brand_channels (id),
    consumer_id       INTEGER NOT NULL REFERENCES consumers (id),
    assigned_agent_id INTEGER REFERENCES agents (id) ON DELETE SET NULL,
    -- The post or tweet a public conversation hangs on; all NULL for a DM-only one.
    post_platform_id    TEXT,
    post_text           TEXT,
    post_author         TEXT,
    post_posted_at      INTEGER,
    post_attachment_url TEXT,
    post_permalink      TEXT,
    CHECK (
        (post_platform_id IS NULL AND post_text IS NULL AND post_author IS NULL
            AND post_posted_at IS NULL AND post_permalink IS NULL AND post_attachment_url IS NULL)
        OR (post_platform_id IS NOT NULL AND post_text IS NOT NULL AND post_author IS NOT NULL
            AND post_posted_at IS NOT NULL AND post_permalink IS NOT NULL)
    )
);
CREATE INDEX conversations_account ON conversations (account_id, assigned_agent_id);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    -- NULL for internal notes and messages not (yet) sent.
    platform_id     TEXT,
    author_kind     TEXT NOT NULL CHECK (author_kind IN ('consumer', 'agent', 'bot', 'system')),
    author_agent_id INTEGER REFERENCES agents (id),
    -- The author's name when written: an agent may be renamed or removed later.
    author_name     TEXT,
    space           TEXT NOT NULL CHECK (space IN ('public', 'private', 'internal')),
    text            TEXT NOT NULL,
    reply_to        INTEGER,
    sent_at         INTEGER NOT NULL,
    liked_by_brand  INTEGER NOT NULL DEFAULT 0 CHECK (liked_by_brand IN (0, 1)),
    delivery        TEXT NOT NULL DEFAULT 'sent' CHECK (delivery IN ('pending', 'sent', 'failed')),
    failure_reason  TEXT,
    CHECK ((delivery = 'failed') = (failure_reason IS NOT NULL)),
    CHECK (author_kind <> 'agent' OR (author_agent_id IS NOT NULL AND author_name IS NOT NULL)),
    CHECK (author_kind <> 'bot' OR author_name IS NOT NULL),
    CHECK (space <> 'internal' OR platform_id IS NULL),
    UNIQUE (conversation_id, platform_id),
    -- A reply answers a message of the same conversation.
    UNIQUE (id, conversation_id),
    FOREIGN KEY (reply_to, conversation_id) REFERENCES messages (id, conversation_id)
);
CREATE INDEX messages_conversation ON messages (conversation_id, sent_at, id);
