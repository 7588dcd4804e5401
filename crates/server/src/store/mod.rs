//! Storage behind one trait, so a PostgreSQL backend can join SQLite later. Every read
//! of account data takes the [`Session`] that authenticated the request: the account id
//! comes from the session, never from the request.

mod admin;
mod admin_rows;
mod cluster;
mod postgres;
mod rows;
mod sqlite;
mod watched;

pub use admin::{AdminStore, AuditFilter, Connect, Edit, SourceUpdate};
pub use cluster::{alone, EventFeed, Fed, Job, JobLease, LeaseHolder};

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;
pub use watched::{Watched, Writes};

use crate::cursor::{ListCursor, MessageCursor};
use crate::webhooks::Inbound;
use async_trait::async_trait;
use social_api::workspace::{DemoAgent, Workspace};
use social_api::{
    Agent, AgentKind, BrandChannel, Consumer, Conversation, ConversationId, ConversationSummary,
    Delivery, ListView, Message, MessageId, MessagePage, PostContext, Profile, Role, Source, Space,
    Timestamp,
};
use std::sync::Arc;

use crate::secret::Secret;

/// A storage failure; the API answers 500 and logs the cause.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("could not create the database folder: {0}")]
    Folder(#[from] std::io::Error),
    #[error("unsupported database URL (sqlite: or postgres:)")]
    UnsupportedUrl,
    /// A stored value this version does not understand.
    #[error("corrupt row: {0}")]
    Corrupt(&'static str),
}

/// Who is signed in, as the bearer token's session says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub account_id: i64,
    /// The account's slug, e.g. `demo`.
    pub account: String,
    /// The agent, with the kind and role the rules need.
    pub agent: Agent,
}

/// A session as stored: who it signs in and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSession {
    pub session: Session,
    pub ends: SessionEnds,
}

/// When a session ends: after `idle_expires_at` unless used (each use moves it on), and
/// at `expires_at` whatever happens. `idle_expires_at <= expires_at` always.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionEnds {
    pub idle_expires_at: Timestamp,
    pub expires_at: Timestamp,
}

/// What a redeemed stream ticket opens: its session, which one, and when it ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketSession {
    pub session: Session,
    /// The SHA-256 of the session's token.
    pub token_sha256: String,
    pub ends: SessionEnds,
}

/// What recording a workspace id for a conversation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkspaceLink {
    /// The conversation has this id in the workspace now (it may have had it before).
    Linked,
    /// The account has no such conversation.
    NoConversation,
    /// The id names another conversation of the account (`None`: it did a moment ago).
    Taken(Option<ConversationId>),
}

/// An agent as a password sign-in finds them by e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordAgent {
    /// Who a session would sign in.
    pub session: Session,
    /// The argon2id PHC string; `None`: no password sign-in for this agent.
    pub password_hash: Option<String>,
    /// Written by the `--demo` seed: the password is the published demo one.
    pub demo_seeded: bool,
}

/// Whether a sign-in attempt may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptClaim {
    /// It counts as a failure (this id) until [`Store::forget_sign_in_attempt`] says it
    /// succeeded.
    Claimed(i64),
    /// The e-mail has had its failures in the window; the oldest of them was `oldest`.
    Locked { oldest: Timestamp },
}

/// What a `--demo` start writes: whole accounts with their conversations.
#[derive(Debug, Clone)]
pub struct SeedAccount {
    pub slug: &'static str,
    pub name: &'static str,
    pub channels: Vec<SeedChannel>,
    pub agents: Vec<SeedAgent>,
    pub conversations: Vec<SeedConversation>,
    /// Where conversations go; seeded ones get their skill from it as well.
    pub routing: social_api::routing::Routing,
}

#[derive(Debug, Clone)]
pub struct SeedChannel {
    /// Names the channel inside the seed only.
    pub key: &'static str,
    pub source: Source,
    pub brand: BrandChannel,
}

#[derive(Debug, Clone)]
pub struct SeedAgent {
    pub key: &'static str,
    pub name: &'static str,
    pub kind: AgentKind,
    pub role: Role,
    /// Lowercase.
    pub email: String,
    /// An argon2id PHC string, or no password sign-in.
    pub password_hash: Option<String>,
}

#[derive(Debug, Clone)]
pub struct SeedConversation {
    /// Key of a [`SeedChannel`] of the same account.
    pub channel: &'static str,
    pub consumer: Consumer,
    /// Key of a [`SeedAgent`], or unassigned.
    pub assigned_to: Option<&'static str>,
    pub post: Option<PostContext>,
    pub messages: Vec<SeedMessage>,
    /// The conversation's ids in agent workspaces.
    pub workspace_ids: Vec<(Workspace, String)>,
}

impl SeedConversation {
    /// Where routing sends it: by the space of the consumer's first message (without one,
    /// public on a post, else private), as a webhook would have.
    fn route(
        &self,
        routing: &social_api::routing::Routing,
        source: Source,
        brand: &str,
    ) -> social_api::routing::Route {
        let first = self
            .messages
            .iter()
            .find(|m| matches!(m.author, SeedAuthor::Consumer))
            .map(|m| m.space);
        let space = first.unwrap_or(if self.post.is_some() {
            Space::Public
        } else {
            Space::Private
        });
        routing.route(&social_api::routing::Arrival {
            source,
            brand,
            space,
        })
    }
}

#[derive(Debug, Clone)]
pub enum SeedAuthor {
    Consumer,
    /// Key of a [`SeedAgent`].
    Agent(&'static str),
    Bot(&'static str),
    System,
}

#[derive(Debug, Clone)]
pub struct SeedMessage {
    pub platform_id: Option<String>,
    pub author: SeedAuthor,
    pub space: Space,
    pub text: String,
    /// Index of an earlier message of the same conversation.
    pub reply_to: Option<usize>,
    pub sent_at: Timestamp,
    pub liked_by_brand: bool,
    pub delivery: Delivery,
    /// A Facebook private reply to the comment `reply_to`.
    pub private_reply: bool,
}

/// What a seed did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SeedOutcome {
    /// Accounts written now; the others were there already and were left alone.
    pub accounts_created: usize,
}

/// An outgoing message of the session's agent, about to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage<'a> {
    pub conversation: ConversationId,
    pub space: Space,
    pub text: &'a str,
    pub reply_to: Option<MessageId>,
    pub sent_at: Timestamp,
    /// Stored as Pending (it goes to the platform next) or as Sent (an internal note).
    pub delivery: NewDelivery,
    pub mode: SendingMode,
    /// The request's `Idempotency-Key` (of the session's agent): a second message under
    /// the same key and `mode.private_reply` is not stored.
    pub key: Option<&'a str>,
}

/// The first delivery state of a [`NewMessage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewDelivery {
    Pending,
    Sent,
}

/// How an outgoing message goes to the platform, kept so a retry sends it the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SendingMode {
    /// The consumer is mentioned (Facebook tags their id).
    pub mention: bool,
    /// A Facebook private reply to the public comment `reply_to`.
    pub private_reply: bool,
}

/// What the platform answered to one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt<'a> {
    Sent {
        platform_id: &'a str,
    },
    Failed {
        reason: &'a str,
    },
    /// Failed, but it may have reached the platform (no answer, and the platform could not
    /// be checked): a retry looks on the platform before sending again.
    Unconfirmed {
        reason: &'a str,
    },
}

/// What claiming a failed message for a retry found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryClaim {
    /// It is not Failed (any more): another retry has it, or it was sent.
    NotFailed,
    /// It is Pending again, in the retrying agent's name. `check_first`: its last attempt
    /// may have reached the platform, so look there before sending it again.
    Claimed { check_first: bool },
}

/// An outgoing message pending for longer than any send takes: the process died
/// mid-send, or storing the platform's answer failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StuckMessage {
    pub account_id: i64,
    pub conversation: ConversationId,
    pub message: MessageId,
    /// When its latest send began; it is settled only if no send began since.
    pub pending_since: Timestamp,
    pub mode: SendingMode,
}

/// What the purge deletes: rows from before these times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PurgeBefore {
    /// Idempotency keys claimed before it, with their answers.
    pub keys: Timestamp,
    /// Sessions ended before it.
    pub sessions: Timestamp,
    /// Stream tickets expired before it.
    pub tickets: Timestamp,
    /// Sign-in failures before it.
    pub sign_in_failures: Timestamp,
}

/// How many rows a purge deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Purged {
    pub keys: u64,
    pub sessions: u64,
    pub tickets: u64,
    pub sign_in_failures: u64,
}

/// An answer kept for an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// What an idempotency key holds when a request could not claim it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    /// The request the key was first used with (see `idempotency::request_sha256`).
    pub request_sha256: String,
    /// `None` while that request is still being handled.
    pub response: Option<SavedResponse>,
}

/// Whether a request got an idempotency key first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyClaim {
    /// This request is the first with the key: handle it, then save the answer.
    Claimed,
    /// Another request had it first.
    Taken(KeyRecord),
}

/// Everything the API stores and reads.
#[async_trait]
pub trait Store: AdminStore + Send + Sync + 'static {
    /// A trivial query: is the database answering?
    async fn ping(&self) -> Result<(), StoreError>;

    /// The session whose token has this SHA-256 (lowercase hex), if any, ended or not.
    async fn session(&self, token_sha256: &str) -> Result<Option<StoredSession>, StoreError>;

    /// Who a session for the first human agent of `account` having `role` would sign in;
    /// `None` when there is no such account or agent.
    async fn human_agent(&self, account: &str, role: Role) -> Result<Option<Session>, StoreError>;

    /// The agent with this (lowercase) e-mail, with their password hash.
    async fn password_agent(&self, email: &str) -> Result<Option<PasswordAgent>, StoreError>;

    /// Opens a session for `session`'s agent, ending as `ends` says. Sessions that ended
    /// more than a day before `now` are deleted on the way (until then their token answers
    /// that the session ended rather than that it is unknown).
    async fn create_session(
        &self,
        session: &Session,
        token_sha256: &str,
        now: Timestamp,
        ends: SessionEnds,
    ) -> Result<(), StoreError>;

    /// Moves a session's idle expiry on to `idle_expires_at` (never back, never past its
    /// cap).
    async fn extend_session(
        &self,
        token_sha256: &str,
        idle_expires_at: Timestamp,
    ) -> Result<(), StoreError>;

    /// Ends a session (and its unused stream tickets); false when there was none.
    async fn end_session(&self, token_sha256: &str) -> Result<bool, StoreError>;

    /// Counts a sign-in attempt for an e-mail (its SHA-256) as a failure, unless `limit`
    /// failures happened after `window_start` already: atomically, so concurrent attempts
    /// cannot pass the limit. Failures before `window_start` are deleted on the way.
    async fn claim_sign_in_attempt(
        &self,
        email_sha256: &str,
        now: Timestamp,
        window_start: Timestamp,
        limit: u32,
    ) -> Result<AttemptClaim, StoreError>;

    /// The attempt succeeded: it no longer counts. Earlier failures still do.
    async fn forget_sign_in_attempt(&self, attempt: i64) -> Result<(), StoreError>;

    /// Every human agent of every account, by account then agent (demo mode lists them).
    async fn human_agents(&self) -> Result<Vec<DemoAgent>, StoreError>;

    /// Our id of the conversation a workspace names `workspace_id`, in the session's
    /// account.
    async fn workspace_conversation(
        &self,
        session: &Session,
        workspace: Workspace,
        workspace_id: &str,
    ) -> Result<Option<ConversationId>, StoreError>;

    /// Records that `workspace` calls a conversation of the session's account
    /// `workspace_id`, replacing the id it had there. Atomic: of two conversations raced
    /// onto one id, one gets it and the other [`WorkspaceLink::Taken`].
    async fn link_workspace_id(
        &self,
        session: &Session,
        conversation: ConversationId,
        workspace: Workspace,
        workspace_id: &str,
    ) -> Result<WorkspaceLink, StoreError>;

    /// Every workspace id of the session's account's conversations in `workspace`.
    async fn workspace_ids(
        &self,
        session: &Session,
        workspace: Workspace,
    ) -> Result<Vec<(ConversationId, String)>, StoreError>;

    /// The session's account's conversations in `view`, newest last message first, with
    /// the unread count of the session's agent.
    async fn conversations(
        &self,
        session: &Session,
        view: ListView,
    ) -> Result<Vec<ConversationSummary>, StoreError>;

    /// One conversation of the session's account, messages oldest first; `None` when
    /// there is none with that id in this account.
    async fn conversation(
        &self,
        session: &Session,
        id: ConversationId,
    ) -> Result<Option<Conversation>, StoreError>;

    /// A page of the session's account's conversations in `view`, newest last message
    /// first: at most `limit`, after `after` (the last row of the page before).
    async fn conversations_page(
        &self,
        session: &Session,
        view: ListView,
        limit: u32,
        after: Option<ListCursor>,
    ) -> Result<Vec<ConversationSummary>, StoreError>;

    /// One conversation of the session's account with its newest `limit` messages
    /// (oldest first, `older_cursor` set when there are more), the facts the rules need
    /// over all of them, and, wherever they are, the messages `targets` and those
    /// answering them; `None` when there is none with that id in this account.
    async fn conversation_page(
        &self,
        session: &Session,
        id: ConversationId,
        limit: u32,
        targets: &[MessageId],
    ) -> Result<Option<Conversation>, StoreError>;

    /// Up to `limit` messages of the conversation before `before`, oldest first; `None`
    /// when the conversation is not the account's.
    async fn messages_before(
        &self,
        session: &Session,
        id: ConversationId,
        before: MessageCursor,
        limit: u32,
    ) -> Result<Option<MessagePage>, StoreError>;

    /// Whether another message of the conversation than `except` has `platform_id`.
    async fn platform_id_taken(
        &self,
        conversation: ConversationId,
        platform_id: &str,
        except: MessageId,
    ) -> Result<bool, StoreError>;

    /// Records that the session's agent has seen the conversation up to `at`; false when
    /// the conversation is not the account's.
    async fn mark_read(
        &self,
        session: &Session,
        conversation: ConversationId,
        at: Timestamp,
    ) -> Result<bool, StoreError>;

    /// The conversation (of the session's account) a message belongs to.
    async fn conversation_of_message(
        &self,
        session: &Session,
        message: MessageId,
    ) -> Result<Option<ConversationId>, StoreError>;

    /// One message of the session's account.
    async fn message(
        &self,
        session: &Session,
        message: MessageId,
    ) -> Result<Option<Message>, StoreError>;

    /// Stores a message written by the session's agent; `None` when the conversation is
    /// not the account's, or when it would be a second private reply to the same comment.
    async fn insert_message(
        &self,
        session: &Session,
        message: &NewMessage<'_>,
    ) -> Result<Option<MessageId>, StoreError>;

    /// The message the session's agent stored under idempotency key `key` (a private reply
    /// or not), as it stands now.
    async fn message_by_key(
        &self,
        session: &Session,
        key: &str,
        private_reply: bool,
    ) -> Result<Option<Message>, StoreError>;

    /// How a stored outgoing message of the session's account is sent.
    async fn sending_mode(
        &self,
        session: &Session,
        message: MessageId,
    ) -> Result<Option<SendingMode>, StoreError>;

    /// Records a platform attempt: Sent with the platform's id, or Failed with a reason.
    async fn record_attempt(
        &self,
        session: &Session,
        message: MessageId,
        attempt: Attempt<'_>,
    ) -> Result<(), StoreError>;

    /// Turns a Failed message back into Pending (since `now`) for a retry by the session's
    /// agent, who becomes its author (the one who sent it); [`RetryClaim::NotFailed`] when
    /// it is not Failed (any more), so two racing retries cannot both send it.
    async fn claim_retry(
        &self,
        session: &Session,
        message: MessageId,
        now: Timestamp,
    ) -> Result<RetryClaim, StoreError>;

    /// Records that the brand likes (or no longer likes) a message.
    async fn set_liked(
        &self,
        session: &Session,
        message: MessageId,
        liked: bool,
    ) -> Result<(), StoreError>;

    /// Records that the brand likes (or no longer likes) the post of a conversation of the
    /// session's account.
    async fn set_post_liked(
        &self,
        session: &Session,
        conversation: ConversationId,
        liked: bool,
    ) -> Result<(), StoreError>;

    /// Claims an idempotency key of the session's agent for a request, atomically: of
    /// two racing requests exactly one gets [`KeyClaim::Claimed`]. A claim of the same
    /// request made before `abandoned_before` that has no answer is abandoned: this
    /// request takes it over.
    async fn claim_key(
        &self,
        session: &Session,
        key: &str,
        request_sha256: &str,
        now: Timestamp,
        abandoned_before: Timestamp,
    ) -> Result<KeyClaim, StoreError>;

    /// What a key holds now.
    async fn key_record(
        &self,
        session: &Session,
        key: &str,
    ) -> Result<Option<KeyRecord>, StoreError>;

    /// Keeps the answer of the request that claimed `key`.
    async fn save_response(
        &self,
        session: &Session,
        key: &str,
        response: &SavedResponse,
    ) -> Result<(), StoreError>;

    /// Deletes the rows from before `before`'s times (see [`PurgeBefore`]).
    async fn purge(&self, before: PurgeBefore) -> Result<Purged, StoreError>;

    /// Appends a change of a conversation of the session's account to the event log;
    /// its id, or `None` when the conversation is not the account's.
    async fn append_event(
        &self,
        session: &Session,
        conversation: ConversationId,
        change: &str,
        at: Timestamp,
    ) -> Result<Option<i64>, StoreError>;

    /// The conversation's logged changes after `after`, oldest first, with their ids.
    async fn events_after(
        &self,
        session: &Session,
        conversation: ConversationId,
        after: i64,
    ) -> Result<Vec<(i64, String)>, StoreError>;

    /// The newest event id of the whole log (0 when empty).
    async fn latest_event(&self) -> Result<i64, StoreError>;

    /// Keeps a stream ticket (its SHA-256) of the session (its token's SHA-256) until
    /// `expires_at`.
    async fn create_ticket(
        &self,
        session_sha256: &str,
        ticket_sha256: &str,
        expires_at: Timestamp,
    ) -> Result<(), StoreError>;

    /// Takes a ticket: its session if it was there, unexpired, and its session has not
    /// ended; never twice.
    async fn redeem_ticket(
        &self,
        ticket_sha256: &str,
        now: Timestamp,
    ) -> Result<Option<TicketSession>, StoreError>;

    /// Stores a consumer's message (the demo's stand-in for a platform webhook).
    async fn insert_consumer_message(
        &self,
        session: &Session,
        conversation: ConversationId,
        space: Space,
        text: &str,
        platform_id: &str,
        at: Timestamp,
    ) -> Result<Option<MessageId>, StoreError>;

    /// Which of `brand_ids` name a connected brand channel of `source` (a Page or X account
    /// of some brand account): webhook events of the others are not kept.
    async fn connected_brands(
        &self,
        source: Source,
        brand_ids: &[&str],
    ) -> Result<Vec<String>, StoreError>;

    /// Keeps the events of a verified webhook delivery, each once under its
    /// `(source, key)`; a repeat changes nothing, and an event of a brand channel that is not
    /// connected is not kept. Durable when it returns: only then is the delivery
    /// acknowledged. Answers how many were new.
    async fn store_inbound(
        &self,
        events: &[Inbound],
        received_at: Timestamp,
    ) -> Result<usize, StoreError>;

    /// Stored events in state `received`, oldest first, at most `limit`, with their row ids.
    /// A row this version cannot read is marked `skipped` (with why) instead of listed, so
    /// it cannot hold up the others.
    async fn unapplied_inbound(&self, limit: u32) -> Result<Vec<(i64, Inbound)>, StoreError>;

    /// Applies stored event `id` (conversations, messages, reactions…) in one transaction
    /// that also marks it applied, deferred or skipped and logs its live changes: applied
    /// once even if the process dies at any point. An event already applied changes nothing.
    async fn apply_inbound(
        &self,
        id: i64,
        event: &Inbound,
        now: Timestamp,
    ) -> Result<AppliedInbound, StoreError>;

    /// The access token of the brand channel `platform_id` of `source` (channels are
    /// unique per platform id); `None` when it has none, or there is no such channel.
    async fn channel_token(
        &self,
        source: Source,
        platform_id: &str,
    ) -> Result<Option<Secret>, StoreError>;

    /// Sets the access token of a brand channel of the account, or removes it with `None`;
    /// false when the account has no such channel.
    async fn set_channel_token(
        &self,
        account_id: i64,
        source: Source,
        platform_id: &str,
        token: Option<&Secret>,
    ) -> Result<bool, StoreError>;

    /// One conversation of an account, for work that no agent's request started (the
    /// sweeper, a profile fetched when a conversation starts).
    async fn account_conversation(
        &self,
        account_id: i64,
        id: ConversationId,
    ) -> Result<Option<Conversation>, StoreError>;

    /// [`Store::account_conversation`] with only the message `message` and the one it
    /// answers among its messages (no facts, no cursors): what looking a sent message up
    /// on its platform needs, read in a few indexed queries however long the
    /// conversation. `None` when the account has no such conversation; no messages when
    /// the conversation has no such message.
    async fn account_message(
        &self,
        account_id: i64,
        conversation: ConversationId,
        message: MessageId,
    ) -> Result<Option<Conversation>, StoreError>;

    /// Replaces the profile of the conversation's consumer (of every conversation with
    /// them); the consumer as stored now, `None` when the account has no such conversation.
    async fn set_consumer_profile(
        &self,
        account_id: i64,
        conversation: ConversationId,
        profile: &Profile,
    ) -> Result<Option<Consumer>, StoreError>;

    /// Outgoing messages (of every account) pending since before `before`, oldest first,
    /// at most `limit`.
    async fn stuck_messages(
        &self,
        before: Timestamp,
        limit: u32,
    ) -> Result<Vec<StuckMessage>, StoreError>;

    /// Records how the sweeper settled a stuck message; false (and nothing changed) when
    /// it is no longer pending since the same time (it was sent, or a retry began).
    async fn settle_stuck(
        &self,
        stuck: &StuckMessage,
        attempt: Attempt<'_>,
    ) -> Result<bool, StoreError>;

    /// [`Store::append_event`] for a change no session made; `None` when the
    /// conversation is not the account's.
    async fn append_account_event(
        &self,
        account_id: i64,
        conversation: ConversationId,
        change: &str,
        at: Timestamp,
    ) -> Result<Option<i64>, StoreError>;

    /// Writes the accounts that are not there yet, each in one transaction. An account
    /// whose slug exists only gets what an older seed did not write (agents' e-mails and
    /// passwords, workspace ids), so seeding twice changes nothing.
    async fn seed(&self, accounts: &[SeedAccount]) -> Result<SeedOutcome, StoreError>;

    /// The lease to run `job` now, `None` while another process runs it. A store that no
    /// other process shares grants it always.
    async fn job_lease(&self, _job: Job) -> Result<Option<JobLease>, StoreError> {
        Ok(Some(JobLease::alone()))
    }

    /// The feed of changes logged by every process sharing the store; `None` when this
    /// process is the only one (its own broadcast then sees every change).
    async fn event_feed(&self) -> Result<Option<Box<dyn EventFeed>>, StoreError> {
        Ok(None)
    }
}

/// What applying a stored webhook event did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboundOutcome {
    Applied,
    /// Waits for the message with this platform id (its create has not come yet).
    Deferred {
        waiting_for: String,
    },
    /// Nothing to do, and why (for the log): an unknown page, a message already known…
    Skipped {
        why: String,
    },
}

/// The outcome, and the changes logged for the live streams (to broadcast once committed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedInbound {
    pub outcome: InboundOutcome,
    pub logged: Vec<crate::events::Logged>,
    /// The conversation the event started (account id, conversation), whose consumer's
    /// profile is then fetched from the platform.
    pub started: Option<(i64, ConversationId)>,
}

/// A store, and the count of its writes when no other process writes to it.
pub struct Opened {
    pub store: Arc<dyn Store>,
    /// `Some` for SQLite, which one process serves; `None` for PostgreSQL, which several
    /// instances may share.
    pub writes: Option<Writes>,
}

/// [`connect`], counting the writes of a store that only this process writes to.
pub async fn open(url: &str) -> Result<Opened, StoreError> {
    if url.starts_with("sqlite:") {
        let writes = Writes::default();
        let sqlite = Arc::new(SqliteStore::connect(url).await?);
        Ok(Opened {
            store: Arc::new(Watched::new(sqlite, writes.clone())),
            writes: Some(writes),
        })
    } else {
        Ok(Opened {
            store: connect(url).await?,
            writes: None,
        })
    }
}

/// Opens the database a URL names, creating and migrating it as needed.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PostgresStore::connect(url).await?))
    } else {
        Err(StoreError::UnsupportedUrl)
    }
}
