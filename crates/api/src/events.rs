//! What the live stream of a conversation carries: each change as the server stored it,
//! with the id of its place in the account's event log. The widget applies a change to
//! its one model; the same change twice, or an older one, changes nothing.

use serde::{Deserialize, Serialize};

use crate::model::{BrandChannel, Consumer, Message, PostContext};

/// The event types on the stream (SSE `event:` field).
pub const CHANGE_EVENT: &str = "change";
/// Sent instead of a replay the log can no longer give: read the conversation again.
pub const RESET_EVENT: &str = "reset";

/// One change to a conversation (the data of a `change` event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// A message arrived, or one changed (delivery, the brand's like): it replaces the
    /// message with its id.
    Message(Message),
    /// The post the conversation hangs on changed (the brand's like).
    Post(PostContext),
    /// The consumer's profile changed.
    Consumer(Consumer),
    /// The conversation's Page or X account changed: renamed, disconnected by an admin, or
    /// connected again.
    Brand(BrandChannel),
}

/// Answer of `POST /api/events/ticket`: a short-lived, single-use ticket that opens one
/// event stream (`EventSource` cannot send the session token in a header).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventTicket {
    pub ticket: String,
}
