//! The event log and the stream tickets in PostgreSQL. Every statement is limited to the
//! session's account.

use super::rows::name;
use crate::store::{Session, StoreError, TicketSession};
use social_api::{ConversationId, MessageId, Space, Timestamp};
use sqlx::PgPool;

pub(super) async fn append_event(
    pool: &PgPool,
    session: &Session,
    conversation: ConversationId,
    change: &str,
    at: Timestamp,
) -> Result<Option<i64>, StoreError> {
    append_account_event(pool, session.account_id, conversation, change, at).await
}

pub(super) async fn append_account_event(
    pool: &PgPool,
    account_id: i64,
    conversation: ConversationId,
    change: &str,
    at: Timestamp,
) -> Result<Option<i64>, StoreError> {
    let id: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO events (account_id, conversation_id, change, created_at)
         SELECT c.account_id, c.id, $1, $2 FROM conversations c WHERE c.id = $3 AND c.account_id = $4
         RETURNING id",
    )
    .bind(change)
    .bind(at.0)
    .bind(conversation.0)
    .bind(account_id)
    .fetch_optional(pool)
    .await?;
    Ok(id.map(|(id,)| id))
}

pub(super) async fn events_after(
    pool: &PgPool,
    session: &Session,
    conversation: ConversationId,
    after: i64,
) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, change FROM events
         WHERE conversation_id = $1 AND account_id = $2 AND id > $3 ORDER BY id",
    )
    .bind(conversation.0)
    .bind(session.account_id)
    .bind(after)
    .fetch_all(pool)
    .await?)
}

pub(super) async fn latest_event(pool: &PgPool) -> Result<i64, StoreError> {
    let (latest,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM events")
        .fetch_one(pool)
        .await?;
    Ok(latest)
}

pub(super) async fn create_ticket(
    pool: &PgPool,
    session_sha256: &str,
    ticket_sha256: &str,
    expires_at: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO event_tickets (ticket_sha256, session_sha256, expires_at) VALUES ($1, $2, $3)",
    )
    .bind(ticket_sha256)
    .bind(session_sha256)
    .bind(expires_at.0)
    .execute(pool)
    .await?;
    Ok(())
}

/// Deletes the ticket and answers its session, if it was there, has not expired and its
/// session has not ended: a ticket opens one stream, once.
pub(super) async fn redeem_ticket(
    pool: &PgPool,
    ticket_sha256: &str,
    now: Timestamp,
) -> Result<Option<TicketSession>, StoreError> {
    let taken: Option<(String, i64)> = sqlx::query_as(
        "DELETE FROM event_tickets WHERE ticket_sha256 = $1 RETURNING session_sha256, expires_at",
    )
    .bind(ticket_sha256)
    .fetch_optional(pool)
    .await?;
    let Some((session_sha256, expires_at)) = taken else {
        return Ok(None);
    };
    if expires_at <= now.0 {
        return Ok(None);
    }
    let stored = super::sessions::session(pool, &session_sha256).await?;
    Ok(stored
        .filter(|stored| now < stored.ends.idle_expires_at)
        .map(|stored| TicketSession {
            session: stored.session,
            token_sha256: session_sha256,
            ends: stored.ends,
        }))
}

pub(super) async fn insert_consumer_message(
    pool: &PgPool,
    session: &Session,
    conversation: ConversationId,
    space: Space,
    text: &str,
    platform_id: &str,
    at: Timestamp,
) -> Result<Option<MessageId>, StoreError> {
    let id: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO messages (conversation_id, platform_id, author_kind, space, text, sent_at)
         SELECT c.id, $1, 'consumer', $2, $3, $4 FROM conversations c
         WHERE c.id = $5 AND c.account_id = $6
         RETURNING id",
    )
    .bind(platform_id)
    .bind(name(&space))
    .bind(text)
    .bind(at.0)
    .bind(conversation.0)
    .bind(session.account_id)
    .fetch_optional(pool)
    .await?;
    Ok(id.map(|(id,)| MessageId(id)))
}
