//! A [`Store`] that counts its writes ([`Writes`]), so that an answer read from it can be
//! kept and given again until the next write ([`crate::read_cache`]). Only for a database
//! that no other process writes to: the count sees this process's writes alone.
//!
//! Every method writes unless it is known to only read: a method added to the trait
//! without thought counts as a write, which costs cached answers, never correctness.

use async_trait::async_trait;
use social_api::admin::{AuditEntry, NewSource, RoutingRules, SourceId, SourceView};
use social_api::routing::Routing;
use social_api::workspace::{DemoAgent, Workspace};
use social_api::{
    Consumer, Conversation, ConversationId, ConversationSummary, ListView, Message, MessageId,
    MessagePage, Profile, Role, Source, Space, Timestamp,
};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::{
    AdminStore, AppliedInbound, Attempt, AttemptClaim, AuditFilter, Connect, Edit, EventFeed, Job,
    JobLease, KeyClaim, KeyRecord, NewMessage, PasswordAgent, PurgeBefore, Purged, RetryClaim,
    SavedResponse, SeedAccount, SeedOutcome, SendingMode, Session, SessionEnds, SourceUpdate,
    Store, StoreError, StoredSession, StuckMessage, TicketSession, WorkspaceLink,
};
use crate::cursor::{ListCursor, MessageCursor};
use crate::secret::Secret;
use crate::webhooks::Inbound;

/// How many writes of the store have ended (returned, failed or been dropped). An answer
/// read while this stayed the same is still what the database holds.
#[derive(Debug, Clone, Default)]
pub struct Writes(Arc<AtomicU64>);

impl Writes {
    /// The count now. Read it before reading the database: a write that ends after the
    /// read then moves it on, and the answer is known to be old.
    pub fn generation(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }

    /// Counts a write made by other means (a tool, a test) than this store: answers read
    /// before it are not given again.
    pub fn written_elsewhere(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }

    /// Runs `write`, counting it once it has ended: returned (its transaction committed
    /// and visible), failed, or been dropped half way.
    async fn count<T>(&self, write: impl Future<Output = T>) -> T {
        let _ends = EndsWrite(self.0.clone());
        write.await
    }
}

struct EndsWrite(Arc<AtomicU64>);

impl Drop for EndsWrite {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// `inner`, with its writes counted in `writes`.
pub struct Watched {
    inner: Arc<dyn Store>,
    writes: Writes,
}

impl Watched {
    pub fn new(inner: Arc<dyn Store>, writes: Writes) -> Self {
        Self { inner, writes }
    }
}

#[async_trait]
impl Store for Watched {
    async fn ping(&self) -> Result<(), StoreError> {
        self.inner.ping().await
    }

    async fn session(&self, token_sha256: &str) -> Result<Option<StoredSession>, StoreError> {
        self.inner.session(token_sha256).await
    }

    async fn human_agent(&self, account: &str, role: Role) -> Result<Option<Session>, StoreError> {
        self.inner.human_agent(account, role).await
    }

    async fn password_agent(&self, email: &str) -> Result<Option<PasswordAgent>, StoreError> {
        self.inner.password_agent(email).await
    }

    async fn create_session(
        &self,
        session: &Session,
        token_sha256: &str,
        now: Timestamp,
        ends: SessionEnds,
    ) -> Result<(), StoreError> {
        self.writes
            .count(self.inner.create_session(session, token_sha256, now, ends))
            .await
    }

    async fn extend_session(
        &self,
        token_sha256: &str,
        idle_expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        self.writes
            .count(self.inner.extend_session(token_sha256, idle_expires_at))
            .await
    }

    async fn end_session(&self, token_sha256: &str) -> Result<bool, StoreError> {
        self.writes
            .count(self.inner.end_session(token_sha256))
            .await
    }

    async fn claim_sign_in_attempt(
        &self,
        email_sha256: &str,
        now: Timestamp,
        window_start: Timestamp,
        limit: u32,
    ) -> Result<AttemptClaim, StoreError> {
        self.writes
            .count(
                self.inner
                    .claim_sign_in_attempt(email_sha256, now, window_start, limit),
            )
            .await
    }

    async fn forget_sign_in_attempt(&self, attempt: i64) -> Result<(), StoreError> {
        self.writes
            .count(self.inner.forget_sign_in_attempt(attempt))
            .await
    }

    async fn human_agents(&self) -> Result<Vec<DemoAgent>, StoreError> {
        self.inner.human_agents().await
    }

    async fn workspace_conversation(
        &self,
        session: &Session,
        workspace: Workspace,
        workspace_id: &str,
    ) -> Result<Option<ConversationId>, StoreError> {
        self.inner
            .workspace_conversation(session, workspace, workspace_id)
            .await
    }

    async fn link_workspace_id(
        &self,
        session: &Session,
        conversation: ConversationId,
        workspace: Workspace,
        workspace_id: &str,
    ) -> Result<WorkspaceLink, StoreError> {
        self.writes
            .count(
                self.inner
                    .link_workspace_id(session, conversation, workspace, workspace_id),
            )
            .await
    }

    async fn workspace_ids(
        &self,
        session: &Session,
        workspace: Workspace,
    ) -> Result<Vec<(ConversationId, String)>, StoreError> {
        self.inner.workspace_ids(session, workspace).await
    }

    async fn conversations(
        &self,
        session: &Session,
        view: ListView,
    ) -> Result<Vec<ConversationSummary>, StoreError> {
        self.inner.conversations(session, view).await
    }

    async fn conversation(
        &self,
        session: &Session,
        id: ConversationId,
    ) -> Result<Option<Conversation>, StoreError> {
        self.inner.conversation(session, id).await
    }

    async fn conversations_page(
        &self,
        session: &Session,
        view: ListView,
        limit: u32,
        after: Option<ListCursor>,
    ) -> Result<Vec<ConversationSummary>, StoreError> {
        self.inner
            .conversations_page(session, view, limit, after)
            .await
    }

    async fn conversation_page(
        &self,
        session: &Session,
        id: ConversationId,
        limit: u32,
        targets: &[MessageId],
    ) -> Result<Option<Conversation>, StoreError> {
        self.inner
            .conversation_page(session, id, limit, targets)
            .await
    }

    async fn messages_before(
        &self,
        session: &Session,
        id: ConversationId,
        before: MessageCursor,
        limit: u32,
    ) -> Result<Option<MessagePage>, StoreError> {
        self.inner.messages_before(session, id, before, limit).await
    }

    async fn platform_id_taken(
        &self,
        conversation: ConversationId,
        platform_id: &str,
        except: MessageId,
    ) -> Result<bool, StoreError> {
        self.inner
            .platform_id_taken(conversation, platform_id, except)
            .await
    }

    async fn mark_read(
        &self,
        session: &Session,
        conversation: ConversationId,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        self.writes
            .count(self.inner.mark_read(session, conversation, at))
            .await
    }

    async fn conversation_of_message(
        &self,
        session: &Session,
        message: MessageId,
    ) -> Result<Option<ConversationId>, StoreError> {
        self.inner.conversation_of_message(session, message).await
    }

    async fn message(
        &self,
        session: &Session,
        message: MessageId,
    ) -> Result<Option<Message>, StoreError> {
        self.inner.message(session, message).await
    }

    async fn insert_message(
        &self,
        session: &Session,
        message: &NewMessage<'_>,
    ) -> Result<Option<MessageId>, StoreError> {
        self.writes
            .count(self.inner.insert_message(session, message))
            .await
    }

    async fn message_by_key(
        &self,
        session: &Session,
        key: &str,
        private_reply: bool,
    ) -> Result<Option<Message>, StoreError> {
        self.inner.message_by_key(session, key, private_reply).await
    }

    async fn sending_mode(
        &self,
        session: &Session,
        message: MessageId,
    ) -> Result<Option<SendingMode>, StoreError> {
        self.inner.sending_mode(session, message).await
    }

    async fn record_attempt(
        &self,
        session: &Session,
        message: MessageId,
        attempt: Attempt<'_>,
    ) -> Result<(), StoreError> {
        self.writes
            .count(self.inner.record_attempt(session, message, attempt))
            .await
    }

    async fn claim_retry(
        &self,
        session: &Session,
        message: MessageId,
        now: Timestamp,
    ) -> Result<RetryClaim, StoreError> {
        self.writes
            .count(self.inner.claim_retry(session, message, now))
            .await
    }

    async fn set_liked(
        &self,
        session: &Session,
        message: MessageId,
        liked: bool,
    ) -> Result<(), StoreError> {
        self.writes
            .count(self.inner.set_liked(session, message, liked))
            .await
    }

    async fn set_post_liked(
        &self,
        session: &Session,
        conversation: ConversationId,
        liked: bool,
    ) -> Result<(), StoreError> {
        self.writes
            .count(self.inner.set_post_liked(session, conversation, liked))
            .await
    }

    async fn claim_key(
        &self,
        session: &Session,
        key: &str,
        request_sha256: &str,
        now: Timestamp,
        abandoned_before: Timestamp,
    ) -> Result<KeyClaim, StoreError> {
        self.writes
            .count(
                self.inner
                    .claim_key(session, key, request_sha256, now, abandoned_before),
            )
            .await
    }

    async fn key_record(
        &self,
        session: &Session,
        key: &str,
    ) -> Result<Option<KeyRecord>, StoreError> {
        self.inner.key_record(session, key).await
    }

    async fn save_response(
        &self,
        session: &Session,
        key: &str,
        response: &SavedResponse,
    ) -> Result<(), StoreError> {
        self.writes
            .count(self.inner.save_response(session, key, response))
            .await
    }

    async fn purge(&self, before: PurgeBefore) -> Result<Purged, StoreError> {
        self.writes.count(self.inner.purge(before)).await
    }

    async fn append_event(
        &self,
        session: &Session,
        conversation: ConversationId,
        change: &str,
        at: Timestamp,
    ) -> Result<Option<i64>, StoreError> {
        self.writes
            .count(self.inner.append_event(session, conversation, change, at))
            .await
    }

    async fn events_after(
        &self,
        session: &Session,
        conversation: ConversationId,
        after: i64,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        self.inner.events_after(session, conversation, after).await
    }

    async fn latest_event(&self) -> Result<i64, StoreError> {
        self.inner.latest_event().await
    }

    async fn create_ticket(
        &self,
        session_sha256: &str,
        ticket_sha256: &str,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        self.writes
            .count(
                self.inner
                    .create_ticket(session_sha256, ticket_sha256, expires_at),
            )
            .await
    }

    async fn redeem_ticket(
        &self,
        ticket_sha256: &str,
        now: Timestamp,
    ) -> Result<Option<TicketSession>, StoreError> {
        self.writes
            .count(self.inner.redeem_ticket(ticket_sha256, now))
            .await
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
        self.writes
            .count(self.inner.insert_consumer_message(
                session,
                conversation,
                space,
                text,
                platform_id,
                at,
            ))
            .await
    }

    async fn connected_brands(
        &self,
        source: Source,
        brand_ids: &[&str],
    ) -> Result<Vec<String>, StoreError> {
        self.inner.connected_brands(source, brand_ids).await
    }

    async fn store_inbound(
        &self,
        events: &[Inbound],
        received_at: Timestamp,
    ) -> Result<usize, StoreError> {
        self.writes
            .count(self.inner.store_inbound(events, received_at))
            .await
    }

    async fn unapplied_inbound(&self, limit: u32) -> Result<Vec<(i64, Inbound)>, StoreError> {
        self.writes.count(self.inner.unapplied_inbound(limit)).await
    }

    async fn apply_inbound(
        &self,
        id: i64,
        event: &Inbound,
        now: Timestamp,
    ) -> Result<AppliedInbound, StoreError> {
        self.writes
            .count(self.inner.apply_inbound(id, event, now))
            .await
    }

    async fn channel_token(
        &self,
        source: Source,
        platform_id: &str,
    ) -> Result<Option<Secret>, StoreError> {
        self.inner.channel_token(source, platform_id).await
    }

    async fn set_channel_token(
        &self,
        account_id: i64,
        source: Source,
        platform_id: &str,
        token: Option<&Secret>,
    ) -> Result<bool, StoreError> {
        self.writes
            .count(
                self.inner
                    .set_channel_token(account_id, source, platform_id, token),
            )
            .await
    }

    async fn account_conversation(
        &self,
        account_id: i64,
        id: ConversationId,
    ) -> Result<Option<Conversation>, StoreError> {
        self.inner.account_conversation(account_id, id).await
    }

    async fn account_message(
        &self,
        account_id: i64,
        conversation: ConversationId,
        message: MessageId,
    ) -> Result<Option<Conversation>, StoreError> {
        self.inner
            .account_message(account_id, conversation, message)
            .await
    }

    async fn set_consumer_profile(
        &self,
        account_id: i64,
        conversation: ConversationId,
        profile: &Profile,
    ) -> Result<Option<Consumer>, StoreError> {
        self.writes
            .count(
                self.inner
                    .set_consumer_profile(account_id, conversation, profile),
            )
            .await
    }

    async fn stuck_messages(
        &self,
        before: Timestamp,
        limit: u32,
    ) -> Result<Vec<StuckMessage>, StoreError> {
        self.inner.stuck_messages(before, limit).await
    }

    async fn settle_stuck(
        &self,
        stuck: &StuckMessage,
        attempt: Attempt<'_>,
    ) -> Result<bool, StoreError> {
        self.writes
            .count(self.inner.settle_stuck(stuck, attempt))
            .await
    }

    async fn append_account_event(
        &self,
        account_id: i64,
        conversation: ConversationId,
        change: &str,
        at: Timestamp,
    ) -> Result<Option<i64>, StoreError> {
        self.writes
            .count(
                self.inner
                    .append_account_event(account_id, conversation, change, at),
            )
            .await
    }

    async fn seed(&self, accounts: &[SeedAccount]) -> Result<SeedOutcome, StoreError> {
        self.writes.count(self.inner.seed(accounts)).await
    }

    async fn job_lease(&self, job: Job) -> Result<Option<JobLease>, StoreError> {
        self.inner.job_lease(job).await
    }

    async fn event_feed(&self) -> Result<Option<Box<dyn EventFeed>>, StoreError> {
        self.inner.event_feed().await
    }
}

#[async_trait]
impl AdminStore for Watched {
    async fn sources(&self, account_id: i64) -> Result<Vec<SourceView>, StoreError> {
        self.inner.sources(account_id).await
    }

    async fn source(
        &self,
        account_id: i64,
        id: SourceId,
    ) -> Result<Option<SourceView>, StoreError> {
        self.inner.source(account_id, id).await
    }

    async fn connect_source(
        &self,
        actor: &Session,
        new: &NewSource,
        now: Timestamp,
    ) -> Result<Connect, StoreError> {
        self.writes
            .count(self.inner.connect_source(actor, new, now))
            .await
    }

    async fn update_source(
        &self,
        actor: &Session,
        id: SourceId,
        expected: Option<i64>,
        update: &SourceUpdate,
        now: Timestamp,
    ) -> Result<Edit<SourceView>, StoreError> {
        self.writes
            .count(self.inner.update_source(actor, id, expected, update, now))
            .await
    }

    async fn routing_rules(&self, account_id: i64) -> Result<RoutingRules, StoreError> {
        self.inner.routing_rules(account_id).await
    }

    async fn set_routing_rules(
        &self,
        actor: &Session,
        expected: i64,
        routing: &Routing,
        now: Timestamp,
    ) -> Result<Edit<RoutingRules>, StoreError> {
        self.writes
            .count(self.inner.set_routing_rules(actor, expected, routing, now))
            .await
    }

    async fn note_platform_outcome(
        &self,
        source: Source,
        platform_id: &str,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        self.writes
            .count(self.inner.note_platform_outcome(source, platform_id, error))
            .await
    }

    async fn log_source_change(
        &self,
        account_id: i64,
        id: SourceId,
        change: &std::sync::Arc<str>,
        at: Timestamp,
    ) -> Result<Vec<crate::events::Logged>, StoreError> {
        self.writes
            .count(self.inner.log_source_change(account_id, id, change, at))
            .await
    }

    async fn audit(
        &self,
        account_id: i64,
        filter: &AuditFilter,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        self.inner.audit(account_id, filter).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_write_counts_once_it_has_ended_not_before() {
        let writes = Writes::default();
        let during = writes.count(async { writes.generation() }).await;
        assert_eq!(during, 0);
        assert_eq!(writes.generation(), 1);
    }

    #[tokio::test]
    async fn a_write_dropped_half_way_counts_too() {
        let writes = Writes::default();
        let dropped = tokio::time::timeout(
            Duration::from_millis(1),
            writes.count(std::future::pending::<()>()),
        )
        .await;
        assert!(dropped.is_err());
        assert_eq!(writes.generation(), 1);
    }
}
