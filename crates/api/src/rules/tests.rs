use super::*;
use crate::model::*;
use proptest::prelude::*;

fn agent(kind: AgentKind) -> Agent {
    Agent {
        id: AgentId(1),
        name: "Dana".into(),
        kind,
    }
}

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
        }),
        messages,
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
    assert_eq!(can_like(&c, MessageId(1)), Ok(()));
    assert_eq!(can_like(&c, MessageId(2)), Err(Denied::NotFromConsumer));
    assert_eq!(can_like(&c, MessageId(3)), Err(Denied::AlreadyLiked));
    assert_eq!(can_like(&c, MessageId(4)), Err(Denied::LikeNotPublic));
    assert_eq!(can_like(&c, MessageId(99)), Err(Denied::UnknownMessage));
    assert_eq!(can_unlike(&c, MessageId(3)), Ok(()));
    assert_eq!(can_unlike(&c, MessageId(1)), Err(Denied::NotLiked));
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
        assert_eq!(can_like_post(c), like, "{:?}", c.post);
        assert_eq!(can_unlike_post(c), unlike, "{:?}", c.post);
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
    assert_eq!(check_draft(&c, &human(), &draft), Ok(()));
    assert_eq!(
        check_draft(&other, &human(), &draft),
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
        check_draft(&c, &human(), &draft),
        Err(Denied::ReplyInOtherSpace)
    );
    let note = Draft {
        space: Space::Internal,
        ..draft
    };
    assert_eq!(check_draft(&c, &human(), &note), Ok(()));
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
        check_draft(&x, &human(), &draft),
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
    assert_eq!(check_draft(&x, &human(), &draft), Ok(()));

    let messenger = conversation(Source::Facebook, vec![consumer(1, Space::Private)]);
    let long = "b".repeat(2001);
    let draft = Draft {
        text: &long,
        space: Space::Private,
        reply_to: None,
        has_attachments: false,
    };
    assert_eq!(
        check_draft(&messenger, &human(), &draft),
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
    assert_eq!(check_draft(&c, &human(), &empty), Err(Denied::Empty));
    let attached = Draft {
        text: "photo",
        has_attachments: true,
        ..empty
    };
    assert_eq!(
        check_draft(&c, &human(), &attached),
        Err(Denied::AttachmentInPublic)
    );
}

#[test]
fn a_private_only_conversation_hides_link_to_dm_and_the_toggle() {
    let c = conversation(Source::Facebook, vec![consumer(1, Space::Private)]);
    let caps = capabilities(&c, &human(), None);
    assert_eq!(caps.link_to_dm, LinkToDm::Hidden);
    assert_eq!(caps.toggle, None);
    assert_eq!(caps.space, Space::Private);
    assert_eq!(caps.mention, Err(Denied::MentionNotPublic));
    assert_eq!(caps.max_length, 2_000);
}

#[test]
fn a_public_thread_offers_mention_and_link_to_dm() {
    let c = conversation(Source::X, vec![consumer(1, Space::Public)]);
    let caps = capabilities(&c, &human(), None);
    assert_eq!(caps.space, Space::Public);
    assert_eq!(caps.mention, Ok(()));
    assert_eq!(caps.link_to_dm, LinkToDm::Shown(Ok(())));
    assert_eq!(caps.write, Ok(()));
    assert_eq!(caps.max_length, 280);
}

#[test]
fn link_to_dm_says_why_once_the_consumer_is_in_private() {
    let c = conversation(
        Source::X,
        vec![consumer(1, Space::Public), consumer(2, Space::Private)],
    );
    let caps = capabilities(&c, &human(), Some(Space::Public));
    assert_eq!(
        caps.link_to_dm,
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
    let caps = capabilities(&c, &human(), None);
    assert_eq!(
        caps.toggle,
        Some(SpaceToggle {
            default: Space::Private
        })
    );
    assert_eq!(caps.space, Space::Private);
    let chosen = capabilities(&c, &human(), Some(Space::Public));
    assert_eq!(chosen.space, Space::Public);
    assert_eq!(chosen.mention, Ok(()));
}

#[test]
fn a_choice_the_conversation_does_not_offer_falls_back_to_the_default() {
    let c = conversation(Source::Facebook, vec![consumer(1, Space::Private)]);
    assert_eq!(
        capabilities(&c, &human(), Some(Space::Public)).space,
        Space::Private
    );
    assert_eq!(
        capabilities(&c, &human(), Some(Space::Internal)).space,
        Space::Internal
    );
}

#[test]
fn bots_are_refused_in_public_with_a_reason() {
    let c = conversation(Source::X, vec![consumer(1, Space::Public)]);
    let caps = capabilities(&c, &agent(AgentKind::Bot), None);
    assert_eq!(caps.write, Err(Denied::BotInPublic));
    assert_eq!(caps.mention, Err(Denied::BotInPublic));
    assert_eq!(caps.link_to_dm, LinkToDm::Shown(Err(Denied::BotInPublic)));
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
        Denied::InviteNotPublic,
        Denied::ReplyInOtherSpace,
        Denied::AttachmentInPublic,
        Denied::Empty,
        Denied::TooLong { length: 3, max: 2 },
    ];
    let mut rules = std::collections::HashSet::new();
    for denied in all {
        let text = denied.to_string();
        assert!(text.ends_with('.'), "{text}");
        assert!(
            text.chars().next().is_some_and(char::is_uppercase),
            "{text}"
        );
        assert!(
            rules.insert(denied.rule()),
            "duplicate rule name {}",
            denied.rule()
        );
    }
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
    ]
}

prop_compose! {
    fn arb_conversation()(
        source in prop_oneof![Just(Source::Facebook), Just(Source::X)],
        parts in prop::collection::vec((arb_author(), arb_space(), any::<bool>()), 0..12),
    ) -> Conversation {
        let messages = parts
            .into_iter()
            .enumerate()
            .map(|(i, (author, space, liked))| {
                // Consumers never write internal notes.
                let space = if author.is_consumer() && space == Space::Internal { Space::Public } else { space };
                let mut m = message(i as i64 + 1, author, space);
                m.liked_by_brand = liked;
                m
            })
            .collect();
        conversation(source, messages)
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
        });
        c
    }
}

fn arb_agent() -> impl Strategy<Value = Agent> {
    prop_oneof![Just(human()), Just(agent(AgentKind::Bot))]
}

proptest! {
    #[test]
    fn toggle_is_visible_iff_the_consumer_wrote_in_both_spaces(c in arb_conversation(), a in arb_agent()) {
        let both = c.consumer_wrote_in(Space::Public) && c.consumer_wrote_in(Space::Private);
        prop_assert_eq!(capabilities(&c, &a, None).toggle.is_some(), both);
    }

    #[test]
    fn the_default_space_is_where_the_consumer_last_wrote(c in arb_conversation(), a in arb_agent()) {
        if let Some(last) = c.consumer_messages().last() {
            prop_assert_eq!(capabilities(&c, &a, None).space, last.space);
        }
    }

    #[test]
    fn no_public_action_is_ever_allowed_for_a_bot(c in arb_conversation(), chosen in proptest::option::of(arb_space())) {
        let bot = agent(AgentKind::Bot);
        let caps = capabilities(&c, &bot, chosen);
        prop_assert!(caps.mention.is_err());
        prop_assert!(!matches!(caps.link_to_dm, LinkToDm::Shown(Ok(()))));
        if caps.space == Space::Public {
            prop_assert_eq!(caps.write, Err(Denied::BotInPublic));
        }
        let draft = Draft { text: "hello", space: Space::Public, reply_to: None, has_attachments: false };
        prop_assert!(check_draft(&c, &bot, &draft).is_err());
    }

    #[test]
    fn a_like_is_only_ever_allowed_on_an_unliked_public_consumer_message(c in arb_conversation()) {
        for m in &c.messages {
            let allowed = can_like(&c, m.id).is_ok();
            prop_assert_eq!(allowed, m.author.is_consumer() && m.space == Space::Public && !m.liked_by_brand);
        }
    }

    #[test]
    fn liking_the_post_is_allowed_iff_there_is_a_consumers_post_not_yet_liked(c in arb_conversation_with_post()) {
        let allowed = can_like_post(&c).is_ok();
        prop_assert_eq!(allowed, c.post.as_ref().is_some_and(|p| !p.by_brand && !p.liked_by_brand));
        let unlike = can_unlike_post(&c).is_ok();
        prop_assert_eq!(unlike, c.post.as_ref().is_some_and(|p| p.liked_by_brand));
    }

    #[test]
    fn internal_notes_are_always_allowed(c in arb_conversation(), a in arb_agent(), text in "[a-z]{1,40}") {
        let draft = Draft { text: &text, space: Space::Internal, reply_to: None, has_attachments: false };
        prop_assert_eq!(check_draft(&c, &a, &draft), Ok(()));
        prop_assert_eq!(capabilities(&c, &a, Some(Space::Internal)).write, Ok(()));
    }

    #[test]
    fn mention_is_only_allowed_in_the_public_space(c in arb_conversation(), a in arb_agent(), chosen in proptest::option::of(arb_space())) {
        let caps = capabilities(&c, &a, chosen);
        if caps.mention.is_ok() {
            prop_assert_eq!(caps.space, Space::Public);
        }
    }

    #[test]
    fn link_to_dm_is_allowed_only_before_the_consumer_writes_privately(c in arb_conversation(), a in arb_agent(), chosen in proptest::option::of(arb_space())) {
        if let LinkToDm::Shown(Ok(())) = capabilities(&c, &a, chosen).link_to_dm {
            prop_assert!(!c.consumer_wrote_in(Space::Private));
            prop_assert!(c.consumer_wrote_in(Space::Public));
        }
    }

    #[test]
    fn a_draft_is_accepted_only_within_the_limit(c in arb_conversation(), n in 0usize..12_000) {
        let text = "x".repeat(n);
        for space in [Space::Public, Space::Private, Space::Internal] {
            let draft = Draft { text: &text, space, reply_to: None, has_attachments: false };
            if check_draft(&c, &human(), &draft).is_ok() {
                prop_assert!(n >= 1 && n <= crate::length::max_length(c.source, space));
            }
        }
    }

    #[test]
    fn x_weight_without_links_never_exceeds_twice_the_characters(text in "\\PC{0,60}") {
        let weight = crate::length::x_weighted_length(&text);
        let chars = text.chars().count();
        prop_assume!(!text.to_ascii_lowercase().contains("http"));
        prop_assert!(weight <= 2 * chars);
    }
}
