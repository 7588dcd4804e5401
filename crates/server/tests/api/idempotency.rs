//! `Idempotency-Key`: one action per key, the same answer every time.

use crate::helpers::{header_of, new_key, problem, text_in, TestApp};
use reqwest::StatusCode;
use social_api::{Role, Space};
use std::time::Duration;

#[tokio::test]
async fn the_same_key_twice_gives_the_same_answer_and_one_platform_call() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let james = app.conversation_id(&dana, "James").await;
    let message = text_in(Space::Private, "On its way.");
    let key = new_key();
    let before = app.count("messages").await;

    let first = app.send_message_with(&dana, james, &message, &key).await;
    let second = app.send_message_with(&dana, james, &message, &key).await;

    assert_eq!(first.status(), StatusCode::CREATED);
    assert_eq!(second.status(), StatusCode::CREATED);
    assert_eq!(header_of(&first, "idempotent-replayed"), None);
    assert_eq!(header_of(&second, "idempotent-replayed"), Some("true"));
    assert_eq!(
        header_of(&second, "content-type"),
        header_of(&first, "content-type")
    );
    let (first, second) = (
        first.bytes().await.expect("body"),
        second.bytes().await.expect("body"),
    );
    assert_eq!(first, second);
    assert_eq!(app.platform.calls().len(), 1);
    assert_eq!(app.count("messages").await, before + 1);
}

#[tokio::test]
async fn two_racing_requests_with_one_key_make_one_call_and_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    let comment = app.read(&dana, maria).await.messages[1].id;
    // The first request is still at the platform when the second arrives.
    app.platform.set_delay(Duration::from_millis(300));
    let key = new_key();
    let path = format!("/api/messages/{comment}/like");

    let (a, b) = tokio::join!(
        app.post_action(&dana, &path, Some(&key), None),
        app.post_action(&dana, &path, Some(&key), None),
    );

    assert_eq!(a.status(), StatusCode::OK);
    assert_eq!(b.status(), StatusCode::OK);
    assert_eq!(
        a.bytes().await.expect("body"),
        b.bytes().await.expect("body")
    );
    assert_eq!(app.platform.calls().len(), 1);
}

#[tokio::test]
async fn two_racing_sends_with_one_key_store_and_send_one_message() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let james = app.conversation_id(&dana, "James").await;
    app.platform.set_delay(Duration::from_millis(300));
    let message = text_in(Space::Private, "Only once, please.");
    let key = new_key();
    let before = app.count("messages").await;

    let (a, b) = tokio::join!(
        app.send_message_with(&dana, james, &message, &key),
        app.send_message_with(&dana, james, &message, &key),
    );

    assert_eq!(a.status(), StatusCode::CREATED);
    assert_eq!(b.status(), StatusCode::CREATED);
    assert_eq!(
        a.bytes().await.expect("body"),
        b.bytes().await.expect("body")
    );
    assert_eq!(app.platform.calls().len(), 1);
    assert_eq!(app.count("messages").await, before + 1);
}

#[tokio::test]
async fn the_same_key_with_another_request_is_refused() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let james = app.conversation_id(&dana, "James").await;
    let key = new_key();

    let first = app
        .send_message_with(&dana, james, &text_in(Space::Private, "One"), &key)
        .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let p = problem(
        app.send_message_with(&dana, james, &text_in(Space::Private, "Two"), &key)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(p.kind, "urn:social-widget:idempotency-key-reused");
    let other_path = app
        .post_action(
            &dana,
            &format!("/api/conversations/{james}/dm-invite"),
            Some(&key),
            None,
        )
        .await;
    problem(other_path, StatusCode::UNPROCESSABLE_ENTITY).await;

    assert_eq!(app.platform.calls().len(), 1);
}

#[tokio::test]
async fn a_post_without_a_valid_key_is_a_400_and_does_nothing() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let james = app.conversation_id(&dana, "James").await;
    let path = format!("/api/conversations/{james}/messages");
    let body = serde_json::to_string(&text_in(Space::Private, "Hi")).expect("JSON");
    let before = app.count("messages").await;

    let p = problem(
        app.post_action(&dana, &path, None, Some(body.clone()))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(p.kind, "urn:social-widget:idempotency-key-missing");
    for bad in ["has space".to_owned(), "k".repeat(256), String::new()] {
        let p = problem(
            app.post_action(&dana, &path, Some(&bad), Some(body.clone()))
                .await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(
            p.kind, "urn:social-widget:idempotency-key-invalid",
            "{bad:?}"
        );
    }

    assert_eq!(app.count("messages").await, before);
    assert!(app.platform.calls().is_empty());
    // Authentication comes first: no token is a 401 whatever the key.
    let anonymous = app
        .client
        .post(format!("{}{path}", app.base))
        .send()
        .await
        .expect("POST");
    problem(anonymous, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn keys_belong_to_one_agent_and_rule_answers_are_kept_too() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let alex = app.token("demo", Role::Admin).await;
    let james = app.conversation_id(&dana, "James").await;
    let maria = app.conversation_id(&dana, "Maria").await;
    let key = new_key();
    let note = text_in(Space::Internal, "Same key, two agents.");

    for token in [&dana, &alex] {
        let response = app.send_message_with(token, james, &note, &key).await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    assert_eq!(
        header_of(
            &app.send_message_with(&alex, james, &note, &key).await,
            "idempotent-replayed"
        ),
        Some("true")
    );

    let rule_key = new_key();
    let private = text_in(Space::Private, "Maria never wrote privately.");
    for _ in 0..2 {
        problem(
            app.send_message_with(&dana, maria, &private, &rule_key)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
}
