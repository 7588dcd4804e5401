//! What an agent's action puts on the platform: the mention inserted in a draft, and the
//! invitation to a private conversation. Pure, so the widget previews exactly what the
//! server will send.

use crate::model::{Conversation, MessageId, Source, Timestamp};
use crate::rules::private_reply_open;

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

/// Whether `text` mentions `mention` (`@handle`, or `@Name` on Facebook) as a mention of
/// its own: in any letter case, and not as the start of a longer one or inside an address
/// (`@samantha` and `sam@sam.com` do not mention `@sam`). The boundaries are X's own
/// (twitter-text's mention rules); handles are ASCII, so ASCII case folding is X's too,
/// and it keeps Unicode's case tables out of the widget's wasm.
pub fn has_mention(text: &str, mention: &str) -> bool {
    let wanted: Vec<char> = mention.chars().collect();
    let chars: Vec<char> = text.chars().collect();
    if wanted.is_empty() {
        return false;
    }
    let glued_before = |c: char| c.is_ascii_alphanumeric() || "_!#$%&*@＠".contains(c);
    // Latin letters with accents continue a name too (twitter-text's `latinAccentChars`).
    let glued_after = |c: char| {
        c.is_ascii_alphanumeric()
            || "_@＠".contains(c)
            || matches!(c, '\u{C0}'..='\u{24F}' if c != '\u{D7}' && c != '\u{F7}')
    };
    chars.windows(wanted.len()).enumerate().any(|(at, window)| {
        window
            .iter()
            .zip(&wanted)
            .all(|(a, b)| a.eq_ignore_ascii_case(b))
            && at
                .checked_sub(1)
                .and_then(|i| chars.get(i))
                .is_none_or(|&c| !glued_before(c))
            && chars
                .get(at + wanted.len())
                .is_none_or(|&c| !glued_after(c))
    })
}

/// Inserts `mention` into `text` at `caret` (a char index), once: a draft that already
/// holds it is returned unchanged. Returns the new text and the caret after the mention.
pub fn insert_mention(text: &str, caret: usize, mention: &str) -> (String, usize) {
    if has_mention(text, mention) {
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

/// The Messenger message of a Facebook private reply, unless the agent edits it.
pub const PRIVATE_REPLY_TEXT: &str =
    "Thanks for your comment! We've opened this private conversation so we can help you with the details.";

/// What "Link to DM" sends, as the preview shows it before anything goes out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DmInvite {
    /// The public reply: on X it carries the compose link that X clients show as a
    /// "Send a private message" button; on Facebook the page's m.me link.
    pub public_text: String,
    /// The consumer's public message the invitation answers.
    pub answers: Option<MessageId>,
    /// The same comment, when it may also get a Facebook private reply.
    pub private_reply_to: Option<MessageId>,
    /// The private reply's text, when there is one.
    pub private_text: String,
}

/// The link that takes the consumer to a private conversation with the brand: X's
/// compose link for the brand's account, or the page's m.me link.
pub fn dm_link(conversation: &Conversation) -> String {
    let brand = &conversation.brand;
    match conversation.source {
        Source::X => format!(
            "https://twitter.com/messages/compose?recipient_id={}",
            brand.platform_id
        ),
        Source::Facebook => format!(
            "https://m.me/{}",
            brand.handle.as_deref().unwrap_or(&brand.platform_id)
        ),
    }
}

/// The invitation for this conversation at `now`, answering `reply_to` (or, without one,
/// the consumer's latest public message), with the default texts.
pub fn dm_invite(
    conversation: &Conversation,
    reply_to: Option<MessageId>,
    now: Timestamp,
) -> DmInvite {
    let answers = reply_to.or_else(|| default_public_target(conversation));
    DmInvite {
        public_text: format!("We'd like to help you privately: {}", dm_link(conversation)),
        answers,
        private_reply_to: answers
            .filter(|&comment| may_get_private_reply(conversation, comment, now)),
        private_text: PRIVATE_REPLY_TEXT.to_owned(),
    }
}

/// When the brand last invited the consumer to a private conversation (a public reply
/// carrying the link that did not fail), so a second invitation is never one click away.
pub fn last_invitation(conversation: &Conversation) -> Option<Timestamp> {
    conversation.last_invitation()
}

/// Whether `comment` may still get its one Facebook private reply: under seven days old,
/// and none sent or tried yet (a failed one is sent again with Retry, not a second time).
pub fn may_get_private_reply(
    conversation: &Conversation,
    comment: MessageId,
    now: Timestamp,
) -> bool {
    !conversation.private_reply_sent(comment)
        && private_reply_open(conversation, comment, now).is_ok()
}

/// The message a public reply without a chosen target answers: the consumer's last public
/// one still on the platform (a deleted comment cannot be answered).
pub fn default_public_target(conversation: &Conversation) -> Option<MessageId> {
    conversation.public_target()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Space;

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

    #[test]
    fn a_mention_is_found_in_any_case_and_only_as_a_whole_mention() {
        assert!(has_mention("Hi @sam thanks", "@sam"));
        assert!(has_mention("@SAM: thanks", "@sam"));
        assert!(has_mention("thanks @Sam", "@sam"));
        assert!(has_mention("(@sam)", "@sam"));
        assert!(!has_mention("Hi @samantha", "@sam"), "a longer handle");
        assert!(
            !has_mention("mail sam@sam.com", "@sam"),
            "inside an address"
        );
        assert!(!has_mention("Hi @sam_2", "@sam"));
        assert!(!has_mention("Hi sam", "@sam"));
        assert!(!has_mention("anything", ""));
        assert!(has_mention("Hi @Maria Gonzalez!", "@Maria Gonzalez"));
        assert!(
            !has_mention("Hi @samé", "@sam"),
            "an accented letter goes on"
        );
        assert!(
            has_mention("日本@sam です", "@sam"),
            "X lets CJK touch a mention"
        );
    }

    #[test]
    fn a_longer_handle_does_not_stop_the_mention_being_inserted() {
        assert_eq!(
            insert_mention("Hi @samantha", 0, "@sam"),
            ("@sam Hi @samantha".into(), 5)
        );
    }

    fn facebook_thread(comment_age_ms: i64) -> Conversation {
        use crate::model::*;
        Conversation {
            id: ConversationId(1),
            source: Source::Facebook,
            brand: BrandChannel {
                platform_id: "1001".into(),
                name: "Acme".into(),
                handle: Some("acmeoutdoor".into()),
                disconnected: false,
            },
            consumer: Consumer {
                platform_id: "psid".into(),
                profile: Profile::Withheld(WithheldReason::EuPrivacy),
            },
            post: None,
            assigned_to: None,
            messages: vec![Message {
                id: MessageId(5),
                platform_id: Some("c5".into()),
                author: Author::Consumer,
                space: Space::Public,
                text: "Where is my order?".into(),
                reply_to: None,
                sent_at: Timestamp(NOW.0 - comment_age_ms),
                liked_by_brand: false,
                delivery: Delivery::Sent,
                private_reply: false,
                edited: false,
                deleted: false,
                consumer_reaction: None,
            }],
            event_cursor: 0,
            facts: Default::default(),
            older_cursor: None,
            skill: None,
            engagement: None,
        }
    }

    const WEEK: i64 = crate::rules::PRIVATE_REPLY_WINDOW_MS;
    const NOW: Timestamp = Timestamp(10 * WEEK);

    #[test]
    fn facebook_invites_with_the_pages_m_me_link_and_a_private_reply_within_seven_days() {
        let invite = dm_invite(&facebook_thread(60_000), None, NOW);
        assert!(invite.public_text.ends_with("https://m.me/acmeoutdoor"));
        assert_eq!(invite.answers, Some(MessageId(5)));
        assert_eq!(invite.private_reply_to, Some(MessageId(5)));
    }

    #[test]
    fn the_private_reply_window_is_seven_days_to_the_millisecond() {
        let last_moment = facebook_thread(WEEK - 1);
        assert_eq!(
            dm_invite(&last_moment, None, NOW).private_reply_to,
            Some(MessageId(5))
        );
        let closed = facebook_thread(WEEK);
        assert_eq!(dm_invite(&closed, None, NOW).private_reply_to, None);
        assert_eq!(WEEK, 7 * 24 * 60 * 60 * 1000);
    }

    #[test]
    fn a_comment_gets_one_private_reply_even_if_it_failed() {
        use crate::model::*;
        let mut answered = facebook_thread(60_000);
        let mut reply = answered.messages[0].clone();
        reply.id = MessageId(6);
        reply.author = Author::Agent {
            id: AgentId(1),
            name: "Dana".into(),
        };
        reply.space = Space::Private;
        reply.reply_to = Some(MessageId(5));
        reply.private_reply = true;
        reply.delivery = Delivery::Failed {
            reason: "no".into(),
        };
        answered.messages.push(reply.clone());
        assert_eq!(dm_invite(&answered, None, NOW).private_reply_to, None);

        // An ordinary DM answering the comment is not a private reply.
        let mut dm = facebook_thread(60_000);
        reply.private_reply = false;
        dm.messages.push(reply);
        assert_eq!(
            dm_invite(&dm, None, NOW).private_reply_to,
            Some(MessageId(5))
        );
    }

    #[test]
    fn only_a_public_facebook_comment_on_the_platform_gets_a_private_reply() {
        let mut local = facebook_thread(60_000);
        local.messages[0].platform_id = None;
        assert!(!may_get_private_reply(&local, MessageId(5), NOW));
        let mut private = facebook_thread(60_000);
        private.messages[0].space = Space::Private;
        assert!(!may_get_private_reply(&private, MessageId(5), NOW));
        let mut x = facebook_thread(60_000);
        x.source = Source::X;
        assert!(!may_get_private_reply(&x, MessageId(5), NOW));
        assert!(may_get_private_reply(
            &facebook_thread(60_000),
            MessageId(5),
            NOW
        ));
    }

    #[test]
    fn the_invitation_answers_the_chosen_message() {
        use crate::model::*;
        let mut c = facebook_thread(60_000);
        let mut later = c.messages[0].clone();
        later.id = MessageId(7);
        later.platform_id = Some("c7".into());
        c.messages.push(later);
        assert_eq!(dm_invite(&c, None, NOW).answers, Some(MessageId(7)));
        let chosen = dm_invite(&c, Some(MessageId(5)), NOW);
        assert_eq!(chosen.answers, Some(MessageId(5)));
        assert_eq!(chosen.private_reply_to, Some(MessageId(5)));
    }

    #[test]
    fn x_invites_with_the_compose_link_of_the_brand_account() {
        let mut c = facebook_thread(0);
        c.source = Source::X;
        let invite = dm_invite(&c, None, NOW);
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
    fn the_last_invitation_is_the_latest_public_reply_that_carries_the_link() {
        use crate::model::*;
        let mut c = facebook_thread(60_000);
        assert_eq!(last_invitation(&c), None);
        let invite = dm_invite(&c, None, NOW);
        let mut sent = c.messages[0].clone();
        sent.id = MessageId(8);
        sent.author = Author::Agent {
            id: AgentId(1),
            name: "Dana".into(),
        };
        sent.text = invite.public_text.clone();
        sent.sent_at = Timestamp(NOW.0 - 10);
        let mut failed = sent.clone();
        failed.id = MessageId(9);
        failed.sent_at = Timestamp(NOW.0 - 5);
        failed.delivery = Delivery::Failed {
            reason: "no".into(),
        };
        let mut private = sent.clone();
        private.id = MessageId(10);
        private.space = Space::Private;
        private.sent_at = Timestamp(NOW.0 - 1);
        c.messages.extend([sent, failed, private]);
        assert_eq!(last_invitation(&c), Some(Timestamp(NOW.0 - 10)));
    }

    #[test]
    fn a_withheld_facebook_profile_cannot_be_mentioned() {
        assert_eq!(mention_for(&facebook_thread(0)), None);
    }

    #[test]
    fn x_mentions_the_handle_and_facebook_the_name() {
        use crate::model::*;
        let mut c = facebook_thread(0);
        c.consumer.profile = Profile::Available(PublicProfile {
            display_name: "Sam Lee".into(),
            handle: Some("samlee".into()),
            picture_url: None,
            profile_url: None,
            locale: None,
            timezone: None,
            follower_count: None,
        });
        assert_eq!(mention_for(&c).as_deref(), Some("@Sam Lee"));
        c.source = Source::X;
        assert_eq!(mention_for(&c).as_deref(), Some("@samlee"));
    }
}
