//! What the platform clients, profile refreshes and the sweeper read and write in PostgreSQL:
//! channel tokens, consumer profiles, and messages left pending.

use super::rows::outcome;
use super::rows::{name, ConsumerRow, StuckRow};
use crate::secret::Secret;
use crate::store::{Attempt, StoreError, StuckMessage};
use social_api::{Consumer, ConversationId, Profile, Source, Timestamp};
use sqlx::PgPool;

pub(super) async fn channel_token(
    pool: &PgPool,
    source: Source,
    platform_id: &str,
) -> Result<Option<Secret>, StoreError> {
    let row: Option<(Option<String>,)> = sqlx::query_as(
        "SELECT access_token FROM brand_channels WHERE source = $1 AND platform_id = $2",
    )
    .bind(name(&source))
    .bind(platform_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|(token,)| token).map(Secret::new))
}

pub(super) async fn set_channel_token(
    pool: &PgPool,
    account_id: i64,
    source: Source,
    platform_id: &str,
    token: Option<&Secret>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE brand_channels SET access_token = $1
         WHERE account_id = $2 AND source = $3 AND platform_id = $4",
    )
    .bind(token.map(Secret::expose))
    .bind(account_id)
    .bind(name(&source))
    .bind(platform_id)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn set_consumer_profile(
    pool: &PgPool,
    account_id: i64,
    conversation: ConversationId,
    profile: &Profile,
) -> Result<Option<Consumer>, StoreError> {
    let (available, withheld) = match profile {
        Profile::Available(p) => (Some(p), None),
        Profile::Withheld(reason) => (None, Some(name(reason))),
    };
    let followers = available
        .and_then(|p| p.follower_count)
        .map(i64::try_from)
        .transpose()
        .map_err(|_| StoreError::Corrupt("consumers.follower_count: too large"))?;
    // A withheld profile keeps nothing of an earlier one: the platform stopped sharing it.
    let row: Option<ConsumerRow> = sqlx::query_as(
        "UPDATE consumers SET display_name = $1, handle = $2, picture_url = $3, profile_url = $4,
            locale = $5, timezone = $6, follower_count = $7, withheld_reason = $8
         WHERE account_id = $9
           AND id = (SELECT consumer_id FROM conversations WHERE id = $10 AND account_id = $11)
         RETURNING platform_id, display_name, handle, picture_url, profile_url, locale,
            timezone, follower_count, withheld_reason",
    )
    .bind(available.map(|p| &p.display_name))
    .bind(available.and_then(|p| p.handle.as_ref()))
    .bind(available.and_then(|p| p.picture_url.as_ref()))
    .bind(available.and_then(|p| p.profile_url.as_ref()))
    .bind(available.and_then(|p| p.locale.as_ref()))
    .bind(available.and_then(|p| p.timezone.as_ref()))
    .bind(followers)
    .bind(withheld)
    .bind(account_id)
    .bind(conversation.0)
    .bind(account_id)
    .fetch_optional(pool)
    .await?;
    row.map(ConsumerRow::into_consumer).transpose()
}

pub(super) async fn stuck_messages(
    pool: &PgPool,
    before: Timestamp,
    limit: u32,
) -> Result<Vec<StuckMessage>, StoreError> {
    let rows: Vec<StuckRow> = sqlx::query_as(
        "SELECT c.account_id, m.conversation_id, m.id,
                COALESCE(m.pending_since, m.sent_at) AS pending_since, m.mention, m.private_reply
         FROM messages m JOIN conversations c ON c.id = m.conversation_id
         WHERE m.delivery = 'pending' AND m.space <> 'internal'
           AND COALESCE(m.pending_since, m.sent_at) < $1
         ORDER BY COALESCE(m.pending_since, m.sent_at), m.id
         LIMIT $2",
    )
    .bind(before.0)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(StuckRow::into_stuck).collect())
}

pub(super) async fn settle_stuck(
    pool: &PgPool,
    stuck: &StuckMessage,
    attempt: Attempt<'_>,
) -> Result<bool, StoreError> {
    let (delivery, platform_id, reason, check) = outcome(&attempt);
    // No platform call settled it, so `attempts` stays as it was.
    let done = sqlx::query(
        "UPDATE messages SET delivery = $1, platform_id = COALESCE($2, platform_id),
            failure_reason = $3, check_before_resend = $4
         WHERE id = $5 AND delivery = 'pending' AND COALESCE(pending_since, sent_at) = $6
           AND conversation_id IN (SELECT id FROM conversations WHERE account_id = $7)",
    )
    .bind(name(&delivery))
    .bind(platform_id)
    .bind(reason)
    .bind(check)
    .bind(stuck.message.0)
    .bind(stuck.pending_since.0)
    .bind(stuck.account_id)
    .execute(pool)
    .await?;
    let settled = done.rows_affected() == 1;
    if let (true, Some(platform_id)) = (settled, platform_id) {
        super::actions::requeue_echo(pool, stuck.account_id, stuck.message, platform_id).await?;
    }
    Ok(settled)
}
