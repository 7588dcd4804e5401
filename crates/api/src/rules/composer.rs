//! The composer's controls: which space the reply goes to, whether the Public/Private
//! toggle shows, and what Mention and Link to DM may do.

use super::access::can_write_in;
use super::messages::ReplyTarget;
use super::text::check_text;
use super::window::{messenger_window, MessengerWindow};
use super::Denied;
use crate::actions::{dm_invite, dm_link, DmInvite};
use crate::contract::DmInviteRequest;
use crate::length::max_length;
use crate::model::{Agent, Conversation, MessageId, Source, Space, Timestamp};

/// The space the composer starts in: where the consumer last wrote; for a conversation
/// without consumer messages, public when there is a post, else private.
pub fn default_space(conversation: &Conversation) -> Space {
    space_now(conversation.current_space(), conversation.post.is_some())
}

/// Where a conversation is now, from the space of the consumer's last message (if any)
/// and whether it hangs on a post: what lists and the composer show.
pub fn space_now(last_consumer_space: Option<Space>, has_post: bool) -> Space {
    last_consumer_space.unwrap_or(if has_post {
        Space::Public
    } else {
        Space::Private
    })
}

/// Whether the consumer's handle may be inserted in a message written in `space`.
pub fn can_mention(conversation: &Conversation, agent: &Agent, space: Space) -> Result<(), Denied> {
    if space != Space::Public {
        return Err(Denied::MentionNotPublic);
    }
    can_write_in(conversation, agent, Space::Public)?;
    if conversation.source == Source::X && conversation.consumer.profile.handle().is_none() {
        return Err(Denied::NoHandle);
    }
    Ok(())
}

/// Whether the agent may invite the consumer, publicly, to a private conversation.
pub fn can_link_to_dm(conversation: &Conversation, agent: &Agent) -> Result<(), Denied> {
    if conversation.consumer_wrote_in(Space::Private) {
        return Err(Denied::AlreadyInPrivate);
    }
    can_write_in(conversation, agent, Space::Public)
}

/// The Link to DM control for an invitation answering `reply_to` (or, without one, the
/// consumer's latest public message): hidden in a private-only conversation, otherwise
/// exactly what [`check_dm_invite`] says of that request.
pub fn link_to_dm(
    conversation: &Conversation,
    agent: &Agent,
    reply_to: Option<MessageId>,
    now: Timestamp,
) -> LinkToDm {
    let private_only =
        conversation.post.is_none() && !conversation.consumer_wrote_in(Space::Public);
    if private_only {
        return LinkToDm::Hidden;
    }
    let request = DmInviteRequest {
        reply_to,
        ..DmInviteRequest::default()
    };
    LinkToDm::Shown(check_dm_invite(conversation, agent, &request, now).map(drop))
}

/// Every rule on a "Link to DM" request, and the invitation it sends when they pass: the
/// public reply answers the chosen consumer message (a public one) and keeps the link,
/// and on Facebook the same comment gets the private reply where Meta still allows one.
/// Texts the agent edited pass the same text rules as any message in their space.
pub fn check_dm_invite(
    conversation: &Conversation,
    agent: &Agent,
    request: &DmInviteRequest,
    now: Timestamp,
) -> Result<DmInvite, Denied> {
    can_link_to_dm(conversation, agent)?;
    // A consumer who has not written privately has only public messages to answer.
    if let Some(chosen) = request.reply_to {
        ReplyTarget::new(conversation, chosen)?;
    }
    let mut invite = dm_invite(conversation, request.reply_to, now);
    if let Some(text) = &request.public_text {
        invite.public_text = text.clone();
    }
    if !invite.public_text.contains(&dm_link(conversation)) {
        return Err(Denied::InviteWithoutLink);
    }
    check_text(conversation.source, Space::Public, &invite.public_text)?;
    if let Some(text) = &request.private_text {
        invite.private_text = text.clone();
    }
    if invite.private_reply_to.is_some() {
        check_text(conversation.source, Space::Private, &invite.private_text)?;
    }
    Ok(invite)
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
    /// Whether the agent may write in `space` now (or why not).
    pub write: Result<(), Denied>,
    pub mention: Result<(), Denied>,
    /// Characters allowed in `space`.
    pub max_length: usize,
    /// Messenger's window, while it is open, for a private Facebook message.
    pub window: Option<MessengerWindow>,
}

/// What the controls may do, for `agent` on `conversation` at `now`, with the space the
/// agent chose (if any; a choice the conversation does not offer falls back to the default).
pub fn capabilities(
    conversation: &Conversation,
    agent: &Agent,
    chosen: Option<Space>,
    now: Timestamp,
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
    let window = (space == Space::Private)
        .then(|| messenger_window(conversation, agent, now))
        .flatten();
    let write = can_write_in(conversation, agent, space).and_then(|()| match &window {
        Some(Err(closed)) => Err(closed.clone()),
        _ => Ok(()),
    });
    Capabilities {
        space,
        toggle,
        write,
        mention: can_mention(conversation, agent, space),
        max_length: max_length(conversation.source, space),
        window: window.and_then(Result::ok),
    }
}
