//! Webhook events in PostgreSQL: kept once per `(source, key)` in one transaction per delivery
//! before it is acknowledged, listed for the applier while still `received`.

use super::rows::name;
use crate::store::StoreError;
use crate::webhooks::Inbound;
use social_api::{Source, Timestamp};
use sqlx::PgPool;

/// Which of `brand_ids` a brand channel of `source` has (duplicates answered once).
pub(super) async fn connected_brands(
    pool: &PgPool,
    source: Source,
    brand_ids: &[&str],
) -> Result<Vec<String>, StoreError> {
    let mut connected: Vec<String> = Vec::new();
    // A delivery names one or two brands: a query each keeps the SQL static.
    for brand_id in brand_ids {
        if connected.iter().any(|known| known == brand_id) {
            continue;
        }
        let found: Option<(String,)> = sqlx::query_as(
            "SELECT platform_id FROM brand_channels
             WHERE source = $1 AND platform_id = $2 AND disconnected_at IS NULL",
        )
        .bind(name(&source))
        .bind(*brand_id)
        .fetch_optional(pool)
        .await?;
        connected.extend(found.map(|(id,)| id));
    }
    Ok(connected)
}

/// Inserts every event of a connected brand channel that is not there yet, all in one
/// transaction: committed (so it survives the process) when this returns.
pub(super) async fn store_inbound(
    pool: &PgPool,
    events: &[Inbound],
    received_at: Timestamp,
) -> Result<usize, StoreError> {
    match events {
        [] => Ok(0),
        // Most deliveries carry one event: a statement alone is its own transaction, and
        // saves BEGIN's and COMMIT's round trips.
        [event] => insert(pool, event, received_at).await,
        _ => {
            // All or none: a delivery is acknowledged only once every event of it is kept.
            let mut tx = pool.begin().await?;
            let mut new = 0;
            for event in events {
                new += insert(&mut *tx, event, received_at).await?;
            }
            tx.commit().await?;
            Ok(new)
        }
    }
}

/// One event, unless its `(source, key)` is there or its channel is not connected (checked
/// in the statement: a channel removed meanwhile gets nothing). 1 if inserted. The same
/// delivery inserted by two instances at once: the unique `(source, key)` lets one in,
/// the other waits for it and then does nothing.
async fn insert<'c>(
    executor: impl sqlx::PgExecutor<'c>,
    event: &Inbound,
    received_at: Timestamp,
) -> Result<usize, StoreError> {
    let json = serde_json::to_string(event)
        .map_err(|_| StoreError::Corrupt("an inbound event does not serialise"))?;
    let done = sqlx::query(
        "INSERT INTO webhook_events (source, key, brand_id, event, received_at)
         SELECT $1, $2, $3, $4, $5
         WHERE EXISTS (SELECT 1 FROM brand_channels
                       WHERE source = $1 AND platform_id = $3 AND disconnected_at IS NULL)
         ON CONFLICT (source, key) DO NOTHING",
    )
    .bind(name(&event.source))
    .bind(&event.key)
    .bind(&event.brand_id)
    .bind(json)
    .bind(received_at.0)
    .execute(executor)
    .await?;
    Ok(usize::from(done.rows_affected() > 0))
}

/// The oldest `received` events. A row this version cannot read is marked `skipped` with
/// the reason instead of being listed: left `received`, it would come back first forever.
pub(super) async fn unapplied_inbound(
    pool: &PgPool,
    limit: u32,
) -> Result<Vec<(i64, Inbound)>, StoreError> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, event FROM webhook_events WHERE state = 'received' ORDER BY id LIMIT $1",
    )
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    let mut events = Vec::with_capacity(rows.len());
    for (id, json) in rows {
        match serde_json::from_str::<Inbound>(&json) {
            Ok(event) => events.push((id, event)),
            Err(error) => {
                // Not serde's message: it may quote a value, and values are message texts.
                let why = format!(
                    "unreadable stored event ({:?} error at line {} column {})",
                    error.classify(),
                    error.line(),
                    error.column()
                );
                tracing::error!(id, %why, "a stored webhook event is skipped");
                sqlx::query(
                    "UPDATE webhook_events SET state = 'skipped', outcome = $1
                     WHERE id = $2 AND state = 'received'",
                )
                .bind(why)
                .bind(id)
                .execute(pool)
                .await?;
            }
        }
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    //! Deliveries SQLite cannot race: one delivery kept by two instances at once. Needs
    //! `SOCIAL_TEST_POSTGRES`; without it each test says so and passes.

    use crate::store::Store;
    use crate::webhooks::{Inbound, InboundEvent, InboundMessage, InboundPerson};
    use social_api::{Source, Space, Timestamp};

    fn delivery(key: &str) -> Inbound {
        Inbound {
            source: Source::Facebook,
            key: key.into(),
            brand_id: super::super::inbound::tests::PAGE_ID.into(),
            at: Timestamp(1_000),
            event: InboundEvent::ConsumerMessage(InboundMessage {
                platform_id: "m_1".into(),
                space: Space::Private,
                consumer: InboundPerson {
                    platform_id: "6234567890177777".into(),
                    name: Some("Rosa Diaz".into()),
                    handle: None,
                    picture_url: None,
                },
                text: "Hello?".into(),
                in_reply_to: None,
                post: None,
            }),
        }
    }

    /// The same delivery (and a second event with it) kept by two connections released
    /// together: each event is kept once, and between them the two report each new event
    /// once. Both wait behind a lock on the table, so they insert at the same moment.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_delivery_kept_by_two_instances_at_once_is_kept_once() {
        let Some(store) = super::super::inbound::tests::store("one_delivery_twice").await else {
            return;
        };
        let events = vec![delivery("mid:1"), delivery("mid:2")];
        let racer = || {
            let store = store.clone();
            let events = events.clone();
            async move {
                store
                    .store_inbound(&events, Timestamp(1))
                    .await
                    .expect("kept")
            }
        };
        let [a, b] = super::super::inbound::tests::race(
            store.pool(),
            "LOCK TABLE webhook_events IN EXCLUSIVE MODE",
            [racer(), racer()],
        )
        .await;
        assert_eq!(a + b, 2, "new events reported: {a} and {b}");
        let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM webhook_events")
            .fetch_one(store.pool())
            .await
            .expect("count");
        assert_eq!(rows, 2);
    }
}
