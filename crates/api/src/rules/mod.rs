//! What each agent control may do, as pure functions of the conversation and the agent.
//!
//! The widget derives every button's state from [`capabilities`]; the server re-checks
//! every request with the same functions, because the browser is not trusted. Each "no"
//! is a [`Denied`] whose text an agent can read.

use crate::length::{max_length, measure};
use crate::model::{Agent, AgentKind, Conversation, ConversationId, MessageId, Space};

/// Why a control may not do what was asked. The text is shown to the agent as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("That message is not part of this conversation.")]
    UnknownMessage,
    #[error("Only the consumer's messages can be liked or replied to.")]
    NotFromConsumer,
    #[error("Only public messages can be liked: the platforms have no likes for direct messages.")]
    LikeNotPublic,
    #[error("The brand already likes this message.")]
    AlreadyLiked,
    #[error("The brand does not like this message.")]
    NotLiked,
    #[error("This conversation has no post to like.")]
    NoPost,
    #[error("The brand's own post cannot be liked by the brand.")]
    OwnPost,
    #[error("Bots and automatic messages may only write in the private space.")]
    BotInPublic,
    #[error("Mentions are only possible in a public reply.")]
    MentionNotPublic,
    #[error("The consumer's handle is not known, so they cannot be mentioned.")]
    NoHandle,
    #[error("The consumer has not written in the {0} space, so there is nothing to answer there.")]
    ConsumerNotInSpace(SpaceName),
    #[error("The consumer is already in a private conversation.")]
    AlreadyInPrivate,
    #[error(
        "An invitation to a private conversation is sent as a public reply; switch to Public."
    )]
    InviteNotPublic,
    #[error("A reply must be in the same space as the message it answers.")]
    ReplyInOtherSpace,
    #[error("Files and rich content cannot be sent in public replies.")]
    AttachmentInPublic,
    #[error("The message is empty.")]
    Empty,
    #[error("The message is {length} characters long; at most {max} fit here.")]
    TooLong { length: usize, max: usize },
}

/// A space's name inside a sentence ("public", "private", "internal").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpaceName(pub Space);

impl std::fmt::Display for SpaceName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.as_str())
    }
}

impl Denied {
    /// A stable machine name for the rule, used in problem bodies (`type`).
    pub fn rule(&self) -> &'static str {
        match self {
            Denied::UnknownMessage => "unknown-message",
            Denied::NotFromConsumer => "not-from-consumer",
            Denied::LikeNotPublic => "like-not-public",
            Denied::AlreadyLiked => "already-liked",
            Denied::NotLiked => "not-liked",
            Denied::NoPost => "no-post",
            Denied::OwnPost => "own-post",
            Denied::BotInPublic => "bot-in-public",
            Denied::MentionNotPublic => "mention-not-public",
            Denied::NoHandle => "no-handle",
            Denied::ConsumerNotInSpace(_) => "consumer-not-in-space",
            Denied::AlreadyInPrivate => "already-in-private",
            Denied::InviteNotPublic => "invite-not-public",
            Denied::ReplyInOtherSpace => "reply-in-other-space",
            Denied::AttachmentInPublic => "attachment-in-public",
            Denied::Empty => "empty",
            Denied::TooLong { .. } => "too-long",
        }
    }
}

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

/// Whether the brand may like `message`.
pub fn can_like(conversation: &Conversation, message: MessageId) -> Result<(), Denied> {
    let found = conversation
        .message(message)
        .ok_or(Denied::UnknownMessage)?;
    if !found.author.is_consumer() {
        return Err(Denied::NotFromConsumer);
    }
    if found.space != Space::Public {
        return Err(Denied::LikeNotPublic);
    }
    if found.liked_by_brand {
        return Err(Denied::AlreadyLiked);
    }
    Ok(())
}

/// Whether the brand may take back its like of `message`.
pub fn can_unlike(conversation: &Conversation, message: MessageId) -> Result<(), Denied> {
    let found = conversation
        .message(message)
        .ok_or(Denied::UnknownMessage)?;
    if found.liked_by_brand {
        Ok(())
    } else {
        Err(Denied::NotLiked)
    }
}

/// Whether the brand may like the post or tweet the conversation hangs on: only a
/// consumer's post (a visitor post, a tweet mentioning the brand), not yet liked.
pub fn can_like_post(conversation: &Conversation) -> Result<(), Denied> {
    let post = conversation.post.as_ref().ok_or(Denied::NoPost)?;
    if post.by_brand {
        return Err(Denied::OwnPost);
    }
    if post.liked_by_brand {
        return Err(Denied::AlreadyLiked);
    }
    Ok(())
}

/// Whether the brand may take back its like of the conversation's post.
pub fn can_unlike_post(conversation: &Conversation) -> Result<(), Denied> {
    let post = conversation.post.as_ref().ok_or(Denied::NoPost)?;
    if post.liked_by_brand {
        Ok(())
    } else {
        Err(Denied::NotLiked)
    }
}

/// The space the composer starts in: where the consumer last wrote; for a conversation
/// without consumer messages, public when there is a post, else private.
pub fn default_space(conversation: &Conversation) -> Space {
    conversation
        .current_space()
        .unwrap_or(if conversation.post.is_some() {
            Space::Public
        } else {
            Space::Private
        })
}

/// Whether the agent may write to the consumer in `space` at all.
pub fn can_write_in(
    conversation: &Conversation,
    agent: &Agent,
    space: Space,
) -> Result<(), Denied> {
    match space {
        Space::Internal => Ok(()),
        Space::Public if agent.kind == AgentKind::Bot => Err(Denied::BotInPublic),
        // A brand can neither open a DM nor start a public thread the consumer is not in.
        _ if !conversation.consumer_wrote_in(space) => {
            Err(Denied::ConsumerNotInSpace(SpaceName(space)))
        }
        _ => Ok(()),
    }
}

/// Whether the consumer's handle may be inserted in a message written in `space`.
pub fn can_mention(conversation: &Conversation, agent: &Agent, space: Space) -> Result<(), Denied> {
    if space != Space::Public {
        return Err(Denied::MentionNotPublic);
    }
    can_write_in(conversation, agent, Space::Public)?;
    if conversation.consumer.profile.handle().is_none()
        && conversation.source == crate::model::Source::X
    {
        return Err(Denied::NoHandle);
    }
    Ok(())
}

/// Whether the agent may invite the consumer, publicly, to a private conversation.
pub fn can_link_to_dm(
    conversation: &Conversation,
    agent: &Agent,
    space: Space,
) -> Result<(), Denied> {
    if conversation.consumer_wrote_in(Space::Private) {
        return Err(Denied::AlreadyInPrivate);
    }
    if space != Space::Public {
        return Err(Denied::InviteNotPublic);
    }
    can_write_in(conversation, agent, Space::Public)
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
) -> Result<(), Denied> {
    can_write_in(conversation, agent, draft.space)?;
    if draft.text.trim().is_empty() {
        return Err(Denied::Empty);
    }
    let length = measure(conversation.source, draft.space, draft.text);
    let max = max_length(conversation.source, draft.space);
    if length > max {
        return Err(Denied::TooLong { length, max });
    }
    if draft.has_attachments && draft.space == Space::Public {
        return Err(Denied::AttachmentInPublic);
    }
    if let Some(target) = draft.reply_to {
        if target.conversation() != conversation.id {
            return Err(Denied::UnknownMessage);
        }
        if draft.space != Space::Internal && target.space() != draft.space {
            return Err(Denied::ReplyInOtherSpace);
        }
    }
    Ok(())
}

/// The Public/Private choice, shown only when the consumer has written in both spaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpaceToggle {
    /// The space the toggle starts on: where the consumer last wrote.
    pub default: Space,
}

/// The Link to DM control: hidden when the conversation is private only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkToDm {
    Hidden,
    Shown(Result<(), Denied>),
}

/// Everything the composer's controls may do right now, derived in one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capabilities {
    /// The space a message will be sent in.
    pub space: Space,
    pub toggle: Option<SpaceToggle>,
    pub write: Result<(), Denied>,
    pub mention: Result<(), Denied>,
    pub link_to_dm: LinkToDm,
    /// Characters allowed in `space`.
    pub max_length: usize,
}

/// What the controls may do, for `agent` on `conversation`, with the space the agent
/// chose (if any; a choice the conversation does not offer falls back to the default).
pub fn capabilities(
    conversation: &Conversation,
    agent: &Agent,
    chosen: Option<Space>,
) -> Capabilities {
    let both = conversation.consumer_wrote_in(Space::Public)
        && conversation.consumer_wrote_in(Space::Private);
    let default = default_space(conversation);
    let toggle = both.then_some(SpaceToggle { default });
    let space = match chosen {
        Some(Space::Internal) => Space::Internal,
        Some(choice) if both => choice,
        _ => default,
    };
    let private_only =
        conversation.post.is_none() && !conversation.consumer_wrote_in(Space::Public);
    let link_to_dm = if private_only {
        LinkToDm::Hidden
    } else {
        LinkToDm::Shown(can_link_to_dm(conversation, agent, space))
    };
    Capabilities {
        space,
        toggle,
        write: can_write_in(conversation, agent, space),
        mention: can_mention(conversation, agent, space),
        link_to_dm,
        max_length: max_length(conversation.source, space),
    }
}

#[cfg(test)]
mod tests;
