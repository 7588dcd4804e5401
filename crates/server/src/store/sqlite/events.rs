//! The event log and the stream tickets in SQLite. Every statement is limited to the
//! session's account.

use super::rows::name;
use crate::store::{Session, StoreError, TicketSession};
use social_api::{ConversationId, MessageId, Space, Timestamp};
use sqlx::SqlitePool;

pub(super) async fn append_event(
    pool: &SqlitePool,
    session: &Session,
    conversation: ConversationId,
    change: &str,
    at: Timestamp,
) -> Result<Option<i64>, StoreError> {
    append_account_event(pool, session.account_id, conversation, change, at).await
}

pub(super) async fn append_account_event(
    pool: &SqlitePool,
    account_id: i64,
    conversation: ConversationId,
    change: &str,
    at: Timestamp,
) -> Result<Option<i64>, StoreError> {
    let done = sqlx::query(
        "INSERT INTO events (account_id, conversation_id, change, created_at)
         SELECT c.account_id, c.id, ?, ? FROM conversations c WHERE c.id = ? AND c.account_id = ?",
    )
    .bind(change)
    .bind(at.0)
    .bind(conversation.0)
    .bind(account_id)
    .execute(pool)
    .await?;
    Ok((done.rows_affected() == 1).then(|| done.last_insert_rowid()))
}

pub(super) async fn events_after(
    pool: &SqlitePool,
    session: &Session,
    conversation: ConversationId,
    after: i64,
) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, change FROM events
         WHERE conversation_id = ? AND account_id = ? AND id > ? ORDER BY id",
    )
    .bind(conversation.0)
    .bind(session.account_id)
    .bind(after)
    .fetch_all(pool)
    .await?)
}

pub(super) async fn latest_event(pool: &SqlitePool) -> Result<i64, StoreError> {
    let (latest,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM events")
        .fetch_one(pool)
        .await?;
    Ok(latest)
}

pub(super) async fn create_ticket(
    pool: &SqlitePool,
    session_sha256: &str,
    ticket_sha256: &str,
    expires_at: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO event_tickets (ticket_sha256, session_sha256, expires_at) VALUES (?, ?, ?)",
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
    pool: &SqlitePool,
    ticket_sha256: &str,
    now: Timestamp,
) -> Result<Option<TicketSession>, StoreError> {
    let taken: Option<(String, i64)> = sqlx::query_as(
        "DELETE FROM event_tickets WHERE ticket_sha256 = ? RETURNING session_sha256, expires_at",
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
    pool: &SqlitePool,
    session: &Session,
    conversation: ConversationId,
    space: Space,
    text: &str,
    platform_id: &str,
    at: Timestamp,
) -> Result<Option<MessageId>, StoreError> {
    let done = sqlx::query(
        "INSERT INTO messages (conversation_id, platform_id, author_kind, space, text, sent_at)
         SELECT c.id, ?, 'consumer', ?, ?, ? FROM conversations c
         WHERE c.id = ? AND c.account_id = ?",
    )
    .bind(platform_id)
    .bind(name(&space))
    .bind(text)
    .bind(at.0)
    .bind(conversation.0)
    .bind(session.account_id)
    .execute(pool)
    .await?;
    Ok((done.rows_affected() == 1).then(|| MessageId(done.last_insert_rowid())))
}
