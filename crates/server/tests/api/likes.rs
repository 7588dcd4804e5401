//! Likes, always as the brand's Page or X account.

use crate::helpers::{header_of, json, problem, TestApp};
use crate::messages::denied;
use reqwest::StatusCode;
use social_api::{Message, MessageId, PostContext, Role, Source};
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
    assert_eq!(p.title, "The brand already likes this.");
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

async fn post_ok(response: reqwest::Response) -> PostContext {
    assert_eq!(response.status(), StatusCode::OK);
    json(response).await
}

/// Mallory's conversation hangs on her own tweet mentioning the brand.
const MALLORY_TWEET: &str = "1790000000000000400";

#[tokio::test]
async fn a_consumers_post_is_liked_as_the_brand_and_stored() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let mallory = app.conversation_id(&dana, "Mallory").await;
    let before = app.read(&dana, mallory).await.post.expect("a post");
    assert!(!before.by_brand);
    assert!(!before.liked_by_brand);

    let liked = post_ok(app.like_post(&dana, mallory).await).await;

    assert!(liked.liked_by_brand);
    assert_eq!(liked.platform_id, MALLORY_TWEET);
    assert_eq!(
        app.read(&dana, mallory).await.post,
        Some(PostContext {
            liked_by_brand: true,
            ..before
        })
    );
    assert_eq!(
        app.platform.calls(),
        vec![Call::Like(Like {
            source: Source::X,
            brand_id: "1500000000000000001".into(),
            target_id: MALLORY_TWEET.into(),
        })]
    );
}

#[tokio::test]
async fn an_unlike_takes_the_brands_like_of_the_post_back() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let mallory = app.conversation_id(&dana, "Mallory").await;
    denied(app.unlike_post(&dana, mallory).await, "not-liked").await;
    post_ok(app.like_post(&dana, mallory).await).await;

    let unliked = post_ok(app.unlike_post(&dana, mallory).await).await;

    assert!(!unliked.liked_by_brand);
    let post = app.read(&dana, mallory).await.post.expect("a post");
    assert!(!post.liked_by_brand);
    let like = Like {
        source: Source::X,
        brand_id: "1500000000000000001".into(),
        target_id: MALLORY_TWEET.into(),
    };
    assert_eq!(
        app.platform.calls(),
        vec![Call::Like(like.clone()), Call::Unlike(like)]
    );
    denied(app.unlike_post(&dana, mallory).await, "not-liked").await;
}

#[tokio::test]
async fn the_brands_own_post_cannot_be_liked() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    let kenji = app.conversation_id(&dana, "Kenji").await;
    assert!(app.read(&dana, maria).await.post.expect("a post").by_brand);

    let p = denied(app.like_post(&dana, maria).await, "own-post").await;
    assert_eq!(
        p.title,
        "The brand's own post cannot be liked by the brand."
    );
    denied(app.like_post(&dana, kenji).await, "own-post").await;

    assert!(
        !app.read(&dana, maria)
            .await
            .post
            .expect("a post")
            .liked_by_brand
    );
    assert!(app.platform.calls().is_empty());
}

#[tokio::test]
async fn a_conversation_without_a_post_has_nothing_to_like() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let james = app.conversation_id(&dana, "James").await;

    let p = denied(app.like_post(&dana, james).await, "no-post").await;

    assert_eq!(p.title, "This conversation has no post to like.");
    denied(app.unlike_post(&dana, james).await, "no-post").await;
    assert!(app.platform.calls().is_empty());
}

#[tokio::test]
async fn a_post_like_twice_is_refused_the_second_time() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let mallory = app.conversation_id(&dana, "Mallory").await;

    post_ok(app.like_post(&dana, mallory).await).await;
    denied(app.like_post(&dana, mallory).await, "already-liked").await;

    assert_eq!(app.platform.calls().len(), 1);
}

#[tokio::test]
async fn a_platform_failure_on_the_post_is_a_502_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let mallory = app.conversation_id(&dana, "Mallory").await;
    let before = app.read(&dana, mallory).await;
    app.platform
        .fail_next("You are not allowed to like this Tweet.");

    let p = problem(app.like_post(&dana, mallory).await, StatusCode::BAD_GATEWAY).await;

    assert_eq!(p.kind, "urn:social-widget:platform-error");
    assert_eq!(
        p.detail.as_deref(),
        Some("You are not allowed to like this Tweet.")
    );
    assert_eq!(app.read(&dana, mallory).await, before);
    // Nothing was stored, so the like can be tried again.
    post_ok(app.like_post(&dana, mallory).await).await;
}

#[tokio::test]
async fn another_accounts_post_is_not_found() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let gus = app.token("other", Role::Agent).await;
    let mallory = app.conversation_id(&dana, "Mallory").await;

    problem(app.like_post(&gus, mallory).await, StatusCode::NOT_FOUND).await;
    problem(app.unlike_post(&gus, mallory).await, StatusCode::NOT_FOUND).await;
    problem(
        app.like_post(&dana, social_api::ConversationId(999_999))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;

    assert!(app.platform.calls().is_empty());
    assert!(
        !app.read(&dana, mallory)
            .await
            .post
            .expect("a post")
            .liked_by_brand
    );
}

#[tokio::test]
async fn a_post_like_needs_an_idempotency_key_and_is_made_once_per_key() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let mallory = app.conversation_id(&dana, "Mallory").await;
    let path = format!("/api/conversations/{mallory}/post/like");

    let p = problem(
        app.post_action(&dana, &path, None, None).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(p.kind, "urn:social-widget:idempotency-key-missing");
    let first = post_ok(
        app.post_action(&dana, &path, Some("post-like-1"), None)
            .await,
    )
    .await;
    let again = app
        .post_action(&dana, &path, Some("post-like-1"), None)
        .await;
    assert_eq!(header_of(&again, "idempotent-replayed"), Some("true"));
    assert_eq!(post_ok(again).await, first);

    assert_eq!(app.platform.calls().len(), 1);
}
