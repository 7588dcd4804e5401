//! Messages the agent sends: what a reply may answer, every rule a new message passes
//! (the widget's Send and the server's acceptance are the same [`check_message`]), and
//! when a failed message may be sent again.

use super::access::can_write_in;
use super::composer::can_mention;
use super::text::{check_text, has_visible_text};
use super::window::{can_private_reply, messenger_window, MessageTag};
use super::Denied;
use crate::actions::{default_public_target, insert_mention, mention_for};
use crate::contract::SendMessage;
use crate::model::{
    Agent, Conversation, ConversationId, Delivery, Message, MessageId, Source, Space, Timestamp,
};

/// A consumer message of one conversation that may be answered.
///
/// It can only be built by [`ReplyTarget::new`], which checks that the message belongs to
/// the conversation: a reply threaded into another conversation cannot exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplyTarget {
    conversation: ConversationId,
    message: MessageId,
    space: Space,
}

impl ReplyTarget {
    pub fn new(conversation: &Conversation, message: MessageId) -> Result<Self, Denied> {
        let found = conversation
            .message(message)
            .ok_or(Denied::UnknownMessage)?;
        if !found.author.is_consumer() {
            return Err(Denied::NotFromConsumer);
        }
        if found.deleted {
            return Err(Denied::DeletedOnPlatform);
        }
        Ok(Self {
            conversation: conversation.id,
            message,
            space: found.space,
        })
    }

    pub fn conversation(&self) -> ConversationId {
        self.conversation
    }

    pub fn message(&self) -> MessageId {
        self.message
    }

    /// The space of the message answered, and so of the reply.
    pub fn space(&self) -> Space {
        self.space
    }
}

/// The Reply button of `message`: `None` for messages that are not the consumer's (no
/// button), otherwise whether `agent` may answer it (or why not: e.g. it was deleted).
pub fn reply_control(
    conversation: &Conversation,
    agent: &Agent,
    message: MessageId,
) -> Option<Result<(), Denied>> {
    match ReplyTarget::new(conversation, message) {
        Ok(target) => Some(can_write_in(conversation, agent, target.space())),
        // Still the consumer's message: the button stays, saying why it cannot answer.
        Err(Denied::DeletedOnPlatform) => Some(Err(Denied::DeletedOnPlatform)),
        Err(_) => None,
    }
}

/// What the agent is about to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft<'a> {
    pub text: &'a str,
    pub space: Space,
    pub reply_to: Option<ReplyTarget>,
    /// Files or rich content (cards, quick replies) attached.
    pub has_attachments: bool,
}

/// Every rule a message must pass before it is stored and sent.
pub fn check_draft(
    conversation: &Conversation,
    agent: &Agent,
    draft: &Draft<'_>,
    now: Timestamp,
) -> Result<(), Denied> {
    can_write_in(conversation, agent, draft.space)?;
    if draft.space == Space::Private {
        if let Some(Err(closed)) = messenger_window(conversation, agent, now) {
            return Err(closed);
        }
    }
    check_text(conversation.source, draft.space, draft.text)?;
    if draft.has_attachments {
        return Err(match draft.space {
            Space::Public => Denied::AttachmentInPublic,
            Space::Private | Space::Internal => Denied::AttachmentsNotSupported,
        });
    }
    if let Some(target) = draft.reply_to {
        if target.conversation() != conversation.id {
            return Err(Denied::UnknownMessage);
        }
        // A note answers nothing: it is for the agents, beside the conversation.
        if target.space() != draft.space {
            return Err(Denied::ReplyInOtherSpace);
        }
    }
    Ok(())
}

/// A message that passed every rule, as it goes to the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// The text as sent: on X, with the consumer's `@handle` when they are mentioned.
    pub text: String,
    pub space: Space,
    pub reply_to: Option<ReplyTarget>,
    pub mention: bool,
    /// The Messenger tag the send carries, when Meta requires one.
    pub tag: Option<MessageTag>,
}

/// Every rule on a `POST /messages` request, and what it sends when they all pass. The
/// widget offers Send exactly when this accepts the request it would send.
pub fn check_message(
    conversation: &Conversation,
    agent: &Agent,
    request: &SendMessage,
    now: Timestamp,
) -> Result<Outgoing, Denied> {
    let space = request.space;
    let mut text = request.text.clone();
    if request.mention {
        can_mention(conversation, agent, space)?;
        // X shows a mention only as `@handle` in the text; Facebook tags the consumer's id.
        if conversation.source == Source::X {
            if let Some(handle) = mention_for(conversation) {
                text = insert_mention(&text, 0, &handle).0;
            }
        }
    }
    let answered = match request.reply_to {
        Some(target) => Some(target),
        None if space == Space::Public => default_public_target(conversation),
        None => None,
    };
    let reply_to = answered
        .map(|target| ReplyTarget::new(conversation, target))
        .transpose()?;
    let draft = Draft {
        text: &text,
        space,
        reply_to,
        has_attachments: !request.attachments.is_empty(),
    };
    check_draft(conversation, agent, &draft, now)?;
    // A mention alone is not a message.
    if !has_visible_text(&request.text) {
        return Err(Denied::Empty);
    }
    Ok(Outgoing {
        text,
        space,
        reply_to,
        mention: request.mention,
        tag: send_tag(conversation, agent, space, now),
    })
}

/// The Messenger tag a message in `space` sent now must carry.
pub fn send_tag(
    conversation: &Conversation,
    agent: &Agent,
    space: Space,
    now: Timestamp,
) -> Option<MessageTag> {
    if space != Space::Private {
        return None;
    }
    messenger_window(conversation, agent, now)?.ok()?.tag
}

/// The Messenger tag a stored `message` sent (or sent again) by `agent` now must carry. A
/// private reply is not a Messenger message in Meta's sense: it has its own window.
pub fn message_tag(
    conversation: &Conversation,
    agent: &Agent,
    message: &Message,
    now: Timestamp,
) -> Option<MessageTag> {
    if message.private_reply {
        return None;
    }
    send_tag(conversation, agent, message.space, now)
}

/// The Retry button of `message`: `None` unless it is the brand's and its delivery
/// failed, otherwise whether `agent` may send it again now (or why not).
pub fn retry_control(
    conversation: &Conversation,
    agent: &Agent,
    message: MessageId,
    now: Timestamp,
) -> Option<Result<(), Denied>> {
    let found = conversation.message(message)?;
    let failed = matches!(found.delivery, Delivery::Failed { .. });
    (failed && !found.author.is_consumer()).then(|| can_retry(conversation, agent, message, now))
}

/// Whether `agent` may send the failed `message` again now: the one retrying must be
/// allowed to write there (a bot cannot publish a person's failed public reply), and
/// Meta's windows must still be open.
pub fn can_retry(
    conversation: &Conversation,
    agent: &Agent,
    message: MessageId,
    now: Timestamp,
) -> Result<(), Denied> {
    let found = conversation
        .message(message)
        .ok_or(Denied::UnknownMessage)?;
    if found.author.is_consumer() {
        return Err(Denied::NotFromBrand);
    }
    if !matches!(found.delivery, Delivery::Failed { .. }) {
        return Err(Denied::NotFailed);
    }
    if found.private_reply {
        // Its own rule: the consumer has not written privately, the comment has.
        let comment = found.reply_to.ok_or(Denied::UnknownMessage)?;
        return can_private_reply(conversation, agent, comment, now);
    }
    can_write_in(conversation, agent, found.space)?;
    if found.space == Space::Private {
        if let Some(Err(closed)) = messenger_window(conversation, agent, now) {
            return Err(closed);
        }
    }
    Ok(())
}
