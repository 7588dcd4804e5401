//! Likes, always as the brand's Page or X account.

use crate::helpers::{json, problem, TestApp};
use crate::messages::denied;
use reqwest::StatusCode;
use social_api::{Message, MessageId, Role, Source};
use social_server::platforms::{Call, Like};

async fn ok(response: reqwest::Response) -> Message {
    assert_eq!(response.status(), StatusCode::OK);
    json(response).await
}

#[tokio::test]
async fn a_like_is_made_as_the_brand_channel_and_stored() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    let kenji = app.conversation_id(&dana, "Kenji").await;
    let comment = app.read(&dana, maria).await.messages[1].clone();
    let tweet = app.read(&dana, kenji).await.messages[0].clone();
    assert!(!comment.liked_by_brand);

    let liked = ok(app.like(&dana, comment.id).await).await;
    ok(app.like(&dana, tweet.id).await).await;

    assert!(liked.liked_by_brand);
    assert_eq!(liked.id, comment.id);
    assert!(app.read(&dana, maria).await.messages[1].liked_by_brand);
    assert_eq!(
        app.platform.calls(),
        vec![
            Call::Like(Like {
                source: Source::Facebook,
                brand_id: "104857600012345".into(),
                target_id: "771234567890123_1122334455667702".into(),
            }),
            Call::Like(Like {
                source: Source::X,
                brand_id: "1500000000000000001".into(),
                target_id: "1790000000000000101".into(),
            }),
        ]
    );
}

#[tokio::test]
async fn an_unlike_takes_the_brands_like_back() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    let comment = app.read(&dana, maria).await.messages[0].clone();
    assert!(comment.liked_by_brand);

    let unliked = ok(app.unlike(&dana, comment.id).await).await;

    assert!(!unliked.liked_by_brand);
    assert_eq!(
        app.platform.calls(),
        vec![Call::Unlike(Like {
            source: Source::Facebook,
            brand_id: "104857600012345".into(),
            target_id: comment.platform_id.expect("on the platform"),
        })]
    );
    denied(app.unlike(&dana, comment.id).await, "not-liked").await;
}

#[tokio::test]
async fn likes_break_no_rule() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let maria = app
        .read(&dana, app.conversation_id(&dana, "Maria").await)
        .await;
    let james = app
        .read(&dana, app.conversation_id(&dana, "James").await)
        .await;

    denied(
        app.like(&dana, james.messages[0].id).await,
        "like-not-public",
    )
    .await;
    let p = denied(app.like(&dana, maria.messages[0].id).await, "already-liked").await;
    assert_eq!(p.title, "The brand already likes this message.");
    denied(
        app.like(&dana, maria.messages[2].id).await,
        "not-from-consumer",
    )
    .await;
    problem(
        app.like(&dana, MessageId(999_999)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert!(app.platform.calls().is_empty());
}

#[tokio::test]
async fn a_like_twice_is_refused_the_second_time() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    let comment = app.read(&dana, maria).await.messages[1].id;

    ok(app.like(&dana, comment).await).await;
    denied(app.like(&dana, comment).await, "already-liked").await;

    assert_eq!(app.platform.calls().len(), 1);
}

#[tokio::test]
async fn a_platform_failure_is_a_502_with_the_reason_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    let comment = app.read(&dana, maria).await.messages[1].id;
    app.platform.fail_next("(#200) Permissions error");

    let p = problem(app.like(&dana, comment).await, StatusCode::BAD_GATEWAY).await;

    assert_eq!(p.kind, "urn:social-widget:platform-error");
    assert_eq!(p.detail.as_deref(), Some("(#200) Permissions error"));
    assert!(!app.read(&dana, maria).await.messages[1].liked_by_brand);
}
