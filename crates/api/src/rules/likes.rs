//! Likes as the brand's Page or X account: on a consumer's public message that is on the
//! platform, or on the consumer's post the conversation hangs on. Never by a bot, and only
//! by whoever may act in the conversation.

use super::{access::can_act_publicly, Denied};
use crate::model::{Agent, Conversation, MessageId, Space};

/// What the brand likes: one message, or the post the conversation hangs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LikeTarget {
    Message(MessageId),
    Post,
}

impl LikeTarget {
    /// Whether the brand likes it now.
    pub fn liked(self, conversation: &Conversation) -> bool {
        match self {
            LikeTarget::Message(id) => conversation.message(id).is_some_and(|m| m.liked_by_brand),
            LikeTarget::Post => conversation.post.as_ref().is_some_and(|p| p.liked_by_brand),
        }
    }

    /// Whether the target is there to be liked or unliked on the platform: a message of
    /// the conversation with a platform id, or the conversation's post.
    fn on_platform(self, conversation: &Conversation) -> Result<(), Denied> {
        match self {
            LikeTarget::Message(id) => {
                let found = conversation.message(id).ok_or(Denied::UnknownMessage)?;
                if found.deleted {
                    return Err(Denied::DeletedOnPlatform);
                }
                found
                    .platform_id
                    .as_ref()
                    .map(drop)
                    .ok_or(Denied::NotOnPlatform)
            }
            LikeTarget::Post => match &conversation.post {
                None => Err(Denied::NoPost),
                Some(post) if post.deleted => Err(Denied::DeletedOnPlatform),
                Some(_) => Ok(()),
            },
        }
    }

    /// Whether the brand may like the target at all, whoever asks: the consumer's public
    /// message or the consumer's post, on the platform.
    fn likeable(self, conversation: &Conversation) -> Result<(), Denied> {
        match self {
            LikeTarget::Message(id) => {
                let found = conversation.message(id).ok_or(Denied::UnknownMessage)?;
                if !found.author.is_consumer() {
                    return Err(Denied::NotFromConsumer);
                }
                if found.space != Space::Public {
                    return Err(Denied::LikeNotPublic);
                }
            }
            LikeTarget::Post => {
                if conversation.post.as_ref().is_some_and(|p| p.by_brand) {
                    return Err(Denied::OwnPost);
                }
            }
        }
        self.on_platform(conversation)
    }
}

/// The Like button of a target: whether the brand likes it, and whether this agent may
/// change that (or why not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LikeControl {
    pub liked: bool,
    pub allowed: Result<(), Denied>,
}

/// The Like button of `target` for `agent`; `None` where the brand can neither like it
/// nor take a like back, so no button is shown.
pub fn like_control(
    conversation: &Conversation,
    agent: &Agent,
    target: LikeTarget,
) -> Option<LikeControl> {
    let liked = target.liked(conversation);
    let offered = if liked {
        target.on_platform(conversation)
    } else {
        target.likeable(conversation)
    };
    offered.ok()?;
    Some(LikeControl {
        liked,
        allowed: can_act_publicly(conversation, agent),
    })
}

/// Whether `agent` may like `target` as the brand.
pub fn can_like(
    conversation: &Conversation,
    agent: &Agent,
    target: LikeTarget,
) -> Result<(), Denied> {
    target.likeable(conversation)?;
    if target.liked(conversation) {
        return Err(Denied::AlreadyLiked);
    }
    can_act_publicly(conversation, agent)
}

/// Whether `agent` may take back the brand's like of `target`. Any like the brand has
/// can be taken back, even one this product would not have made.
pub fn can_unlike(
    conversation: &Conversation,
    agent: &Agent,
    target: LikeTarget,
) -> Result<(), Denied> {
    target.on_platform(conversation)?;
    if !target.liked(conversation) {
        return Err(Denied::NotLiked);
    }
    can_act_publicly(conversation, agent)
}
