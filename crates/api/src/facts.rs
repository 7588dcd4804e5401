//! What the rules need to know about a whole transcript when only its newest page is
//! loaded: the server computes these facts over every message, and each question the
//! rules ask merges them with the messages at hand, so a page, a page plus the messages
//! the live stream added, and the whole transcript all give the same answer.

use serde::{Deserialize, Serialize};

use crate::actions::dm_link;
use crate::model::{Conversation, Delivery, Message, MessageId, Space, Timestamp};

/// Where a message stands in its conversation: transcripts are ordered by time, then id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MessageMark {
    pub id: MessageId,
    pub sent_at: Timestamp,
}

impl MessageMark {
    pub fn of(message: &Message) -> Self {
        Self {
            id: message.id,
            sent_at: message.sent_at,
        }
    }

    /// The transcript's order.
    fn key(self) -> (Timestamp, MessageId) {
        (self.sent_at, self.id)
    }
}

/// The later of two marks, either of which may be missing.
fn latest(a: Option<MessageMark>, b: Option<MessageMark>) -> Option<MessageMark> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.key() > a.key() { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// Facts over every message of a conversation, loaded or not. A conversation read whole
/// may leave them empty (the default): the messages then say it all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TranscriptFacts {
    /// The consumer's latest public message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumer_last_public: Option<MessageMark>,
    /// The consumer's latest private message (Messenger's window runs from it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumer_last_private: Option<MessageMark>,
    /// The consumer's latest public message not deleted on the platform: what a public
    /// reply or an invitation without a chosen target answers, whole, so the rules can
    /// check it where it is older than the loaded page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_target: Option<Message>,
    /// Whether the brand sent (or tried) `public_target`'s one Facebook private reply.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub public_target_replied: bool,
    /// When the brand last invited the consumer to a private conversation (see
    /// [`crate::actions::last_invitation`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_invitation_at: Option<Timestamp>,
}

impl TranscriptFacts {
    /// The facts of `conversation`'s loaded messages (the server's SQL computes the same
    /// over all of them; tests hold the two together).
    pub fn of(conversation: &Conversation) -> Self {
        let consumer_last = |space: Space| {
            conversation
                .consumer_messages()
                .filter(|m| m.space == space)
                .map(MessageMark::of)
                .fold(None, |a, b| latest(a, Some(b)))
        };
        let public_target = conversation
            .consumer_messages()
            .filter(|m| m.space == Space::Public && !m.deleted)
            .max_by_key(|m| (m.sent_at, m.id))
            .cloned();
        let public_target_replied = public_target.as_ref().is_some_and(|target| {
            conversation.messages.iter().any(|m| {
                m.private_reply && m.reply_to == Some(target.id) && !m.author.is_consumer()
            })
        });
        Self {
            consumer_last_public: consumer_last(Space::Public),
            consumer_last_private: consumer_last(Space::Private),
            public_target,
            public_target_replied,
            last_invitation_at: loaded_last_invitation(conversation),
        }
    }
}

/// The brand's latest invitation among the loaded messages: a public reply carrying the
/// link that did not fail.
fn loaded_last_invitation(conversation: &Conversation) -> Option<Timestamp> {
    let link = dm_link(conversation);
    conversation
        .messages
        .iter()
        .filter(|m| {
            !m.author.is_consumer()
                && m.space == Space::Public
                && !matches!(m.delivery, Delivery::Failed { .. })
                && m.text.contains(&link)
        })
        .map(|m| m.sent_at)
        .max()
}

impl Conversation {
    /// The consumer's latest message in `space`, loaded or not.
    pub fn consumer_last_in(&self, space: Space) -> Option<MessageMark> {
        let fact = match space {
            Space::Public => self.facts.consumer_last_public,
            Space::Private => self.facts.consumer_last_private,
            Space::Internal => None,
        };
        self.consumer_messages()
            .filter(|m| m.space == space)
            .map(MessageMark::of)
            .fold(fact, |a, b| latest(a, Some(b)))
    }

    /// The space of the consumer's latest message: where the conversation is now.
    pub fn current_space(&self) -> Option<Space> {
        [Space::Public, Space::Private, Space::Internal]
            .into_iter()
            .filter_map(|space| Some((self.consumer_last_in(space)?.key(), space)))
            .max_by_key(|(key, _)| *key)
            .map(|(_, space)| space)
    }

    /// Whether the consumer has written in this space.
    pub fn consumer_wrote_in(&self, space: Space) -> bool {
        self.consumer_last_in(space).is_some()
    }

    /// The consumer's latest public message still on the platform. A fact naming a loaded
    /// message that was deleted since is dropped (the one before it is not known here).
    pub fn public_target(&self) -> Option<MessageId> {
        let fact = self
            .facts
            .public_target
            .as_ref()
            .and_then(|target| self.message(target.id))
            .filter(|m| !m.deleted)
            .map(MessageMark::of);
        self.consumer_messages()
            .filter(|m| m.space == Space::Public && !m.deleted)
            .map(MessageMark::of)
            .fold(fact, |a, b| latest(a, Some(b)))
            .map(|mark| mark.id)
    }

    /// When the brand last invited the consumer to a private conversation, loaded or not.
    pub fn last_invitation(&self) -> Option<Timestamp> {
        self.facts
            .last_invitation_at
            .max(loaded_last_invitation(self))
    }

    /// Whether the brand sent (or tried) a Facebook private reply to `comment`.
    pub fn private_reply_sent(&self, comment: MessageId) -> bool {
        let fact = self.facts.public_target_replied
            && self
                .facts
                .public_target
                .as_ref()
                .is_some_and(|t| t.id == comment);
        fact || self
            .messages
            .iter()
            .any(|m| m.private_reply && m.reply_to == Some(comment) && !m.author.is_consumer())
    }

    /// Whether older messages than the loaded ones exist (and `older_cursor` reads them).
    pub fn has_older(&self) -> bool {
        self.older_cursor.is_some()
    }
}
