//! What each agent control may do, as pure functions of the conversation, the agent and
//! the time. The widget derives every control's state from these functions; the server
//! re-checks every request with the same ones, because the browser is not trusted. Each
//! "no" is a [`Denied`] whose text an agent can read and whose [`Denied::rule`] names it.
//!
//! Nothing outside this module decides what a control may do. What is left to the server
//! alone is what is not a rule: the platform refusing, the database failing.

mod access;
mod composer;
mod likes;
mod messages;
mod text;
mod window;

pub use access::{can_act_in, can_write_in};
pub use composer::{
    can_link_to_dm, can_mention, capabilities, check_dm_invite, default_space, link_to_dm,
    space_now, Capabilities, LinkToDm, SpaceToggle,
};
pub use likes::{can_like, can_unlike, like_control, LikeControl, LikeTarget};
pub use messages::{
    can_retry, check_draft, check_message, message_tag, reply_control, retry_control, send_tag,
    Draft, Outgoing, ReplyTarget,
};
pub use text::{check_text, has_visible_text};
pub use window::{
    can_private_reply, messenger_window, private_reply_open, MessageTag, MessengerWindow,
    MESSENGER_HUMAN_AGENT_WINDOW_MS, MESSENGER_STANDARD_WINDOW_MS, PRIVATE_REPLY_WINDOW_MS,
};

use crate::model::{Space, Timestamp};

/// Why a control may not do what was asked. The text is shown to the agent as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("That message is not part of this conversation.")]
    UnknownMessage,
    #[error("Only the consumer's messages can be liked or replied to.")]
    NotFromConsumer,
    #[error("Only the brand's own messages can be sent again.")]
    NotFromBrand,
    #[error("Only public messages can be liked: the platforms have no likes for direct messages.")]
    LikeNotPublic,
    #[error("This message is not on the platform (it has no platform id), so it cannot be liked.")]
    NotOnPlatform,
    #[error("This was deleted on the platform: it can no longer be liked or answered.")]
    DeletedOnPlatform,
    #[error("The brand already likes this.")]
    AlreadyLiked,
    #[error("The brand does not like this.")]
    NotLiked,
    #[error("This conversation has no post to like.")]
    NoPost,
    #[error("The brand's own post cannot be liked by the brand.")]
    OwnPost,
    #[error("Bots and automatic messages may only write in the private space.")]
    BotInPublic,
    #[error("{}", not_assigned(.assignee.as_deref()))]
    NotAssigned { assignee: Option<String> },
    #[error(
        "{name} was disconnected by an admin: the conversation stays readable, but nothing can be sent, liked or answered through it."
    )]
    SourceDisconnected { name: String },
    #[error("Mentions are only possible in a public reply.")]
    MentionNotPublic,
    #[error("The consumer's handle is not known, so they cannot be mentioned.")]
    NoHandle,
    #[error("The consumer has not written in the {0} space, so there is nothing to answer there.")]
    ConsumerNotInSpace(SpaceName),
    #[error("The consumer is already in a private conversation.")]
    AlreadyInPrivate,
    #[error("The invitation must keep the link to the private conversation.")]
    InviteWithoutLink,
    #[error("A reply must be in the same space as the message it answers.")]
    ReplyInOtherSpace,
    #[error("Files and rich content cannot be sent in public replies.")]
    AttachmentInPublic,
    #[error("Sending files is not supported yet.")]
    AttachmentsNotSupported,
    #[error("The message is empty.")]
    Empty,
    #[error(
        "The message contains an invisible control character (U+{code:04X}) that the platforms refuse; remove it."
    )]
    ForbiddenCharacter { code: u32 },
    #[error("The message is {length} characters long; at most {max} fit here.")]
    TooLong { length: usize, max: usize },
    #[error("Only a message whose delivery failed can be sent again.")]
    NotFailed,
    #[error(
        "Messenger's reply window has closed: Meta takes a page's private messages only up to 24 hours after the consumer's last message (7 days for a person, with the human-agent tag). Nothing can be sent privately until they write again."
    )]
    MessengerWindowClosed { closed_at: Timestamp },
    #[error(
        "Meta allows a private reply to a comment only within 7 days of the comment, and that time has passed."
    )]
    PrivateReplyWindowClosed,
}

fn not_assigned(assignee: Option<&str>) -> String {
    match assignee {
        Some(name) => {
            format!("This conversation is assigned to {name}: only they or an admin can act in it.")
        }
        None => "This conversation is not assigned to anyone: only an admin can act in it.".into(),
    }
}

/// A space's name inside a sentence ("public", "private", "internal").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpaceName(pub Space);

impl std::fmt::Display for SpaceName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::names::name_of(&self.0))
    }
}

impl Denied {
    /// A stable machine name for the rule, used in problem bodies (`type`).
    pub fn rule(&self) -> &'static str {
        match self {
            Denied::UnknownMessage => "unknown-message",
            Denied::NotFromConsumer => "not-from-consumer",
            Denied::NotFromBrand => "not-from-brand",
            Denied::LikeNotPublic => "like-not-public",
            Denied::NotOnPlatform => "not-on-platform",
            Denied::DeletedOnPlatform => "deleted-on-platform",
            Denied::AlreadyLiked => "already-liked",
            Denied::NotLiked => "not-liked",
            Denied::NoPost => "no-post",
            Denied::OwnPost => "own-post",
            Denied::BotInPublic => "bot-in-public",
            Denied::NotAssigned { .. } => "not-assigned",
            Denied::SourceDisconnected { .. } => "source-disconnected",
            Denied::MentionNotPublic => "mention-not-public",
            Denied::NoHandle => "no-handle",
            Denied::ConsumerNotInSpace(_) => "consumer-not-in-space",
            Denied::AlreadyInPrivate => "already-in-private",
            Denied::InviteWithoutLink => "invite-without-link",
            Denied::ReplyInOtherSpace => "reply-in-other-space",
            Denied::AttachmentInPublic => "attachment-in-public",
            Denied::AttachmentsNotSupported => "attachments-not-supported",
            Denied::Empty => "empty",
            Denied::ForbiddenCharacter { .. } => "forbidden-character",
            Denied::TooLong { .. } => "too-long",
            Denied::NotFailed => "not-failed",
            Denied::MessengerWindowClosed { .. } => "messenger-window-closed",
            Denied::PrivateReplyWindowClosed => "private-reply-window-closed",
        }
    }
}

#[cfg(test)]
mod tests;
