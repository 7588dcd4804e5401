//! The rules on a page of the transcript with the server's facts answer exactly as on the
//! whole transcript: what the widget shows and the server checks for a 2,000-message
//! conversation, of which only the newest messages are loaded.

use super::*;
use crate::actions::{dm_link, last_invitation};
use crate::facts::TranscriptFacts;

/// `c` with only the messages from `cut` on loaded, and the facts of all of them.
fn truncated(c: &Conversation, cut: usize) -> Conversation {
    let cut = cut.min(c.messages.len());
    Conversation {
        facts: TranscriptFacts::of(c),
        messages: c.messages[cut..].to_vec(),
        older_cursor: (cut > 0).then(|| "older".to_owned()),
        ..c.clone()
    }
}

/// The messages of `page` whose controls are compared: all of them. A failed private
/// reply's Retry reads its comment, so it is compared only where the page has that.
fn compared(page: &Conversation) -> (Vec<MessageId>, Vec<MessageId>) {
    let loaded = page.messages.iter().map(|m| m.id).collect();
    let retried = page
        .messages
        .iter()
        .filter(|m| m.reply_to.is_none_or(|r| page.message(r).is_some()))
        .map(|m| m.id)
        .collect();
    (loaded, retried)
}

/// Everything the rules answer about `c` for `a`, at a few moments (inside and past
/// Messenger's windows), as one comparable value.
fn answers(
    c: &Conversation,
    a: &Agent,
    (loaded, retried): &(Vec<MessageId>, Vec<MessageId>),
) -> String {
    let mut out = Vec::new();
    for now in [
        NOW,
        Timestamp(3 * 24 * 3_600_000),
        Timestamp(9 * 24 * 3_600_000),
    ] {
        for chosen in [
            None,
            Some(Space::Public),
            Some(Space::Private),
            Some(Space::Internal),
        ] {
            out.push(format!("{:?}", capabilities(c, a, chosen, now)));
        }
        out.push(format!("{:?}", messenger_window(c, a, now)));
        out.push(format!("{:?}", link_to_dm(c, a, None, now)));
        out.push(format!(
            "{:?}",
            check_dm_invite(c, a, &DmInviteRequest::default(), now)
        ));
        for space in [Space::Public, Space::Private, Space::Internal] {
            out.push(format!(
                "{:?}",
                check_message(c, a, &request("Thanks", space), now)
            ));
        }
        for &id in retried {
            out.push(format!("{:?}", retry_control(c, a, id, now)));
        }
    }
    for &id in loaded {
        out.push(format!("{:?}", reply_control(c, a, id)));
        out.push(format!("{:?}", like_control(c, a, LikeTarget::Message(id))));
        let reply = SendMessage {
            reply_to: Some(id),
            ..request("Re", Space::Public)
        };
        out.push(format!("{:?}", check_message(c, a, &reply, NOW)));
    }
    out.push(format!("{:?}", default_space(c)));
    out.push(format!("{:?}", last_invitation(c)));
    out.push(format!("{:?}", crate::actions::default_public_target(c)));
    out.join("\n")
}

prop_compose! {
    /// A conversation with deleted comments and invitations among its messages.
    fn arb_rich_conversation()(
        mut c in arb_conversation_with_post(),
        deleted in prop::collection::vec(any::<bool>(), 12),
        invitations in prop::collection::vec(any::<bool>(), 12),
    ) -> Conversation {
        let link = dm_link(&c);
        for (i, m) in c.messages.iter_mut().enumerate() {
            if m.author.is_consumer() {
                m.deleted = deleted[i];
            } else if m.space == Space::Public && invitations[i] {
                m.text = format!("Write to us: {link}");
            }
        }
        c
    }
}

proptest! {
    #[test]
    fn a_page_with_the_facts_answers_as_the_whole_transcript(
        c in arb_rich_conversation(),
        a in arb_agent(),
        cut in 0usize..13,
    ) {
        let page = truncated(&c, cut);
        let loaded = compared(&page);
        prop_assert_eq!(answers(&page, &a, &loaded), answers(&c, &a, &loaded));
    }

    #[test]
    fn a_consumer_message_added_live_to_a_page_counts_as_on_the_whole(
        c in arb_rich_conversation(),
        a in arb_agent(),
        cut in 0usize..13,
        space in prop_oneof![Just(Space::Public), Just(Space::Private)],
    ) {
        let mut page = truncated(&c, cut);
        let mut whole = c.clone();
        let mut live = consumer(100, space);
        live.sent_at = Timestamp(2 * 24 * 3_600_000);
        page.messages.push(live.clone());
        whole.messages.push(live);
        let loaded = compared(&page);
        prop_assert_eq!(answers(&page, &a, &loaded), answers(&whole, &a, &loaded));
    }
}

#[test]
fn without_the_facts_a_page_would_answer_otherwise() {
    // The consumer wrote privately long ago, then publicly: the toggle must show, and
    // Link to DM must say they are already in private, though only the page is loaded.
    let c = conversation(
        Source::Facebook,
        vec![
            consumer(1, Space::Private),
            consumer(2, Space::Public),
            by_agent(3, Space::Public),
        ],
    );
    let page = truncated(&c, 1);
    let bare = Conversation {
        facts: TranscriptFacts::default(),
        ..page.clone()
    };
    assert!(capabilities(&page, &human(), None, NOW).toggle.is_some());
    assert_eq!(
        can_link_to_dm(&page, &human()),
        Err(Denied::AlreadyInPrivate)
    );
    assert!(capabilities(&bare, &human(), None, NOW).toggle.is_none());
    assert_eq!(can_link_to_dm(&bare, &human()), Ok(()));
}

#[test]
fn a_fact_naming_a_loaded_comment_deleted_since_is_not_the_default_target() {
    let c = conversation(
        Source::Facebook,
        vec![consumer(1, Space::Public), consumer(2, Space::Public)],
    );
    let mut page = truncated(&c, 1);
    assert_eq!(page.public_target(), Some(MessageId(2)));
    page.messages[0].deleted = true;
    assert_eq!(page.public_target(), None);
}
