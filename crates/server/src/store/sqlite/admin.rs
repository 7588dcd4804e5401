//! The admin settings in SQLite: sources are `brand_channels` rows, routing is the
//! account's `routing_rules` with `accounts.routing_version`, and each change writes its
//! `audit_log` entry in the same transaction, so a change is never without its entry.

use std::collections::BTreeMap;

use async_trait::async_trait;
use social_api::admin::{
    audit_fields, audit_routing, AuditAction, AuditEntry, NewSource, RoutingRules, SourceId,
    SourceView, SECRET_REPLACED, SECRET_SET,
};
use social_api::routing::Routing;
use social_api::{Source, Timestamp};
use sqlx::SqliteConnection;

use super::inbound::{routing, set_routing};
use super::rows::name;
use super::SqliteStore;
use crate::store::admin_rows::{changed, target_of, AuditRow, Entry, SourceRow, SOURCE_SELECT};
use crate::store::{AdminStore, AuditFilter, Connect, Edit, Session, SourceUpdate, StoreError};

async fn source_in(
    conn: &mut SqliteConnection,
    account_id: i64,
    id: SourceId,
) -> Result<Option<SourceView>, StoreError> {
    let row: Option<SourceRow> =
        sqlx::query_as(&format!("{SOURCE_SELECT} WHERE account_id = ? AND id = ?"))
            .bind(account_id)
            .bind(id.0)
            .fetch_optional(&mut *conn)
            .await?;
    row.map(SourceRow::view).transpose()
}

async fn log(conn: &mut SqliteConnection, entry: Entry<'_>) -> Result<(), StoreError> {
    let json = |fields: &BTreeMap<String, String>| {
        serde_json::to_string(fields).map_err(|_| StoreError::Corrupt("audit fields"))
    };
    sqlx::query(
        "INSERT INTO audit_log (account_id, at, actor_id, actor_name, action, target, source_id,
            before, after)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(entry.actor.account_id)
    .bind(entry.at.0)
    .bind(entry.actor.agent.id.0)
    .bind(&entry.actor.agent.name)
    .bind(name(&entry.action))
    .bind(entry.target)
    .bind(entry.source.map(|s| s.0))
    .bind(json(&entry.before)?)
    .bind(json(&entry.after)?)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[async_trait]
impl AdminStore for SqliteStore {
    async fn sources(&self, account_id: i64) -> Result<Vec<SourceView>, StoreError> {
        let rows: Vec<SourceRow> = sqlx::query_as(&format!(
            "{SOURCE_SELECT} WHERE account_id = ?
             ORDER BY disconnected_at IS NOT NULL, source, name, id"
        ))
        .bind(account_id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(SourceRow::view).collect()
    }

    async fn source(
        &self,
        account_id: i64,
        id: SourceId,
    ) -> Result<Option<SourceView>, StoreError> {
        let mut conn = self.pool().acquire().await?;
        source_in(&mut conn, account_id, id).await
    }

    async fn connect_source(
        &self,
        actor: &Session,
        new: &NewSource,
        now: Timestamp,
    ) -> Result<Connect, StoreError> {
        let mut tx = self.pool().begin().await?;
        // A write first: the transaction holds SQLite's write lock from here on.
        let existing: Option<(i64, i64, Option<i64>)> = sqlx::query_as(
            "UPDATE brand_channels SET version = version WHERE source = ? AND platform_id = ?
             RETURNING id, account_id, disconnected_at",
        )
        .bind(name(&new.platform))
        .bind(&new.platform_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (id, before) = match existing {
            Some((id, account, Some(_))) if account == actor.account_id => {
                let before = source_in(&mut tx, actor.account_id, SourceId(id)).await?;
                sqlx::query(
                    "UPDATE brand_channels SET name = ?, handle = ?, access_token = ?,
                        public_enabled = ?, private_enabled = ?, subscribed = 0,
                        disconnected_at = NULL, last_error = NULL, version = version + 1
                     WHERE id = ?",
                )
                .bind(&new.name)
                .bind(&new.handle)
                .bind(&new.access_token)
                .bind(new.public_enabled)
                .bind(new.private_enabled)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                (id, before.map(|b| audit_fields(&b)).unwrap_or_default())
            }
            Some(_) => return Ok(Connect::Taken),
            None => {
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO brand_channels (account_id, source, platform_id, name, handle,
                        access_token, public_enabled, private_enabled, subscribed)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0) RETURNING id",
                )
                .bind(actor.account_id)
                .bind(name(&new.platform))
                .bind(&new.platform_id)
                .bind(&new.name)
                .bind(&new.handle)
                .bind(&new.access_token)
                .bind(new.public_enabled)
                .bind(new.private_enabled)
                .fetch_one(&mut *tx)
                .await?;
                (id, BTreeMap::new())
            }
        };
        let Some(view) = source_in(&mut tx, actor.account_id, SourceId(id)).await? else {
            return Err(StoreError::Corrupt(
                "a source vanished inside its transaction",
            ));
        };
        let mut after = audit_fields(&view);
        if before.get("access_token").map(String::as_str) == Some(SECRET_SET) && view.token_set {
            after.insert("access_token".into(), SECRET_REPLACED.into());
        }
        let (before, after) = changed(&before, &after);
        log(
            &mut tx,
            Entry {
                actor,
                action: AuditAction::SourceConnected,
                target: target_of(&view),
                source: Some(view.id),
                before,
                after,
                at: now,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Connect::Connected(view))
    }

    async fn update_source(
        &self,
        actor: &Session,
        id: SourceId,
        expected: Option<i64>,
        update: &SourceUpdate,
        now: Timestamp,
    ) -> Result<Edit<SourceView>, StoreError> {
        let mut tx = self.pool().begin().await?;
        // Takes the write lock before reading, so the version read is the one replaced.
        let version: Option<(i64,)> = sqlx::query_as(
            "UPDATE brand_channels SET version = version WHERE account_id = ? AND id = ?
             RETURNING version",
        )
        .bind(actor.account_id)
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((version,)) = version else {
            return Ok(Edit::NotFound);
        };
        if expected.is_some_and(|e| e != version) {
            return Ok(Edit::Stale { version });
        }
        let Some(before) = source_in(&mut tx, actor.account_id, id).await? else {
            return Ok(Edit::NotFound);
        };
        let (token, clear_token) = match (&update.access_token, update.disconnect) {
            (_, true) => (None, true),
            (Some(token), false) => (Some(token.expose()), false),
            (None, false) => (None, false),
        };
        let (set_error, error) = match &update.last_error {
            Some(error) => (true, error.clone()),
            None => (false, None),
        };
        sqlx::query(
            "UPDATE brand_channels SET
                name = COALESCE(?1, name),
                public_enabled = COALESCE(?2, public_enabled),
                private_enabled = COALESCE(?3, private_enabled),
                subscribed = COALESCE(?4, subscribed),
                access_token = CASE WHEN ?6 THEN NULL ELSE COALESCE(?5, access_token) END,
                disconnected_at = CASE WHEN ?6 THEN COALESCE(disconnected_at, ?7)
                    ELSE disconnected_at END,
                last_error = CASE WHEN ?8 THEN ?9 ELSE last_error END,
                version = version + 1
             WHERE id = ?10",
        )
        .bind(&update.name)
        .bind(update.public_enabled)
        .bind(update.private_enabled)
        .bind(update.subscribed)
        .bind(token)
        .bind(clear_token)
        .bind(now.0)
        .bind(set_error)
        .bind(error)
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        let Some(after) = source_in(&mut tx, actor.account_id, id).await? else {
            return Err(StoreError::Corrupt(
                "a source vanished inside its transaction",
            ));
        };
        let mut after_fields = audit_fields(&after);
        if update.access_token.is_some() && before.token_set && !update.disconnect {
            after_fields.insert("access_token".into(), SECRET_REPLACED.into());
        }
        let (old, new) = changed(&audit_fields(&before), &after_fields);
        if !old.is_empty() || !new.is_empty() {
            log(
                &mut tx,
                Entry {
                    actor,
                    action: if update.disconnect {
                        AuditAction::SourceDisconnected
                    } else {
                        AuditAction::SourceChanged
                    },
                    target: target_of(&after),
                    source: Some(id),
                    before: old,
                    after: new,
                    at: now,
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Edit::Done(after))
    }

    async fn routing_rules(&self, account_id: i64) -> Result<RoutingRules, StoreError> {
        let mut conn = self.pool().acquire().await?;
        let routing = routing(&mut conn, account_id).await?;
        let (version,): (i64,) =
            sqlx::query_as("SELECT routing_version FROM accounts WHERE id = ?")
                .bind(account_id)
                .fetch_one(&mut *conn)
                .await?;
        Ok(RoutingRules { routing, version })
    }

    async fn set_routing_rules(
        &self,
        actor: &Session,
        expected: i64,
        new: &Routing,
        now: Timestamp,
    ) -> Result<Edit<RoutingRules>, StoreError> {
        let mut tx = self.pool().begin().await?;
        let (version,): (i64,) = sqlx::query_as(
            "UPDATE accounts SET routing_version = routing_version WHERE id = ?
             RETURNING routing_version",
        )
        .bind(actor.account_id)
        .fetch_one(&mut *tx)
        .await?;
        if version != expected {
            return Ok(Edit::Stale { version });
        }
        let before = routing(&mut tx, actor.account_id).await?;
        set_routing(&mut tx, actor.account_id, new).await?;
        let (version,): (i64,) = sqlx::query_as(
            "UPDATE accounts SET routing_version = routing_version + 1 WHERE id = ?
             RETURNING routing_version",
        )
        .bind(actor.account_id)
        .fetch_one(&mut *tx)
        .await?;
        let (old, changed_to) = changed(&audit_routing(&before), &audit_routing(new));
        if !old.is_empty() || !changed_to.is_empty() {
            log(
                &mut tx,
                Entry {
                    actor,
                    action: AuditAction::RoutingChanged,
                    target: "routing rules".into(),
                    source: None,
                    before: old,
                    after: changed_to,
                    at: now,
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Edit::Done(RoutingRules {
            routing: new.clone(),
            version,
        }))
    }

    async fn log_source_change(
        &self,
        account_id: i64,
        id: SourceId,
        change: &std::sync::Arc<str>,
        at: Timestamp,
    ) -> Result<Vec<crate::events::Logged>, StoreError> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "INSERT INTO events (account_id, conversation_id, change, created_at)
             SELECT account_id, id, ?1, ?2 FROM conversations
             WHERE account_id = ?3 AND brand_channel_id = ?4
             RETURNING id, conversation_id",
        )
        .bind(&**change)
        .bind(at.0)
        .bind(account_id)
        .bind(id.0)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(event, conversation)| crate::events::Logged {
                account_id,
                conversation: social_api::ConversationId(conversation),
                id: event,
                change: change.clone(),
            })
            .collect())
    }

    async fn note_platform_outcome(
        &self,
        source: Source,
        platform_id: &str,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        // No write when nothing changes: most calls succeed with no error to clear.
        sqlx::query(
            "UPDATE brand_channels SET last_error = ?3
             WHERE source = ?1 AND platform_id = ?2 AND last_error IS NOT ?3",
        )
        .bind(name(&source))
        .bind(platform_id)
        .bind(error.map(|e| e.chars().take(1000).collect::<String>()))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    async fn audit(
        &self,
        account_id: i64,
        filter: &AuditFilter,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let actor = filter.actor.as_ref().map(|a| {
            // LIKE's own wildcards in a name are meant literally.
            let escaped = a
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("%{escaped}%")
        });
        let rows: Vec<AuditRow> = sqlx::query_as(
            "SELECT id, at, actor_id, actor_name, action, target, source_id, before, after
             FROM audit_log
             WHERE account_id = ?1
               AND (?2 IS NULL OR action = ?2)
               AND (?3 IS NULL OR actor_name LIKE ?3 ESCAPE '\\')
               AND (?4 IS NULL OR source_id = ?4)
               AND (?5 IS NULL OR id < ?5)
             ORDER BY id DESC LIMIT ?6",
        )
        .bind(account_id)
        .bind(filter.action.map(|a| name(&a)))
        .bind(actor)
        .bind(filter.source.map(|s| s.0))
        .bind(filter.before)
        .bind(i64::from(filter.limit))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(AuditRow::entry).collect()
    }
}
