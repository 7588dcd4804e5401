//! Outgoing messages, likes and idempotency keys in SQLite. Every statement is limited to
//! the session's account by a join on `conversations`.

use super::rows::{action_key, author_kind, message_select, name, outcome, KeyRow, MessageRow};
use crate::store::{
    Attempt, KeyClaim, KeyRecord, NewDelivery, NewMessage, RetryClaim, SavedResponse, SendingMode,
    Session, StoreError,
};
use social_api::{ConversationId, DeliveryState, Message, MessageId, Timestamp};
use sqlx::SqlitePool;

pub(super) async fn conversation_of_message(
    pool: &SqlitePool,
    session: &Session,
    message: MessageId,
) -> Result<Option<ConversationId>, StoreError> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT m.conversation_id FROM messages m
         JOIN conversations c ON c.id = m.conversation_id
         WHERE m.id = ? AND c.account_id = ?",
    )
    .bind(message.0)
    .bind(session.account_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(id,)| ConversationId(id)))
}

pub(super) async fn message(
    pool: &SqlitePool,
    session: &Session,
    message: MessageId,
) -> Result<Option<Message>, StoreError> {
    let row: Option<MessageRow> = sqlx::query_as(concat!(
        message_select!(),
        " WHERE m.id = ? AND c.account_id = ?"
    ))
    .bind(message.0)
    .bind(session.account_id)
    .fetch_optional(pool)
    .await?;
    row.map(MessageRow::into_message).transpose()
}

pub(super) async fn insert_message(
    pool: &SqlitePool,
    session: &Session,
    message: &NewMessage<'_>,
) -> Result<Option<MessageId>, StoreError> {
    let delivery = match message.delivery {
        NewDelivery::Pending => DeliveryState::Pending,
        NewDelivery::Sent => DeliveryState::Sent,
    };
    // The SELECT keeps the row out of other accounts' conversations; DO NOTHING turns a
    // second private reply to one comment (a unique index) into "nothing stored".
    let done = sqlx::query(
        "INSERT INTO messages (conversation_id, author_kind, author_agent_id, author_name,
            space, text, reply_to, sent_at, delivery, mention, private_reply, action_key)
         SELECT c.id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
         FROM conversations c WHERE c.id = ? AND c.account_id = ?
         ON CONFLICT DO NOTHING",
    )
    .bind(name(&author_kind(session)))
    .bind(session.agent.id.0)
    .bind(&session.agent.name)
    .bind(name(&message.space))
    .bind(message.text)
    .bind(message.reply_to.map(|m| m.0))
    .bind(message.sent_at.0)
    .bind(name(&delivery))
    .bind(message.mode.mention)
    .bind(message.mode.private_reply)
    .bind(message.key.map(|key| action_key(session, key)))
    .bind(message.conversation.0)
    .bind(session.account_id)
    .execute(pool)
    .await?;
    Ok((done.rows_affected() == 1).then(|| MessageId(done.last_insert_rowid())))
}

pub(super) async fn message_by_key(
    pool: &SqlitePool,
    session: &Session,
    key: &str,
    private_reply: bool,
) -> Result<Option<Message>, StoreError> {
    let row: Option<MessageRow> = sqlx::query_as(concat!(
        message_select!(),
        " WHERE m.action_key = ? AND m.private_reply = ? AND c.account_id = ?"
    ))
    .bind(action_key(session, key))
    .bind(private_reply)
    .bind(session.account_id)
    .fetch_optional(pool)
    .await?;
    row.map(MessageRow::into_message).transpose()
}

pub(super) async fn sending_mode(
    pool: &SqlitePool,
    session: &Session,
    message: MessageId,
) -> Result<Option<SendingMode>, StoreError> {
    let row: Option<(bool, bool)> = sqlx::query_as(
        "SELECT m.mention, m.private_reply FROM messages m
         JOIN conversations c ON c.id = m.conversation_id
         WHERE m.id = ? AND c.account_id = ?",
    )
    .bind(message.0)
    .bind(session.account_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(mention, private_reply)| SendingMode {
        mention,
        private_reply,
    }))
}

/// `messages.id` of the session's account: the guard every update below uses.
const IN_ACCOUNT: &str = "conversation_id IN (SELECT id FROM conversations WHERE account_id = ?)";

pub(super) async fn record_attempt(
    pool: &SqlitePool,
    session: &Session,
    message: MessageId,
    attempt: Attempt<'_>,
) -> Result<(), StoreError> {
    let (delivery, platform_id, reason, check) = outcome(&attempt);
    sqlx::query(&format!(
        "UPDATE messages SET attempts = attempts + 1, delivery = ?,
            platform_id = COALESCE(?, platform_id), failure_reason = ?, check_before_resend = ?
         WHERE id = ? AND {IN_ACCOUNT}"
    ))
    .bind(name(&delivery))
    .bind(platform_id)
    .bind(reason)
    .bind(check)
    .bind(message.0)
    .bind(session.account_id)
    .execute(pool)
    .await?;
    if let Some(platform_id) = platform_id {
        requeue_echo(pool, session.account_id, message, platform_id).await?;
    }
    Ok(())
}

/// The platform's echo of a message may have come before the send recorded the
/// message's platform id, and wait for it: put back in line, it finds the message known.
pub(super) async fn requeue_echo(
    pool: &SqlitePool,
    account_id: i64,
    message: MessageId,
    platform_id: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE webhook_events SET state = 'received', waiting_for = NULL
         WHERE state = 'deferred' AND waiting_for = ? AND source =
            (SELECT bc.source FROM messages m
             JOIN conversations c ON c.id = m.conversation_id
             JOIN brand_channels bc ON bc.id = c.brand_channel_id
             WHERE m.id = ? AND c.account_id = ?)",
    )
    .bind(platform_id)
    .bind(message.0)
    .bind(account_id)
    .execute(pool)
    .await?;
    Ok(())
}

pub(super) async fn claim_retry(
    pool: &SqlitePool,
    session: &Session,
    message: MessageId,
    now: Timestamp,
) -> Result<RetryClaim, StoreError> {
    // The one who retries is the one who sends: the message carries their name from now on.
    let claimed: Option<(bool,)> = sqlx::query_as(&format!(
        "UPDATE messages SET delivery = 'pending', failure_reason = NULL, pending_since = ?,
            author_kind = ?, author_agent_id = ?, author_name = ?
         WHERE id = ? AND delivery = 'failed' AND {IN_ACCOUNT}
         RETURNING check_before_resend"
    ))
    .bind(now.0)
    .bind(name(&author_kind(session)))
    .bind(session.agent.id.0)
    .bind(&session.agent.name)
    .bind(message.0)
    .bind(session.account_id)
    .fetch_optional(pool)
    .await?;
    Ok(match claimed {
        Some((check_first,)) => RetryClaim::Claimed { check_first },
        None => RetryClaim::NotFailed,
    })
}

pub(super) async fn set_liked(
    pool: &SqlitePool,
    session: &Session,
    message: MessageId,
    liked: bool,
) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "UPDATE messages SET liked_by_brand = ? WHERE id = ? AND {IN_ACCOUNT}"
    ))
    .bind(liked)
    .bind(message.0)
    .bind(session.account_id)
    .execute(pool)
    .await?;
    Ok(())
}

pub(super) async fn set_post_liked(
    pool: &SqlitePool,
    session: &Session,
    conversation: ConversationId,
    liked: bool,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE conversations SET post_liked_by_brand = ?
         WHERE id = ? AND account_id = ? AND post_platform_id IS NOT NULL",
    )
    .bind(liked)
    .bind(conversation.0)
    .bind(session.account_id)
    .execute(pool)
    .await?;
    Ok(())
}

pub(super) async fn claim_key(
    pool: &SqlitePool,
    session: &Session,
    key: &str,
    request_sha256: &str,
    now: Timestamp,
    abandoned_before: Timestamp,
) -> Result<KeyClaim, StoreError> {
    let done = sqlx::query(
        "INSERT INTO idempotency_keys (account_id, agent_id, key, request_sha256, created_at)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(session.account_id)
    .bind(session.agent.id.0)
    .bind(key)
    .bind(request_sha256)
    .bind(now.0)
    .execute(pool)
    .await?;
    if done.rows_affected() == 1 {
        return Ok(KeyClaim::Claimed);
    }
    // One statement: of two requests taking over an abandoned claim, one does.
    let taken_over = sqlx::query(
        "UPDATE idempotency_keys SET created_at = ?
         WHERE account_id = ? AND agent_id = ? AND key = ? AND request_sha256 = ?
           AND response_status IS NULL AND created_at < ?",
    )
    .bind(now.0)
    .bind(session.account_id)
    .bind(session.agent.id.0)
    .bind(key)
    .bind(request_sha256)
    .bind(abandoned_before.0)
    .execute(pool)
    .await?;
    if taken_over.rows_affected() == 1 {
        tracing::warn!("took over an idempotency key whose first request never answered");
        return Ok(KeyClaim::Claimed);
    }
    // Keys are purged only a day after their request, so the row is there.
    key_record(pool, session, key)
        .await?
        .map(KeyClaim::Taken)
        .ok_or(StoreError::Corrupt("idempotency_keys: vanished"))
}

pub(super) async fn key_record(
    pool: &SqlitePool,
    session: &Session,
    key: &str,
) -> Result<Option<KeyRecord>, StoreError> {
    let row: Option<KeyRow> = sqlx::query_as(
        "SELECT request_sha256, response_status, response_content_type, response_body
         FROM idempotency_keys WHERE account_id = ? AND agent_id = ? AND key = ?",
    )
    .bind(session.account_id)
    .bind(session.agent.id.0)
    .bind(key)
    .fetch_optional(pool)
    .await?;
    row.map(KeyRow::into_record).transpose()
}

pub(super) async fn save_response(
    pool: &SqlitePool,
    session: &Session,
    key: &str,
    response: &SavedResponse,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE idempotency_keys
         SET response_status = ?, response_content_type = ?, response_body = ?
         WHERE account_id = ? AND agent_id = ? AND key = ? AND response_status IS NULL",
    )
    .bind(i64::from(response.status))
    .bind(&response.content_type)
    .bind(&response.body)
    .bind(session.account_id)
    .bind(session.agent.id.0)
    .bind(key)
    .execute(pool)
    .await?;
    Ok(())
}
