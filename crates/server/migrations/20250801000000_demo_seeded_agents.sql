-- The `--demo` seed gives its people a published password. It must sign them in only
-- while the server runs the demo, not in a database that ran it once: the seed marks the
-- agents it writes.
ALTER TABLE agents ADD COLUMN demo_seeded INTEGER NOT NULL DEFAULT 0 CHECK (demo_seeded IN (0, 1));

-- Agents seeded before the mark existed: the demo's accounts are `demo` (Acme Outdoor)
-- and `other` (Globex), and so far only the seed has created accounts at all.
UPDATE agents SET demo_seeded = 1
WHERE account_id IN (SELECT id FROM accounts WHERE slug IN ('demo', 'other'));
