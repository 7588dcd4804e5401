//! What a webhook delivery means, whichever platform and payload format it came in: the
//! parsers (`facebook`, `x`) turn a verified body into [`Inbound`] events, the store keeps
//! each one under its [`Inbound::key`] before the delivery is acknowledged, and the applier
//! turns them into conversations and messages. Serialised as stored: a field added later
//! must have a default, so events stored by an older version still apply.

use serde::{Deserialize, Serialize};
use social_api::{Source, Space, Timestamp};

/// One event of a delivery (a delivery may carry many).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbound {
    pub source: Source,
    /// Unique per source for this event and stable across redeliveries: what makes a
    /// repeated delivery the same event (e.g. `comment:{id}:add`, `mid:{mid}`,
    /// `tweet:{id}`, `dm:{id}`, `reaction:{mid}:{psid}:{ts}`). At most 512 bytes.
    pub key: String,
    /// The brand's Page id (Facebook) or the connected X account's user id
    /// (`for_user_id`): which brand channel the event belongs to.
    pub brand_id: String,
    /// When the platform says it happened.
    pub at: Timestamp,
    pub event: InboundEvent,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum InboundEvent {
    /// A consumer wrote: a comment or reply to a comment, a visitor's post on the Page, a
    /// Messenger message, a tweet that mentions or replies to the account, a DM.
    ConsumerMessage(InboundMessage),
    /// The brand wrote on the platform itself (a Page comment, a Messenger echo, the
    /// account's own tweet or DM): recorded once, also when the widget sent it (the
    /// platform id is then known already).
    BrandMessage(InboundMessage),
    /// The text of a message changed.
    Edited { platform_id: String, text: String },
    /// A message (or post) was deleted on the platform.
    Deleted { platform_id: String },
    /// A consumer reacted to a message or post (`reaction: None`: took the reaction back).
    /// Facebook: `like`, `love`, `haha`… or Messenger's emoji; X: `like`.
    Reaction {
        target_platform_id: String,
        consumer: InboundPerson,
        reaction: Option<String>,
    },
    /// The consumer read the brand's private messages up to `watermark`.
    Read {
        consumer: InboundPerson,
        watermark: Timestamp,
    },
}

/// A message as the platform delivered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundMessage {
    /// The platform's id of the message: comment id, `mid`, tweet id, DM event id.
    pub platform_id: String,
    /// Public (comment, post, tweet) or private (Messenger, DM); never internal.
    pub space: Space,
    /// The consumer the conversation is with (for a brand message: whom it answers).
    pub consumer: InboundPerson,
    /// Text as written; attachments without text become a short description such as
    /// "[image] https://…" so the agent sees something happened.
    pub text: String,
    /// The platform id of the message this one answers (parent comment, the tweet it
    /// replies to, Messenger's `reply_to.mid`), when there is one.
    pub in_reply_to: Option<String>,
    /// The post or tweet a public message hangs on.
    pub post: Option<InboundPost>,
}

/// A person as the platform names them in the event (Facebook's page-scoped id, X's user
/// id). The full profile is fetched from the platform when a conversation starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundPerson {
    pub platform_id: String,
    pub name: Option<String>,
    /// X's `screen_name`, without the `@`.
    pub handle: Option<String>,
    pub picture_url: Option<String>,
}

/// The post or tweet a public conversation hangs on, as much of it as the event carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundPost {
    pub platform_id: String,
    /// `None` when the event does not carry it (a comment names only its post's id).
    pub text: Option<String>,
    pub author: Option<String>,
    /// Whether the brand wrote the post (a Page post, the account's own tweet).
    pub by_brand: bool,
    pub permalink: Option<String>,
}

/// Why a delivery body was not taken. The text goes to the log, never a body excerpt
/// longer than the field name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Not JSON at all.
    #[error("the body is not JSON: {0}")]
    NotJson(String),
    /// JSON, but not a delivery of this platform (e.g. `object` is not `page`).
    #[error("not a {platform} delivery: {detail}")]
    NotADelivery {
        platform: &'static str,
        detail: String,
    },
}

/// A parsed delivery: the events to apply, and what was left out and why (unknown objects
/// and fields, shapes we do not act on such as deliveries, postbacks or typing), for the
/// log line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub events: Vec<Inbound>,
    pub skipped: Vec<String>,
}
