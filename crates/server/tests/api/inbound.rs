//! Applying stored webhook events: conversations joined per consumer and brand channel,
//! routed to a skill, messages once, edits, deletions and reactions in whatever order they
//! come, and the live changes logged in the same transaction. Events are built by hand
//! and stored straight into `webhook_events`; the applier task is off, so each test
//! decides when an event is applied.

use crate::helpers::{text_in, Options, TestApp};
use reqwest::StatusCode;
use social_api::events::Change;
use social_api::{
    rules, Author, Conversation, ConversationId, Message, Profile, PublicProfile, Role, Source,
    Space, Timestamp, WithheldReason,
};
use social_server::platforms::Read;
use social_server::store::{AppliedInbound, Attempt, InboundOutcome, Session};
use social_server::webhooks::{Inbound, InboundEvent, InboundMessage, InboundPerson, InboundPost};

const PAGE_ID: &str = "104857600012345";
const X_BRAND_ID: &str = "1500000000000000001";
/// Someone the demo has never heard of.
const ROSA: &str = "6234567890177777";
const POST_ID: &str = "104857600012345_888000111";

async fn spawn() -> TestApp {
    TestApp::spawn_with(Options {
        applier: false,
        ..Options::default()
    })
    .await
}

fn rosa() -> InboundPerson {
    person(ROSA, Some("Rosa Diaz"))
}

fn person(platform_id: &str, name: Option<&str>) -> InboundPerson {
    InboundPerson {
        platform_id: platform_id.into(),
        name: name.map(Into::into),
        handle: None,
        picture_url: None,
    }
}

fn post(id: &str) -> InboundPost {
    InboundPost {
        platform_id: id.into(),
        text: None,
        author: None,
        by_brand: true,
        permalink: None,
    }
}

fn message(id: &str, space: Space, who: InboundPerson, text: &str) -> InboundMessage {
    InboundMessage {
        platform_id: id.into(),
        space,
        consumer: who,
        text: text.into(),
        in_reply_to: None,
        post: None,
    }
}

fn comment(id: &str, text: &str) -> InboundMessage {
    InboundMessage {
        post: Some(post(POST_ID)),
        in_reply_to: Some(POST_ID.into()),
        ..message(id, Space::Public, rosa(), text)
    }
}

fn facebook(key: &str, at: i64, event: InboundEvent) -> Inbound {
    Inbound {
        source: Source::Facebook,
        key: key.into(),
        brand_id: PAGE_ID.into(),
        at: Timestamp(at),
        event,
    }
}

/// Dana's session, as the store knows it.
async fn dana(app: &TestApp) -> Session {
    app.state
        .store
        .human_agent("demo", Role::Agent)
        .await
        .expect("store")
        .expect("Dana")
}

/// Keeps `event` as a delivery would, and answers its row id.
async fn store(app: &TestApp, event: &Inbound) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO webhook_events (source, key, brand_id, event, received_at)
         VALUES ($1, $2, $3, $4, 0) RETURNING id",
    )
    .bind(social_api::names::name_of(&event.source))
    .bind(&event.key)
    .bind(&event.brand_id)
    .bind(serde_json::to_string(event).expect("JSON"))
    .fetch_one(&app.pool)
    .await
    .expect("stored")
}

async fn apply(app: &TestApp, id: i64, event: &Inbound) -> AppliedInbound {
    app.state
        .store
        .apply_inbound(id, event, app.clock.now())
        .await
        .expect("applies")
}

/// Stores and applies an event; answers its row id and what applying did.
async fn deliver(app: &TestApp, event: &Inbound) -> (i64, AppliedInbound) {
    let id = store(app, event).await;
    (id, apply(app, id, event).await)
}

/// The stored event's state, waiting_for and outcome.
async fn row(app: &TestApp, id: i64) -> (String, Option<String>, Option<String>) {
    sqlx::query_as("SELECT state, waiting_for, outcome FROM webhook_events WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("row")
}

/// The conversation (of the demo account) holding the message with this platform id.
async fn conversation_with(app: &TestApp, platform_id: &str) -> Conversation {
    let (id,): (i64,) =
        sqlx::query_as("SELECT conversation_id FROM messages WHERE platform_id = $1")
            .bind(platform_id)
            .fetch_one(&app.pool)
            .await
            .expect("the message is stored");
    read(app, ConversationId(id)).await
}

async fn read(app: &TestApp, id: ConversationId) -> Conversation {
    app.state
        .store
        .conversation(&dana(app).await, id)
        .await
        .expect("store")
        .expect("the conversation")
}

fn by_platform<'c>(conversation: &'c Conversation, platform_id: &str) -> &'c Message {
    conversation
        .messages
        .iter()
        .find(|m| m.platform_id.as_deref() == Some(platform_id))
        .unwrap_or_else(|| panic!("{platform_id} is in the conversation"))
}

fn applied(result: &AppliedInbound) {
    assert_eq!(result.outcome, InboundOutcome::Applied, "{result:?}");
}

fn skipped(result: &AppliedInbound, why: &str) {
    assert_eq!(
        result.outcome,
        InboundOutcome::Skipped { why: why.into() },
        "{result:?}"
    );
    assert!(result.logged.is_empty(), "a skip logs nothing");
}

fn deferred(result: &AppliedInbound, waiting_for: &str) {
    assert_eq!(
        result.outcome,
        InboundOutcome::Deferred {
            waiting_for: waiting_for.into()
        },
        "{result:?}"
    );
    assert!(result.logged.is_empty(), "a deferral logs nothing");
}

#[tokio::test]
async fn a_comment_starts_a_conversation_on_its_post_routed_to_the_public_skill() {
    let app = spawn().await;
    let event = facebook(
        "comment:1:add",
        1_000,
        InboundEvent::ConsumerMessage(comment("888000111_1", "Is the tent waterproof?")),
    );
    let (id, result) = deliver(&app, &event).await;
    applied(&result);
    assert_eq!(row(&app, id).await.0, "applied");

    let c = conversation_with(&app, "888000111_1").await;
    assert_eq!(c.source, Source::Facebook);
    assert_eq!(c.brand.platform_id, PAGE_ID);
    assert_eq!(c.consumer.platform_id, ROSA);
    assert_eq!(c.consumer.profile.display_name(), "Rosa Diaz");
    assert_eq!(c.skill.as_deref(), Some("social-fb-public"));
    assert_eq!(c.engagement, None);
    assert_eq!(c.assigned_to, None);
    let post = c.post.as_ref().expect("the conversation hangs on the post");
    assert_eq!(post.platform_id, POST_ID);
    // The comment named only its post: no text is made up, the link opens the post.
    assert_eq!(post.text, "");
    assert_eq!(
        post.permalink,
        format!("https://www.facebook.com/{POST_ID}")
    );
    assert!(post.by_brand);
    let m = by_platform(&c, "888000111_1");
    assert_eq!(m.author, Author::Consumer);
    assert_eq!(m.space, Space::Public);
    assert_eq!(m.text, "Is the tent waterproof?");
    assert_eq!(m.sent_at, Timestamp(1_000));
    // The post is not a message: nothing answers it.
    assert_eq!(m.reply_to, None);

    let token = app.token("demo", Role::Agent).await;
    let row = app
        .list(&token, Some("all"))
        .await
        .into_iter()
        .find(|r| r.id == c.id)
        .expect("listed");
    assert_eq!(row.skill.as_deref(), Some("social-fb-public"));
    assert_eq!(row.consumer_name, "Rosa Diaz");
}

#[tokio::test]
async fn a_messenger_message_of_the_same_person_joins_the_conversation_and_the_toggle_shows() {
    let app = spawn().await;
    deliver(
        &app,
        &facebook(
            "comment:1:add",
            1_000,
            InboundEvent::ConsumerMessage(comment("888000111_1", "Is it waterproof?")),
        ),
    )
    .await;
    let (_, result) = deliver(
        &app,
        &facebook(
            "mid:m_rosa_1",
            2_000,
            InboundEvent::ConsumerMessage(message(
                "m_rosa_1",
                Space::Private,
                rosa(),
                "Sending you my order number",
            )),
        ),
    )
    .await;
    applied(&result);

    let c = conversation_with(&app, "888000111_1").await;
    assert_eq!(by_platform(&c, "m_rosa_1").space, Space::Private);
    assert!(c.consumer_wrote_in(Space::Public) && c.consumer_wrote_in(Space::Private));
    let dana = dana(&app).await;
    let offered = rules::capabilities(&c, &dana.agent, None, app.clock.now());
    assert_eq!(
        offered.toggle,
        Some(rules::SpaceToggle {
            default: Space::Private
        })
    );
    // The skill stays the one the conversation started with.
    assert_eq!(c.skill.as_deref(), Some("social-fb-public"));
}

#[tokio::test]
async fn a_comment_after_messenger_gives_that_conversation_its_post() {
    let app = spawn().await;
    deliver(
        &app,
        &facebook(
            "mid:m_rosa_1",
            1_000,
            InboundEvent::ConsumerMessage(message("m_rosa_1", Space::Private, rosa(), "Hi")),
        ),
    )
    .await;
    let first = conversation_with(&app, "m_rosa_1").await;
    assert_eq!(first.post, None);
    assert_eq!(first.skill.as_deref(), Some("social-fb-private"));

    let (_, result) = deliver(
        &app,
        &facebook(
            "comment:2:add",
            2_000,
            InboundEvent::ConsumerMessage(comment("888000111_2", "Also asking here")),
        ),
    )
    .await;
    applied(&result);
    let c = conversation_with(&app, "888000111_2").await;
    assert_eq!(c.id, first.id, "one conversation for both spaces");
    assert_eq!(
        c.post.as_ref().map(|p| p.platform_id.as_str()),
        Some(POST_ID)
    );
    // The open widget hears of the post and of the comment.
    let changes: Vec<Change> = result
        .logged
        .iter()
        .map(|l| serde_json::from_str(&l.change).expect("a change"))
        .collect();
    assert!(matches!(&changes[..], [Change::Post(p), Change::Message(m)]
        if p.platform_id == POST_ID && m.platform_id.as_deref() == Some("888000111_2")));

    // A comment under another post starts a conversation of its own.
    let other = InboundMessage {
        post: Some(post("104857600012345_999")),
        ..message("999_1", Space::Public, rosa(), "And this one?")
    };
    deliver(
        &app,
        &facebook("comment:3:add", 3_000, InboundEvent::ConsumerMessage(other)),
    )
    .await;
    assert_ne!(conversation_with(&app, "999_1").await.id, first.id);
}

#[tokio::test]
async fn a_reply_to_a_comment_answers_it_and_a_repeat_is_skipped() {
    let app = spawn().await;
    deliver(
        &app,
        &facebook(
            "comment:1:add",
            1_000,
            InboundEvent::ConsumerMessage(comment("888000111_1", "First")),
        ),
    )
    .await;
    let reply = InboundMessage {
        in_reply_to: Some("888000111_1".into()),
        ..comment("888000111_2", "Second, answering the first")
    };
    let (_, result) = deliver(
        &app,
        &facebook(
            "comment:2:add",
            2_000,
            InboundEvent::ConsumerMessage(reply.clone()),
        ),
    )
    .await;
    applied(&result);
    let c = conversation_with(&app, "888000111_2").await;
    assert_eq!(
        by_platform(&c, "888000111_2").reply_to,
        Some(by_platform(&c, "888000111_1").id)
    );

    // The same comment under another key (another delivery format): known already.
    let messages = app.count("messages").await;
    let (id, again) = deliver(
        &app,
        &facebook(
            "comment:2:add:v2",
            2_000,
            InboundEvent::ConsumerMessage(reply),
        ),
    )
    .await;
    skipped(&again, "already known");
    assert_eq!(app.count("messages").await, messages);
    assert_eq!(
        row(&app, id).await,
        ("skipped".into(), None, Some("already known".into()))
    );
}

#[tokio::test]
async fn edits_deletions_and_reactions_before_their_message_wait_for_it() {
    let app = spawn().await;
    let target = "888000111_5";
    let edit = facebook(
        "comment:5:edited",
        2_000,
        InboundEvent::Edited {
            platform_id: target.into(),
            text: "Is the tent waterproof? (edited)".into(),
        },
    );
    let reaction = facebook(
        "reaction:5:rosa",
        2_500,
        InboundEvent::Reaction {
            target_platform_id: target.into(),
            consumer: rosa(),
            reaction: Some("love".into()),
        },
    );
    let delete = facebook(
        "comment:5:remove",
        3_000,
        InboundEvent::Deleted {
            platform_id: target.into(),
        },
    );
    let mut waiting = Vec::new();
    for event in [&edit, &reaction, &delete] {
        let (id, result) = deliver(&app, event).await;
        deferred(&result, target);
        assert_eq!(
            row(&app, id).await,
            (
                "deferred".into(),
                Some(target.into()),
                Some(format!("waiting for {target}"))
            )
        );
        waiting.push((id, event));
    }
    assert_eq!(
        app.count("messages WHERE platform_id = '888000111_5'")
            .await,
        0
    );

    let (_, created) = deliver(
        &app,
        &facebook(
            "comment:5:add",
            1_000,
            InboundEvent::ConsumerMessage(comment(target, "Is the tent waterproof?")),
        ),
    )
    .await;
    applied(&created);
    // The create put them back in line…
    for (id, _) in &waiting {
        assert_eq!(
            row(&app, *id).await,
            (
                "received".into(),
                None,
                Some(format!("waiting for {target}"))
            )
        );
    }
    // …and the applier's next pass applies them.
    for (id, event) in &waiting {
        applied(&apply(&app, *id, event).await);
    }
    let c = conversation_with(&app, target).await;
    let m = by_platform(&c, target);
    assert_eq!(m.text, "Is the tent waterproof? (edited)");
    assert!(m.edited);
    assert!(m.deleted);
    assert_eq!(m.consumer_reaction.as_deref(), Some("love"));
}

#[tokio::test]
async fn a_reaction_is_kept_per_person_and_taken_back() {
    let app = spawn().await;
    let dana_token = app.token("demo", Role::Agent).await;
    // Dana's public reply in Maria's comment thread.
    let maria = app.conversation_id(&dana_token, "Maria").await;
    let brand_reply = app
        .read(&dana_token, maria)
        .await
        .messages
        .into_iter()
        .find(|m| !m.author.is_consumer() && m.platform_id.is_some())
        .expect("a brand reply on the platform");
    let target = brand_reply.platform_id.clone().expect("an id");
    let react = |key: &str, at: i64, who: InboundPerson, reaction: Option<&str>| {
        facebook(
            key,
            at,
            InboundEvent::Reaction {
                target_platform_id: target.clone(),
                consumer: who,
                reaction: reaction.map(Into::into),
            },
        )
    };
    let maria_person = person("6234567890123451", Some("Maria Gonzalez"));
    let (_, liked) = deliver(
        &app,
        &react("r1", 1_000, maria_person.clone(), Some("like")),
    )
    .await;
    applied(&liked);
    assert_eq!(liked.logged.len(), 1);
    // Someone else's reaction is kept but is not the conversation's consumer's.
    let (_, other) = deliver(&app, &react("r2", 1_100, rosa(), Some("haha"))).await;
    applied(&other);
    assert!(other.logged.is_empty());
    let shown = |c: Conversation| {
        c.message(brand_reply.id)
            .expect("the reply")
            .consumer_reaction
            .clone()
    };
    assert_eq!(shown(read(&app, maria).await), Some("like".into()));
    // An older event arriving late does not replace the newer reaction.
    skipped(
        &deliver(&app, &react("r0", 500, maria_person.clone(), Some("angry")))
            .await
            .1,
        "no newer reaction to change",
    );
    assert_eq!(shown(read(&app, maria).await), Some("like".into()));
    applied(
        &deliver(&app, &react("r3", 2_000, maria_person, None))
            .await
            .1,
    );
    assert_eq!(shown(read(&app, maria).await), None);
    assert_eq!(app.count("message_reactions").await, 1, "Rosa's stays");
}

#[tokio::test]
async fn the_brand_writing_on_the_platform_is_shown_once_as_the_brand() {
    let app = spawn().await;
    let dana_token = app.token("demo", Role::Agent).await;
    let james = app.conversation_id(&dana_token, "James").await;
    let james_psid = "6234567890123452";

    // Sent from the widget: the echo names a message known already.
    let sent: Message = app
        .send_message(
            &dana_token,
            james,
            &text_in(Space::Private, "From the widget"),
        )
        .await
        .json()
        .await
        .expect("a message");
    let sent_id = sent.platform_id.clone().expect("sent with an id");
    let echo = |id: &str, text: &str| {
        facebook(
            &format!("mid:{id}"),
            5_000,
            InboundEvent::BrandMessage(message(id, Space::Private, person(james_psid, None), text)),
        )
    };
    let messages = app.count("messages").await;
    skipped(
        &deliver(&app, &echo(&sent_id, "From the widget")).await.1,
        "already known",
    );
    assert_eq!(app.count("messages").await, messages);

    // Written in Meta Business Suite: the brand's message, by the Page's name.
    let (_, outside) = deliver(&app, &echo("m_outside_1", "Written in the Page inbox")).await;
    applied(&outside);
    let c = read(&app, james).await;
    let m = by_platform(&c, "m_outside_1");
    assert_eq!(
        m.author,
        Author::Brand {
            name: "Acme Outdoor".into()
        }
    );
    assert_eq!(m.space, Space::Private);
    // The consumer's profile was not emptied by an event that did not name them.
    assert_eq!(c.consumer.profile.display_name(), "James Okafor");
}

#[tokio::test]
async fn a_page_reply_naming_nobody_joins_the_conversation_of_what_it_answers() {
    let app = spawn().await;
    let nobody = person("", None);
    let page_reply = facebook(
        "comment:9:add",
        2_000,
        InboundEvent::BrandMessage(InboundMessage {
            in_reply_to: Some("888000111_1".into()),
            post: Some(post(POST_ID)),
            ..message(
                "888000111_9",
                Space::Public,
                nobody.clone(),
                "Yes, fully waterproof.",
            )
        }),
    );
    // Before the comment it answers: it waits for it.
    let (id, early) = deliver(&app, &page_reply).await;
    deferred(&early, "888000111_1");
    applied(
        &deliver(
            &app,
            &facebook(
                "comment:1:add",
                1_000,
                InboundEvent::ConsumerMessage(comment("888000111_1", "Is it waterproof?")),
            ),
        )
        .await
        .1,
    );
    applied(&apply(&app, id, &page_reply).await);
    let c = conversation_with(&app, "888000111_1").await;
    let reply = by_platform(&c, "888000111_9");
    assert_eq!(
        reply.author,
        Author::Brand {
            name: "Acme Outdoor".into()
        }
    );
    assert_eq!(reply.reply_to, Some(by_platform(&c, "888000111_1").id));
    assert_eq!(c.consumer.platform_id, ROSA);

    // The Page commenting on its own post answers no one.
    let own = facebook(
        "comment:10:add",
        3_000,
        InboundEvent::BrandMessage(InboundMessage {
            post: Some(post(POST_ID)),
            ..message("888000111_10", Space::Public, nobody, "Thanks everyone!")
        }),
    );
    skipped(
        &deliver(&app, &own).await.1,
        "the brand wrote to no consumer",
    );
}

#[tokio::test]
async fn an_echo_that_beats_the_sends_bookkeeping_waits_for_it_then_is_known() {
    let app = spawn().await;
    let dana_token = app.token("demo", Role::Agent).await;
    let james = app.conversation_id(&dana_token, "James").await;
    // The demo's message still on its way to Messenger.
    let pending = app
        .read(&dana_token, james)
        .await
        .messages
        .into_iter()
        .find(|m| m.delivery == social_api::Delivery::Pending)
        .expect("a pending message");
    let echo = facebook(
        "mid:m_echo_1",
        5_000,
        InboundEvent::BrandMessage(message(
            "m_echo_1",
            Space::Private,
            person("6234567890123452", None),
            &pending.text,
        )),
    );
    let messages = app.count("messages").await;
    let (id, result) = deliver(&app, &echo).await;
    deferred(&result, "m_echo_1");
    assert_eq!(app.count("messages").await, messages);

    // The send records the platform's id: the echo is back in line, and known.
    app.state
        .store
        .record_attempt(
            &dana(&app).await,
            pending.id,
            Attempt::Sent {
                platform_id: "m_echo_1",
            },
        )
        .await
        .expect("recorded");
    assert_eq!(row(&app, id).await.0, "received");
    skipped(&apply(&app, id, &echo).await, "already known");
    assert_eq!(app.count("messages").await, messages);
}

#[tokio::test]
async fn an_event_of_a_page_not_connected_is_skipped_and_changes_nothing() {
    let app = spawn().await;
    let before = (
        app.count("conversations").await,
        app.count("consumers").await,
    );
    let mut event = facebook(
        "comment:1:add",
        1_000,
        InboundEvent::ConsumerMessage(comment("1_1", "Hello?")),
    );
    event.brand_id = "999999999".into();
    let (id, result) = deliver(&app, &event).await;
    skipped(&result, "not connected");
    assert_eq!(row(&app, id).await.0, "skipped");
    assert_eq!(
        (
            app.count("conversations").await,
            app.count("consumers").await
        ),
        before
    );
}

#[tokio::test]
async fn an_event_is_applied_once_however_often_it_is_applied() {
    let app = spawn().await;
    let event = facebook(
        "comment:1:add",
        1_000,
        InboundEvent::ConsumerMessage(comment("888000111_1", "Once")),
    );
    let (id, first) = deliver(&app, &event).await;
    applied(&first);
    let counts = (app.count("messages").await, app.count("events").await);
    let second = apply(&app, id, &event).await;
    skipped(&second, "applied before");
    assert_eq!(
        (app.count("messages").await, app.count("events").await),
        counts
    );
    assert_eq!(row(&app, id).await.0, "applied");
}

#[tokio::test]
async fn two_appliers_racing_on_one_event_apply_it_once() {
    let app = spawn().await;
    let event = facebook(
        "comment:1:add",
        1_000,
        InboundEvent::ConsumerMessage(comment("888000111_1", "Raced")),
    );
    let id = store(&app, &event).await;
    let messages = app.count("messages").await;
    let (a, b) = tokio::join!(apply(&app, id, &event), apply(&app, id, &event));
    let mut outcomes = [a.outcome, b.outcome];
    outcomes.sort_by_key(|o| matches!(o, InboundOutcome::Skipped { .. }));
    assert_eq!(
        outcomes,
        [
            InboundOutcome::Applied,
            InboundOutcome::Skipped {
                why: "applied before".into()
            }
        ]
    );
    assert_eq!(app.count("messages").await, messages + 1);
}

#[tokio::test]
async fn the_changes_returned_are_the_ones_the_event_log_replays() {
    let app = spawn().await;
    let dana = dana(&app).await;
    let before = app.state.store.latest_event().await.expect("latest");
    let (_, result) = deliver(
        &app,
        &facebook(
            "comment:1:add",
            1_000,
            InboundEvent::ConsumerMessage(comment("888000111_1", "Logged")),
        ),
    )
    .await;
    assert_eq!(result.logged.len(), 1);
    let logged = &result.logged[0];
    let replayed = app
        .state
        .store
        .events_after(&dana, logged.conversation, before)
        .await
        .expect("replay");
    assert_eq!(replayed, vec![(logged.id, logged.change.to_string())]);
    let (account,): (i64,) = sqlx::query_as("SELECT id FROM accounts WHERE slug = 'demo'")
        .fetch_one(&app.pool)
        .await
        .expect("account");
    assert_eq!(logged.account_id, account);
    // The same JSON a widget change always was: the message as the API reads it.
    let Change::Message(m) = serde_json::from_str(&logged.change).expect("a change") else {
        panic!("a message change");
    };
    assert_eq!(
        Some(&m),
        read(&app, logged.conversation).await.message(m.id)
    );
}

#[tokio::test]
async fn an_x_mention_goes_to_the_x_skill_and_engagement() {
    let app = spawn().await;
    let tweet = InboundMessage {
        post: Some(InboundPost {
            platform_id: "1800000000000000001".into(),
            text: Some("@AcmeOutdoor where is my order?".into()),
            author: Some("Lee".into()),
            by_brand: false,
            permalink: None,
        }),
        ..message(
            "1800000000000000001",
            Space::Public,
            InboundPerson {
                platform_id: "4455".into(),
                name: Some("Lee".into()),
                handle: Some("lee_walks".into()),
                picture_url: Some("https://pbs.twimg.example/lee.jpg".into()),
            },
            "@AcmeOutdoor where is my order?",
        )
    };
    let event = Inbound {
        source: Source::X,
        key: "tweet:1800000000000000001".into(),
        brand_id: X_BRAND_ID.into(),
        at: Timestamp(1_000),
        event: InboundEvent::ConsumerMessage(tweet),
    };
    applied(&deliver(&app, &event).await.1);
    let c = conversation_with(&app, "1800000000000000001").await;
    assert_eq!(c.skill.as_deref(), Some("social-x"));
    assert_eq!(c.engagement.as_deref(), Some("x-care"));
    let post = c.post.expect("the tweet");
    assert_eq!(post.permalink, "https://x.com/i/status/1800000000000000001");
    assert_eq!(post.text, "@AcmeOutdoor where is my order?");
    assert_eq!(c.consumer.profile.handle(), Some("lee_walks"));
}

#[tokio::test]
async fn a_deleted_post_is_marked_and_its_deleted_comments_keep_their_text() {
    let app = spawn().await;
    deliver(
        &app,
        &facebook(
            "comment:1:add",
            1_000,
            InboundEvent::ConsumerMessage(comment("888000111_1", "Kept for the agents")),
        ),
    )
    .await;
    for (key, id) in [
        ("comment:1:remove", "888000111_1"),
        ("post:remove", POST_ID),
    ] {
        let (_, result) = deliver(
            &app,
            &facebook(
                key,
                2_000,
                InboundEvent::Deleted {
                    platform_id: id.into(),
                },
            ),
        )
        .await;
        applied(&result);
        assert_eq!(result.logged.len(), 1);
    }
    let c = conversation_with(&app, "888000111_1").await;
    let m = by_platform(&c, "888000111_1");
    assert!(m.deleted);
    assert_eq!(m.text, "Kept for the agents");
    assert!(c.post.expect("the post").deleted);
    // Deleting again changes nothing.
    skipped(
        &deliver(
            &app,
            &facebook(
                "comment:1:remove:again",
                3_000,
                InboundEvent::Deleted {
                    platform_id: "888000111_1".into(),
                },
            ),
        )
        .await
        .1,
        "deleted before",
    );
}

#[tokio::test]
async fn a_person_the_platform_names_no_one_is_shown_as_withheld_and_stays_so() {
    let app = spawn().await;
    let anonymous = person("6234567890166666", None);
    applied(
        &deliver(
            &app,
            &facebook(
                "mid:m_anon_1",
                1_000,
                InboundEvent::ConsumerMessage(message(
                    "m_anon_1",
                    Space::Private,
                    anonymous.clone(),
                    "Hi",
                )),
            ),
        )
        .await
        .1,
    );
    applied(
        &deliver(
            &app,
            &facebook(
                "mid:m_anon_2",
                2_000,
                InboundEvent::ConsumerMessage(message(
                    "m_anon_2",
                    Space::Private,
                    anonymous,
                    "Hello?",
                )),
            ),
        )
        .await
        .1,
    );
    let c = conversation_with(&app, "m_anon_2").await;
    assert_eq!(
        c.consumer.profile,
        Profile::Withheld(WithheldReason::NoProfileAvailable)
    );
    assert_eq!(c.messages.len(), 2);
    // The EU consumer of the demo, named by a comment: the name is shown, and the open
    // widget hears of it.
    let (_, named) = deliver(
        &app,
        &facebook(
            "mid:m_eu_3",
            3_000,
            InboundEvent::ConsumerMessage(message(
                "m_eu_3",
                Space::Private,
                person("6234567890123456", Some("Eva Schmidt")),
                "Noch da?",
            )),
        ),
    )
    .await;
    applied(&named);
    let kinds: Vec<Change> = named
        .logged
        .iter()
        .map(|l| serde_json::from_str(&l.change).expect("a change"))
        .collect();
    assert!(
        matches!(&kinds[..], [Change::Consumer(c), Change::Message(_)]
        if c.profile.display_name() == "Eva Schmidt")
    );
}

#[tokio::test]
async fn the_demo_conversations_carry_the_skills_of_the_demo_routing() {
    let app = spawn().await;
    let token = app.token("demo", Role::Agent).await;
    let rows = app.list(&token, Some("all")).await;
    let skill_of = |name: &str| {
        let row = rows
            .iter()
            .find(|r| r.consumer_name.starts_with(name))
            .unwrap_or_else(|| panic!("{name} listed"));
        (row.skill.clone(), row.engagement.clone())
    };
    let s = |skill: &str, engagement: Option<&str>| {
        (Some(skill.to_owned()), engagement.map(str::to_owned))
    };
    assert_eq!(skill_of("Maria"), s("social-fb-public", None));
    assert_eq!(skill_of("James"), s("social-fb-private", None));
    // Priya commented first: her conversation started public.
    assert_eq!(skill_of("Priya"), s("social-fb-public", None));
    assert_eq!(skill_of("Kenji"), s("social-x", Some("x-care")));
    let response = app.conversation(&token, &rows[0].id.to_string()).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_conversation_a_webhook_starts_gets_the_platforms_profile_and_only_that_one() {
    let app = TestApp::spawn().await;
    let full = PublicProfile {
        display_name: "Rosa Díaz".into(),
        handle: None,
        picture_url: Some("https://scontent.example/rosa.jpg".into()),
        profile_url: None,
        locale: Some("es_ES".into()),
        timezone: Some("1".into()),
        follower_count: None,
    };
    app.platform
        .set_profile(ROSA, Profile::Available(full.clone()));
    let first = facebook(
        "comment:1:add",
        1_000,
        InboundEvent::ConsumerMessage(comment("888000111_1", "Is the tent waterproof?")),
    );
    app.state
        .store
        .store_inbound(std::slice::from_ref(&first), app.clock.now())
        .await
        .expect("stored");
    app.state.inbound.wake();
    let fetched = async {
        loop {
            if let Ok((id,)) = sqlx::query_as::<_, (i64,)>(
                "SELECT conversation_id FROM messages WHERE platform_id = '888000111_1'",
            )
            .fetch_one(&app.pool)
            .await
            {
                let c = read(&app, ConversationId(id)).await;
                if c.consumer.profile == Profile::Available(full.clone()) {
                    return c;
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    };
    let c = tokio::time::timeout(std::time::Duration::from_secs(20), fetched)
        .await
        .expect("the applier stores the message and the platform's profile");
    assert_eq!(c.consumer.platform_id, ROSA);

    let asked: Vec<_> = app
        .platform
        .reads()
        .into_iter()
        .filter(|read| matches!(read, Read::Profile(_)))
        .collect();
    assert_eq!(
        asked.len(),
        1,
        "one fetch for one new conversation: {asked:?}"
    );
}

#[tokio::test]
async fn only_the_event_that_starts_a_conversation_says_so() {
    let app = spawn().await;
    let first = facebook(
        "comment:1:add",
        1_000,
        InboundEvent::ConsumerMessage(comment("888000111_1", "Is the tent waterproof?")),
    );
    let (_, result) = deliver(&app, &first).await;
    let c = conversation_with(&app, "888000111_1").await;
    let (account,): (i64,) = sqlx::query_as("SELECT account_id FROM conversations WHERE id = $1")
        .bind(c.id.0)
        .fetch_one(&app.pool)
        .await
        .expect("account");
    assert_eq!(result.started, Some((account, c.id)));
    let second = facebook(
        "mid:2",
        2_000,
        InboundEvent::ConsumerMessage(message("m_2", Space::Private, rosa(), "Hello?")),
    );
    let (_, result) = deliver(&app, &second).await;
    applied(&result);
    assert_eq!(result.started, None, "a message joining it starts nothing");
}

#[tokio::test]
async fn an_x_mention_and_a_later_dm_from_the_same_person_are_one_conversation() {
    let app = spawn().await;
    let lee = InboundPerson {
        platform_id: "4455".into(),
        name: Some("Lee".into()),
        handle: Some("lee_walks".into()),
        picture_url: None,
    };
    let x = |key: &str, at: i64, message: InboundMessage| Inbound {
        source: Source::X,
        key: key.into(),
        brand_id: X_BRAND_ID.into(),
        at: Timestamp(at),
        event: InboundEvent::ConsumerMessage(message),
    };
    let mention = InboundMessage {
        post: Some(InboundPost {
            platform_id: "1800000000000000002".into(),
            text: Some("@AcmeOutdoor my tent arrived torn".into()),
            author: Some("Lee".into()),
            by_brand: false,
            permalink: None,
        }),
        ..message(
            "1800000000000000002",
            Space::Public,
            lee.clone(),
            "@AcmeOutdoor my tent arrived torn",
        )
    };
    applied(
        &deliver(&app, &x("tweet:1800000000000000002", 1_000, mention))
            .await
            .1,
    );
    let dm = message(
        "1900000000000000001",
        Space::Private,
        lee,
        "Here is my order number: 4471",
    );
    let (_, result) = deliver(&app, &x("dm:1900000000000000001", 2_000, dm)).await;
    applied(&result);
    assert_eq!(
        result.started, None,
        "the DM joins the mention's conversation"
    );

    let c = conversation_with(&app, "1900000000000000001").await;
    assert_eq!(
        c.id,
        conversation_with(&app, "1800000000000000002").await.id
    );
    let spaces: Vec<Space> = c.messages.iter().map(|m| m.space).collect();
    assert_eq!(spaces, [Space::Public, Space::Private]);
    assert!(c.consumer_wrote_in(Space::Public) && c.consumer_wrote_in(Space::Private));
    let admin = app
        .state
        .store
        .human_agent("demo", Role::Admin)
        .await
        .expect("store")
        .expect("an admin");
    let capabilities = rules::capabilities(&c, &admin.agent, None, app.clock.now());
    assert!(
        capabilities.toggle.is_some(),
        "both spaces: the Public/Private toggle is offered: {capabilities:?}"
    );
}
