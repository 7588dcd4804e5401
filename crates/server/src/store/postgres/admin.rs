//! The admin settings in PostgreSQL: sources are `brand_channels` rows, routing is the
//! account's `routing_rules` with `accounts.routing_version`, and each change writes its
//! `audit_log` entry in the same transaction, so a change is never without its entry.
//! Versions are read under a row lock held until the change commits: two admins (on one
//! instance or two) editing at once never both pass the same version.

use std::collections::BTreeMap;

use async_trait::async_trait;
use social_api::admin::{
    audit_fields, audit_routing, AuditAction, AuditEntry, NewSource, RoutingRules, SourceId,
    SourceView, SECRET_REPLACED, SECRET_SET,
};
use social_api::routing::Routing;
use social_api::{Source, Timestamp};
use sqlx::PgConnection;

use super::inbound::{routing, set_routing};
use super::rows::name;
use super::PostgresStore;
use crate::store::admin_rows::{changed, target_of, AuditRow, Entry, SourceRow, SOURCE_SELECT};
use crate::store::{AdminStore, AuditFilter, Connect, Edit, Session, SourceUpdate, StoreError};

async fn source_in(
    conn: &mut PgConnection,
    account_id: i64,
    id: SourceId,
) -> Result<Option<SourceView>, StoreError> {
    let row: Option<SourceRow> = sqlx::query_as(&format!(
        "{SOURCE_SELECT} WHERE account_id = $1 AND id = $2"
    ))
    .bind(account_id)
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(SourceRow::view).transpose()
}

async fn log(conn: &mut PgConnection, entry: Entry<'_>) -> Result<(), StoreError> {
    let json = |fields: &BTreeMap<String, String>| {
        serde_json::to_string(fields).map_err(|_| StoreError::Corrupt("audit fields"))
    };
    sqlx::query(
        "INSERT INTO audit_log (account_id, at, actor_id, actor_name, action, target, source_id,
            before, after)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
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
impl AdminStore for PostgresStore {
    async fn sources(&self, account_id: i64) -> Result<Vec<SourceView>, StoreError> {
        // COLLATE "C": names sort byte-wise, as SQLite sorts them, whatever the
        // database's locale.
        let rows: Vec<SourceRow> = sqlx::query_as(&format!(
            "{SOURCE_SELECT} WHERE account_id = $1
             ORDER BY disconnected_at IS NOT NULL, source COLLATE \"C\", name COLLATE \"C\", id"
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
        // Locked until commit: a concurrent connect or edit of the same page waits, and
        // reads what this one wrote.
        let existing: Option<(i64, i64, Option<i64>)> = sqlx::query_as(
            "SELECT id, account_id, disconnected_at FROM brand_channels
             WHERE source = $1 AND platform_id = $2
             FOR UPDATE",
        )
        .bind(name(&new.platform))
        .bind(&new.platform_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (id, before) = match existing {
            Some((id, account, Some(_))) if account == actor.account_id => {
                let before = source_in(&mut tx, actor.account_id, SourceId(id)).await?;
                sqlx::query(
                    "UPDATE brand_channels SET name = $1, handle = $2, access_token = $3,
                        public_enabled = $4, private_enabled = $5, subscribed = FALSE,
                        disconnected_at = NULL, last_error = NULL, version = version + 1
                     WHERE id = $6",
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
                // No row to lock yet: `UNIQUE (source, platform_id)` decides. Of two
                // connects of one page at once, the second waits for the first's commit,
                // inserts nothing and finds the page taken, as it would have afterwards.
                let inserted: Option<(i64,)> = sqlx::query_as(
                    "INSERT INTO brand_channels (account_id, source, platform_id, name, handle,
                        access_token, public_enabled, private_enabled, subscribed)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, FALSE)
                     ON CONFLICT (source, platform_id) DO NOTHING
                     RETURNING id",
                )
                .bind(actor.account_id)
                .bind(name(&new.platform))
                .bind(&new.platform_id)
                .bind(&new.name)
                .bind(&new.handle)
                .bind(&new.access_token)
                .bind(new.public_enabled)
                .bind(new.private_enabled)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((id,)) = inserted else {
                    return Ok(Connect::Taken);
                };
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
        // The version is read under the row's lock, held until commit: a concurrent edit
        // (any instance) waits here and then reads the version this one writes, so the
        // check below never passes two edits based on one version.
        let version: Option<(i64,)> = sqlx::query_as(
            "SELECT version FROM brand_channels WHERE account_id = $1 AND id = $2
             FOR UPDATE",
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
                name = COALESCE($1, name),
                public_enabled = COALESCE($2, public_enabled),
                private_enabled = COALESCE($3, private_enabled),
                subscribed = COALESCE($4, subscribed),
                access_token = CASE WHEN $6 THEN NULL ELSE COALESCE($5, access_token) END,
                disconnected_at = CASE WHEN $6 THEN COALESCE(disconnected_at, $7)
                    ELSE disconnected_at END,
                last_error = CASE WHEN $8 THEN $9 ELSE last_error END,
                version = version + 1
             WHERE id = $10",
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
        // One transaction (REPEATABLE READ): the rules and their version are read from one
        // snapshot, never the rules of one edit with the version of the next.
        let mut tx = self.pool().begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .execute(&mut *tx)
            .await?;
        let routing = routing(&mut tx, account_id).await?;
        let (version,): (i64,) =
            sqlx::query_as("SELECT routing_version FROM accounts WHERE id = $1")
                .bind(account_id)
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
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
        // The account's row lock, held until commit, serialises routing edits on every
        // instance: the version checked is the one replaced, and the rules read for the
        // audit entry are the ones this edit replaces.
        let (version,): (i64,) =
            sqlx::query_as("SELECT routing_version FROM accounts WHERE id = $1 FOR UPDATE")
                .bind(actor.account_id)
                .fetch_one(&mut *tx)
                .await?;
        if version != expected {
            return Ok(Edit::Stale { version });
        }
        let before = routing(&mut tx, actor.account_id).await?;
        set_routing(&mut tx, actor.account_id, new).await?;
        let (version,): (i64,) = sqlx::query_as(
            "UPDATE accounts SET routing_version = routing_version + 1 WHERE id = $1
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
        // The event log's trigger hands out the ids in commit order and notifies the
        // other instances.
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "INSERT INTO events (account_id, conversation_id, change, created_at)
             SELECT account_id, id, $1, $2 FROM conversations
             WHERE account_id = $3 AND brand_channel_id = $4
             ORDER BY id
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
            "UPDATE brand_channels SET last_error = $3
             WHERE source = $1 AND platform_id = $2 AND last_error IS DISTINCT FROM $3",
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
        // ILIKE: SQLite's LIKE ignores case, PostgreSQL's does not.
        let rows: Vec<AuditRow> = sqlx::query_as(
            "SELECT id, at, actor_id, actor_name, action, target, source_id, before, after
             FROM audit_log
             WHERE account_id = $1
               AND ($2::TEXT IS NULL OR action = $2)
               AND ($3::TEXT IS NULL OR actor_name ILIKE $3 ESCAPE '\\')
               AND ($4::BIGINT IS NULL OR source_id = $4)
               AND ($5::BIGINT IS NULL OR id < $5)
             ORDER BY id DESC LIMIT $6",
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

#[cfg(test)]
mod tests {
    //! Two admins' edits at once on PostgreSQL, raced as the applier's tests race (see
    //! `inbound::tests`). Needs `SOCIAL_TEST_POSTGRES`; without it each test passes.

    use super::super::inbound::tests::{race, store, PAGE_ID};
    use super::*;
    use social_api::routing::RoutingRule;
    use social_api::{Agent, AgentId, AgentKind, Role};

    fn admin() -> Session {
        Session {
            account_id: 1,
            account: "acme".into(),
            agent: Agent {
                id: AgentId(1),
                name: "Greta Admin".into(),
                kind: AgentKind::Human,
                role: Role::Admin,
            },
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_connects_of_one_page_at_once_connect_it_once() {
        let Some(store) = store("two_connects_at_once").await else {
            return;
        };
        let page = NewSource {
            platform: Source::Facebook,
            platform_id: "2000".into(),
            name: "Acme Deals".into(),
            handle: None,
            access_token: None,
            public_enabled: true,
            private_enabled: true,
        };
        let racers = [0, 1].map(|_| {
            let (store, page) = (store.clone(), page.clone());
            async move {
                store
                    .connect_source(&admin(), &page, Timestamp(5))
                    .await
                    .expect("answers")
            }
        });
        let outcomes = race(
            store.pool(),
            "LOCK TABLE brand_channels IN EXCLUSIVE MODE",
            racers,
        )
        .await;
        let connected = outcomes
            .iter()
            .filter(|o| matches!(o, Connect::Connected(_)))
            .count();
        let taken = outcomes
            .iter()
            .filter(|o| matches!(o, Connect::Taken))
            .count();
        assert_eq!((connected, taken), (1, 1), "{outcomes:?}");
        let (entries,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log")
            .fetch_one(store.pool())
            .await
            .expect("a count");
        assert_eq!(entries, 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_edits_of_one_source_from_one_version_pass_once() {
        let Some(store) = store("two_source_edits_at_once").await else {
            return;
        };
        let (id,): (i64,) = sqlx::query_as("SELECT id FROM brand_channels WHERE platform_id = $1")
            .bind(PAGE_ID)
            .fetch_one(store.pool())
            .await
            .expect("the page");
        let racers = ["Acme One", "Acme Two"].map(|name| {
            let store = store.clone();
            async move {
                let update = SourceUpdate {
                    name: Some(name.into()),
                    ..SourceUpdate::default()
                };
                store
                    .update_source(&admin(), SourceId(id), Some(1), &update, Timestamp(5))
                    .await
                    .expect("answers")
            }
        });
        let outcomes = race(
            store.pool(),
            "LOCK TABLE brand_channels IN EXCLUSIVE MODE",
            racers,
        )
        .await;
        let done = outcomes
            .iter()
            .filter(|o| matches!(o, Edit::Done(_)))
            .count();
        assert_eq!(done, 1, "{outcomes:?}");
        assert!(
            outcomes.contains(&Edit::Stale { version: 2 }),
            "{outcomes:?}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_routing_edits_from_one_version_pass_once() {
        let Some(store) = store("two_routing_edits_at_once").await else {
            return;
        };
        let racers = ["billing", "sales"].map(|skill| {
            let store = store.clone();
            async move {
                let routing = Routing {
                    rules: vec![RoutingRule {
                        when: Default::default(),
                        skill: skill.into(),
                        engagement: None,
                    }],
                    default_skill: None,
                };
                store
                    .set_routing_rules(&admin(), 1, &routing, Timestamp(5))
                    .await
                    .expect("answers")
            }
        });
        let outcomes = race(
            store.pool(),
            "LOCK TABLE accounts IN EXCLUSIVE MODE",
            racers,
        )
        .await;
        let done: Vec<&RoutingRules> = outcomes
            .iter()
            .filter_map(|o| match o {
                Edit::Done(rules) => Some(rules),
                _ => None,
            })
            .collect();
        assert_eq!(done.len(), 1, "{outcomes:?}");
        assert!(
            outcomes.contains(&Edit::Stale { version: 2 }),
            "{outcomes:?}"
        );
        assert_eq!(
            store.routing_rules(1).await.expect("reads").routing,
            done[0].routing
        );
    }
}
