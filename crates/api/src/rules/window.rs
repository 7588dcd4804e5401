//! Meta's time limits on a page's private messages: Messenger's messaging window after the
//! consumer's last message, and the seven days a comment may get a private reply
//! (PLATFORMS.md, section Meta).

use super::{access::can_act_in, Denied};
use crate::model::{Agent, AgentKind, Conversation, MessageId, Source, Space, Timestamp};

const HOUR_MS: i64 = 60 * 60 * 1000;
/// Standard Messenger messages: within 24 hours of the consumer's last message.
pub const MESSENGER_STANDARD_WINDOW_MS: i64 = 24 * HOUR_MS;
/// A person's reply with the `HUMAN_AGENT` tag: within 7 days of that message.
pub const MESSENGER_HUMAN_AGENT_WINDOW_MS: i64 = 7 * 24 * HOUR_MS;
/// Meta accepts one private reply per comment, within this long after the comment.
pub const PRIVATE_REPLY_WINDOW_MS: i64 = 7 * 24 * HOUR_MS;

/// A Messenger message tag the send must carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageTag {
    /// `"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"`: a person answering after
    /// the standard 24 hours.
    HumanAgent,
}

/// Where Messenger's window stands for this agent now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessengerWindow {
    /// Until then a standard message goes out.
    pub standard_until: Timestamp,
    /// After this, nothing this agent sends privately is accepted.
    pub closes_at: Timestamp,
    /// The tag a private message sent now must carry.
    pub tag: Option<MessageTag>,
}

/// Messenger's window for a private message by `agent` at `now`: `None` where no window
/// applies (X, or a consumer who never wrote privately, which other rules refuse).
pub fn messenger_window(
    conversation: &Conversation,
    agent: &Agent,
    now: Timestamp,
) -> Option<Result<MessengerWindow, Denied>> {
    if conversation.source != Source::Facebook {
        return None;
    }
    let last = conversation.consumer_last_in(Space::Private)?.sent_at;
    let standard_until = Timestamp(last.0.saturating_add(MESSENGER_STANDARD_WINDOW_MS));
    let closes_at = match agent.kind {
        // Bots get the standard window only.
        AgentKind::Bot => standard_until,
        AgentKind::Human => Timestamp(last.0.saturating_add(MESSENGER_HUMAN_AGENT_WINDOW_MS)),
    };
    Some(if now < standard_until {
        Ok(MessengerWindow {
            standard_until,
            closes_at,
            tag: None,
        })
    } else if now < closes_at {
        Ok(MessengerWindow {
            standard_until,
            closes_at,
            tag: Some(MessageTag::HumanAgent),
        })
    } else {
        Err(Denied::MessengerWindowClosed {
            closed_at: closes_at,
        })
    })
}

/// Whether a Facebook private reply to `comment` may go out now: a consumer's public
/// comment on the platform, under seven days old. (That it is the comment's only one is
/// kept by the database; a failed one may be sent again.)
pub fn private_reply_open(
    conversation: &Conversation,
    comment: MessageId,
    now: Timestamp,
) -> Result<(), Denied> {
    let found = conversation
        .message(comment)
        .ok_or(Denied::UnknownMessage)?;
    if !found.author.is_consumer() {
        return Err(Denied::NotFromConsumer);
    }
    if conversation.source != Source::Facebook
        || found.space != Space::Public
        || found.platform_id.is_none()
    {
        return Err(Denied::NotOnPlatform);
    }
    if now.0.saturating_sub(found.sent_at.0) >= PRIVATE_REPLY_WINDOW_MS {
        return Err(Denied::PrivateReplyWindowClosed);
    }
    Ok(())
}

/// [`private_reply_open`], for an agent who may act in the conversation.
pub fn can_private_reply(
    conversation: &Conversation,
    agent: &Agent,
    comment: MessageId,
    now: Timestamp,
) -> Result<(), Denied> {
    can_act_in(conversation, agent)?;
    private_reply_open(conversation, comment, now)
}
