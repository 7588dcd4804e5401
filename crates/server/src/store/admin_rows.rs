//! What both stores' admin settings read and write alike: a source's row and the view
//! the API gives of it, and an audit entry (what changed, before and after) with its row.

use std::collections::BTreeMap;

use social_api::admin::{AuditAction, AuditEntry, SourceId, SourceView};
use social_api::{Source, Timestamp};
use sqlx::FromRow;

use super::rows::parse;
use super::{Session, StoreError};

pub(super) const SOURCE_SELECT: &str =
    "SELECT id, source, platform_id, name, handle, public_enabled,
        private_enabled, subscribed, access_token IS NOT NULL AS token_set, disconnected_at,
        (SELECT MAX(received_at) FROM webhook_events e
         WHERE e.source = brand_channels.source AND e.brand_id = brand_channels.platform_id)
            AS last_event_at,
        last_error, version
    FROM brand_channels";

#[derive(FromRow)]
pub(super) struct SourceRow {
    id: i64,
    source: String,
    platform_id: String,
    name: String,
    handle: Option<String>,
    public_enabled: bool,
    private_enabled: bool,
    subscribed: bool,
    token_set: bool,
    disconnected_at: Option<i64>,
    last_event_at: Option<i64>,
    last_error: Option<String>,
    version: i64,
}

impl SourceRow {
    pub(super) fn view(self) -> Result<SourceView, StoreError> {
        Ok(SourceView {
            id: SourceId(self.id),
            platform: parse(&self.source, "brand_channels.source")?,
            platform_id: self.platform_id,
            name: self.name,
            handle: self.handle,
            public_enabled: self.public_enabled,
            private_enabled: self.private_enabled,
            subscribed: self.subscribed,
            token_set: self.token_set,
            disconnected_at: self.disconnected_at.map(Timestamp),
            last_event_at: self.last_event_at.map(Timestamp),
            last_error: self.last_error,
            version: self.version,
        })
    }
}

/// "Facebook page Acme Outdoor (1234)": how the audit log names a source.
pub(super) fn target_of(source: &SourceView) -> String {
    let kind = match source.platform {
        Source::Facebook => "Facebook page",
        Source::X => "X account",
    };
    format!("{kind} {} ({})", source.name, source.platform_id)
}

/// The fields whose value differs, each side with its own value (absent: did not exist).
pub(super) fn changed(
    before: &BTreeMap<String, String>,
    after: &BTreeMap<String, String>,
) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let keys: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let mut old = BTreeMap::new();
    let mut new = BTreeMap::new();
    for key in keys.into_iter().filter(|k| before.get(*k) != after.get(*k)) {
        old.extend(before.get(key).map(|v| (key.clone(), v.clone())));
        new.extend(after.get(key).map(|v| (key.clone(), v.clone())));
    }
    (old, new)
}

pub(super) struct Entry<'a> {
    pub(super) actor: &'a Session,
    pub(super) action: AuditAction,
    pub(super) target: String,
    pub(super) source: Option<SourceId>,
    pub(super) before: BTreeMap<String, String>,
    pub(super) after: BTreeMap<String, String>,
    pub(super) at: Timestamp,
}

#[derive(FromRow)]
pub(super) struct AuditRow {
    id: i64,
    at: i64,
    actor_id: i64,
    actor_name: String,
    action: String,
    target: String,
    source_id: Option<i64>,
    before: String,
    after: String,
}

impl AuditRow {
    pub(super) fn entry(self) -> Result<AuditEntry, StoreError> {
        let fields = |json: &str| {
            serde_json::from_str::<BTreeMap<String, String>>(json)
                .map_err(|_| StoreError::Corrupt("audit_log fields"))
        };
        Ok(AuditEntry {
            id: self.id,
            at: Timestamp(self.at),
            actor_id: self.actor_id,
            actor: self.actor_name,
            action: parse(&self.action, "audit_log.action")?,
            target: self.target,
            source: self.source_id.map(SourceId),
            before: fields(&self.before)?,
            after: fields(&self.after)?,
        })
    }
}
