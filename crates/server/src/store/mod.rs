//! Storage behind one trait, so a PostgreSQL backend can join SQLite later. Every read
//! of account data takes the [`Session`] that authenticated the request: the account id
//! comes from the session, never from the request.

mod sqlite;

pub use sqlite::SqliteStore;

use async_trait::async_trait;
use social_api::{
    Agent, AgentKind, BrandChannel, Consumer, Conversation, ConversationId, ConversationSummary,
    Delivery, ListView, PostContext, Role, Source, Space, Timestamp,
};
use std::sync::Arc;

/// A storage failure; the API answers 500 and logs the cause.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("could not create the database folder: {0}")]
    Folder(#[from] std::io::Error),
    #[error("unsupported database URL (only sqlite: so far)")]
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
    pub agent: Agent,
    pub role: Role,
}

/// What a `--demo` start writes: whole accounts with their conversations.
#[derive(Debug, Clone)]
pub struct SeedAccount {
    pub slug: &'static str,
    pub name: &'static str,
    pub channels: Vec<SeedChannel>,
    pub agents: Vec<SeedAgent>,
    pub conversations: Vec<SeedConversation>,
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
}

/// What a seed did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SeedOutcome {
    /// Accounts written now; the others were there already and were left alone.
    pub accounts_created: usize,
}

/// Everything the API stores and reads.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// A trivial query: is the database answering?
    async fn ping(&self) -> Result<(), StoreError>;

    /// The session whose token has this SHA-256 (lowercase hex), if any.
    async fn session(&self, token_sha256: &str) -> Result<Option<Session>, StoreError>;

    /// Opens a session for the first human agent of `account` having `role`; false when
    /// there is no such account or agent.
    async fn create_session(
        &self,
        account: &str,
        role: Role,
        token_sha256: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError>;

    /// The session's account's conversations in `view`, newest last message first.
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

    /// Writes the accounts that are not there yet, each in one transaction; an account
    /// whose slug exists is left untouched, so seeding twice changes nothing.
    async fn seed(&self, accounts: &[SeedAccount]) -> Result<SeedOutcome, StoreError>;
}

/// Opens the database a URL names, creating and migrating it as needed.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else {
        Err(StoreError::UnsupportedUrl)
    }
}
