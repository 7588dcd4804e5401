//! The SQLite implementation of [`Store`]: WAL mode, foreign keys on, migrations from
//! `migrations/` applied at connect.

mod actions;
mod admin;
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
    Attempt, AttemptClaim, KeyClaim, KeyRecord, NewMessage, PasswordAgent, PurgeBefore, Purged,
    RetryClaim, SavedResponse, SeedAccount, SeedOutcome, SendingMode, Session, SessionEnds, Store,
    StoreError, StoredSession, StuckMessage, TicketSession, WorkspaceLink,
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
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// Conversations and sessions in one SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating the file and its folder if missing) and migrates the database.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        create_folder_of(url)?;
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Self { pool })
    }

    /// The pool, for tests that look at the rows themselves.
    pub fn pool(&self) -> &SqlitePool {
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
            sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM events WHERE conversation_id = ?")
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
             WHERE c.id = ? AND c.account_id = ?",
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
                    " WHERE m.conversation_id = ? ORDER BY m.sent_at, m.id"
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
                 WHERE c.account_id = ?1 AND (?2 OR c.assigned_agent_id = ?3)
             ),
             page AS (
                 SELECT id, last_at FROM latest
                 WHERE ?4 IS NULL OR (last_at, id) < (?4, ?5)
                 ORDER BY last_at DESC, id DESC
                 LIMIT ?6
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
                            WHERE r.conversation_id = c.id AND r.agent_id = ?3), -1)) AS unread,
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
        // SQLite reads a negative limit as none.
        .bind(limit.map_or(-1, i64::from))
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

/// `sqlite://data/social.db?mode=rwc` -> creates `data/`.
fn create_folder_of(url: &str) -> std::io::Result<()> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    match Path::new(path).parent() {
        Some(folder) if !folder.as_os_str().is_empty() => std::fs::create_dir_all(folder),
        _ => Ok(()),
    }
}

#[async_trait]
impl Store for SqliteStore {
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
            "SELECT EXISTS (SELECT 1 FROM conversations WHERE id = ? AND account_id = ?)",
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
             SELECT ?, c.id, ? FROM conversations c WHERE c.id = ? AND c.account_id = ?
             ON CONFLICT (agent_id, conversation_id)
             DO UPDATE SET read_at = MAX(read_at, excluded.read_at)",
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
}

#[cfg(test)]
mod tests {
    use super::rows::name;
    use super::*;
    use social_api::{AgentKind, AuthorKind, DeliveryState, Source, Space, WithheldReason};

    /// The quoted names a column's `CHECK (column IN (...))` allows.
    fn allowed(schema: &str, column: &str) -> Vec<String> {
        let clause = format!("{column} IN (");
        let start = schema
            .find(&clause)
            .unwrap_or_else(|| panic!("no CHECK on {column}"));
        let list = &schema[start + clause.len()..];
        let list = &list[..list.find(')').expect("closed")];
        list.split(',')
            .map(|name| name.trim().trim_matches('\'').to_owned())
            .collect()
    }

    fn names<T: serde::Serialize>(all: &[T]) -> Vec<String> {
        all.iter().map(name).collect()
    }

    #[tokio::test]
    async fn the_database_accepts_exactly_the_names_serde_gives() {
        let store = SqliteStore::connect("sqlite::memory:")
            .await
            .expect("opens");
        let tables: Vec<(String, String)> =
            sqlx::query_as("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
                .fetch_all(store.pool())
                .await
                .expect("schema");
        let schema = |table: &str| {
            tables
                .iter()
                .find(|(name, _)| name == table)
                .map(|(_, sql)| sql.clone())
                .unwrap_or_else(|| panic!("no table {table}"))
        };
        let sources = names(&[Source::Facebook, Source::X]);
        let cases = [
            ("brand_channels", "source", sources.clone()),
            ("consumers", "source", sources),
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
        for (table, column, expected) in cases {
            assert_eq!(
                allowed(&schema(table), column),
                expected,
                "{table}.{column}"
            );
        }
    }

    /// A database as the migrations before `last` left it, with `rows` written then.
    pub(super) async fn migrated_before(last: &str, rows: &str) -> SqlitePool {
        let all = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let older = tempfile::tempdir().expect("temp dir");
        for file in std::fs::read_dir(&all).expect("migrations") {
            let file = file.expect("a migration").path();
            let name = file
                .file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned();
            if name.as_str() < last {
                std::fs::copy(&file, older.path().join(&name)).expect("copied");
            }
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(SqliteConnectOptions::from_str("sqlite::memory:").expect("url"))
            .await
            .expect("opens");
        sqlx::migrate::Migrator::new(older.path())
            .await
            .expect("older migrations")
            .run(&pool)
            .await
            .expect("migrates");
        sqlx::raw_sql(rows).execute(&pool).await.expect("old rows");
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .expect("migrates on");
        pool
    }

    #[tokio::test]
    async fn the_agents_of_a_demo_seeded_before_the_mark_are_marked_and_no_one_else() {
        let pool = migrated_before(
            "20250801000000",
            "INSERT INTO accounts (id, slug, name) VALUES (1, 'demo', 'Acme Outdoor'),
                (2, 'other', 'Globex'), (3, 'acme', 'Acme for real');
             INSERT INTO agents (account_id, name, kind, role, email, password_hash) VALUES
                (1, 'Dana Agent', 'human', 'agent', 'dana@acme-outdoor.example', 'x'),
                (1, 'Acme Assistant', 'bot', 'agent', NULL, NULL),
                (2, 'Greta Admin', 'human', 'admin', 'greta@globex.example', 'x'),
                (3, 'Rita Real', 'human', 'agent', 'rita@acme.example', 'x');",
        )
        .await;
        let marked: Vec<(String, bool)> =
            sqlx::query_as("SELECT name, demo_seeded FROM agents ORDER BY id")
                .fetch_all(&pool)
                .await
                .expect("agents");
        let names = |seeded: bool| -> Vec<&str> {
            marked
                .iter()
                .filter(|(_, s)| *s == seeded)
                .map(|(n, _)| n.as_str())
                .collect()
        };
        assert_eq!(names(true), ["Dana Agent", "Acme Assistant", "Greta Admin"]);
        assert_eq!(names(false), ["Rita Real"]);
    }

    #[tokio::test]
    async fn workspace_ids_keep_their_rows_and_may_grow_to_512_characters() {
        let pool = migrated_before(
            "20250802000000",
            "INSERT INTO accounts (id, slug, name) VALUES (1, 'demo', 'Acme Outdoor');
             INSERT INTO brand_channels (id, account_id, source, platform_id, name)
                VALUES (1, 1, 'x', 'b', 'Acme');
             INSERT INTO consumers (id, account_id, source, platform_id, display_name)
                VALUES (1, 1, 'x', 'c', 'Chris');
             INSERT INTO conversations (id, account_id, brand_channel_id, consumer_id)
                VALUES (7, 1, 1, 1), (8, 1, 1, 1);
             INSERT INTO workspace_conversations VALUES (1, 'custom', 'acme-ws-7', 7);",
        )
        .await;
        let kept: Vec<(String, i64)> =
            sqlx::query_as("SELECT workspace_id, conversation_id FROM workspace_conversations")
                .fetch_all(&pool)
                .await
                .expect("rows");
        assert_eq!(kept, [("acme-ws-7".to_owned(), 7)]);
        let insert = |id: String| {
            sqlx::query("INSERT INTO workspace_conversations VALUES (1, 'liveperson', ?, 8)")
                .bind(id)
                .execute(&pool)
        };
        assert!(insert("x".repeat(513)).await.is_err());
        insert("x".repeat(512)).await.expect("512 characters fit");
        // The conversation's other checks came along.
        assert!(
            sqlx::query("INSERT INTO workspace_conversations VALUES (1, 'custom', 'y', 99)")
                .execute(&pool)
                .await
                .is_err()
        );
    }

    #[test]
    fn the_database_folder_is_taken_from_the_url() {
        let dir = std::env::temp_dir().join(format!("social-folder-{}", std::process::id()));
        let url = format!("sqlite://{}/nested/x.db?mode=rwc", dir.display());
        create_folder_of(&url).expect("creates");
        assert!(dir.join("nested").is_dir());
        std::fs::remove_dir_all(&dir).expect("cleans up");
        create_folder_of("sqlite::memory:").expect("nothing to create");
    }
}
