-- "Like the post": whether the brand's Page or X account likes the post a conversation
-- hangs on, and whether the brand wrote that post itself (a page post, its own tweet),
-- which it cannot like. Both are 0 for a DM-only conversation.

ALTER TABLE conversations ADD COLUMN post_liked_by_brand INTEGER NOT NULL DEFAULT 0
    CHECK (post_liked_by_brand IN (0, 1))
    CHECK (post_liked_by_brand = 0 OR post_platform_id IS NOT NULL);
ALTER TABLE conversations ADD COLUMN post_by_brand INTEGER NOT NULL DEFAULT 0
    CHECK (post_by_brand IN (0, 1))
    CHECK (post_by_brand = 0 OR post_platform_id IS NOT NULL);

-- Posts stored before this migration: best effort, a post whose author is the name of
-- the conversation's brand channel was written by the brand.
UPDATE conversations SET post_by_brand = 1
WHERE post_platform_id IS NOT NULL
  AND post_author = (SELECT bc.name FROM brand_channels bc WHERE bc.id = brand_channel_id);
