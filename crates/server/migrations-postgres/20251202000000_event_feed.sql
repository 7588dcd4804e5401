-- Several server processes share this database; each tells its open streams of every
-- change, its own and the others'.
--
-- 1. Ids in commit order within an account. A stream replays `id > Last-Event-ID`, so an
--    event committed after a later id was already streamed would be skipped. The first
--    event a transaction logs for an account takes that account's lock until commit, and
--    the id is handed out under it. A column default would run before the lock is held,
--    so the id has none: the trigger gives it.
ALTER TABLE events ALTER COLUMN id DROP IDENTITY;
CREATE SEQUENCE events_id_seq OWNED BY events.id;
SELECT setval('events_id_seq', COALESCE((SELECT MAX(id) FROM events), 0) + 1, false);

CREATE FUNCTION events_in_commit_order() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(1354825728, (NEW.account_id % 2147483647)::integer);
    NEW.id := nextval('events_id_seq');
    RETURN NEW;
END
$$;

CREATE TRIGGER events_in_commit_order BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION events_in_commit_order();

-- 2. Every process LISTENs on `social_events`; a notification is delivered at commit, with
--    the event's id (the row is read then: a change may be longer than a notification).
CREATE FUNCTION events_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('social_events', NEW.id::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER events_notify AFTER INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION events_notify();
