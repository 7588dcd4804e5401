//! Reading a conversation a page at a time: its newest messages, older pages before a
//! cursor, the messages an action touches wherever they are (or only one message and
//! what it answers), and the facts the rules need over all messages
//! (`social_api::facts`), each an indexed query.

use super::rows::{message_select, MessageRow};
use crate::cursor::MessageCursor;
use crate::store::StoreError;
use social_api::facts::{MessageMark, TranscriptFacts};
use social_api::{ConversationId, Message, MessageId, Timestamp};
use sqlx::SqlitePool;

/// Up to `limit` messages before `before` (or the newest), oldest first, and the cursor
/// of the page before them when there is one.
pub(super) async fn page(
    pool: &SqlitePool,
    conversation: ConversationId,
    before: Option<MessageCursor>,
    limit: u32,
) -> Result<(Vec<Message>, Option<MessageCursor>), StoreError> {
    let (at, id) = before.map_or((i64::MAX, i64::MAX), |c| (c.sent_at.0, c.id.0));
    let mut rows: Vec<MessageRow> = sqlx::query_as(concat!(
        message_select!(),
        " WHERE m.conversation_id = ? AND (m.sent_at, m.id) < (?, ?)
          ORDER BY m.sent_at DESC, m.id DESC LIMIT ?"
    ))
    .bind(conversation.0)
    .bind(at)
    .bind(id)
    // One more than asked: it says whether an older page exists.
    .bind(i64::from(limit) + 1)
    .fetch_all(pool)
    .await?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    rows.reverse();
    let messages = rows
        .into_iter()
        .map(MessageRow::into_message)
        .collect::<Result<Vec<_>, _>>()?;
    let older = more
        .then(|| {
            messages
                .first()
                .map(|m| MessageCursor::from(MessageMark::of(m)))
        })
        .flatten();
    Ok((messages, older))
}

impl From<MessageMark> for MessageCursor {
    fn from(mark: MessageMark) -> Self {
        Self {
            sent_at: mark.sent_at,
            id: mark.id,
        }
    }
}

/// The messages `targets` and those answering them, in the conversation.
pub(super) async fn about(
    pool: &SqlitePool,
    conversation: ConversationId,
    targets: &[MessageId],
) -> Result<Vec<Message>, StoreError> {
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    let ids = serde_json::to_string(&targets).map_err(|_| StoreError::Corrupt("targets"))?;
    let rows: Vec<MessageRow> = sqlx::query_as(concat!(
        message_select!(),
        " WHERE m.conversation_id = ?1
            AND (m.id IN (SELECT value FROM json_each(?2))
                 OR m.reply_to IN (SELECT value FROM json_each(?2)))"
    ))
    .bind(conversation.0)
    .bind(ids)
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(MessageRow::into_message).collect()
}

/// The message `message` of the conversation and the one it answers, oldest first: two
/// look-ups by primary key.
pub(super) async fn message_and_answered(
    pool: &SqlitePool,
    conversation: ConversationId,
    message: MessageId,
) -> Result<Vec<Message>, StoreError> {
    let rows: Vec<MessageRow> = sqlx::query_as(concat!(
        message_select!(),
        " WHERE m.conversation_id = ?1
            AND (m.id = ?2
                 OR m.id = (SELECT s.reply_to FROM messages s
                             WHERE s.id = ?2 AND s.conversation_id = ?1))
          ORDER BY m.sent_at, m.id"
    ))
    .bind(conversation.0)
    .bind(message.0)
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(MessageRow::into_message).collect()
}

/// The consumer's latest message in `space` (`'public'`, `'private'`), optionally only
/// among those not deleted.
async fn consumer_last(
    pool: &SqlitePool,
    conversation: ConversationId,
    space: &str,
    live_only: bool,
) -> Result<Option<MessageMark>, StoreError> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT id, sent_at FROM messages
         WHERE conversation_id = ? AND author_kind = 'consumer' AND space = ?
           AND (NOT ? OR deleted = 0)
         ORDER BY sent_at DESC, id DESC LIMIT 1",
    )
    .bind(conversation.0)
    .bind(space)
    .bind(live_only)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(id, at)| MessageMark {
        id: MessageId(id),
        sent_at: Timestamp(at),
    }))
}

/// The facts over every message of the conversation; `link` is its invitation link
/// (`social_api::actions::dm_link`).
pub(super) async fn facts(
    pool: &SqlitePool,
    conversation: ConversationId,
    link: &str,
) -> Result<TranscriptFacts, StoreError> {
    let target = consumer_last(pool, conversation, "public", true).await?;
    let public_target = match target {
        Some(mark) => about(pool, conversation, &[mark.id])
            .await?
            .into_iter()
            .find(|m| m.id == mark.id),
        None => None,
    };
    let (replied,): (bool,) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM messages
                        WHERE conversation_id = ? AND reply_to = ? AND private_reply = 1
                          AND author_kind <> 'consumer')",
    )
    .bind(conversation.0)
    .bind(target.map(|m| m.id.0))
    .fetch_one(pool)
    .await?;
    let (invited,): (Option<i64>,) = sqlx::query_as(
        "SELECT MAX(sent_at) FROM messages
         WHERE conversation_id = ? AND author_kind <> 'consumer' AND space = 'public'
           AND delivery <> 'failed' AND instr(text, ?) > 0",
    )
    .bind(conversation.0)
    .bind(link)
    .fetch_one(pool)
    .await?;
    Ok(TranscriptFacts {
        consumer_last_public: consumer_last(pool, conversation, "public", false).await?,
        consumer_last_private: consumer_last(pool, conversation, "private", false).await?,
        public_target,
        public_target_replied: replied,
        last_invitation_at: invited.map(Timestamp),
    })
}

/// Whether another message of the conversation than `except` has `platform_id`.
pub(super) async fn platform_id_taken(
    pool: &SqlitePool,
    conversation: ConversationId,
    platform_id: &str,
    except: MessageId,
) -> Result<bool, StoreError> {
    let (taken,): (bool,) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM messages
                        WHERE platform_id = ? AND conversation_id = ? AND id <> ?)",
    )
    .bind(platform_id)
    .bind(conversation.0)
    .bind(except.0)
    .fetch_one(pool)
    .await?;
    Ok(taken)
}
