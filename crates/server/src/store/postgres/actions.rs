//! Outgoing messages, likes and idempotency keys in PostgreSQL. Every statement is limited
//! to the session's account by a join on `conversations`. Several server instances share
//! the database: each claim below is one statement the database decides, never a read
//! followed by a write.

use super::rows::{action_key, author_kind, message_select, name, outcome, KeyRow, MessageRow};
use crate::store::{
    Attempt, KeyClaim, KeyRecord, NewDelivery, NewMessage, RetryClaim, SavedResponse, SendingMode,
    Session, StoreError,
};
use social_api::{ConversationId, DeliveryState, Message, MessageId, Timestamp};
use sqlx::PgPool;

pub(super) async fn conversation_of_message(
    pool: &PgPool,
    session: &Session,
    message: MessageId,
) -> Result<Option<ConversationId>, StoreError> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT m.conversation_id FROM messages m
         JOIN conversations c ON c.id = m.conversation_id
         WHERE m.id = $1 AND c.account_id = $2",
    )
    .bind(message.0)
    .bind(session.account_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(id,)| ConversationId(id)))
}

pub(super) async fn message(
    pool: &PgPool,
    session: &Session,
    message: MessageId,
) -> Result<Option<Message>, StoreError> {
    let row: Option<MessageRow> = sqlx::query_as(concat!(
        message_select!(),
        " WHERE m.id = $1 AND c.account_id = $2"
    ))
    .bind(message.0)
    .bind(session.account_id)
    .fetch_optional(pool)
    .await?;
    row.map(MessageRow::into_message).transpose()
}

pub(super) async fn insert_message(
    pool: &PgPool,
    session: &Session,
    message: &NewMessage<'_>,
) -> Result<Option<MessageId>, StoreError> {
    let delivery = match message.delivery {
        NewDelivery::Pending => DeliveryState::Pending,
        NewDelivery::Sent => DeliveryState::Sent,
    };
    // The SELECT keeps the row out of other accounts' conversations. DO NOTHING (no
    // target: every unique index) turns a second private reply to one comment
    // (`messages_one_private_reply`) or a second message under one idempotency key
    // (`messages_action_key`) into "nothing stored": the index decides, also between two
    // instances inserting at once (the second waits for the first to commit).
    let inserted: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO messages (conversation_id, author_kind, author_agent_id, author_name,
            space, text, reply_to, sent_at, delivery, mention, private_reply, action_key)
         SELECT c.id, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11
         FROM conversations c WHERE c.id = $12 AND c.account_id = $13
         ON CONFLICT DO NOTHING
         RETURNING id",
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
    .fetch_optional(pool)
    .await?;
    Ok(inserted.map(|(id,)| MessageId(id)))
}

pub(super) async fn message_by_key(
    pool: &PgPool,
    session: &Session,
    key: &str,
    private_reply: bool,
) -> Result<Option<Message>, StoreError> {
    let row: Option<MessageRow> = sqlx::query_as(concat!(
        message_select!(),
        " WHERE m.action_key = $1 AND m.private_reply = $2 AND c.account_id = $3"
    ))
    .bind(action_key(session, key))
    .bind(private_reply)
    .bind(session.account_id)
    .fetch_optional(pool)
    .await?;
    row.map(MessageRow::into_message).transpose()
}

pub(super) async fn sending_mode(
    pool: &PgPool,
    session: &Session,
    message: MessageId,
) -> Result<Option<SendingMode>, StoreError> {
    let row: Option<(bool, bool)> = sqlx::query_as(
        "SELECT m.mention, m.private_reply FROM messages m
         JOIN conversations c ON c.id = m.conversation_id
         WHERE m.id = $1 AND c.account_id = $2",
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

pub(super) async fn record_attempt(
    pool: &PgPool,
    session: &Session,
    message: MessageId,
    attempt: Attempt<'_>,
) -> Result<(), StoreError> {
    let (delivery, platform_id, reason, check) = outcome(&attempt);
    sqlx::query(
        "UPDATE messages SET attempts = attempts + 1, delivery = $1,
            platform_id = COALESCE($2, platform_id), failure_reason = $3,
            check_before_resend = $4
         WHERE id = $5
           AND conversation_id IN (SELECT id FROM conversations WHERE account_id = $6)",
    )
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
/// Runs after the platform id is committed, so an applier on any instance that takes the
/// echo up again reads the id.
pub(super) async fn requeue_echo(
    pool: &PgPool,
    account_id: i64,
    message: MessageId,
    platform_id: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE webhook_events SET state = 'received', waiting_for = NULL
         WHERE state = 'deferred' AND waiting_for = $1 AND source =
            (SELECT bc.source FROM messages m
             JOIN conversations c ON c.id = m.conversation_id
             JOIN brand_channels bc ON bc.id = c.brand_channel_id
             WHERE m.id = $2 AND c.account_id = $3)",
    )
    .bind(platform_id)
    .bind(message.0)
    .bind(account_id)
    .execute(pool)
    .await?;
    Ok(())
}

pub(super) async fn claim_retry(
    pool: &PgPool,
    session: &Session,
    message: MessageId,
    now: Timestamp,
) -> Result<RetryClaim, StoreError> {
    // The one who retries is the one who sends: the message carries their name from now on.
    // A conditional UPDATE is the claim: of two retries (on any instances) the second
    // waits for the first's row lock, finds the message no longer failed and claims nothing.
    let claimed: Option<(bool,)> = sqlx::query_as(
        "UPDATE messages SET delivery = 'pending', failure_reason = NULL, pending_since = $1,
            author_kind = $2, author_agent_id = $3, author_name = $4
         WHERE id = $5 AND delivery = 'failed'
           AND conversation_id IN (SELECT id FROM conversations WHERE account_id = $6)
         RETURNING check_before_resend",
    )
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
    pool: &PgPool,
    session: &Session,
    message: MessageId,
    liked: bool,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE messages SET liked_by_brand = $1
         WHERE id = $2
           AND conversation_id IN (SELECT id FROM conversations WHERE account_id = $3)",
    )
    .bind(liked)
    .bind(message.0)
    .bind(session.account_id)
    .execute(pool)
    .await?;
    Ok(())
}

pub(super) async fn set_post_liked(
    pool: &PgPool,
    session: &Session,
    conversation: ConversationId,
    liked: bool,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE conversations SET post_liked_by_brand = $1
         WHERE id = $2 AND account_id = $3 AND post_platform_id IS NOT NULL",
    )
    .bind(liked)
    .bind(conversation.0)
    .bind(session.account_id)
    .execute(pool)
    .await?;
    Ok(())
}

pub(super) async fn claim_key(
    pool: &PgPool,
    session: &Session,
    key: &str,
    request_sha256: &str,
    now: Timestamp,
    abandoned_before: Timestamp,
) -> Result<KeyClaim, StoreError> {
    // The primary key decides who claims: of two instances inserting the same key, the
    // second waits for the first to commit and then inserts nothing.
    let done = sqlx::query(
        "INSERT INTO idempotency_keys (account_id, agent_id, key, request_sha256, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
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
    // One conditional statement: of two requests taking over an abandoned claim, the
    // second waits for the first's row lock, then finds `created_at` new and takes nothing.
    let taken_over = sqlx::query(
        "UPDATE idempotency_keys SET created_at = $1
         WHERE account_id = $2 AND agent_id = $3 AND key = $4 AND request_sha256 = $5
           AND response_status IS NULL AND created_at < $6",
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
    pool: &PgPool,
    session: &Session,
    key: &str,
) -> Result<Option<KeyRecord>, StoreError> {
    let row: Option<KeyRow> = sqlx::query_as(
        "SELECT request_sha256, response_status, response_content_type, response_body
         FROM idempotency_keys WHERE account_id = $1 AND agent_id = $2 AND key = $3",
    )
    .bind(session.account_id)
    .bind(session.agent.id.0)
    .bind(key)
    .fetch_optional(pool)
    .await?;
    row.map(KeyRow::into_record).transpose()
}

pub(super) async fn save_response(
    pool: &PgPool,
    session: &Session,
    key: &str,
    response: &SavedResponse,
) -> Result<(), StoreError> {
    // Conditional: a response once saved is the key's answer, whichever instance asks.
    sqlx::query(
        "UPDATE idempotency_keys
         SET response_status = $1, response_content_type = $2, response_body = $3
         WHERE account_id = $4 AND agent_id = $5 AND key = $6 AND response_status IS NULL",
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
