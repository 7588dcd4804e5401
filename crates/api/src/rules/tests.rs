use super::*;
use crate::contract::{DmInviteRequest, SendMessage};
use crate::model::*;
use proptest::prelude::*;

fn agent(kind: AgentKind) -> Agent {
    Agent {
        id: AgentId(1),
        name: "Dana".into(),
        kind,
        role: Role::Agent,
    }
}

/// Another agent of the account, who is not assigned the test conversations.
fn colleague() -> Agent {
    Agent {
        id: AgentId(2),
        name: "Alex".into(),
        role: Role::Agent,
        ..human()
    }
}

fn admin() -> Agent {
    Agent {
        role: Role::Admin,
        ..colleague()
    }
}

/// A moment the test messages (at `id` seconds) are all within Messenger's 24 hours of.
const NOW: Timestamp = Timestamp(3_600_000);

fn human() -> Agent {
    agent(AgentKind::Human)
}

fn message(id: i64, author: Author, space: Space) -> Message {
    Message {
        id: MessageId(id),
        platform_id: Some(format!("p{id}")),
        author,
        space,
        text: format!("message {id}"),
        reply_to: None,
        sent_at: Timestamp(id * 1000),
        liked_by_brand: false,
        delivery: Delivery::Sent,
        private_reply: false,
        edited: false,
        deleted: false,
        consumer_reaction: None,
    }
}

fn conversation(source: Source, messages: Vec<Message>) -> Conversation {
    let has_public = messages.iter().any(|m| m.space == Space::Public);
    Conversation {
        id: ConversationId(7),
        source,
        brand: BrandChannel {
            platform_id: "brand".into(),
            name: "Acme".into(),
            handle: Some("acme".into()),
            disconnected: false,
        },
        consumer: Consumer {
            platform_id: "c1".into(),
            profile: Profile::Available(PublicProfile {
                display_name: "Sam".into(),
                handle: Some("sam".into()),
                picture_url: None,
                profile_url: None,
                locale: None,
                timezone: None,
                follower_count: None,
            }),
        },
        post: has_public.then(|| PostContext {
            platform_id: "post".into(),
            text: "Our new tent".into(),
            author: "Acme".into(),
            posted_at: Timestamp(0),
            attachment_url: None,
            permalink: "https://example.com/post".into(),
            liked_by_brand: false,
            by_brand: false,
            deleted: false,
        }),
        // Both test agents (human and bot) have id 1.
        assigned_to: Some(Assignee {
            id: AgentId(1),
            name: "Dana".into(),
        }),
        messages,
        event_cursor: 0,
        facts: Default::default(),
        older_cursor: None,
        skill: None,
        engagement: None,
    }
}

fn consumer(id: i64, space: Space) -> Message {
    message(id, Author::Consumer, space)
}

fn by_agent(id: i64, space: Space) -> Message {
    message(
        id,
        Author::Agent {
            id: AgentId(1),
            name: "Dana".into(),
        },
        space,
    )
}

#[test]
fn only_public_consumer_messages_not_yet_liked_can_be_liked() {
    let mut liked = consumer(3, Space::Public);
    liked.liked_by_brand = true;
    let c = conversation(
        Source::Facebook,
        vec![
            consumer(1, Space::Public),
            by_agent(2, Space::Public),
            liked,
            consumer(4, Space::Private),
        ],
    );
    let like = |id| can_like(&c, &human(), LikeTarget::Message(MessageId(id)));
    let unlike = |id| can_unlike(&c, &human(), LikeTarget::Message(MessageId(id)));
    assert_eq!(like(1), Ok(()));
    assert_eq!(like(2), Err(Denied::NotFromConsumer));
    assert_eq!(like(3), Err(Denied::AlreadyLiked));
    assert_eq!(like(4), Err(Denied::LikeNotPublic));
    assert_eq!(like(99), Err(Denied::UnknownMessage));
    assert_eq!(unlike(3), Ok(()));
    assert_eq!(unlike(1), Err(Denied::NotLiked));
}

/// A public conversation whose post was written by the brand or not, and liked or not.
fn with_post(by_brand: bool, liked_by_brand: bool) -> Conversation {
    let mut c = conversation(Source::X, vec![consumer(1, Space::Public)]);
    let post = c.post.as_mut().expect("a public conversation has a post");
    post.by_brand = by_brand;
    post.liked_by_brand = liked_by_brand;
    c
}

#[test]
fn only_a_consumers_post_not_yet_liked_can_be_liked() {
    let no_post = conversation(Source::Facebook, vec![consumer(1, Space::Private)]);
    let cases = [
        (&no_post, Err(Denied::NoPost), Err(Denied::NoPost)),
        (&with_post(false, false), Ok(()), Err(Denied::NotLiked)),
        (&with_post(false, true), Err(Denied::AlreadyLiked), Ok(())),
        (
            &with_post(true, false),
            Err(Denied::OwnPost),
            Err(Denied::NotLiked),
        ),
        // Not made by us, but should it ever be there, the like can be taken back.
        (&with_post(true, true), Err(Denied::OwnPost), Ok(())),
    ];
    for (c, like, unlike) in cases {
        assert_eq!(
            can_like(c, &human(), LikeTarget::Post),
            like,
            "{:?}",
            c.post
        );
        assert_eq!(
            can_unlike(c, &human(), LikeTarget::Post),
            unlike,
            "{:?}",
            c.post
        );
    }
    assert_eq!(
        Denied::OwnPost.to_string(),
        "The brand's own post cannot be liked by the brand."
    );
    assert_eq!(
        Denied::NoPost.to_string(),
        "This conversation has no post to like."
    );
}

#[test]
fn a_post_without_the_like_fields_decodes_as_not_liked_and_not_by_the_brand() {
    let json = r#"{"platform_id":"p","text":"t","author":"a","posted_at":0,
        "attachment_url":null,"permalink":"https://example.com/p"}"#;
    let post: PostContext = serde_json::from_str(json).expect("an older post decodes");
    assert!(!post.liked_by_brand);
    assert!(!post.by_brand);
}

#[test]
fn what_was_deleted_on_the_platform_can_no_longer_be_liked_or_answered() {
    let mut gone = consumer(2, Space::Public);
    gone.deleted = true;
    let mut c = conversation(Source::Facebook, vec![consumer(1, Space::Public), gone]);
    let deleted = Err(Denied::DeletedOnPlatform);
    assert_eq!(
        can_like(&c, &human(), LikeTarget::Message(MessageId(2))),
        deleted
    );
    assert_eq!(ReplyTarget::new(&c, MessageId(2)).map(drop), deleted);
    assert_eq!(
        reply_control(&c, &human(), MessageId(2)),
        Some(deleted.clone())
    );
    // A reply without a chosen target answers the last comment still there.
    assert_eq!(
        crate::actions::default_public_target(&c),
        Some(MessageId(1))
    );
    assert_eq!(can_like(&c, &human(), LikeTarget::Post), Ok(()));
    c.post.as_mut().expect("a post").deleted = true;
    assert_eq!(can_like(&c, &human(), LikeTarget::Post), deleted);
    assert_eq!(
        can_like(&c, &human(), LikeTarget::Message(MessageId(1))),
        Ok(())
    );
}

#[test]
fn replies_target_consumer_messages_of_this_conversation_only() {
    let c = conversation(
        Source::X,
        vec![consumer(1, Space::Public), by_agent(2, Space::Public)],
    );
    let target = ReplyTarget::new(&c, MessageId(1)).expect("consumer message");
    assert_eq!(target.conversation(), c.id);
    assert_eq!(target.space(), Space::Public);
    assert_eq!(
        ReplyTarget::new(&c, MessageId(2)),
        Err(Denied::NotFromConsumer)
    );
    assert_eq!(
        ReplyTarget::new(&c, MessageId(5)),
        Err(Denied::UnknownMessage)
    );

    let mut other = c.clone();
    other.id = ConversationId(8);
    let draft = Draft {
        text: "hi",
        space: Space::Public,
        reply_to: Some(target),
        has_attachments: false,
    };
    assert_eq!(check_draft(&c, &human(), &draft, NOW), Ok(()));
    assert_eq!(
        check_draft(&other, &human(), &draft, NOW),
        Err(Denied::UnknownMessage)
    );
}

#[test]
fn a_reply_stays_in_the_space_of_the_message_it_answers() {
    let c = conversation(
        Source::Facebook,
        vec![consumer(1, Space::Public), consumer(2, Space::Private)],
    );
    let public_target = ReplyTarget::new(&c, MessageId(1)).unwrap();
    let draft = Draft {
        text: "hi",
        space: Space::Private,
        reply_to: Some(public_target),
        has_attachments: false,
    };
    assert_eq!(
        check_draft(&c, &human(), &draft, NOW),
        Err(Denied::ReplyInOtherSpace)
    );
    let note = Draft {
        space: Space::Internal,
        ..draft
    };
    assert_eq!(
        check_draft(&c, &human(), &note, NOW),
        Err(Denied::ReplyInOtherSpace)
    );
}

#[test]
fn limits_are_checked_per_source_and_space() {
    let x = conversation(Source::X, vec![consumer(1, Space::Public)]);
    let at_limit = "a".repeat(257) + " https://example.com/long/link";
    assert_eq!(crate::length::x_weighted_length(&at_limit), 281);
    let draft = Draft {
        text: &at_limit,
        space: Space::Public,
        reply_to: None,
        has_attachments: false,
    };
    assert_eq!(
        check_draft(&x, &human(), &draft, NOW),
        Err(Denied::TooLong {
            length: 281,
            max: 280
        })
    );
    let fits = "a".repeat(256) + " https://example.com/long/link";
    let draft = Draft {
        text: &fits,
        ..draft
    };
    assert_eq!(check_draft(&x, &human(), &draft, NOW), Ok(()));

    let messenger = conversation(Source::Facebook, vec![consumer(1, Space::Private)]);
    let long = "b".repeat(2001);
    let draft = Draft {
        text: &long,
        space: Space::Private,
        reply_to: None,
        has_attachments: false,
    };
    assert_eq!(
        check_draft(&messenger, &human(), &draft, NOW),
        Err(Denied::TooLong {
            length: 2001,
            max: 2000
        })
    );
}

#[test]
fn empty_messages_and_public_attachments_are_refused() {
    let c = conversation(Source::Facebook, vec![consumer(1, Space::Public)]);
    let empty = Draft {
        text: "  \n",
        space: Space::Public,
        reply_to: None,
        has_attachments: false,
    };
    assert_eq!(check_draft(&c, &human(), &empty, NOW), Err(Denied::Empty));
    let attached = Draft {
        text: "photo",
        has_attachments: true,
        ..empty
    };
    assert_eq!(
        check_draft(&c, &human(), &attached, NOW),
        Err(Denied::AttachmentInPublic)
    );
}

#[test]
fn a_private_only_conversation_hides_link_to_dm_and_the_toggle() {
    let c = conversation(Source::Facebook, vec![consumer(1, Space::Private)]);
    let caps = capabilities(&c, &human(), None, NOW);
    assert_eq!(link_to_dm(&c, &human(), None, NOW), LinkToDm::Hidden);
    assert_eq!(caps.toggle, None);
    assert_eq!(caps.space, Space::Private);
    assert_eq!(caps.mention, Err(Denied::MentionNotPublic));
    assert_eq!(caps.max_length, 2_000);
}

#[test]
fn a_public_thread_offers_mention_and_link_to_dm() {
    let c = conversation(Source::X, vec![consumer(1, Space::Public)]);
    let caps = capabilities(&c, &human(), None, NOW);
    assert_eq!(caps.space, Space::Public);
    assert_eq!(caps.mention, Ok(()));
    assert_eq!(link_to_dm(&c, &human(), None, NOW), LinkToDm::Shown(Ok(())));
    assert_eq!(caps.write, Ok(()));
    assert_eq!(caps.max_length, 280);
}

#[test]
fn link_to_dm_says_why_once_the_consumer_is_in_private() {
    let c = conversation(
        Source::X,
        vec![consumer(1, Space::Public), consumer(2, Space::Private)],
    );
    assert_eq!(
        link_to_dm(&c, &human(), None, NOW),
        LinkToDm::Shown(Err(Denied::AlreadyInPrivate))
    );
    assert_eq!(
        Denied::AlreadyInPrivate.to_string(),
        "The consumer is already in a private conversation."
    );
}

#[test]
fn the_toggle_defaults_to_the_space_of_the_consumers_last_message() {
    let c = conversation(
        Source::Facebook,
        vec![consumer(1, Space::Public), consumer(2, Space::Private)],
    );
    let caps = capabilities(&c, &human(), None, NOW);
    assert_eq!(
        caps.toggle,
        Some(SpaceToggle {
            default: Space::Private
        })
    );
    assert_eq!(caps.space, Space::Private);
    let chosen = capabilities(&c, &human(), Some(Space::Public), NOW);
    assert_eq!(chosen.space, Space::Public);
    assert_eq!(chosen.mention, Ok(()));
}

#[test]
fn a_choice_the_conversation_does_not_offer_falls_back_to_the_default() {
    let c = conversation(Source::Facebook, vec![consumer(1, Space::Private)]);
    assert_eq!(
        capabilities(&c, &human(), Some(Space::Public), NOW).space,
        Space::Private
    );
    assert_eq!(
        capabilities(&c, &human(), Some(Space::Internal), NOW).space,
        Space::Internal
    );
}

#[test]
fn bots_are_refused_in_public_with_a_reason() {
    let c = conversation(Source::X, vec![consumer(1, Space::Public)]);
    let caps = capabilities(&c, &agent(AgentKind::Bot), None, NOW);
    assert_eq!(caps.write, Err(Denied::BotInPublic));
    assert_eq!(caps.mention, Err(Denied::BotInPublic));
    assert_eq!(
        link_to_dm(&c, &agent(AgentKind::Bot), None, NOW),
        LinkToDm::Shown(Err(Denied::BotInPublic))
    );
    assert!(Denied::BotInPublic.to_string().contains("private space"));
}

#[test]
fn every_denial_reads_as_a_sentence_and_names_its_rule() {
    let all = [
        Denied::UnknownMessage,
        Denied::NotFromConsumer,
        Denied::LikeNotPublic,
        Denied::AlreadyLiked,
        Denied::NotLiked,
        Denied::NoPost,
        Denied::OwnPost,
        Denied::BotInPublic,
        Denied::MentionNotPublic,
        Denied::NoHandle,
        Denied::ConsumerNotInSpace(SpaceName(Space::Private)),
        Denied::AlreadyInPrivate,
        Denied::ReplyInOtherSpace,
        Denied::AttachmentInPublic,
        Denied::Empty,
        Denied::TooLong { length: 3, max: 2 },
        Denied::NotFromBrand,
        Denied::NotOnPlatform,
        Denied::NotAssigned { assignee: None },
        Denied::NotAssigned {
            assignee: Some("Alex".into()),
        },
        Denied::AttachmentsNotSupported,
        Denied::ForbiddenCharacter { code: 0 },
        Denied::NotFailed,
        Denied::MessengerWindowClosed {
            closed_at: Timestamp(0),
        },
        Denied::PrivateReplyWindowClosed,
        Denied::InviteWithoutLink,
    ];
    let mut rules = std::collections::HashSet::new();
    for denied in all {
        let text = denied.to_string();
        assert!(text.ends_with('.'), "{text}");
        assert!(
            text.chars().next().is_some_and(char::is_uppercase),
            "{text}"
        );
        // Two wordings of one rule share its name; different rules never do.
        if !matches!(denied, Denied::NotAssigned { assignee: Some(_) }) {
            assert!(
                rules.insert(denied.rule()),
                "duplicate rule name {}",
                denied.rule()
            );
        }
    }
}

#[test]
fn only_the_assigned_agent_or_an_admin_acts_in_a_conversation() {
    let mut c = conversation(Source::X, vec![consumer(1, Space::Public)]);
    let refused = Denied::NotAssigned {
        assignee: Some("Dana".into()),
    };
    assert_eq!(can_act_in(&c, &human()), Ok(()));
    assert_eq!(can_act_in(&c, &colleague()), Err(refused.clone()));
    assert_eq!(can_act_in(&c, &admin()), Ok(()));
    for space in [Space::Public, Space::Internal] {
        assert_eq!(can_write_in(&c, &colleague(), space), Err(refused.clone()));
    }
    let target = LikeTarget::Message(MessageId(1));
    assert_eq!(can_like(&c, &colleague(), target), Err(refused.clone()));
    assert_eq!(
        like_control(&c, &colleague(), target).map(|l| l.allowed),
        Some(Err(refused.clone()))
    );
    assert_eq!(
        refused.to_string(),
        "This conversation is assigned to Dana: only they or an admin can act in it."
    );

    c.assigned_to = None;
    let nobody = Denied::NotAssigned { assignee: None };
    assert_eq!(can_act_in(&c, &human()), Err(nobody.clone()));
    assert_eq!(can_act_in(&c, &admin()), Ok(()));
    assert!(nobody.to_string().contains("not assigned to anyone"));
}

#[test]
fn a_disconnected_source_refuses_everything_but_internal_notes() {
    let mut c = conversation(
        Source::Facebook,
        vec![consumer(1, Space::Public), consumer(2, Space::Private)],
    );
    c.messages[0].platform_id = Some("c1".into());
    c.brand.disconnected = true;
    let refused = Denied::SourceDisconnected {
        name: c.brand.name.clone(),
    };
    for space in [Space::Public, Space::Private] {
        assert_eq!(can_write_in(&c, &human(), space), Err(refused.clone()));
        assert_eq!(can_write_in(&c, &admin(), space), Err(refused.clone()));
    }
    assert_eq!(can_write_in(&c, &human(), Space::Internal), Ok(()));
    let target = LikeTarget::Message(MessageId(1));
    assert_eq!(can_like(&c, &human(), target), Err(refused.clone()));
    assert_eq!(
        like_control(&c, &human(), target).map(|l| l.allowed),
        Some(Err(refused.clone()))
    );
    assert_eq!(refused.rule(), "source-disconnected");
    assert!(refused.to_string().contains("disconnected by an admin"));

    c.brand.disconnected = false;
    assert_eq!(can_like(&c, &human(), target), Ok(()));
}

#[test]
fn bots_never_like_or_unlike() {
    let mut liked = consumer(2, Space::Public);
    liked.liked_by_brand = true;
    let c = conversation(Source::X, vec![consumer(1, Space::Public), liked]);
    let bot = agent(AgentKind::Bot);
    assert_eq!(
        can_like(&c, &bot, LikeTarget::Message(MessageId(1))),
        Err(Denied::BotInPublic)
    );
    assert_eq!(
        can_unlike(&c, &bot, LikeTarget::Message(MessageId(2))),
        Err(Denied::BotInPublic)
    );
    assert_eq!(
        can_like(&c, &bot, LikeTarget::Post),
        Err(Denied::BotInPublic)
    );
}

#[test]
fn a_message_that_is_not_on_the_platform_offers_no_like() {
    let mut local = consumer(1, Space::Public);
    local.platform_id = None;
    let c = conversation(Source::Facebook, vec![local]);
    let target = LikeTarget::Message(MessageId(1));
    assert_eq!(can_like(&c, &human(), target), Err(Denied::NotOnPlatform));
    assert_eq!(like_control(&c, &human(), target), None);
}

/// A Messenger conversation whose consumer last wrote `age_ms` before [`NOW`].
fn messenger(age_ms: i64) -> Conversation {
    let mut last = consumer(1, Space::Private);
    last.sent_at = Timestamp(NOW.0 - age_ms);
    let mut failed = by_agent(2, Space::Private);
    failed.sent_at = NOW;
    failed.delivery = Delivery::Failed {
        reason: "timeout".into(),
    };
    conversation(Source::Facebook, vec![last, failed])
}

#[test]
fn messengers_window_is_24_hours_then_7_days_for_a_person_with_the_human_agent_tag() {
    const HOUR: i64 = 3_600_000;
    assert_eq!(MESSENGER_STANDARD_WINDOW_MS, 24 * HOUR);
    assert_eq!(MESSENGER_HUMAN_AGENT_WINDOW_MS, 7 * 24 * HOUR);
    let bot = agent(AgentKind::Bot);
    let text = Draft {
        text: "hi",
        space: Space::Private,
        reply_to: None,
        has_attachments: false,
    };
    // (age of the consumer's last message, tag for a person, tag for a bot); None: closed.
    let cases = [
        (0, Some(None), Some(None)),
        (24 * HOUR - 1, Some(None), Some(None)),
        (24 * HOUR, Some(Some(MessageTag::HumanAgent)), None),
        (7 * 24 * HOUR - 1, Some(Some(MessageTag::HumanAgent)), None),
        (7 * 24 * HOUR, None, None),
    ];
    for (age, person, robot) in cases {
        let c = messenger(age);
        for (who, expected) in [(human(), person), (bot.clone(), robot)] {
            let window = messenger_window(&c, &who, NOW).expect("Facebook private");
            assert_eq!(
                window.as_ref().ok().map(|w| w.tag),
                expected,
                "{age} {who:?}"
            );
            let open = expected.is_some();
            assert_eq!(check_draft(&c, &who, &text, NOW).is_ok(), open, "{age}");
            assert_eq!(
                capabilities(&c, &who, None, NOW).write.is_ok(),
                open,
                "{age}"
            );
            assert_eq!(
                can_retry(&c, &who, MessageId(2), NOW).is_ok(),
                open,
                "{age}"
            );
            assert_eq!(
                send_tag(&c, &who, Space::Private, NOW),
                expected.flatten(),
                "{age}"
            );
            if !open {
                assert!(matches!(
                    capabilities(&c, &who, None, NOW).write,
                    Err(Denied::MessengerWindowClosed { .. })
                ));
            }
        }
    }
    let open = messenger(HOUR);
    let window = capabilities(&open, &human(), None, NOW)
        .window
        .expect("open");
    assert_eq!(window.standard_until, Timestamp(NOW.0 + 23 * HOUR));
    assert_eq!(window.closes_at, Timestamp(NOW.0 + 7 * 24 * HOUR - HOUR));
}

#[test]
fn x_and_public_replies_have_no_messenger_window() {
    let mut x = messenger(30 * 24 * 3_600_000);
    x.source = Source::X;
    assert_eq!(messenger_window(&x, &human(), NOW), None);
    assert_eq!(capabilities(&x, &human(), None, NOW).write, Ok(()));
    let public = conversation(Source::Facebook, vec![consumer(1, Space::Public)]);
    assert_eq!(capabilities(&public, &human(), None, NOW).window, None);
    assert_eq!(send_tag(&public, &human(), Space::Public, NOW), None);
}

#[test]
fn only_failed_brand_messages_may_be_retried_by_someone_who_may_write_there() {
    let mut failed_public = by_agent(2, Space::Public);
    failed_public.delivery = Delivery::Failed {
        reason: "no".into(),
    };
    let c = conversation(
        Source::X,
        vec![
            consumer(1, Space::Public),
            failed_public,
            by_agent(3, Space::Public),
        ],
    );
    assert_eq!(retry_control(&c, &human(), MessageId(2), NOW), Some(Ok(())));
    assert_eq!(retry_control(&c, &human(), MessageId(3), NOW), None);
    assert_eq!(retry_control(&c, &human(), MessageId(1), NOW), None);
    assert_eq!(
        can_retry(&c, &human(), MessageId(3), NOW),
        Err(Denied::NotFailed)
    );
    assert_eq!(
        can_retry(&c, &human(), MessageId(1), NOW),
        Err(Denied::NotFromBrand)
    );
    assert_eq!(
        can_retry(&c, &human(), MessageId(9), NOW),
        Err(Denied::UnknownMessage)
    );
    assert_eq!(
        retry_control(&c, &agent(AgentKind::Bot), MessageId(2), NOW),
        Some(Err(Denied::BotInPublic))
    );
    assert!(matches!(
        can_retry(&c, &colleague(), MessageId(2), NOW),
        Err(Denied::NotAssigned { .. })
    ));
    assert_eq!(can_retry(&c, &admin(), MessageId(2), NOW), Ok(()));
}

#[test]
fn a_failed_private_reply_may_be_retried_within_seven_days_of_the_comment() {
    const DAY: i64 = 24 * 3_600_000;
    let at = |comment_age: i64| {
        let mut comment = consumer(1, Space::Public);
        comment.sent_at = Timestamp(NOW.0 - comment_age);
        let mut reply = by_agent(2, Space::Private);
        reply.private_reply = true;
        reply.reply_to = Some(MessageId(1));
        reply.delivery = Delivery::Failed {
            reason: "no".into(),
        };
        conversation(Source::Facebook, vec![comment, reply])
    };
    // The consumer never wrote privately: a private reply is how the conversation opens.
    assert_eq!(can_retry(&at(DAY), &human(), MessageId(2), NOW), Ok(()));
    assert_eq!(
        can_retry(&at(7 * DAY - 1), &human(), MessageId(2), NOW),
        Ok(())
    );
    assert_eq!(
        can_retry(&at(7 * DAY), &human(), MessageId(2), NOW),
        Err(Denied::PrivateReplyWindowClosed)
    );
    assert_eq!(send_tag(&at(DAY), &human(), Space::Private, NOW), None);
    // A private reply carries no Messenger tag, even a day after a private message.
    let mut late = at(DAY);
    let mut dm = consumer(3, Space::Private);
    dm.sent_at = Timestamp(NOW.0 - DAY - 1);
    late.messages.insert(1, dm);
    let reply = late
        .message(MessageId(2))
        .expect("the private reply")
        .clone();
    assert_eq!(message_tag(&late, &human(), &reply, NOW), None);
    let mut plain = reply.clone();
    plain.private_reply = false;
    assert_eq!(
        message_tag(&late, &human(), &plain, NOW),
        Some(MessageTag::HumanAgent)
    );
}

fn request(text: &str, space: Space) -> SendMessage {
    SendMessage {
        text: text.into(),
        space,
        reply_to: None,
        mention: false,
        attachments: Vec::new(),
    }
}

#[test]
fn a_public_x_reply_with_a_mention_carries_the_handle_once() {
    let c = conversation(Source::X, vec![consumer(1, Space::Public)]);
    let with_mention = |text: &str| SendMessage {
        mention: true,
        ..request(text, Space::Public)
    };
    let sent = check_message(&c, &human(), &with_mention("thanks!"), NOW).expect("fits");
    assert_eq!(sent.text, "@sam thanks!");
    assert!(sent.mention);
    assert_eq!(sent.reply_to.map(|t| t.message()), Some(MessageId(1)));
    let sent = check_message(&c, &human(), &with_mention("thanks @SAM"), NOW).expect("fits");
    assert_eq!(sent.text, "thanks @SAM");
    let sent = check_message(&c, &human(), &with_mention("hi @samantha"), NOW).expect("fits");
    assert_eq!(sent.text, "@sam hi @samantha");
    assert_eq!(
        check_message(&c, &human(), &with_mention(" "), NOW),
        Err(Denied::Empty)
    );
    let private = SendMessage {
        mention: true,
        ..request("hi", Space::Private)
    };
    assert_eq!(
        check_message(&c, &human(), &private, NOW),
        Err(Denied::MentionNotPublic)
    );
}

#[test]
fn the_mention_counts_towards_the_tweets_length() {
    let c = conversation(Source::X, vec![consumer(1, Space::Public)]);
    let body = SendMessage {
        mention: true,
        ..request(&"a".repeat(276), Space::Public)
    };
    assert_eq!(
        check_message(&c, &human(), &body, NOW),
        Err(Denied::TooLong {
            length: 281,
            max: 280
        })
    );
}

#[test]
fn a_request_names_what_it_cannot_carry() {
    let c = messenger(0);
    let with_file = SendMessage {
        attachments: vec!["https://example.com/a.png".into()],
        ..request("see", Space::Private)
    };
    assert_eq!(
        check_message(&c, &human(), &with_file, NOW),
        Err(Denied::AttachmentsNotSupported)
    );
    for (text, refused) in [
        ("bell\u{7}", Denied::ForbiddenCharacter { code: 7 }),
        ("\0", Denied::ForbiddenCharacter { code: 0 }),
        ("\u{FEFF}", Denied::ForbiddenCharacter { code: 0xFEFF }),
        ("\u{200B}", Denied::Empty),
    ] {
        for space in [Space::Private, Space::Internal] {
            assert_eq!(
                check_message(&c, &human(), &request(text, space), NOW),
                Err(refused.clone()),
                "{text:?} {space:?}"
            );
        }
    }
    assert_eq!(
        check_message(
            &c,
            &human(),
            &request("fine\tand\nclear", Space::Private),
            NOW
        ),
        Ok(Outgoing {
            text: "fine\tand\nclear".into(),
            space: Space::Private,
            reply_to: None,
            mention: false,
            tag: None,
        })
    );
}

#[test]
fn a_note_answers_nothing() {
    let c = conversation(Source::X, vec![consumer(1, Space::Public)]);
    let note = SendMessage {
        reply_to: Some(MessageId(1)),
        ..request("for the team", Space::Internal)
    };
    assert_eq!(
        check_message(&c, &human(), &note, NOW),
        Err(Denied::ReplyInOtherSpace)
    );
    let plain = request("for the team", Space::Internal);
    assert_eq!(
        check_message(&c, &human(), &plain, NOW).map(|o| o.reply_to),
        Ok(None)
    );
}

#[test]
fn only_x_needs_a_handle_to_mention_facebook_tags_the_consumer() {
    let mut x = conversation(Source::X, vec![consumer(1, Space::Public)]);
    if let Profile::Available(p) = &mut x.consumer.profile {
        p.handle = None;
    }
    assert_eq!(
        can_mention(&x, &human(), Space::Public),
        Err(Denied::NoHandle)
    );
    let mut facebook = x.clone();
    facebook.source = Source::Facebook;
    assert_eq!(can_mention(&facebook, &human(), Space::Public), Ok(()));
}

#[test]
fn link_to_dm_shows_wherever_there_is_a_public_side() {
    // A post the consumer has not commented on yet: there is a public side, so it shows.
    let mut on_post = conversation(Source::X, vec![consumer(1, Space::Private)]);
    on_post.post = conversation(Source::X, vec![consumer(1, Space::Public)]).post;
    assert!(matches!(
        link_to_dm(&on_post, &human(), None, NOW),
        LinkToDm::Shown(_)
    ));
    // A public message without a post shows it too.
    let mut no_post = conversation(Source::Facebook, vec![consumer(1, Space::Public)]);
    no_post.post = None;
    assert_eq!(
        link_to_dm(&no_post, &human(), None, NOW),
        LinkToDm::Shown(Ok(()))
    );
}

#[test]
fn an_invitation_answers_a_public_message_and_keeps_its_link() {
    let c = conversation(
        Source::Facebook,
        vec![consumer(1, Space::Public), consumer(2, Space::Public)],
    );
    let request = |reply_to: i64| DmInviteRequest {
        reply_to: Some(MessageId(reply_to)),
        ..DmInviteRequest::default()
    };
    let chosen = check_dm_invite(&c, &human(), &request(1), NOW).expect("a public comment");
    assert_eq!(chosen.answers, Some(MessageId(1)));
    let mut private = c.clone();
    private.messages.push(by_agent(3, Space::Private));
    assert_eq!(
        check_dm_invite(&private, &human(), &request(3), NOW),
        Err(Denied::NotFromConsumer)
    );
    let edited = DmInviteRequest {
        public_text: Some("Write to us: https://m.me/acme".into()),
        private_text: Some("Hi Sam, we are here.".into()),
        ..request(2)
    };
    let invite = check_dm_invite(&c, &human(), &edited, NOW).expect("keeps the link");
    assert_eq!(invite.public_text, "Write to us: https://m.me/acme");
    assert_eq!(invite.private_text, "Hi Sam, we are here.");
    let without_link = DmInviteRequest {
        public_text: Some("Write to us".into()),
        ..request(2)
    };
    assert_eq!(
        check_dm_invite(&c, &human(), &without_link, NOW),
        Err(Denied::InviteWithoutLink)
    );
    let empty_private = DmInviteRequest {
        private_text: Some(" ".into()),
        ..request(2)
    };
    assert_eq!(
        check_dm_invite(&c, &human(), &empty_private, NOW),
        Err(Denied::Empty)
    );
}

#[test]
fn link_to_dm_judges_the_invitation_for_the_chosen_target() {
    let c = conversation(
        Source::Facebook,
        vec![consumer(1, Space::Public), by_agent(2, Space::Public)],
    );
    assert_eq!(
        link_to_dm(&c, &human(), Some(MessageId(1)), NOW),
        LinkToDm::Shown(Ok(()))
    );
    assert_eq!(
        link_to_dm(&c, &human(), Some(MessageId(2)), NOW),
        LinkToDm::Shown(Err(Denied::NotFromConsumer)),
        "the brand's own reply cannot be answered"
    );
}

#[test]
fn a_space_reads_as_its_name_in_a_sentence() {
    assert_eq!(
        Denied::ConsumerNotInSpace(SpaceName(Space::Private)).to_string(),
        "The consumer has not written in the private space, so there is nothing to answer there."
    );
}

fn arb_space() -> impl Strategy<Value = Space> {
    prop_oneof![
        Just(Space::Public),
        Just(Space::Private),
        Just(Space::Internal)
    ]
}

fn arb_author() -> impl Strategy<Value = Author> {
    prop_oneof![
        3 => Just(Author::Consumer),
        1 => Just(Author::Agent { id: AgentId(1), name: "Dana".into() }),
        1 => Just(Author::Bot { name: "Helper".into() }),
        1 => Just(Author::System),
        1 => Just(Author::Brand { name: "Acme".into() }),
    ]
}

fn arb_delivery() -> impl Strategy<Value = Delivery> {
    prop_oneof![
        3 => Just(Delivery::Sent),
        1 => Just(Delivery::Pending),
        2 => Just(Delivery::Failed { reason: "timeout".into() }),
    ]
}

prop_compose! {
    fn arb_conversation()(
        source in prop_oneof![Just(Source::Facebook), Just(Source::X)],
        parts in prop::collection::vec(
            (arb_author(), arb_space(), any::<bool>(), arb_delivery(), any::<bool>(), any::<bool>()),
            0..12,
        ),
        assigned in prop_oneof![Just(Some(1)), Just(Some(2)), Just(None)],
    ) -> Conversation {
        let messages = parts
            .into_iter()
            .enumerate()
            .map(|(i, (author, space, liked, delivery, on_platform, private_reply))| {
                // Consumers never write internal notes, and their messages arrived.
                let consumer = author.is_consumer();
                let space = if consumer && space == Space::Internal { Space::Public } else { space };
                let mut m = message(i as i64 + 1, author, space);
                m.liked_by_brand = liked;
                if !consumer {
                    m.delivery = delivery;
                    m.platform_id = m.platform_id.filter(|_| on_platform);
                    m.private_reply = private_reply && space == Space::Private;
                    m.reply_to = m.private_reply.then_some(MessageId(1));
                }
                m
            })
            .collect();
        let mut c = conversation(source, messages);
        c.assigned_to = assigned.map(|id| Assignee { id: AgentId(id), name: format!("Agent {id}") });
        c
    }
}

prop_compose! {
    /// Any conversation, with any post (or none): by the brand or not, liked or not.
    fn arb_conversation_with_post()(
        mut c in arb_conversation(),
        post in proptest::option::of((any::<bool>(), any::<bool>())),
    ) -> Conversation {
        c.post = post.map(|(by_brand, liked_by_brand)| PostContext {
            platform_id: "post".into(),
            text: "A post".into(),
            author: if by_brand { "Acme".into() } else { "Sam".into() },
            posted_at: Timestamp(0),
            attachment_url: None,
            permalink: "https://example.com/post".into(),
            liked_by_brand,
            by_brand,
            deleted: false,
        });
        c
    }
}

fn arb_agent() -> impl Strategy<Value = Agent> {
    prop_oneof![
        2 => Just(human()),
        1 => Just(agent(AgentKind::Bot)),
        1 => Just(colleague()),
        1 => Just(admin()),
    ]
}

proptest! {
    #[test]
    fn toggle_is_visible_iff_the_consumer_wrote_in_both_spaces(c in arb_conversation(), a in arb_agent()) {
        let both = c.consumer_wrote_in(Space::Public) && c.consumer_wrote_in(Space::Private);
        prop_assert_eq!(capabilities(&c, &a, None, NOW).toggle.is_some(), both);
    }

    #[test]
    fn the_default_space_is_where_the_consumer_last_wrote(c in arb_conversation(), a in arb_agent()) {
        if let Some(last) = c.consumer_messages().last() {
            prop_assert_eq!(capabilities(&c, &a, None, NOW).space, last.space);
        }
    }

    #[test]
    fn no_public_action_is_ever_allowed_for_a_bot(c in arb_conversation(), chosen in proptest::option::of(arb_space())) {
        let bot = agent(AgentKind::Bot);
        let caps = capabilities(&c, &bot, chosen, NOW);
        prop_assert!(caps.mention.is_err());
        prop_assert!(!matches!(link_to_dm(&c, &bot, None, NOW), LinkToDm::Shown(Ok(()))));
        if caps.space == Space::Public {
            prop_assert!(caps.write.is_err());
        }
        let draft = Draft { text: "hello", space: Space::Public, reply_to: None, has_attachments: false };
        prop_assert!(check_draft(&c, &bot, &draft, NOW).is_err());
    }

    #[test]
    fn a_like_is_only_ever_allowed_on_an_unliked_public_consumer_message(c in arb_conversation(), a in arb_agent()) {
        for m in &c.messages {
            let allowed = can_like(&c, &a, LikeTarget::Message(m.id)).is_ok();
            let may_act = can_act_in(&c, &a).is_ok() && a.kind == AgentKind::Human;
            prop_assert_eq!(
                allowed,
                may_act && m.author.is_consumer() && m.space == Space::Public
                    && m.platform_id.is_some() && !m.liked_by_brand
            );
        }
    }

    #[test]
    fn the_like_button_offers_exactly_what_the_like_rules_allow(c in arb_conversation_with_post(), a in arb_agent()) {
        let targets = c.messages.iter().map(|m| LikeTarget::Message(m.id)).chain([LikeTarget::Post]);
        for target in targets {
            let control = like_control(&c, &a, target);
            let offers_like = matches!(&control, Some(LikeControl { liked: false, allowed: Ok(()) }));
            let offers_unlike = matches!(&control, Some(LikeControl { liked: true, allowed: Ok(()) }));
            prop_assert_eq!(offers_like, can_like(&c, &a, target).is_ok(), "{:?}", target);
            prop_assert_eq!(offers_unlike, can_unlike(&c, &a, target).is_ok(), "{:?}", target);
        }
    }

    #[test]
    fn retry_is_offered_exactly_where_it_is_allowed(c in arb_conversation(), a in arb_agent()) {
        for m in &c.messages {
            let offered = retry_control(&c, &a, m.id, NOW) == Some(Ok(()));
            prop_assert_eq!(offered, can_retry(&c, &a, m.id, NOW).is_ok(), "{:?}", m);
            if offered {
                let failed = matches!(m.delivery, Delivery::Failed { .. });
                prop_assert!(failed);
                prop_assert!(!m.author.is_consumer());
            }
        }
    }

    #[test]
    fn reply_is_offered_on_consumer_messages_to_whoever_may_write_there(c in arb_conversation(), a in arb_agent()) {
        for m in &c.messages {
            let control = reply_control(&c, &a, m.id);
            prop_assert_eq!(control.is_some(), m.author.is_consumer());
            if let Some(allowed) = control {
                prop_assert_eq!(allowed, can_write_in(&c, &a, m.space));
            }
        }
    }

    #[test]
    fn nobody_who_may_not_act_in_the_conversation_may_do_anything(c in arb_conversation_with_post(), chosen in proptest::option::of(arb_space())) {
        let outsider = colleague();
        prop_assume!(can_act_in(&c, &outsider).is_err());
        let caps = capabilities(&c, &outsider, chosen, NOW);
        prop_assert!(caps.write.is_err());
        prop_assert!(caps.mention.is_err());
        prop_assert!(!matches!(link_to_dm(&c, &outsider, None, NOW), LinkToDm::Shown(Ok(()))));
        for m in &c.messages {
            prop_assert!(can_retry(&c, &outsider, m.id, NOW).is_err());
            prop_assert!(can_like(&c, &outsider, LikeTarget::Message(m.id)).is_err());
            prop_assert!(can_unlike(&c, &outsider, LikeTarget::Message(m.id)).is_err());
        }
        for space in [Space::Public, Space::Private, Space::Internal] {
            prop_assert!(check_message(&c, &outsider, &request("hello", space), NOW).is_err());
        }
    }

    #[test]
    fn liking_the_post_is_allowed_iff_there_is_a_consumers_post_not_yet_liked(c in arb_conversation_with_post()) {
        let allowed = can_like(&c, &admin(), LikeTarget::Post).is_ok();
        prop_assert_eq!(allowed, c.post.as_ref().is_some_and(|p| !p.by_brand && !p.liked_by_brand));
        let unlike = can_unlike(&c, &admin(), LikeTarget::Post).is_ok();
        prop_assert_eq!(unlike, c.post.as_ref().is_some_and(|p| p.liked_by_brand));
    }

    #[test]
    fn internal_notes_are_allowed_to_whoever_may_act(c in arb_conversation(), a in arb_agent(), text in "[a-z]{1,40}") {
        let draft = Draft { text: &text, space: Space::Internal, reply_to: None, has_attachments: false };
        let may_act = can_act_in(&c, &a);
        prop_assert_eq!(check_draft(&c, &a, &draft, NOW), may_act.clone());
        prop_assert_eq!(capabilities(&c, &a, Some(Space::Internal), NOW).write, may_act);
    }

    #[test]
    fn mention_is_only_allowed_in_the_public_space(c in arb_conversation(), a in arb_agent(), chosen in proptest::option::of(arb_space())) {
        let caps = capabilities(&c, &a, chosen, NOW);
        if caps.mention.is_ok() {
            prop_assert_eq!(caps.space, Space::Public);
        }
    }

    #[test]
    fn link_to_dm_is_allowed_only_before_the_consumer_writes_privately(c in arb_conversation(), a in arb_agent()) {
        if let LinkToDm::Shown(Ok(())) = link_to_dm(&c, &a, None, NOW) {
            prop_assert!(!c.consumer_wrote_in(Space::Private));
            prop_assert!(c.consumer_wrote_in(Space::Public));
        }
    }

    #[test]
    fn a_draft_is_accepted_only_within_the_limit(mut c in arb_conversation(), n in 0usize..12_000) {
        c.assigned_to = None;
        let human = admin;
        let text = "x".repeat(n);
        for space in [Space::Public, Space::Private, Space::Internal] {
            let draft = Draft { text: &text, space, reply_to: None, has_attachments: false };
            if check_draft(&c, &human(), &draft, NOW).is_ok() {
                prop_assert!(n >= 1 && n <= crate::length::max_length(c.source, space));
            }
        }
    }
}

mod truncated;
