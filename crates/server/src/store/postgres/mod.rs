//! The PostgreSQL implementation of [`Store`], for several server processes on one
//! database: migrations from `migrations-postgres/` applied at connect (sqlx takes a lock,
//! so processes starting together migrate once), the same queries as SQLite's with
//! PostgreSQL's types, and every claim several processes may race for settled by a
//! constraint, a conditional update or a lock in the database.

mod actions;
mod admin;
mod cluster;
mod events;
mod inbound;
mod pages;
mod platform;
mod purge;
mod seed;
mod sessions;
mod webhook_events;
mod workspaces;

use super::rows;
use super::{
    Attempt, AttemptClaim, EventFeed, Job, JobLease, KeyClaim, KeyRecord, NewMessage,
    PasswordAgent, PurgeBefore, Purged, RetryClaim, SavedResponse, SeedAccount, SeedOutcome,
    SendingMode, Session, SessionEnds, Store, StoreError, StoredSession, StuckMessage,
    TicketSession, WorkspaceLink,
};
use crate::cursor::{ListCursor, MessageCursor};
use crate::secret::Secret;
use async_trait::async_trait;
use rows::{message_select, parse, preview, ConversationRow, MessageRow, Read, SummaryRow};
use social_api::workspace::{DemoAgent, Workspace};
use social_api::{
    BrandChannel, Consumer, Conversation, ConversationId, ConversationSummary, ListView, Message,
    MessageId, MessagePage, Profile, Role, Source, Space, Timestamp,
};
use sqlx::postgres::{PgPool, PgPoolOptions};

/// Conversations and sessions in a PostgreSQL database other processes may share.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to and migrates the database (which must exist).
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations-postgres").run(&pool).await?;
        Ok(Self { pool })
    }

    /// The pool, for tests that look at the rows themselves.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// One conversation of the account with the messages `read` names, oldest first.
    async fn read_conversation(
        &self,
        account_id: i64,
        id: ConversationId,
        read: Read<'_>,
    ) -> Result<Option<Conversation>, StoreError> {
        // Read before the conversation: a change logged meanwhile is replayed to the stream
        // (and applying it twice changes nothing), never lost between the two.
        let (event_cursor,): (i64,) =
            sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM events WHERE conversation_id = $1")
                .bind(id.0)
                .fetch_one(&self.pool)
                .await?;
        let row: Option<ConversationRow> = sqlx::query_as(
            "SELECT c.id, bc.source, bc.platform_id AS brand_platform_id, bc.name AS brand_name,
                    bc.handle AS brand_handle,
                    bc.disconnected_at IS NOT NULL AS brand_disconnected, co.platform_id AS consumer_platform_id,
                    co.display_name, co.handle, co.picture_url, co.profile_url, co.locale,
                    co.timezone, co.follower_count, co.withheld_reason,
                    c.post_platform_id, c.post_text, c.post_author, c.post_posted_at,
                    c.post_attachment_url, c.post_permalink, c.post_liked_by_brand,
                    c.post_by_brand, c.post_deleted, g.id AS assignee_id,
                    g.name AS assignee_name, c.skill, c.engagement
             FROM conversations c
             JOIN brand_channels bc ON bc.id = c.brand_channel_id AND bc.account_id = c.account_id
             JOIN consumers co ON co.id = c.consumer_id AND co.account_id = c.account_id
             LEFT JOIN agents g ON g.id = c.assigned_agent_id AND g.account_id = c.account_id
             WHERE c.id = $1 AND c.account_id = $2",
        )
        .bind(id.0)
        .bind(account_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let mut conversation = Conversation {
            id: ConversationId(row.id),
            source: parse(&row.source, "brand_channels.source")?,
            brand: BrandChannel {
                platform_id: row.brand_platform_id.clone(),
                name: row.brand_name.clone(),
                handle: row.brand_handle.clone(),
                disconnected: row.brand_disconnected,
            },
            consumer: Consumer {
                platform_id: row.consumer_platform_id.clone(),
                profile: row.profile()?,
            },
            post: row.post(),
            assigned_to: row.assignee(),
            messages: Vec::new(),
            facts: Default::default(),
            older_cursor: None,
            event_cursor,
            skill: row.skill,
            engagement: row.engagement,
        };
        let (limit, targets) = match read {
            Read::Page { limit, targets } => (limit, targets),
            Read::Message(message) => {
                conversation.messages =
                    pages::message_and_answered(&self.pool, id, message).await?;
                return Ok(Some(conversation));
            }
            Read::All => {
                let messages: Vec<MessageRow> = sqlx::query_as(concat!(
                    message_select!(),
                    " WHERE m.conversation_id = $1 ORDER BY m.sent_at, m.id"
                ))
                .bind(row.id)
                .fetch_all(&self.pool)
                .await?;
                conversation.messages = messages
                    .into_iter()
                    .map(MessageRow::into_message)
                    .collect::<Result<_, _>>()?;
                return Ok(Some(conversation));
            }
        };
        let link = social_api::actions::dm_link(&conversation);
        conversation.facts = pages::facts(&self.pool, id, &link).await?;
        let (mut messages, older) = pages::page(&self.pool, id, None, limit).await?;
        if older.is_some() {
            // What a reply without a chosen target answers, with its answers.
            let default = conversation.facts.public_target.as_ref().map(|m| m.id);
            let targets: Vec<MessageId> = targets.iter().copied().chain(default).collect();
            let about = pages::about(&self.pool, id, &targets).await?;
            messages.extend(about);
            messages.sort_by_key(|m| (m.sent_at, m.id));
            messages.dedup_by_key(|m| m.id);
        }
        conversation.messages = messages;
        conversation.older_cursor = older.map(crate::cursor::MessageCursor::encode);
        Ok(Some(conversation))
    }

    /// A list page: at most `limit` (all without one), after `after`, newest first.
    async fn list(
        &self,
        session: &Session,
        view: ListView,
        limit: Option<u32>,
        after: Option<ListCursor>,
    ) -> Result<Vec<ConversationSummary>, StoreError> {
        let everyone = matches!(view, ListView::All);
        let rows: Vec<SummaryRow> = sqlx::query_as(
            // The page is chosen first, from each conversation's latest time alone (one
            // index seek each); the rest is read for the page's rows only. Reading it for
            // every conversation before the LIMIT made a page cost the account's history.
            "WITH latest AS (
                 SELECT c.id, COALESCE((SELECT MAX(m.sent_at) FROM messages m
                                         WHERE m.conversation_id = c.id), 0) AS last_at
                 FROM conversations c
                 WHERE c.account_id = $1 AND ($2 OR c.assigned_agent_id = $3)
             ),
             page AS (
                 SELECT id, last_at FROM latest
                 WHERE $4 IS NULL OR (last_at, id) < ($4, $5)
                 ORDER BY last_at DESC, id DESC
                 LIMIT $6
             )
             SELECT c.id, bc.source, co.display_name, co.withheld_reason,
                    c.post_platform_id IS NOT NULL AS has_post,
                    last.text AS last_text, last.sent_at AS last_at,
                    (SELECT m.space FROM messages m
                      WHERE m.conversation_id = c.id AND m.author_kind = 'consumer'
                      ORDER BY m.sent_at DESC, m.id DESC LIMIT 1) AS consumer_space,
                    (SELECT COUNT(*) FROM messages m
                      WHERE m.conversation_id = c.id AND m.author_kind = 'consumer'
                        AND m.sent_at > COALESCE(
                          (SELECT MAX(b.sent_at) FROM messages b
                            WHERE b.conversation_id = c.id
                              AND b.author_kind IN ('agent', 'bot', 'brand')
                              AND b.space <> 'internal'), -1)
                        AND m.sent_at > COALESCE(
                          (SELECT r.read_at FROM conversation_reads r
                            WHERE r.conversation_id = c.id AND r.agent_id = $3), -1)) AS unread,
                    (SELECT COUNT(*) FROM messages m
                      WHERE m.conversation_id = c.id AND m.delivery = 'failed') AS undelivered,
                    g.name AS assignee_name, c.skill, c.engagement
             FROM page
             JOIN conversations c ON c.id = page.id
             LEFT JOIN agents g ON g.id = c.assigned_agent_id AND g.account_id = c.account_id
             JOIN brand_channels bc ON bc.id = c.brand_channel_id AND bc.account_id = c.account_id
             JOIN consumers co ON co.id = c.consumer_id AND co.account_id = c.account_id
             LEFT JOIN messages last ON last.id =
                  (SELECT m.id FROM messages m WHERE m.conversation_id = c.id
                    ORDER BY m.sent_at DESC, m.id DESC LIMIT 1)
             ORDER BY page.last_at DESC, c.id DESC",
        )
        .bind(session.account_id)
        .bind(everyone)
        .bind(session.agent.id.0)
        .bind(after.map(|a| a.last_at.0))
        .bind(after.map(|a| a.id.0))
        // PostgreSQL reads a NULL limit as none.
        .bind(limit.map(i64::from))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                let consumer_name = match &r.withheld_reason {
                    Some(reason) => Profile::Withheld(parse(reason, "consumers.withheld_reason")?)
                        .display_name()
                        .to_owned(),
                    None => r
                        .display_name
                        .ok_or(StoreError::Corrupt("consumers.display_name"))?,
                };
                let last = r
                    .consumer_space
                    .map(|space| parse(&space, "messages.space"))
                    .transpose()?;
                let space = social_api::rules::space_now(last, r.has_post);
                Ok(ConversationSummary {
                    id: ConversationId(r.id),
                    source: parse(&r.source, "brand_channels.source")?,
                    space,
                    consumer_name,
                    last_message_preview: preview(r.last_text.as_deref().unwrap_or_default()),
                    last_message_at: Timestamp(r.last_at.unwrap_or_default()),
                    unread_count: u32::try_from(r.unread).unwrap_or(u32::MAX),
                    undelivered_count: u32::try_from(r.undelivered).unwrap_or(u32::MAX),
                    assigned_to: r.assignee_name,
                    skill: r.skill,
                    engagement: r.engagement,
                })
            })
            .collect()
    }
}

#[async_trait]
impl Store for PostgresStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn session(&self, token_sha256: &str) -> Result<Option<StoredSession>, StoreError> {
        sessions::session(&self.pool, token_sha256).await
    }

    async fn human_agent(&self, account: &str, role: Role) -> Result<Option<Session>, StoreError> {
        sessions::human_agent(&self.pool, account, role).await
    }

    async fn password_agent(&self, email: &str) -> Result<Option<PasswordAgent>, StoreError> {
        sessions::password_agent(&self.pool, email).await
    }

    async fn create_session(
        &self,
        session: &Session,
        token_sha256: &str,
        now: Timestamp,
        ends: SessionEnds,
    ) -> Result<(), StoreError> {
        sessions::create_session(&self.pool, session, token_sha256, now, ends).await
    }

    async fn extend_session(
        &self,
        token_sha256: &str,
        idle_expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        sessions::extend_session(&self.pool, token_sha256, idle_expires_at).await
    }

    async fn end_session(&self, token_sha256: &str) -> Result<bool, StoreError> {
        sessions::end_session(&self.pool, token_sha256).await
    }

    async fn claim_sign_in_attempt(
        &self,
        email_sha256: &str,
        now: Timestamp,
        window_start: Timestamp,
        limit: u32,
    ) -> Result<AttemptClaim, StoreError> {
        sessions::claim_sign_in_attempt(&self.pool, email_sha256, now, window_start, limit).await
    }

    async fn forget_sign_in_attempt(&self, attempt: i64) -> Result<(), StoreError> {
        sessions::forget_sign_in_attempt(&self.pool, attempt).await
    }

    async fn human_agents(&self) -> Result<Vec<DemoAgent>, StoreError> {
        sessions::human_agents(&self.pool).await
    }

    async fn workspace_conversation(
        &self,
        session: &Session,
        workspace: Workspace,
        workspace_id: &str,
    ) -> Result<Option<ConversationId>, StoreError> {
        workspaces::workspace_conversation(&self.pool, session, workspace, workspace_id).await
    }

    async fn workspace_ids(
        &self,
        session: &Session,
        workspace: Workspace,
    ) -> Result<Vec<(ConversationId, String)>, StoreError> {
        workspaces::workspace_ids(&self.pool, session, workspace).await
    }

    async fn link_workspace_id(
        &self,
        session: &Session,
        conversation: ConversationId,
        workspace: Workspace,
        workspace_id: &str,
    ) -> Result<WorkspaceLink, StoreError> {
        workspaces::link_workspace_id(&self.pool, session, conversation, workspace, workspace_id)
            .await
    }

    async fn conversations(
        &self,
        session: &Session,
        view: ListView,
    ) -> Result<Vec<ConversationSummary>, StoreError> {
        self.list(session, view, None, None).await
    }

    async fn conversation(
        &self,
        session: &Session,
        id: ConversationId,
    ) -> Result<Option<Conversation>, StoreError> {
        self.read_conversation(session.account_id, id, Read::All)
            .await
    }

    async fn conversations_page(
        &self,
        session: &Session,
        view: ListView,
        limit: u32,
        after: Option<ListCursor>,
    ) -> Result<Vec<ConversationSummary>, StoreError> {
        self.list(session, view, Some(limit), after).await
    }

    async fn conversation_page(
        &self,
        session: &Session,
        id: ConversationId,
        limit: u32,
        targets: &[MessageId],
    ) -> Result<Option<Conversation>, StoreError> {
        self.read_conversation(session.account_id, id, Read::Page { limit, targets })
            .await
    }

    async fn messages_before(
        &self,
        session: &Session,
        id: ConversationId,
        before: MessageCursor,
        limit: u32,
    ) -> Result<Option<MessagePage>, StoreError> {
        let (mine,): (bool,) = sqlx::query_as(
            "SELECT EXISTS (SELECT 1 FROM conversations WHERE id = $1 AND account_id = $2)",
        )
        .bind(id.0)
        .bind(session.account_id)
        .fetch_one(&self.pool)
        .await?;
        if !mine {
            return Ok(None);
        }
        let (messages, older) = pages::page(&self.pool, id, Some(before), limit).await?;
        Ok(Some(MessagePage {
            messages,
            older_cursor: older.map(MessageCursor::encode),
        }))
    }

    async fn platform_id_taken(
        &self,
        conversation: ConversationId,
        platform_id: &str,
        except: MessageId,
    ) -> Result<bool, StoreError> {
        pages::platform_id_taken(&self.pool, conversation, platform_id, except).await
    }

    async fn mark_read(
        &self,
        session: &Session,
        conversation: ConversationId,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        // Never back in time: a late, older read leaves a newer one in place.
        let done = sqlx::query(
            "INSERT INTO conversation_reads (agent_id, conversation_id, read_at)
             SELECT $1, c.id, $2 FROM conversations c WHERE c.id = $3 AND c.account_id = $4
             ON CONFLICT (agent_id, conversation_id)
             DO UPDATE SET read_at = GREATEST(conversation_reads.read_at, excluded.read_at)",
        )
        .bind(session.agent.id.0)
        .bind(at.0)
        .bind(conversation.0)
        .bind(session.account_id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn conversation_of_message(
        &self,
        session: &Session,
        message: MessageId,
    ) -> Result<Option<ConversationId>, StoreError> {
        actions::conversation_of_message(&self.pool, session, message).await
    }

    async fn message(
        &self,
        session: &Session,
        message: MessageId,
    ) -> Result<Option<Message>, StoreError> {
        actions::message(&self.pool, session, message).await
    }

    async fn insert_message(
        &self,
        session: &Session,
        message: &NewMessage<'_>,
    ) -> Result<Option<MessageId>, StoreError> {
        actions::insert_message(&self.pool, session, message).await
    }

    async fn message_by_key(
        &self,
        session: &Session,
        key: &str,
        private_reply: bool,
    ) -> Result<Option<Message>, StoreError> {
        actions::message_by_key(&self.pool, session, key, private_reply).await
    }

    async fn sending_mode(
        &self,
        session: &Session,
        message: MessageId,
    ) -> Result<Option<SendingMode>, StoreError> {
        actions::sending_mode(&self.pool, session, message).await
    }

    async fn record_attempt(
        &self,
        session: &Session,
        message: MessageId,
        attempt: Attempt<'_>,
    ) -> Result<(), StoreError> {
        actions::record_attempt(&self.pool, session, message, attempt).await
    }

    async fn claim_retry(
        &self,
        session: &Session,
        message: MessageId,
        now: Timestamp,
    ) -> Result<RetryClaim, StoreError> {
        actions::claim_retry(&self.pool, session, message, now).await
    }

    async fn set_liked(
        &self,
        session: &Session,
        message: MessageId,
        liked: bool,
    ) -> Result<(), StoreError> {
        actions::set_liked(&self.pool, session, message, liked).await
    }

    async fn set_post_liked(
        &self,
        session: &Session,
        conversation: ConversationId,
        liked: bool,
    ) -> Result<(), StoreError> {
        actions::set_post_liked(&self.pool, session, conversation, liked).await
    }

    async fn claim_key(
        &self,
        session: &Session,
        key: &str,
        request_sha256: &str,
        now: Timestamp,
        abandoned_before: Timestamp,
    ) -> Result<KeyClaim, StoreError> {
        actions::claim_key(
            &self.pool,
            session,
            key,
            request_sha256,
            now,
            abandoned_before,
        )
        .await
    }

    async fn key_record(
        &self,
        session: &Session,
        key: &str,
    ) -> Result<Option<KeyRecord>, StoreError> {
        actions::key_record(&self.pool, session, key).await
    }

    async fn save_response(
        &self,
        session: &Session,
        key: &str,
        response: &SavedResponse,
    ) -> Result<(), StoreError> {
        actions::save_response(&self.pool, session, key, response).await
    }

    async fn purge(&self, before: PurgeBefore) -> Result<Purged, StoreError> {
        purge::purge(&self.pool, before).await
    }

    async fn append_event(
        &self,
        session: &Session,
        conversation: ConversationId,
        change: &str,
        at: Timestamp,
    ) -> Result<Option<i64>, StoreError> {
        events::append_event(&self.pool, session, conversation, change, at).await
    }

    async fn events_after(
        &self,
        session: &Session,
        conversation: ConversationId,
        after: i64,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        events::events_after(&self.pool, session, conversation, after).await
    }

    async fn latest_event(&self) -> Result<i64, StoreError> {
        events::latest_event(&self.pool).await
    }

    async fn create_ticket(
        &self,
        session_sha256: &str,
        ticket_sha256: &str,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        events::create_ticket(&self.pool, session_sha256, ticket_sha256, expires_at).await
    }

    async fn redeem_ticket(
        &self,
        ticket_sha256: &str,
        now: Timestamp,
    ) -> Result<Option<TicketSession>, StoreError> {
        events::redeem_ticket(&self.pool, ticket_sha256, now).await
    }

    async fn insert_consumer_message(
        &self,
        session: &Session,
        conversation: ConversationId,
        space: Space,
        text: &str,
        platform_id: &str,
        at: Timestamp,
    ) -> Result<Option<MessageId>, StoreError> {
        events::insert_consumer_message(
            &self.pool,
            session,
            conversation,
            space,
            text,
            platform_id,
            at,
        )
        .await
    }

    async fn connected_brands(
        &self,
        source: social_api::Source,
        brand_ids: &[&str],
    ) -> Result<Vec<String>, StoreError> {
        webhook_events::connected_brands(&self.pool, source, brand_ids).await
    }

    async fn store_inbound(
        &self,
        events: &[crate::webhooks::Inbound],
        received_at: Timestamp,
    ) -> Result<usize, StoreError> {
        webhook_events::store_inbound(&self.pool, events, received_at).await
    }

    async fn unapplied_inbound(
        &self,
        limit: u32,
    ) -> Result<Vec<(i64, crate::webhooks::Inbound)>, StoreError> {
        webhook_events::unapplied_inbound(&self.pool, limit).await
    }

    async fn apply_inbound(
        &self,
        id: i64,
        event: &crate::webhooks::Inbound,
        now: Timestamp,
    ) -> Result<crate::store::AppliedInbound, StoreError> {
        inbound::apply(&self.pool, id, event, now).await
    }

    async fn channel_token(
        &self,
        source: Source,
        platform_id: &str,
    ) -> Result<Option<Secret>, StoreError> {
        platform::channel_token(&self.pool, source, platform_id).await
    }

    async fn set_channel_token(
        &self,
        account_id: i64,
        source: Source,
        platform_id: &str,
        token: Option<&Secret>,
    ) -> Result<bool, StoreError> {
        platform::set_channel_token(&self.pool, account_id, source, platform_id, token).await
    }

    async fn account_conversation(
        &self,
        account_id: i64,
        id: ConversationId,
    ) -> Result<Option<Conversation>, StoreError> {
        self.read_conversation(account_id, id, Read::All).await
    }

    async fn account_message(
        &self,
        account_id: i64,
        conversation: ConversationId,
        message: MessageId,
    ) -> Result<Option<Conversation>, StoreError> {
        self.read_conversation(account_id, conversation, Read::Message(message))
            .await
    }

    async fn set_consumer_profile(
        &self,
        account_id: i64,
        conversation: ConversationId,
        profile: &Profile,
    ) -> Result<Option<Consumer>, StoreError> {
        platform::set_consumer_profile(&self.pool, account_id, conversation, profile).await
    }

    async fn stuck_messages(
        &self,
        before: Timestamp,
        limit: u32,
    ) -> Result<Vec<StuckMessage>, StoreError> {
        platform::stuck_messages(&self.pool, before, limit).await
    }

    async fn settle_stuck(
        &self,
        stuck: &StuckMessage,
        attempt: Attempt<'_>,
    ) -> Result<bool, StoreError> {
        platform::settle_stuck(&self.pool, stuck, attempt).await
    }

    async fn append_account_event(
        &self,
        account_id: i64,
        conversation: ConversationId,
        change: &str,
        at: Timestamp,
    ) -> Result<Option<i64>, StoreError> {
        events::append_account_event(&self.pool, account_id, conversation, change, at).await
    }

    async fn seed(&self, accounts: &[SeedAccount]) -> Result<SeedOutcome, StoreError> {
        let mut outcome = SeedOutcome::default();
        for account in accounts {
            let mut tx = self.pool.begin().await?;
            if seed::seed_account(&mut tx, account).await? {
                outcome.accounts_created += 1;
            }
            tx.commit().await?;
        }
        Ok(outcome)
    }

    async fn job_lease(&self, job: Job) -> Result<Option<JobLease>, StoreError> {
        cluster::job_lease(&self.pool, job).await
    }

    async fn event_feed(&self) -> Result<Option<Box<dyn EventFeed>>, StoreError> {
        Ok(Some(cluster::event_feed(&self.pool).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::rows::name;
    use super::*;
    use social_api::{AgentKind, AuthorKind, DeliveryState, Source, Space, WithheldReason};

    /// The schema as the migrations write it.
    fn schema() -> String {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations-postgres");
        let mut files: Vec<_> = std::fs::read_dir(&folder)
            .expect("migrations-postgres")
            .map(|file| file.expect("a migration").path())
            .collect();
        files.sort();
        files
            .iter()
            .map(|file| std::fs::read_to_string(file).expect("a readable migration"))
            .collect()
    }

    /// The text of `CREATE TABLE table (...);`.
    fn table<'a>(schema: &'a str, table: &str) -> &'a str {
        let start = schema
            .find(&format!("CREATE TABLE {table} ("))
            .unwrap_or_else(|| panic!("no table {table}"));
        let rest = &schema[start..];
        &rest[..rest.find("\n);").expect("a closed table")]
    }

    /// The quoted names a column's `CHECK (column IN (...))` allows.
    fn allowed(table: &str, column: &str) -> Vec<String> {
        let clause = format!("{column} IN (");
        let start = table
            .find(&clause)
            .unwrap_or_else(|| panic!("no CHECK on {column}"));
        let list = &table[start + clause.len()..];
        let list = &list[..list.find(')').expect("closed")];
        list.split(',')
            .map(|name| name.trim().trim_matches('\'').to_owned())
            .collect()
    }

    fn names<T: serde::Serialize>(all: &[T]) -> Vec<String> {
        all.iter().map(name).collect()
    }

    #[test]
    fn the_database_accepts_exactly_the_names_serde_gives() {
        let schema = schema();
        let sources = names(&[Source::Facebook, Source::X]);
        let cases = [
            ("brand_channels", "source", sources.clone()),
            ("consumers", "source", sources.clone()),
            ("webhook_events", "source", sources.clone()),
            ("routing_rules", "source", sources),
            ("agents", "kind", names(&[AgentKind::Human, AgentKind::Bot])),
            ("agents", "role", names(&[Role::Agent, Role::Admin])),
            (
                "workspace_conversations",
                "workspace",
                names(&[Workspace::Liveperson, Workspace::Custom]),
            ),
            (
                "consumers",
                "withheld_reason",
                names(&[
                    WithheldReason::EuPrivacy,
                    WithheldReason::NoProfileAvailable,
                ]),
            ),
            (
                "messages",
                "author_kind",
                names(&[
                    AuthorKind::Consumer,
                    AuthorKind::Agent,
                    AuthorKind::Bot,
                    AuthorKind::System,
                    AuthorKind::Brand,
                ]),
            ),
            (
                "messages",
                "space",
                names(&[Space::Public, Space::Private, Space::Internal]),
            ),
            (
                "messages",
                "delivery",
                names(&[
                    DeliveryState::Pending,
                    DeliveryState::Sent,
                    DeliveryState::Failed,
                ]),
            ),
        ];
        for (name, column, expected) in cases {
            assert_eq!(
                allowed(table(&schema, name), column),
                expected,
                "{name}.{column}"
            );
        }
    }

    /// SQLite's and PostgreSQL's schemas name the same tables: a table added to one
    /// store only would leave the other's queries failing at run time.
    #[test]
    fn both_schemas_have_the_same_tables() {
        let sqlite_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut files: Vec<_> = std::fs::read_dir(&sqlite_dir)
            .expect("migrations")
            .map(|file| file.expect("a migration").path())
            .collect();
        files.sort();
        let sqlite: String = files
            .iter()
            .map(|file| std::fs::read_to_string(file).expect("a readable migration"))
            .collect();
        // The tables left after the statements, in order.
        let tables = |schema: &str| -> std::collections::BTreeSet<String> {
            let mut tables = std::collections::BTreeSet::new();
            for line in schema.lines() {
                let words: Vec<&str> = line
                    .split(|c: char| c.is_whitespace() || c == '(' || c == ';')
                    .filter(|w| !w.is_empty())
                    .map(|w| w.trim_matches('"'))
                    .collect();
                match words.as_slice() {
                    ["CREATE", "TABLE", "IF", "NOT", "EXISTS", table, ..]
                    | ["CREATE", "TABLE", table, ..] => {
                        tables.insert((*table).to_owned());
                    }
                    ["DROP", "TABLE", table, ..] => {
                        tables.remove(*table);
                    }
                    ["ALTER", "TABLE", from, "RENAME", "TO", to, ..] => {
                        tables.remove(*from);
                        tables.insert((*to).to_owned());
                    }
                    _ => {}
                }
            }
            tables
        };
        let postgres = tables(&schema());
        assert_eq!(postgres.len(), 17, "{postgres:?}");
        assert_eq!(postgres, tables(&sqlite));
    }

    /// Eight sign-in attempts at one e-mail, from as many connections at once, with room
    /// for three: exactly three are claimed. Each attempt waits behind a lock on the table
    /// until all eight do, so they start together every run. Needs `SOCIAL_TEST_POSTGRES`.
    #[tokio::test]
    async fn attempts_at_once_from_several_connections_claim_no_more_than_the_limit() {
        use sqlx::Executor;
        const RACERS: usize = 8;
        const LIMIT: u32 = 3;
        let Some(store) = super::inbound::tests::store("sign_in_race").await else {
            return;
        };
        let email = "a".repeat(64);
        let racers: Vec<_> = (0..RACERS)
            .map(|i| {
                let store = store.clone();
                let email = email.clone();
                tokio::spawn(async move {
                    store
                        .claim_sign_in_attempt(
                            &email,
                            Timestamp(1_000 + i as i64),
                            Timestamp(0),
                            LIMIT,
                        )
                        .await
                        .expect("a claim")
                })
            })
            .collect();
        let mut blocker = store.pool().begin().await.expect("a transaction");
        blocker
            .execute("LOCK TABLE sign_in_failures IN EXCLUSIVE MODE")
            .await
            .expect("the lock");
        loop {
            let (waiting,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock'",
            )
            .fetch_one(store.pool())
            .await
            .expect("activity");
            if waiting >= RACERS as i64 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        blocker.commit().await.expect("released");
        let mut claimed = 0;
        for racer in racers {
            if matches!(racer.await.expect("a racer"), AttemptClaim::Claimed(_)) {
                claimed += 1;
            }
        }
        assert_eq!(claimed, LIMIT as usize);
        let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sign_in_failures")
            .fetch_one(store.pool())
            .await
            .expect("count");
        assert_eq!(rows, i64::from(LIMIT));
    }
}
