-- Applying webhook events: what the platforms tell us beyond a new message (edits,
-- deletions, the consumer's reactions, the brand writing outside the widget), and the
-- routing that gives a conversation started by a webhook its skill (on X its engagement).

-- Routing: an account's rules in `position` order, the first match wins; else the
-- account's default skill. A NULL match column matches anything.
ALTER TABLE accounts ADD COLUMN default_skill TEXT
    CHECK (default_skill IS NULL OR length(default_skill) BETWEEN 1 AND 200);
CREATE TABLE routing_rules (
    account_id        INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    position          INTEGER NOT NULL CHECK (position >= 0),
    source            TEXT CHECK (source IN ('facebook', 'x')),
    brand_platform_id TEXT,
    space             TEXT CHECK (space IN ('public', 'private')),
    skill             TEXT NOT NULL CHECK (length(skill) BETWEEN 1 AND 200),
    engagement        TEXT CHECK (engagement IS NULL OR length(engagement) BETWEEN 1 AND 200),
    PRIMARY KEY (account_id, position)
) WITHOUT ROWID;

-- Where routing sent the conversation when it started (NULL: nowhere in particular).
ALTER TABLE conversations ADD COLUMN skill TEXT;
ALTER TABLE conversations ADD COLUMN engagement TEXT;
-- The post was deleted on the platform; what we knew of it stays for the agents.
ALTER TABLE conversations ADD COLUMN post_deleted INTEGER NOT NULL DEFAULT 0
    CHECK (post_deleted IN (0, 1))
    CHECK (post_deleted = 0 OR post_platform_id IS NOT NULL);
-- Finding a consumer's conversations with a brand channel.
CREATE INDEX conversations_consumer ON conversations (consumer_id, brand_channel_id);

-- Messages gain the author `brand` (the Page or X account writing on the platform itself,
-- not through the widget: its name is the channel's) and the marks `edited` and
-- `deleted`. SQLite cannot change a CHECK in place: the table is rebuilt with the same
-- rows and ids. Renaming first moves the self-reference of `reply_to` along with the old
-- rows; nothing else references messages yet.
ALTER TABLE messages RENAME TO messages_before_brand;

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    -- NULL for internal notes and messages not (yet) sent.
    platform_id     TEXT,
    author_kind     TEXT NOT NULL
        CHECK (author_kind IN ('consumer', 'agent', 'bot', 'system', 'brand')),
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
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    mention         INTEGER NOT NULL DEFAULT 0 CHECK (mention IN (0, 1)),
    private_reply   INTEGER NOT NULL DEFAULT 0 CHECK (private_reply IN (0, 1)),
    -- The author changed the text on the platform; `text` is the newest.
    edited          INTEGER NOT NULL DEFAULT 0 CHECK (edited IN (0, 1)),
    -- Deleted on the platform; the text stays for the agents.
    deleted         INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    CHECK ((delivery = 'failed') = (failure_reason IS NOT NULL)),
    CHECK (author_kind <> 'agent' OR (author_agent_id IS NOT NULL AND author_name IS NOT NULL)),
    CHECK (author_kind <> 'bot' OR author_name IS NOT NULL),
    CHECK (author_kind <> 'brand' OR (author_name IS NOT NULL AND platform_id IS NOT NULL)),
    CHECK (space <> 'internal' OR platform_id IS NULL),
    UNIQUE (conversation_id, platform_id),
    -- A reply answers a message of the same conversation.
    UNIQUE (id, conversation_id),
    FOREIGN KEY (reply_to, conversation_id) REFERENCES messages (id, conversation_id)
);

INSERT INTO messages (id, conversation_id, platform_id, author_kind, author_agent_id,
    author_name, space, text, reply_to, sent_at, liked_by_brand, delivery, failure_reason,
    attempts, mention, private_reply)
SELECT id, conversation_id, platform_id, author_kind, author_agent_id, author_name, space,
    text, reply_to, sent_at, liked_by_brand, delivery, failure_reason, attempts, mention,
    private_reply
FROM messages_before_brand;

DROP TABLE messages_before_brand;

CREATE INDEX messages_conversation ON messages (conversation_id, sent_at, id);
-- Meta allows one private reply per comment: two racing invitations cannot both send one.
CREATE UNIQUE INDEX messages_one_private_reply ON messages (reply_to) WHERE private_reply = 1;
-- A webhook names the message it edits, deletes or reacts to by the platform's id only.
CREATE INDEX messages_platform ON messages (platform_id) WHERE platform_id IS NOT NULL;

-- The reactions of consumers to messages, one per person and message, named by the
-- person's platform id (whoever reacts need not have a conversation of their own).
CREATE TABLE message_reactions (
    message_id          INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    reactor_platform_id TEXT NOT NULL,
    -- The platform's name: `like`, `love`, `haha`… or an emoji.
    reaction            TEXT NOT NULL CHECK (length(reaction) BETWEEN 1 AND 64),
    -- When the platform says it happened: an older event never replaces a newer one.
    at                  INTEGER NOT NULL,
    PRIMARY KEY (message_id, reactor_platform_id)
) WITHOUT ROWID;
