//! What the admin settings store: an account's sources (its Facebook Pages and X
//! accounts), its routing rules, and the audit log that every change to either writes in
//! the same transaction as the change itself.

use async_trait::async_trait;
use social_api::admin::{
    AuditAction, AuditEntry, NewSource, RoutingRules, SourceId, SourcePatch, SourceView,
};
use social_api::routing::Routing;
use social_api::{Source, Timestamp};

use super::{Session, StoreError};
use crate::secret::Secret;

/// The outcome of an edit that names the version it was based on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit<T> {
    Done(T),
    /// The account has no such thing.
    NotFound,
    /// It changed since that version; nothing was written.
    Stale {
        version: i64,
    },
}

/// The outcome of connecting a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connect {
    /// Connected (new, or connected again after a disconnect).
    Connected(SourceView),
    /// The Page or X account is connected already, to this account or another: a page
    /// routes its webhooks to one account only.
    Taken,
}

/// What an edit of a source writes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct SourceUpdate {
    pub name: Option<String>,
    pub public_enabled: Option<bool>,
    pub private_enabled: Option<bool>,
    pub subscribed: Option<bool>,
    pub access_token: Option<Secret>,
    /// Disconnects it: the token is forgotten with it.
    pub disconnect: bool,
    /// `Some(None)` clears the last error, `Some(Some(_))` records one.
    pub last_error: Option<Option<String>>,
}

impl SourceUpdate {
    /// What a checked PATCH asks, the subscription aside (the platform decides it).
    pub fn from_patch(patch: &SourcePatch) -> Self {
        Self {
            name: patch.name.clone(),
            public_enabled: patch.public_enabled,
            private_enabled: patch.private_enabled,
            subscribed: None,
            access_token: patch.access_token.clone().map(Secret::new),
            disconnect: false,
            last_error: None,
        }
    }
}

/// Which audit entries to list: newest first, those before entry `before`, at most `limit`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub action: Option<AuditAction>,
    /// Part of the actor's name, any case.
    pub actor: Option<String>,
    pub source: Option<SourceId>,
    pub before: Option<i64>,
    pub limit: u32,
}

#[async_trait]
pub trait AdminStore: Send + Sync {
    /// The account's sources, connected ones first, then by platform and name.
    async fn sources(&self, account_id: i64) -> Result<Vec<SourceView>, StoreError>;

    async fn source(&self, account_id: i64, id: SourceId)
        -> Result<Option<SourceView>, StoreError>;

    /// Connects a new source, or one this account disconnected before (with the new
    /// fields), and logs who did it.
    async fn connect_source(
        &self,
        actor: &Session,
        new: &NewSource,
        now: Timestamp,
    ) -> Result<Connect, StoreError>;

    /// Applies `update` if the source is still at `expected` (any version when `None`),
    /// bumps its version and logs the change; a change that changes nothing is not logged.
    async fn update_source(
        &self,
        actor: &Session,
        id: SourceId,
        expected: Option<i64>,
        update: &SourceUpdate,
        now: Timestamp,
    ) -> Result<Edit<SourceView>, StoreError>;

    /// The account's routing and its version.
    async fn routing_rules(&self, account_id: i64) -> Result<RoutingRules, StoreError>;

    /// Replaces the account's routing if it is still at `expected`, and logs it.
    async fn set_routing_rules(
        &self,
        actor: &Session,
        expected: i64,
        routing: &Routing,
        now: Timestamp,
    ) -> Result<Edit<RoutingRules>, StoreError>;

    /// What the platform last said about a call made as the channel `platform_id` of
    /// `source`: its refusal (`Some`), or success (`None`, clearing an earlier one). Not
    /// an admin's edit: the version stays.
    async fn note_platform_outcome(
        &self,
        source: Source,
        platform_id: &str,
        error: Option<&str>,
    ) -> Result<(), StoreError>;

    /// Logs `change` (a [`social_api::events::Change`] as JSON) for every conversation of
    /// the account's source `id`, in one statement; the logged events, to broadcast.
    async fn log_source_change(
        &self,
        account_id: i64,
        id: SourceId,
        change: &std::sync::Arc<str>,
        at: Timestamp,
    ) -> Result<Vec<crate::events::Logged>, StoreError>;

    /// The account's audit entries that pass `filter`.
    async fn audit(
        &self,
        account_id: i64,
        filter: &AuditFilter,
    ) -> Result<Vec<AuditEntry>, StoreError>;
}
