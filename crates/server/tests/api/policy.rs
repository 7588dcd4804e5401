//! Who may act where, Meta's time windows and the text rules, as the server enforces them
//! (the rules themselves are `social_api::rules`; these check the server applies them).

use crate::helpers::{json, new_key, problem, text_in, Options, TestApp};
use crate::messages::denied;
use reqwest::StatusCode;
use social_api::rules::MessageTag;
use social_api::{Author, Delivery, Message, Role, SendMessage, Space};
use social_server::platforms::Call;

const HOUR: i64 = 3_600_000;

async fn created(response: reqwest::Response) -> Message {
    assert_eq!(response.status(), StatusCode::CREATED);
    json(response).await
}

#[tokio::test]
async fn an_agent_acts_only_in_conversations_assigned_to_them() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    // Chris's DMs are assigned to Alex Admin; the no-profile one to nobody.
    let chris = app.conversation_id(&dana, "Chris").await;
    let (nobody,): (i64,) = sqlx::query_as(
        "SELECT c.id FROM conversations c JOIN accounts a ON a.id = c.account_id
         WHERE a.slug = 'demo' AND c.assigned_agent_id IS NULL",
    )
    .fetch_one(&app.pool)
    .await
    .expect("the demo has an unassigned conversation");
    let nobody = social_api::ConversationId(nobody);
    let before = app.count("messages").await;

    let p = denied(
        app.send_message(&dana, chris, &text_in(Space::Private, "Hi Chris"))
            .await,
        "not-assigned",
    )
    .await;
    assert_eq!(
        p.detail.as_deref(),
        Some("This conversation is assigned to Alex Admin: only they or an admin can act in it.")
    );
    denied(
        app.send_message(&dana, chris, &text_in(Space::Internal, "a note"))
            .await,
        "not-assigned",
    )
    .await;
    let unassigned = app.read(&dana, nobody).await;
    assert_eq!(unassigned.assigned_to, None);
    denied(
        app.send_message(&dana, nobody, &text_in(Space::Private, "Hello"))
            .await,
        "not-assigned",
    )
    .await;
    assert_eq!(app.count("messages").await, before);
    assert!(app.platform.calls().is_empty());

    // Reading stays open to every agent of the account, with the owner named.
    let read = app.read(&dana, chris).await;
    assert_eq!(
        read.assigned_to.map(|a| a.name).as_deref(),
        Some("Alex Admin")
    );
}

#[tokio::test]
async fn an_admin_acts_anywhere_as_themself() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let alex = app.token("demo", Role::Admin).await;
    let james = app.conversation_id(&dana, "James").await;

    let sent = created(
        app.send_message(&alex, james, &text_in(Space::Private, "Alex here."))
            .await,
    )
    .await;
    assert!(matches!(&sent.author, Author::Agent { name, .. } if name == "Alex Admin"));
}

#[tokio::test]
async fn a_retry_records_who_actually_sent_it() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let alex = app.token("demo", Role::Admin).await;
    let james = app.conversation_id(&dana, "James").await;
    app.platform
        .fail_next("(#2) Service temporarily unavailable");
    let failed = created(
        app.send_message(&dana, james, &text_in(Space::Private, "Tracking: 1Z9"))
            .await,
    )
    .await;
    assert!(matches!(failed.delivery, Delivery::Failed { .. }));

    let retried: Message = json(app.retry(&alex, failed.id).await).await;
    assert_eq!(retried.delivery, Delivery::Sent);
    assert!(
        matches!(&retried.author, Author::Agent { name, .. } if name == "Alex Admin"),
        "{:?}",
        retried.author
    );
    assert_eq!(retried.text, "Tracking: 1Z9");
}

#[tokio::test]
async fn messenger_replies_carry_the_human_agent_tag_after_24_hours_and_stop_after_7_days() {
    // Days pass in this test: sessions that outlast them.
    let month = std::time::Duration::from_secs(30 * 24 * 3600);
    let app = TestApp::spawn_with(Options {
        session_idle: month,
        session_max: month,
        ..Options::default()
    })
    .await;
    let dana = app.token("demo", Role::Agent).await;
    let bot = app.bot_token("demo").await;
    // James last wrote 20 minutes before the demo was seeded.
    let james = app.conversation_id(&dana, "James").await;

    app.advance(2 * HOUR);
    created(
        app.send_message(&dana, james, &text_in(Space::Private, "within a day"))
            .await,
    )
    .await;
    app.advance(24 * HOUR);
    created(
        app.send_message(&dana, james, &text_in(Space::Private, "a day later"))
            .await,
    )
    .await;
    let tags: Vec<Option<MessageTag>> = app
        .platform
        .calls()
        .iter()
        .filter_map(|c| c.outbound().map(|o| o.tag))
        .collect();
    assert_eq!(tags, [None, Some(MessageTag::HumanAgent)]);

    // A bot has the 24 hours only.
    app.assign(james, "Acme Assistant").await;
    denied(
        app.send_message(&bot, james, &text_in(Space::Private, "bot"))
            .await,
        "messenger-window-closed",
    )
    .await;
    app.assign(james, "Dana Agent").await;

    app.advance(6 * 24 * HOUR);
    let before = app.count("messages").await;
    denied(
        app.send_message(&dana, james, &text_in(Space::Private, "a week later"))
            .await,
        "messenger-window-closed",
    )
    .await;
    assert_eq!(app.count("messages").await, before);
    assert_eq!(app.platform.calls().len(), 2);
}

#[tokio::test]
async fn a_failed_private_reply_can_be_retried_while_the_comment_is_under_seven_days_old() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    // The public invitation goes out, the private reply fails.
    app.platform
        .fail_next_after(1, "(#10) temporarily unavailable");
    let sent: social_api::DmInviteSent = json(app.dm_invite(&dana, maria).await).await;
    let private = sent.private_reply.expect("a private reply was tried");
    assert!(matches!(private.delivery, Delivery::Failed { .. }));
    assert!(private.private_reply);

    let retried: Message = json(app.retry(&dana, private.id).await).await;
    assert_eq!(retried.delivery, Delivery::Sent);
    let calls = app.platform.calls();
    assert!(matches!(calls.last(), Some(Call::PrivateReply(o)) if o.tag.is_none()));
}

#[tokio::test]
async fn request_bodies_refuse_unknown_fields() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    let reply_to = app.read(&dana, maria).await.messages[0].id;
    let body = format!(r#"{{"text":"Thanks!","space":"public","replyTo":{reply_to}}}"#);
    let p = problem(
        app.post_action(
            &dana,
            &format!("/api/conversations/{maria}/messages"),
            Some(&new_key()),
            Some(body),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(p.detail.is_some_and(|d| d.contains("replyTo")));
    assert!(app.platform.calls().is_empty());
}

#[tokio::test]
async fn invisible_and_control_characters_never_reach_the_platform() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let james = app.conversation_id(&dana, "James").await;
    let before = app.count("messages").await;
    for (text, rule) in [
        ("\0", "forbidden-character"),
        ("\u{200B}\u{FE0F}", "empty"),
        ("ok\u{1B}[31m", "forbidden-character"),
        ("ok\u{FFFF}", "forbidden-character"),
    ] {
        denied(
            app.send_message(&dana, james, &text_in(Space::Private, text))
                .await,
            rule,
        )
        .await;
    }
    assert_eq!(app.count("messages").await, before);
    assert!(app.platform.calls().is_empty());
}

#[tokio::test]
async fn an_x_mention_is_recognised_in_any_case_and_not_inside_a_longer_handle() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let mallory = app.conversation_id(&dana, "Mallory").await;
    let mention = |text: &str| SendMessage {
        mention: true,
        ..text_in(Space::Public, text)
    };
    let kept = created(
        app.send_message(&dana, mallory, &mention("thanks @MALLORY_XSS"))
            .await,
    )
    .await;
    assert_eq!(kept.text, "thanks @MALLORY_XSS");
    let added = created(
        app.send_message(&dana, mallory, &mention("cc @mallory_xss_fan"))
            .await,
    )
    .await;
    assert_eq!(added.text, "@mallory_xss cc @mallory_xss_fan");
}

#[tokio::test]
async fn likes_are_refused_to_bots_and_on_messages_not_on_the_platform() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let bot = app.bot_token("demo").await;
    let mallory = app.conversation_id(&dana, "Mallory").await;
    let first = app.read(&dana, mallory).await.messages[0].id;
    app.assign(mallory, "Acme Assistant").await;
    denied(app.like(&bot, first).await, "bot-in-public").await;
    denied(app.like_post(&bot, mallory).await, "bot-in-public").await;

    app.assign(mallory, "Dana Agent").await;
    sqlx::query("UPDATE messages SET platform_id = NULL WHERE id = $1")
        .bind(first.0)
        .execute(&app.pool)
        .await
        .expect("update");
    app.wrote_behind();
    denied(app.like(&dana, first).await, "not-on-platform").await;
    assert!(app.platform.calls().is_empty());
}
