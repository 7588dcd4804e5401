//! Outbound calls to Facebook and X behind one trait: the handlers never know whether a
//! real client, the demo's recording one or a test's answers them.

mod recording;

pub use recording::{Call, RecordingPlatform};

use async_trait::async_trait;
use social_api::rules::MessageTag;
use social_api::Source;

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

/// Why the platform did not do it. The text is shown to agents: clients put the
/// platform's readable reason in it, never a token or a request body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlatformError {
    /// The platform answered and refused, with its reason.
    #[error("{0}")]
    Rejected(String),
    /// Too many calls; the platform accepts more after this time (ms since the epoch).
    #[error("The platform's rate limit is reached; try again later.")]
    RateLimited { retry_at: Option<i64> },
    /// No answer, or not one we understand.
    #[error("The platform could not be reached: {0}")]
    Unreachable(String),
    /// This server has no connection to the source configured.
    #[error("No {} connection is configured on this server.", .0.label())]
    NotConnected(Source),
}

impl PlatformError {
    /// The reason as an agent reads it.
    pub fn reason(&self) -> String {
        self.to_string()
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
}

/// The platform of a server started without `--demo`, until the real Meta and X clients
/// exist: every call fails with a reason, so nothing pretends to have been sent.
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
}
