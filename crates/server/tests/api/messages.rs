//! Sending replies, DMs and internal notes, and retrying a failed one.

use crate::helpers::{json, problem, text_in, TestApp};
use reqwest::StatusCode;
use social_api::SendMessage;
use social_api::{Author, Delivery, Message, MessageId, Problem, Role, Source, Space};
use social_server::demo::TWEET_280;
use social_server::platforms::{Call, Outbound};

const PAGE_ID: &str = "104857600012345";
const X_BRAND_ID: &str = "1500000000000000001";

/// Asserts a 422 naming `rule` in its type.
pub async fn denied(response: reqwest::Response, rule: &str) -> Problem {
    let p = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(p.kind, format!("urn:social-widget:rule:{rule}"));
    assert!(p.detail.as_deref().is_some_and(|d| !d.is_empty()));
    p
}

async fn created(response: reqwest::Response) -> Message {
    assert_eq!(response.status(), StatusCode::CREATED);
    json(response).await
}

fn reply(space: Space, text: &str, reply_to: MessageId) -> SendMessage {
    SendMessage {
        reply_to: Some(reply_to),
        ..text_in(space, text)
    }
}

#[tokio::test]
async fn a_public_reply_to_a_chosen_comment_threads_to_that_comment() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let id = app.conversation_id(&dana, "Maria").await;
    let first = app.read(&dana, id).await.messages[0].clone();

    let sent = created(
        app.send_message(&dana, id, &reply(Space::Public, "Yes, both fit!", first.id))
            .await,
    )
    .await;

    assert_eq!(sent.space, Space::Public);
    assert_eq!(sent.text, "Yes, both fit!");
    assert_eq!(sent.reply_to, Some(first.id));
    assert_eq!(sent.delivery, Delivery::Sent);
    assert!(matches!(&sent.author, Author::Agent { name, .. } if name == "Dana Agent"));
    assert_eq!(
        app.platform.calls(),
        vec![Call::ReplyPublic(Outbound {
            source: Source::Facebook,
            brand_id: PAGE_ID.into(),
            target_id: first.platform_id.clone(),
            consumer_id: "6234567890123451".into(),
            text: "Yes, both fit!".into(),
            mention: false,
            tag: None,
        })]
    );
    let platform_id = sent.platform_id.clone().expect("the platform's id");
    let stored = app.read(&dana, id).await;
    assert_eq!(stored.messages.last(), Some(&sent));
    assert!(platform_id.starts_with("recorded-facebook-"));
}

#[tokio::test]
async fn a_public_reply_without_a_target_answers_the_last_public_consumer_message() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let id = app.conversation_id(&dana, "Maria").await;
    let last = app.read(&dana, id).await.messages[4].clone();
    assert_eq!(last.author, Author::Consumer);

    let sent = created(
        app.send_message(
            &dana,
            id,
            &text_in(Space::Public, "The rainfly is included."),
        )
        .await,
    )
    .await;

    assert_eq!(sent.reply_to, Some(last.id));
    let calls = app.platform.calls();
    let [Call::ReplyPublic(call)] = calls.as_slice() else {
        panic!("one public reply: {calls:?}");
    };
    assert_eq!(
        call.target_id.as_deref(),
        Some("771234567890123_1122334455667704")
    );
}

#[tokio::test]
async fn an_x_reply_is_in_reply_to_the_tweet_and_a_wanted_mention_starts_it_once() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let id = app.conversation_id(&dana, "Kenji").await;
    let tweet = app.read(&dana, id).await.messages[0].clone();
    let mention = |text: &str| SendMessage {
        mention: true,
        ..reply(Space::Public, text, tweet.id)
    };

    let sent = created(
        app.send_message(&dana, id, &mention("Sorry about that!"))
            .await,
    )
    .await;
    let again = created(
        app.send_message(&dana, id, &mention("Thanks @kenji_t_hikes!"))
            .await,
    )
    .await;

    assert_eq!(sent.text, "@kenji_t_hikes Sorry about that!");
    assert_eq!(again.text, "Thanks @kenji_t_hikes!", "not mentioned twice");
    let calls = app.platform.calls();
    let Call::ReplyPublic(call) = &calls[0] else {
        panic!("a public reply: {calls:?}");
    };
    assert_eq!(call.source, Source::X);
    assert_eq!(call.brand_id, X_BRAND_ID);
    assert_eq!(call.target_id.as_deref(), Some("1790000000000000101"));
    assert_eq!(call.text, "@kenji_t_hikes Sorry about that!");
    assert!(call.mention);
}

#[tokio::test]
async fn a_facebook_mention_tags_the_consumers_id() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let id = app.conversation_id(&dana, "Maria").await;
    let message = SendMessage {
        mention: true,
        ..text_in(Space::Public, "@Maria Gonzalez it is included.")
    };

    let sent = created(app.send_message(&dana, id, &message).await).await;

    assert_eq!(sent.text, "@Maria Gonzalez it is included.");
    let call = app.platform.calls()[0]
        .outbound()
        .cloned()
        .expect("a reply");
    assert!(call.mention);
    assert_eq!(call.consumer_id, "6234567890123451");
}

#[tokio::test]
async fn a_private_message_goes_to_the_dm() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let james = app.conversation_id(&dana, "James").await;
    let kenji = app.conversation_id(&dana, "Kenji").await;
    let order = app.read(&dana, kenji).await.messages[2].clone();

    let messenger = created(
        app.send_message(&dana, james, &text_in(Space::Private, "Tracking: 1Z999"))
            .await,
    )
    .await;
    let dm = created(
        app.send_message(&dana, kenji, &reply(Space::Private, "Got it.", order.id))
            .await,
    )
    .await;

    assert_eq!(
        (messenger.space, messenger.reply_to),
        (Space::Private, None)
    );
    assert_eq!(dm.reply_to, Some(order.id));
    assert_eq!(
        app.platform.calls(),
        vec![
            Call::SendPrivate(Outbound {
                source: Source::Facebook,
                brand_id: PAGE_ID.into(),
                target_id: None,
                consumer_id: "6234567890123452".into(),
                text: "Tracking: 1Z999".into(),
                mention: false,
                tag: None,
            }),
            Call::SendPrivate(Outbound {
                source: Source::X,
                brand_id: X_BRAND_ID.into(),
                target_id: Some("1790000000000000201".into()),
                consumer_id: "2244668800112233".into(),
                text: "Got it.".into(),
                mention: false,
                tag: None,
            }),
        ]
    );
}

#[tokio::test]
async fn an_internal_note_never_reaches_the_platform_and_is_in_the_conversation() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let id = app.conversation_id(&dana, "Maria").await;

    let note = created(
        app.send_message(
            &dana,
            id,
            &text_in(Space::Internal, "Ask product about v3."),
        )
        .await,
    )
    .await;

    assert_eq!(note.space, Space::Internal);
    assert_eq!(note.delivery, Delivery::Sent);
    assert_eq!(note.platform_id, None);
    assert!(app.platform.calls().is_empty());
    assert_eq!(app.read(&dana, id).await.messages.last(), Some(&note));
}

#[tokio::test]
async fn a_bot_may_write_privately_but_not_publicly() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let bot = app.bot_token("demo").await;
    let maria = app.conversation_id(&dana, "Maria").await;
    let james = app.conversation_id(&dana, "James").await;
    app.assign(maria, "Acme Assistant").await;
    app.assign(james, "Acme Assistant").await;
    let before = app.count("messages").await;

    denied(
        app.send_message(&bot, maria, &text_in(Space::Public, "Hello!"))
            .await,
        "bot-in-public",
    )
    .await;
    assert_eq!(app.count("messages").await, before, "nothing stored");
    assert!(app.platform.calls().is_empty(), "nothing sent");

    let sent = created(
        app.send_message(&bot, james, &text_in(Space::Private, "An agent is on it."))
            .await,
    )
    .await;
    assert_eq!(
        sent.author,
        Author::Bot {
            name: "Acme Assistant".into()
        }
    );
}

#[tokio::test]
async fn each_rule_of_a_draft_is_enforced_by_name() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    let james = app.conversation_id(&dana, "James").await;
    let mallory = app.conversation_id(&dana, "Mallory").await;
    let maria_msgs = app.read(&dana, maria).await.messages;
    let james_first = app.read(&dana, james).await.messages[0].id;

    let with_file = SendMessage {
        attachments: vec!["https://example.com/manual.pdf".into()],
        ..text_in(Space::Public, "See the manual.")
    };
    denied(
        app.send_message(&dana, maria, &with_file).await,
        "attachment-in-public",
    )
    .await;
    let p = denied(
        app.send_message(&dana, maria, &reply(Space::Public, "Hi", james_first))
            .await,
        "unknown-message",
    )
    .await;
    assert_eq!(p.title, "That message is not part of this conversation.");
    denied(
        app.send_message(&dana, maria, &reply(Space::Public, "Hi", maria_msgs[2].id))
            .await,
        "not-from-consumer",
    )
    .await;
    denied(
        app.send_message(
            &dana,
            mallory,
            &text_in(Space::Public, &format!("{TWEET_280}!")),
        )
        .await,
        "too-long",
    )
    .await;
    denied(
        app.send_message(&dana, maria, &text_in(Space::Public, "  \n "))
            .await,
        "empty",
    )
    .await;
    denied(
        app.send_message(&dana, maria, &text_in(Space::Private, "Psst"))
            .await,
        "consumer-not-in-space",
    )
    .await;
    let private_mention = SendMessage {
        mention: true,
        ..text_in(Space::Private, "Hi")
    };
    denied(
        app.send_message(&dana, james, &private_mention).await,
        "mention-not-public",
    )
    .await;
    assert!(app.platform.calls().is_empty());

    // Exactly at the limit is fine: X weighs 280 ASCII characters as 280.
    created(
        app.send_message(&dana, mallory, &text_in(Space::Public, TWEET_280))
            .await,
    )
    .await;
}

#[tokio::test]
async fn another_accounts_conversation_is_not_found() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let gus = app.token("other", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    let first = app.read(&dana, maria).await.messages[0].id;

    problem(
        app.send_message(&gus, maria, &text_in(Space::Internal, "mine now"))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(app.like(&gus, first).await, StatusCode::NOT_FOUND).await;
    problem(app.retry(&gus, first).await, StatusCode::NOT_FOUND).await;
    problem(app.dm_invite(&gus, maria).await, StatusCode::NOT_FOUND).await;
    assert!(app.platform.calls().is_empty());
}

#[tokio::test]
async fn a_failed_message_is_retried_with_the_same_text_without_retyping() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let james = app.conversation_id(&dana, "James").await;
    let reason = "(#10) This message is sent outside of allowed window.";
    app.platform.fail_next(reason);

    let failed = created(
        app.send_message(
            &dana,
            james,
            &text_in(Space::Private, "Your refund is on its way."),
        )
        .await,
    )
    .await;
    assert_eq!(
        failed.delivery,
        Delivery::Failed {
            reason: reason.into()
        }
    );
    assert_eq!(failed.platform_id, None);
    assert_eq!(app.read(&dana, james).await.messages.last(), Some(&failed));

    let response = app.retry(&dana, failed.id).await;
    assert_eq!(response.status(), StatusCode::OK);
    let sent: Message = json(response).await;

    assert_eq!(sent.id, failed.id);
    assert_eq!(sent.delivery, Delivery::Sent);
    assert!(sent.platform_id.is_some());
    let texts: Vec<String> = app
        .platform
        .calls()
        .iter()
        .map(|c| match c {
            Call::SendPrivate(o) => o.text.clone(),
            other => panic!("a DM: {other:?}"),
        })
        .collect();
    assert_eq!(texts, vec!["Your refund is on its way."; 2]);
    let (attempts,): (i64,) = sqlx::query_as("SELECT attempts FROM messages WHERE id = $1")
        .bind(sent.id.0)
        .fetch_one(&app.pool)
        .await
        .expect("attempts");
    assert_eq!(attempts, 2);

    denied(app.retry(&dana, sent.id).await, "not-failed").await;
    let consumer = app.read(&dana, james).await.messages[0].id;
    denied(app.retry(&dana, consumer).await, "not-from-brand").await;
    problem(
        app.retry(&dana, MessageId(999_999)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(app.platform.calls().len(), 2);
}

#[tokio::test]
async fn a_retry_that_fails_again_stays_failed_with_the_new_reason() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let priya = app.conversation_id(&dana, "Priya").await;
    let seeded = app
        .read(&dana, priya)
        .await
        .messages
        .last()
        .cloned()
        .expect("messages");
    assert!(matches!(seeded.delivery, Delivery::Failed { .. }));
    app.platform.fail_next("Still outside the window.");

    let response = app.retry(&dana, seeded.id).await;

    assert_eq!(response.status(), StatusCode::OK);
    let again: Message = json(response).await;
    assert_eq!(
        again.delivery,
        Delivery::Failed {
            reason: "Still outside the window.".into()
        }
    );
    let call = app.platform.calls()[0].outbound().cloned().expect("a DM");
    assert_eq!(call.text, seeded.text);
}

#[tokio::test]
async fn a_malformed_body_is_a_problem() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    let path = format!("/api/conversations/{maria}/messages");

    problem(
        app.post_action(&dana, &path, Some("k1"), Some("{\"text\":".into()))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    problem(
        app.post_action(
            &dana,
            &path,
            Some("k2"),
            Some(r#"{"text":"x","space":"loud"}"#.into()),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    problem(
        app.post_action(
            &dana,
            "/api/conversations/abc/messages",
            Some("k3"),
            Some("{}".into()),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
}

#[tokio::test]
async fn a_bot_cannot_publish_a_persons_failed_public_reply_by_retrying_it() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let bot = app.bot_token("demo").await;
    let maria = app.conversation_id(&dana, "Maria").await;
    app.platform.fail_next("(#100) temporarily unavailable");
    let failed = created(
        app.send_message(
            &dana,
            maria,
            &text_in(Space::Public, "Yes, it is included."),
        )
        .await,
    )
    .await;
    assert!(matches!(failed.delivery, Delivery::Failed { .. }));

    app.assign(maria, "Acme Assistant").await;
    denied(app.retry(&bot, failed.id).await, "bot-in-public").await;
    assert_eq!(
        app.platform.calls().len(),
        1,
        "only the first, failed attempt"
    );
    let stored = app.read(&dana, maria).await;
    assert_eq!(
        stored.message(failed.id),
        Some(&failed),
        "still failed, retryable"
    );
}
