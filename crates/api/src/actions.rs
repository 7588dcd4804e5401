//! What an agent's action sends and what it becomes on the platform: request bodies of the
//! action endpoints, the mention inserted in a draft, and the invitation to a private
//! conversation. Pure, so the widget previews exactly what the server will send.

use crate::model::{Author, Conversation, Message, MessageId, Source, Space, Timestamp};
use serde::{Deserialize, Serialize};

/// Body of `POST /api/conversations/{id}/messages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendMessage {
    pub text: String,
    pub space: Space,
    /// The consumer message this answers; without it a public reply answers the
    /// consumer's last public message.
    #[serde(default)]
    pub reply_to: Option<MessageId>,
    /// Whether the text carries the consumer's mention (see [`mention_for`]).
    #[serde(default)]
    pub mention: bool,
    /// Files or rich content: never allowed in public.
    #[serde(default)]
    pub attachments: Vec<String>,
}

/// Answer of `POST /api/conversations/{id}/dm-invite`: the public reply with the link and,
/// on Facebook where allowed, the private reply sent to the comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DmInviteSent {
    pub public_reply: Message,
    pub private_reply: Option<Message>,
}

/// Meta accepts one private reply per comment, within this long after the comment.
pub const PRIVATE_REPLY_WINDOW_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// The text that mentions the consumer: X `@username`; on Facebook the name, which the
/// server turns into a tag of the consumer's id.
pub fn mention_for(conversation: &Conversation) -> Option<String> {
    let profile = &conversation.consumer.profile;
    match conversation.source {
        Source::X => profile.handle().map(|h| format!("@{h}")),
        Source::Facebook => match profile {
            crate::model::Profile::Available(p) => Some(format!("@{}", p.display_name)),
            crate::model::Profile::Withheld(_) => None,
        },
    }
}

/// Inserts `mention` into `text` at `caret` (a char index), once: a draft that already
/// holds it is returned unchanged. Returns the new text and the caret after the mention.
pub fn insert_mention(text: &str, caret: usize, mention: &str) -> (String, usize) {
    if text.contains(mention) {
        return (text.to_owned(), caret.min(text.chars().count()));
    }
    let at = text
        .char_indices()
        .nth(caret)
        .map_or(text.len(), |(byte, _)| byte);
    let (before, after) = text.split_at(at);
    let lead = if before.is_empty() || before.ends_with(char::is_whitespace) {
        ""
    } else {
        " "
    };
    let trail = if after.starts_with(char::is_whitespace) {
        ""
    } else {
        " "
    };
    let inserted = format!("{lead}{mention}{trail}");
    let caret_after = before.chars().count() + inserted.chars().count();
    (format!("{before}{inserted}{after}"), caret_after)
}

/// What "Link to DM" sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DmInvite {
    /// The public reply: on X it carries the compose link that X clients show as a
    /// "Send a private message" button; on Facebook the page's m.me link.
    pub public_text: String,
    /// The public comment to answer with a Facebook private reply, when one is allowed.
    pub private_reply_to: Option<MessageId>,
}

/// The invitation for this conversation at `now`.
pub fn dm_invite(conversation: &Conversation, now: Timestamp) -> DmInvite {
    let brand = &conversation.brand;
    match conversation.source {
        Source::X => DmInvite {
            public_text: format!(
                "We'd like to help you privately: https://twitter.com/messages/compose?recipient_id={}",
                brand.platform_id
            ),
            private_reply_to: None,
        },
        Source::Facebook => DmInvite {
            public_text: format!(
                "We'd like to help you privately: https://m.me/{}",
                brand.handle.as_deref().unwrap_or(&brand.platform_id)
            ),
            private_reply_to: private_reply_target(conversation, now),
        },
    }
}

/// The consumer's latest public comment that may still get a Facebook private reply:
/// under seven days old and not answered privately yet.
pub fn private_reply_target(conversation: &Conversation, now: Timestamp) -> Option<MessageId> {
    if conversation.source != Source::Facebook {
        return None;
    }
    let comment = conversation
        .consumer_messages()
        .filter(|m| m.space == Space::Public && m.platform_id.is_some())
        .last()?;
    let fresh = now.0 - comment.sent_at.0 < PRIVATE_REPLY_WINDOW_MS;
    let answered = conversation.messages.iter().any(|m| {
        m.space == Space::Private
            && m.reply_to == Some(comment.id)
            && !matches!(m.author, Author::Consumer)
    });
    (fresh && !answered).then_some(comment.id)
}

/// The message a public reply without a chosen target answers: the consumer's last public one.
pub fn default_public_target(conversation: &Conversation) -> Option<MessageId> {
    conversation
        .consumer_messages()
        .filter(|m| m.space == Space::Public)
        .map(|m| m.id)
        .last()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mention_is_inserted_at_the_caret_with_spaces_around_it() {
        assert_eq!(
            insert_mention("Hi thanks", 2, "@sam"),
            ("Hi @sam thanks".into(), 7)
        );
        assert_eq!(insert_mention("", 0, "@sam"), ("@sam ".into(), 5));
        assert_eq!(
            insert_mention("Thanks ", 7, "@sam"),
            ("Thanks @sam ".into(), 12)
        );
    }

    #[test]
    fn a_mention_is_inserted_only_once() {
        assert_eq!(
            insert_mention("Hi @sam ", 0, "@sam"),
            ("Hi @sam ".into(), 0)
        );
    }

    #[test]
    fn a_caret_beyond_the_text_appends() {
        assert_eq!(
            insert_mention("héllo", 99, "@sam"),
            ("héllo @sam ".into(), 11)
        );
    }

    #[test]
    fn a_caret_counts_characters_not_bytes() {
        assert_eq!(insert_mention("é é", 1, "@x"), ("é @x é".into(), 4));
    }

    fn facebook_thread(comment_age_ms: i64) -> Conversation {
        use crate::model::*;
        let now = 10 * PRIVATE_REPLY_WINDOW_MS;
        Conversation {
            id: ConversationId(1),
            source: Source::Facebook,
            brand: BrandChannel {
                platform_id: "1001".into(),
                name: "Acme".into(),
                handle: Some("acmeoutdoor".into()),
            },
            consumer: Consumer {
                platform_id: "psid".into(),
                profile: Profile::Withheld(WithheldReason::EuPrivacy),
            },
            post: None,
            messages: vec![Message {
                id: MessageId(5),
                platform_id: Some("c5".into()),
                author: Author::Consumer,
                space: Space::Public,
                text: "Where is my order?".into(),
                reply_to: None,
                sent_at: Timestamp(now - comment_age_ms),
                liked_by_brand: false,
                delivery: Delivery::Sent,
            }],
        }
    }

    const NOW: Timestamp = Timestamp(10 * PRIVATE_REPLY_WINDOW_MS);

    #[test]
    fn facebook_invites_with_the_pages_m_me_link_and_a_private_reply_within_seven_days() {
        let invite = dm_invite(&facebook_thread(60_000), NOW);
        assert!(invite.public_text.ends_with("https://m.me/acmeoutdoor"));
        assert_eq!(invite.private_reply_to, Some(MessageId(5)));
    }

    #[test]
    fn no_private_reply_after_seven_days_or_a_second_time() {
        let old = facebook_thread(PRIVATE_REPLY_WINDOW_MS + 1);
        assert_eq!(dm_invite(&old, NOW).private_reply_to, None);

        let mut answered = facebook_thread(60_000);
        let mut reply = answered.messages[0].clone();
        reply.id = MessageId(6);
        reply.author = crate::model::Author::Agent {
            id: crate::model::AgentId(1),
            name: "Dana".into(),
        };
        reply.space = Space::Private;
        reply.reply_to = Some(MessageId(5));
        answered.messages.push(reply);
        assert_eq!(dm_invite(&answered, NOW).private_reply_to, None);
    }

    #[test]
    fn x_invites_with_the_compose_link_of_the_brand_account() {
        let mut c = facebook_thread(0);
        c.source = Source::X;
        let invite = dm_invite(&c, NOW);
        assert!(invite
            .public_text
            .ends_with("https://twitter.com/messages/compose?recipient_id=1001"));
        assert_eq!(invite.private_reply_to, None);
        assert_eq!(
            crate::length::x_weighted_length(&invite.public_text),
            33 + 23
        );
    }

    #[test]
    fn a_withheld_facebook_profile_cannot_be_mentioned() {
        assert_eq!(mention_for(&facebook_thread(0)), None);
    }
}
