//! What a social conversation is, as the server stores it and the widget shows it.
//!
//! Enums are serialised externally tagged (serde's default): it is the smallest shape for
//! the widget's wasm to decode. Times are milliseconds since the Unix epoch; the widget
//! formats them with the browser's `Intl`.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map(Self)
            }
        }
    };
}

id_type!(
    /// A conversation, as numbered by our backend (not the platform's id).
    ConversationId
);
id_type!(
    /// A message in our backend.
    MessageId
);
id_type!(
    /// An agent (person or bot) of a brand account.
    AgentId
);

/// Milliseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

/// The social network a conversation comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Facebook,
    /// X, formerly Twitter.
    X,
}

impl Source {
    /// The name an agent reads.
    pub fn label(self) -> &'static str {
        match self {
            Source::Facebook => "Facebook",
            Source::X => "X",
        }
    }
}

/// Where a message is visible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Space {
    /// On the platform for everyone: a post comment, a tweet, a reply.
    Public,
    /// A direct message: Messenger or X DM.
    Private,
    /// An internal note: only agents see it; never sent to the platform.
    Internal,
}

impl Space {
    /// The name an agent reads.
    pub fn label(self) -> &'static str {
        match self {
            Space::Public => "Public",
            Space::Private => "Private",
            Space::Internal => "Internal note",
        }
    }
}

/// The brand's own Facebook Page or X account that the conversation is with.
/// Likes and replies are made as this identity, never as the agent's personal one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrandChannel {
    /// Page id or X user id.
    pub platform_id: String,
    pub name: String,
    /// X `@username` (without `@`) or Facebook page username, where there is one.
    pub handle: Option<String>,
    /// An admin disconnected it: the conversation stays readable, nothing reaches the
    /// platform through it any more.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disconnected: bool,
}

/// The consumer on the other side of the conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consumer {
    /// Page-scoped user id on Facebook, user id on X.
    pub platform_id: String,
    pub profile: Profile,
}

/// What the platform tells us about the consumer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    Available(PublicProfile),
    /// The platform does not give the profile; the widget says so in words.
    Withheld(WithheldReason),
}

impl Profile {
    /// The name to show for the consumer, whatever the platform gave.
    pub fn display_name(&self) -> &str {
        match self {
            Profile::Available(p) => &p.display_name,
            Profile::Withheld(_) => "Consumer",
        }
    }

    pub fn handle(&self) -> Option<&str> {
        match self {
            Profile::Available(p) => p.handle.as_deref(),
            Profile::Withheld(_) => None,
        }
    }
}

/// The consumer's public profile, as far as the platform gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicProfile {
    pub display_name: String,
    /// X `@username` without the `@`; Facebook usernames are not given to pages.
    pub handle: Option<String>,
    pub picture_url: Option<String>,
    pub profile_url: Option<String>,
    /// BCP 47 or the platform's form (`en_US`).
    pub locale: Option<String>,
    /// As the platform gives it: an IANA name or an offset such as `UTC+02:00`.
    pub timezone: Option<String>,
    /// X gives it; Facebook does not.
    pub follower_count: Option<u64>,
}

/// Why the platform withholds a consumer's profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WithheldReason {
    /// Meta restricts profile fields of people in the EU.
    EuPrivacy,
    /// The platform answered "No profile available" (Meta error 2018218) or gave nothing.
    NoProfileAvailable,
}

impl WithheldReason {
    /// What the agent reads instead of a profile.
    pub fn explanation(self) -> &'static str {
        match self {
            WithheldReason::EuPrivacy => {
                "The platform withholds this profile under EU privacy rules: name, picture, locale and timezone are not shared."
            }
            WithheldReason::NoProfileAvailable => {
                "The platform has no profile available for this consumer."
            }
        }
    }
}

/// The original post or tweet a public conversation hangs on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostContext {
    pub platform_id: String,
    pub text: String,
    /// The page or account that wrote the post.
    pub author: String,
    pub posted_at: Timestamp,
    pub attachment_url: Option<String>,
    /// Opens the post on the platform.
    pub permalink: String,
    /// Liked by the brand's page or account.
    #[serde(default)]
    pub liked_by_brand: bool,
    /// Written by the brand's page or account itself (a page post, the brand's own
    /// tweet); false for a consumer's post (a visitor post, a tweet mentioning the brand).
    /// The brand cannot like its own post.
    #[serde(default)]
    pub by_brand: bool,
    /// Deleted on the platform: the widget still shows what it knew, marked as deleted.
    #[serde(default)]
    pub deleted: bool,
}

/// Who wrote a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    Consumer,
    Agent {
        id: AgentId,
        name: String,
    },
    Bot {
        name: String,
    },
    System,
    /// The brand's page or account itself, written on the platform rather than in the
    /// widget (Meta Business Suite, the X app): `name` is the brand channel's.
    Brand {
        name: String,
    },
}

impl Author {
    pub fn is_consumer(&self) -> bool {
        matches!(self, Author::Consumer)
    }

    /// Which kind of author, without the details: how storage keeps it.
    pub fn kind(&self) -> AuthorKind {
        match self {
            Author::Consumer => AuthorKind::Consumer,
            Author::Agent { .. } => AuthorKind::Agent,
            Author::Bot { .. } => AuthorKind::Bot,
            Author::System => AuthorKind::System,
            Author::Brand { .. } => AuthorKind::Brand,
        }
    }
}

/// [`Author`]'s variants without their data; their names are `Author`'s serde tags
/// (a test in `names` holds the two together).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthorKind {
    Consumer,
    Agent,
    Bot,
    System,
    Brand,
}

/// Whether an outgoing message reached the platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    Pending,
    Sent,
    Failed { reason: String },
}

impl Delivery {
    /// Which state, without the reason: how storage keeps it.
    pub fn state(&self) -> DeliveryState {
        match self {
            Delivery::Pending => DeliveryState::Pending,
            Delivery::Sent => DeliveryState::Sent,
            Delivery::Failed { .. } => DeliveryState::Failed,
        }
    }
}

/// [`Delivery`]'s variants without their data, named as `Delivery`'s serde tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Pending,
    Sent,
    Failed,
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: MessageId,
    /// The platform's id; internal notes and unsent messages have none.
    pub platform_id: Option<String>,
    pub author: Author,
    pub space: Space,
    pub text: String,
    /// The message this one answers, in the same conversation.
    pub reply_to: Option<MessageId>,
    pub sent_at: Timestamp,
    /// Liked by the brand's page or account.
    pub liked_by_brand: bool,
    pub delivery: Delivery,
    /// A Facebook private reply: a Messenger message that answers the public comment
    /// `reply_to` (Meta allows one per comment, within seven days of it).
    #[serde(default)]
    pub private_reply: bool,
    /// The author changed the text on the platform (the text is the newest).
    #[serde(default)]
    pub edited: bool,
    /// Deleted on the platform; the text stays for the agents, marked as deleted.
    #[serde(default)]
    pub deleted: bool,
    /// The conversation's consumer reacted to this message: the platform's name of the
    /// reaction (`like`, `love`, an emoji…).
    #[serde(default)]
    pub consumer_reaction: Option<String>,
}

/// A whole conversation, as the widget shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    pub id: ConversationId,
    pub source: Source,
    pub brand: BrandChannel,
    pub consumer: Consumer,
    /// The post or tweet a public conversation started on; none for a DM-only one.
    pub post: Option<PostContext>,
    /// The agent who owns the conversation; `None` while nobody does. Only they (or an
    /// admin) may act in it.
    #[serde(default)]
    pub assigned_to: Option<Assignee>,
    /// Oldest first: the newest page of the transcript (all of it when `older_cursor` is
    /// `None`), then what the live stream added.
    pub messages: Vec<Message>,
    /// What the rules need to know of the messages not loaded (see [`crate::facts`]).
    #[serde(default)]
    pub facts: crate::facts::TranscriptFacts,
    /// Reads the page of messages before the loaded ones
    /// (`GET /api/conversations/{id}/messages?before=…`); `None` when none are older.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub older_cursor: Option<String>,
    /// Where this reading stands in the event log: its live stream opens `after` it, so no
    /// change between the reading and the stream is lost (one read twice changes nothing).
    #[serde(default)]
    pub event_cursor: i64,
    /// The skill (queue) routing gave the conversation when it started, if any.
    #[serde(default)]
    pub skill: Option<String>,
    /// On X, the engagement routing gave it.
    #[serde(default)]
    pub engagement: Option<String>,
}

/// The agent a conversation is assigned to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignee {
    pub id: AgentId,
    pub name: String,
}

impl Conversation {
    /// A loaded message, or the older one the facts carry (see [`crate::facts`]).
    pub fn message(&self, id: MessageId) -> Option<&Message> {
        self.messages.iter().find(|m| m.id == id).or_else(|| {
            self.facts
                .public_target
                .as_ref()
                .filter(|target| target.id == id)
        })
    }

    /// The consumer's messages, oldest first.
    pub fn consumer_messages(&self) -> impl Iterator<Item = &Message> {
        self.messages.iter().filter(|m| m.author.is_consumer())
    }
}

/// Which conversations a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ListView {
    /// Assigned to the signed-in agent.
    #[default]
    Mine,
    /// Every conversation of the brand account.
    All,
}

/// One row of a conversation list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationSummary {
    pub id: ConversationId,
    pub source: Source,
    /// The space of the consumer's latest message.
    pub space: Space,
    pub consumer_name: String,
    /// The start of the latest message, plain text.
    pub last_message_preview: String,
    pub last_message_at: Timestamp,
    /// Consumer messages the signed-in agent has not seen: since the brand last wrote and
    /// since the agent last opened the conversation.
    pub unread_count: u32,
    /// The brand's messages whose delivery failed (and was not sent again since).
    #[serde(default)]
    pub undelivered_count: u32,
    /// The name of the agent the conversation is assigned to, if anyone.
    #[serde(default)]
    pub assigned_to: Option<String>,
    /// The conversation's skill (see [`Conversation::skill`]).
    #[serde(default)]
    pub skill: Option<String>,
    /// On X, its engagement.
    #[serde(default)]
    pub engagement: Option<String>,
}

/// The signed-in agent, as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agent {
    pub id: AgentId,
    pub name: String,
    pub kind: AgentKind,
    pub role: Role,
}

/// A person or an automation writing for the brand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentKind {
    Human,
    /// Bots and automatic messages may only write in the private space.
    Bot,
}

/// The roles of a brand account's users. An agent acts in the conversations assigned
/// to them; an admin may act in any conversation of the account, as themself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Agent,
    Admin,
}
