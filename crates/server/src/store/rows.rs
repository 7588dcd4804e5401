//! Rows as both stores return them, and their conversion to the API's model: SQLite's
//! and PostgreSQL's columns have the same names, and BIGINT and BOOLEAN read as i64 and
//! bool as SQLite's INTEGER does.

use crate::store::{
    Attempt, KeyRecord, PasswordAgent, SavedResponse, SendingMode, Session, SessionEnds,
    StoreError, StoredSession, StuckMessage,
};
use crate::webhooks::InboundPost;
use serde::{de::DeserializeOwned, Serialize};
use social_api::names::{name_of, parse_name};
use social_api::routing::{RoutingRule, RuleMatch};
use social_api::{
    Agent, AgentId, AgentKind, Assignee, Author, AuthorKind, Consumer, ConversationId, Delivery,
    DeliveryState, Message, MessageId, PostContext, Profile, PublicProfile, Source, Timestamp,
    WithheldReason,
};
use sqlx::FromRow;

/// Which of a conversation's messages a read brings.
#[derive(Debug, Clone, Copy)]
pub(super) enum Read<'a> {
    /// Every message, oldest first (no facts).
    All,
    /// The newest `limit`, the messages about `targets` wherever they are, and the facts
    /// over all of them.
    Page {
        limit: u32,
        targets: &'a [MessageId],
    },
    /// This message and the one it answers, nothing else (no facts): what looking a sent
    /// message up on its platform needs, however long the conversation.
    Message(MessageId),
}

/// `SELECT` of a message as [`MessageRow`] reads it, from `messages m JOIN conversations
/// c`: callers append their `WHERE`. The reaction shown is the conversation's consumer's.
macro_rules! message_select {
    () => {
        "SELECT m.id, m.platform_id, m.author_kind, m.author_agent_id, m.author_name, m.space,
                m.text, m.reply_to, m.sent_at, m.liked_by_brand, m.delivery, m.failure_reason,
                m.private_reply, m.edited, m.deleted,
                (SELECT r.reaction FROM message_reactions r JOIN consumers co
                   ON co.id = c.consumer_id AND r.reactor_platform_id = co.platform_id
                 WHERE r.message_id = m.id) AS consumer_reaction
         FROM messages m JOIN conversations c ON c.id = m.conversation_id"
    };
}
pub(super) use message_select;

/// How much of the latest message a list row shows.
pub(super) const PREVIEW_CHARS: usize = 120;

/// A stored enum value, read by the name serde gives it; `what` names the column.
pub(super) fn parse<T: DeserializeOwned>(value: &str, what: &'static str) -> Result<T, StoreError> {
    parse_name(value).ok_or(StoreError::Corrupt(what))
}

/// How an enum value is stored: the name serde gives it (the columns' CHECKs list them).
pub(super) fn name<T: Serialize>(value: &T) -> String {
    name_of(value)
}

/// The start of a message for a list row: whitespace folded, at most [`PREVIEW_CHARS`].
pub(super) fn preview(text: &str) -> String {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match folded.char_indices().nth(PREVIEW_CHARS) {
        Some((end, _)) => format!("{}…", &folded[..end]),
        None => folded,
    }
}

#[derive(FromRow)]
pub(super) struct SessionRow {
    pub(super) account_id: i64,
    pub(super) slug: String,
    pub(super) agent_id: i64,
    pub(super) name: String,
    pub(super) kind: String,
    pub(super) role: String,
}

impl SessionRow {
    pub(super) fn into_session(self) -> Result<Session, StoreError> {
        Ok(Session {
            account_id: self.account_id,
            account: self.slug,
            agent: Agent {
                id: AgentId(self.agent_id),
                name: self.name,
                kind: parse(&self.kind, "agents.kind")?,
                role: parse(&self.role, "agents.role")?,
            },
        })
    }
}

#[derive(FromRow)]
pub(super) struct SummaryRow {
    pub(super) id: i64,
    pub(super) source: String,
    pub(super) display_name: Option<String>,
    pub(super) withheld_reason: Option<String>,
    pub(super) has_post: bool,
    pub(super) last_text: Option<String>,
    pub(super) last_at: Option<i64>,
    pub(super) consumer_space: Option<String>,
    pub(super) unread: i64,
    pub(super) undelivered: i64,
    pub(super) assignee_name: Option<String>,
    pub(super) skill: Option<String>,
    pub(super) engagement: Option<String>,
}

#[derive(FromRow)]
pub(super) struct ConversationRow {
    pub(super) id: i64,
    pub(super) source: String,
    pub(super) brand_platform_id: String,
    pub(super) brand_name: String,
    pub(super) brand_handle: Option<String>,
    pub(super) brand_disconnected: bool,
    pub(super) consumer_platform_id: String,
    #[sqlx(flatten)]
    pub(super) consumer_profile: ProfileRow,
    pub(super) post_platform_id: Option<String>,
    pub(super) post_text: Option<String>,
    pub(super) post_author: Option<String>,
    pub(super) post_posted_at: Option<i64>,
    pub(super) post_attachment_url: Option<String>,
    pub(super) post_permalink: Option<String>,
    pub(super) post_liked_by_brand: bool,
    pub(super) post_by_brand: bool,
    pub(super) post_deleted: bool,
    pub(super) assignee_id: Option<i64>,
    pub(super) assignee_name: Option<String>,
    pub(super) skill: Option<String>,
    pub(super) engagement: Option<String>,
}

/// The profile columns of `consumers`.
#[derive(FromRow)]
pub(super) struct ProfileRow {
    pub(super) display_name: Option<String>,
    pub(super) handle: Option<String>,
    pub(super) picture_url: Option<String>,
    pub(super) profile_url: Option<String>,
    pub(super) locale: Option<String>,
    pub(super) timezone: Option<String>,
    pub(super) follower_count: Option<i64>,
    pub(super) withheld_reason: Option<String>,
}

#[derive(FromRow)]
pub(super) struct MessageRow {
    pub(super) id: i64,
    pub(super) platform_id: Option<String>,
    pub(super) author_kind: String,
    pub(super) author_agent_id: Option<i64>,
    pub(super) author_name: Option<String>,
    pub(super) space: String,
    pub(super) text: String,
    pub(super) reply_to: Option<i64>,
    pub(super) sent_at: i64,
    pub(super) liked_by_brand: bool,
    pub(super) delivery: String,
    pub(super) failure_reason: Option<String>,
    pub(super) private_reply: bool,
    pub(super) edited: bool,
    pub(super) deleted: bool,
    pub(super) consumer_reaction: Option<String>,
}

impl ConversationRow {
    pub(super) fn assignee(&self) -> Option<Assignee> {
        Some(Assignee {
            id: AgentId(self.assignee_id?),
            name: self.assignee_name.clone()?,
        })
    }

    pub(super) fn profile(&self) -> Result<Profile, StoreError> {
        self.consumer_profile.profile()
    }

    pub(super) fn post(&self) -> Option<PostContext> {
        Some(PostContext {
            platform_id: self.post_platform_id.clone()?,
            text: self.post_text.clone()?,
            author: self.post_author.clone()?,
            posted_at: Timestamp(self.post_posted_at?),
            attachment_url: self.post_attachment_url.clone(),
            permalink: self.post_permalink.clone()?,
            liked_by_brand: self.post_liked_by_brand,
            by_brand: self.post_by_brand,
            deleted: self.post_deleted,
        })
    }
}

impl ProfileRow {
    pub(super) fn profile(&self) -> Result<Profile, StoreError> {
        if let Some(reason) = &self.withheld_reason {
            return Ok(Profile::Withheld(parse::<WithheldReason>(
                reason,
                "consumers.withheld_reason",
            )?));
        }
        let display_name = self
            .display_name
            .clone()
            .ok_or(StoreError::Corrupt("consumers.display_name"))?;
        let follower_count = self
            .follower_count
            .map(u64::try_from)
            .transpose()
            .map_err(|_| StoreError::Corrupt("consumers.follower_count"))?;
        Ok(Profile::Available(PublicProfile {
            display_name,
            handle: self.handle.clone(),
            picture_url: self.picture_url.clone(),
            profile_url: self.profile_url.clone(),
            locale: self.locale.clone(),
            timezone: self.timezone.clone(),
            follower_count,
        }))
    }
}

impl MessageRow {
    pub(super) fn into_message(self) -> Result<Message, StoreError> {
        let name = || {
            self.author_name
                .clone()
                .ok_or(StoreError::Corrupt("messages.author_name"))
        };
        let author = match parse(&self.author_kind, "messages.author_kind")? {
            AuthorKind::Consumer => Author::Consumer,
            AuthorKind::Agent => Author::Agent {
                id: AgentId(
                    self.author_agent_id
                        .ok_or(StoreError::Corrupt("messages.author_agent_id"))?,
                ),
                name: name()?,
            },
            AuthorKind::Bot => Author::Bot { name: name()? },
            AuthorKind::System => Author::System,
            AuthorKind::Brand => Author::Brand { name: name()? },
        };
        let delivery = match parse(&self.delivery, "messages.delivery")? {
            DeliveryState::Pending => Delivery::Pending,
            DeliveryState::Sent => Delivery::Sent,
            DeliveryState::Failed => Delivery::Failed {
                reason: self.failure_reason.unwrap_or_default(),
            },
        };
        Ok(Message {
            id: MessageId(self.id),
            platform_id: self.platform_id,
            author,
            space: parse(&self.space, "messages.space")?,
            text: self.text,
            reply_to: self.reply_to.map(MessageId),
            sent_at: Timestamp(self.sent_at),
            liked_by_brand: self.liked_by_brand,
            delivery,
            private_reply: self.private_reply,
            edited: self.edited,
            deleted: self.deleted,
            consumer_reaction: self.consumer_reaction,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_folds_whitespace_and_cuts_on_a_char_boundary() {
        assert_eq!(preview("  a\n\tb  c "), "a b c");
        let long = "é".repeat(PREVIEW_CHARS + 5);
        let cut = preview(&long);
        assert_eq!(cut.chars().count(), PREVIEW_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(
            preview(&"é".repeat(PREVIEW_CHARS)),
            "é".repeat(PREVIEW_CHARS)
        );
    }
}

#[derive(FromRow)]
pub(super) struct StoredSessionRow {
    #[sqlx(flatten)]
    who: SessionRow,
    idle_expires_at: i64,
    expires_at: i64,
}

impl StoredSessionRow {
    pub(super) fn into_stored(self) -> Result<StoredSession, StoreError> {
        Ok(StoredSession {
            session: self.who.into_session()?,
            ends: SessionEnds {
                idle_expires_at: Timestamp(self.idle_expires_at),
                expires_at: Timestamp(self.expires_at),
            },
        })
    }
}

#[derive(FromRow)]
pub(super) struct PasswordRow {
    #[sqlx(flatten)]
    who: SessionRow,
    password_hash: Option<String>,
    demo_seeded: bool,
}

impl PasswordRow {
    pub(super) fn into_agent(self) -> Result<PasswordAgent, StoreError> {
        Ok(PasswordAgent {
            session: self.who.into_session()?,
            password_hash: self.password_hash,
            demo_seeded: self.demo_seeded,
        })
    }
}

/// A consumer as `UPDATE … RETURNING` gives them back.
#[derive(FromRow)]
pub(super) struct ConsumerRow {
    platform_id: String,
    #[sqlx(flatten)]
    profile: ProfileRow,
}

impl ConsumerRow {
    pub(super) fn into_consumer(self) -> Result<Consumer, StoreError> {
        Ok(Consumer {
            profile: self.profile.profile()?,
            platform_id: self.platform_id,
        })
    }
}

/// A message left pending, for the sweeper.
#[derive(FromRow)]
pub(super) struct StuckRow {
    account_id: i64,
    conversation_id: i64,
    id: i64,
    pending_since: i64,
    mention: bool,
    private_reply: bool,
}

impl StuckRow {
    pub(super) fn into_stuck(self) -> StuckMessage {
        StuckMessage {
            account_id: self.account_id,
            conversation: ConversationId(self.conversation_id),
            message: MessageId(self.id),
            pending_since: Timestamp(self.pending_since),
            mode: SendingMode {
                mention: self.mention,
                private_reply: self.private_reply,
            },
        }
    }
}

/// An idempotency key's row: its request's hash and, once answered, the answer.
#[derive(FromRow)]
pub(super) struct KeyRow {
    request_sha256: String,
    response_status: Option<i64>,
    response_content_type: Option<String>,
    response_body: Option<Vec<u8>>,
}

impl KeyRow {
    pub(super) fn into_record(self) -> Result<KeyRecord, StoreError> {
        let response = match (self.response_status, self.response_body) {
            (Some(status), Some(body)) => Some(SavedResponse {
                status: u16::try_from(status)
                    .map_err(|_| StoreError::Corrupt("idempotency_keys.response_status"))?,
                content_type: self.response_content_type,
                body,
            }),
            _ => None,
        };
        Ok(KeyRecord {
            request_sha256: self.request_sha256,
            response,
        })
    }
}

/// An idempotency key as `messages.action_key` keeps it: keys are per agent.
pub(super) fn action_key(session: &Session, key: &str) -> String {
    format!("{}/{key}", session.agent.id.0)
}

/// How the session's agent is recorded as an author.
pub(super) fn author_kind(session: &Session) -> AuthorKind {
    match session.agent.kind {
        AgentKind::Human => AuthorKind::Agent,
        AgentKind::Bot => AuthorKind::Bot,
    }
}

/// An attempt as the columns `delivery`, `platform_id`, `failure_reason` and
/// `check_before_resend` store it.
pub(super) fn outcome<'a>(
    attempt: &Attempt<'a>,
) -> (DeliveryState, Option<&'a str>, Option<&'a str>, bool) {
    match *attempt {
        Attempt::Sent { platform_id } => (DeliveryState::Sent, Some(platform_id), None, false),
        Attempt::Failed { reason } => (DeliveryState::Failed, None, Some(reason), false),
        Attempt::Unconfirmed { reason } => (DeliveryState::Failed, None, Some(reason), true),
    }
}

/// What is stored of a post an event names. A comment names only its post's id: the
/// text is then empty (the widget says it is not known) and the author too unless the
/// brand wrote it. Events carry no time of the post: `posted_at` is the time of the
/// message (`at`), exact when the message is the post itself (the only case with its
/// text), and not shown by the widget otherwise.
pub(super) fn post_of(source: Source, at: Timestamp, post: &InboundPost) -> PostContext {
    let permalink = post.permalink.clone().unwrap_or_else(|| match source {
        Source::Facebook => format!("https://www.facebook.com/{}", post.platform_id),
        Source::X => format!("https://x.com/i/status/{}", post.platform_id),
    });
    PostContext {
        platform_id: post.platform_id.clone(),
        text: post.text.clone().unwrap_or_default(),
        author: post.author.clone().unwrap_or_default(),
        posted_at: at,
        attachment_url: None,
        permalink,
        liked_by_brand: false,
        by_brand: post.by_brand,
        deleted: false,
    }
}

/// A routing rule as stored.
#[derive(FromRow)]
pub(super) struct RuleRow {
    source: Option<String>,
    brand_platform_id: Option<String>,
    space: Option<String>,
    skill: String,
    engagement: Option<String>,
}

impl RuleRow {
    pub(super) fn into_rule(self) -> Result<RoutingRule, StoreError> {
        Ok(RoutingRule {
            when: RuleMatch {
                source: self
                    .source
                    .map(|s| parse(&s, "routing_rules.source"))
                    .transpose()?,
                brand: self.brand_platform_id,
                space: self
                    .space
                    .map(|s| parse(&s, "routing_rules.space"))
                    .transpose()?,
            },
            skill: self.skill,
            engagement: self.engagement,
        })
    }
}
