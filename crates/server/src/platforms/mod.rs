//! Outbound calls to Facebook and X behind one trait: the handlers never know whether a
//! real client, the demo's recording one or a test's answers them.

mod error;
mod graph;
mod http;
mod matching;
mod real;
mod recording;
mod settings;
mod x;

pub use error::PlatformError;
pub use real::{BuildError, RealPlatform};
pub use recording::{Call, Read, RecordedCall, RecordingPlatform};
pub use settings::{RetryPolicy, Settings};

use async_trait::async_trait;
use social_api::rules::MessageTag;
use social_api::{Profile, Source, Space, Timestamp};

/// A message to write on the platform, as the brand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outbound {
    pub source: Source,
    /// The brand's Page id or X user id: the identity that writes.
    pub brand_id: String,
    /// The platform id of what this answers: the comment or tweet a public reply threads
    /// to (X `in_reply_to_tweet_id`), the comment of a Facebook private reply, the direct
    /// message a DM answers. `None` for a DM that answers nothing in particular.
    pub target_id: Option<String>,
    /// The consumer's page-scoped id (Facebook) or user id (X).
    pub consumer_id: String,
    pub text: String,
    /// Whether the consumer is mentioned: on X the text already carries `@handle`; on
    /// Facebook the client tags `consumer_id`.
    pub mention: bool,
    /// The Messenger tag Meta requires after its standard 24 hours (`HUMAN_AGENT`).
    pub tag: Option<MessageTag>,
}

/// A like (or its withdrawal) made as the brand's Page or X account, never as a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Like {
    pub source: Source,
    /// The brand's Page id or X user id: the identity that likes.
    pub brand_id: String,
    /// The liked comment or tweet.
    pub target_id: String,
}

/// Whose profile to fetch, and as which brand channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileRequest {
    pub source: Source,
    /// The Page or X account whose token asks.
    pub brand_id: String,
    /// The consumer's page-scoped id (Facebook) or user id (X).
    pub consumer_id: String,
}

/// A brand channel whose webhook events are asked for (or no longer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub source: Source,
    /// The Page id or X user id.
    pub brand_id: String,
}

/// How a message goes out: each is a different call, and is looked up in a different place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendKind {
    /// [`Platform::reply_public`].
    ReplyPublic,
    /// [`Platform::send_private`].
    SendPrivate,
    /// [`Platform::private_reply`].
    PrivateReply,
}

impl SendKind {
    /// How a message of `space` goes out; `None` for an internal note, which never does.
    pub fn of(space: Space, private_reply: bool) -> Option<Self> {
        match (space, private_reply) {
            (Space::Internal, _) => None,
            (Space::Public, _) => Some(SendKind::ReplyPublic),
            (Space::Private, true) => Some(SendKind::PrivateReply),
            (Space::Private, false) => Some(SendKind::SendPrivate),
        }
    }
}

/// What the server asks of Facebook and X. Every call returns the platform's id of the
/// new object, or why it failed.
#[async_trait]
pub trait Platform: Send + Sync + 'static {
    /// A public reply: a comment under the target comment or post (Facebook), a reply
    /// tweet `in_reply_to` the target (X).
    async fn reply_public(&self, request: &Outbound) -> Result<String, PlatformError>;

    /// A direct message: Messenger or X DM to `consumer_id`.
    async fn send_private(&self, request: &Outbound) -> Result<String, PlatformError>;

    /// A Facebook private reply: a Messenger message answering the public comment
    /// `target_id` (one per comment, within seven days).
    async fn private_reply(&self, request: &Outbound) -> Result<String, PlatformError>;

    /// Likes the target as the brand.
    async fn like(&self, request: &Like) -> Result<(), PlatformError>;

    /// Takes back the brand's like of the target.
    async fn unlike(&self, request: &Like) -> Result<(), PlatformError>;

    /// The consumer's profile, or why the platform withholds it (an answer, not an error).
    async fn profile(&self, request: &ProfileRequest) -> Result<Profile, PlatformError>;

    /// The platform ids of recent messages from the brand that look like `request` sent
    /// as `kind` (same place, same text), created at `since` or later, newest first: how
    /// a send that may have arrived without an answer is found. Each platform looks back
    /// over a short window only (see the clients).
    async fn find_sent(
        &self,
        kind: SendKind,
        request: &Outbound,
        since: Timestamp,
    ) -> Result<Vec<String>, PlatformError>;

    /// Asks the platform to send the channel's events to our webhook (`true`) or to stop
    /// (`false`): Graph's `subscribed_apps` of the Page, X's account activity
    /// subscription. Repeating either changes nothing more.
    async fn set_subscribed(
        &self,
        request: &Subscription,
        subscribed: bool,
    ) -> Result<(), PlatformError>;
}

/// Sends `request` as `kind`.
pub async fn send(
    platform: &dyn Platform,
    kind: SendKind,
    request: &Outbound,
) -> Result<String, PlatformError> {
    match kind {
        SendKind::ReplyPublic => platform.reply_public(request).await,
        SendKind::SendPrivate => platform.send_private(request).await,
        SendKind::PrivateReply => platform.private_reply(request).await,
    }
}

/// The platform of a server started without `--demo` and without clients (tests only
/// now): every call fails with a reason, so nothing pretends to have been sent.
#[derive(Debug, Clone, Copy, Default)]
pub struct NotConnected;

#[async_trait]
impl Platform for NotConnected {
    async fn reply_public(&self, request: &Outbound) -> Result<String, PlatformError> {
        Err(PlatformError::NotConnected(request.source))
    }
    async fn send_private(&self, request: &Outbound) -> Result<String, PlatformError> {
        Err(PlatformError::NotConnected(request.source))
    }
    async fn private_reply(&self, request: &Outbound) -> Result<String, PlatformError> {
        Err(PlatformError::NotConnected(request.source))
    }
    async fn like(&self, request: &Like) -> Result<(), PlatformError> {
        Err(PlatformError::NotConnected(request.source))
    }
    async fn unlike(&self, request: &Like) -> Result<(), PlatformError> {
        Err(PlatformError::NotConnected(request.source))
    }
    async fn profile(&self, request: &ProfileRequest) -> Result<Profile, PlatformError> {
        Err(PlatformError::NotConnected(request.source))
    }
    async fn find_sent(
        &self,
        _kind: SendKind,
        request: &Outbound,
        _since: Timestamp,
    ) -> Result<Vec<String>, PlatformError> {
        Err(PlatformError::NotConnected(request.source))
    }
    async fn set_subscribed(
        &self,
        request: &Subscription,
        _subscribed: bool,
    ) -> Result<(), PlatformError> {
        Err(PlatformError::NotConnected(request.source))
    }
}
