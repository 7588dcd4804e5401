//! Answers kept in memory until the next write (`read_cache.rs`): a repeated read skips the
//! database, and nothing the server writes, by any path, is hidden by a kept answer.
//!
//! A row written behind the server's back (through the test's own connection) is how a
//! test sees that an answer came from memory: the database has changed, the answer has not.

use reqwest::StatusCode;
use social_api::{Conversation, ConversationId, Role, Space};
use social_server::auth::token_sha256;
use std::time::Duration;

use crate::helpers::{Options, TestApp, HOUR_MS};

/// A server on SQLite whose kept answers outlive any test, so only writes end them, Dana
/// signed in, and Maria's conversation; `None` on PostgreSQL, which keeps no answers.
async fn dana_and_maria() -> Option<(TestApp, String, ConversationId)> {
    let app = TestApp::spawn_with(Options {
        read_cache_max_age: Duration::from_secs(3600),
        ..Options::default()
    })
    .await;
    if app.on_postgres() {
        return None;
    }
    let dana = app.token("demo", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    Some((app, dana, maria))
}

/// Renames the consumer of `conversation` in the database only.
async fn rename_behind(app: &TestApp, conversation: ConversationId, name: &str) {
    sqlx::query(
        "UPDATE consumers SET display_name = $1
         WHERE id = (SELECT consumer_id FROM conversations WHERE id = $2)",
    )
    .bind(name)
    .bind(conversation.0)
    .execute(&app.pool)
    .await
    .expect("renamed");
}

fn name_in(conversation: &Conversation) -> &str {
    conversation.consumer.profile.display_name()
}

#[tokio::test]
async fn a_repeated_read_is_answered_from_memory_until_the_server_writes() {
    let Some((app, dana, maria)) = dana_and_maria().await else {
        return;
    };
    let before = app.read(&dana, maria).await;

    rename_behind(&app, maria, "Renamed Behind").await;
    let kept = app.read(&dana, maria).await;
    assert_eq!(name_in(&kept), name_in(&before), "the kept answer");
    // conversation_id read the list before the rename.
    let listed = |list: Vec<social_api::ConversationSummary>| {
        list.into_iter()
            .find(|c| c.id == maria)
            .expect("maria is listed")
            .consumer_name
    };
    assert_eq!(
        listed(app.list(&dana, Some("all")).await),
        name_in(&before),
        "the kept list"
    );

    // Any write of the server ends every kept answer.
    assert_eq!(
        app.mark_read(&dana, maria).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(name_in(&app.read(&dana, maria).await), "Renamed Behind");
    assert_eq!(listed(app.list(&dana, Some("all")).await), "Renamed Behind");
}

#[tokio::test]
async fn a_write_no_request_made_is_seen_at_once() {
    let Some((app, dana, maria)) = dana_and_maria().await else {
        return;
    };
    let before = app.read(&dana, maria).await;
    let session = app
        .state
        .store
        .session(&token_sha256(&dana))
        .await
        .expect("read")
        .expect("dana's session")
        .session;

    // What the webhook applier, the sweeper or a profile refresh do: the store directly.
    app.state
        .store
        .insert_consumer_message(
            &session,
            maria,
            Space::Public,
            "Written without a request",
            "behind-1",
            app.clock.now(),
        )
        .await
        .expect("stored")
        .expect("maria's conversation");
    let after = app.read(&dana, maria).await;
    assert_eq!(after.messages.len(), before.messages.len() + 1);
    assert!(after
        .messages
        .iter()
        .any(|m| m.text == "Written without a request"));
}

#[tokio::test]
async fn a_signed_out_or_idle_session_gets_no_kept_answer() {
    let Some((app, dana, maria)) = dana_and_maria().await else {
        return;
    };
    let path = format!("/api/conversations/{maria}");
    assert_eq!(app.get(&path, Some(&dana)).await.status(), StatusCode::OK);
    assert_eq!(app.logout(&dana).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&path, Some(&dana)).await.status(),
        StatusCode::UNAUTHORIZED
    );

    let again = app.token("demo", Role::Agent).await;
    assert_eq!(app.get(&path, Some(&again)).await.status(), StatusCode::OK);
    // Nothing written since: only the clock says the session ended (8 h idle).
    app.advance(8 * HOUR_MS + 1);
    assert_eq!(
        app.get(&path, Some(&again)).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_use_that_moves_the_idle_expiry_on_is_not_answered_from_memory() {
    let Some((app, dana, maria)) = dana_and_maria().await else {
        return;
    };
    app.read(&dana, maria).await;
    let idle_expiry = || async {
        let (at,): (i64,) =
            sqlx::query_as("SELECT idle_expires_at FROM sessions WHERE token_sha256 = $1")
                .bind(token_sha256(&dana))
                .fetch_one(&app.pool)
                .await
                .expect("the session");
        at
    };
    let first = idle_expiry().await;
    app.advance(2 * 60_000);
    app.read(&dana, maria).await;
    assert_eq!(
        idle_expiry().await,
        first + 2 * 60_000,
        "the use was written"
    );
}

#[tokio::test]
async fn a_kept_answer_goes_to_its_own_token_in_its_own_encoding() {
    let Some((app, dana, maria)) = dana_and_maria().await else {
        return;
    };
    let path = format!("/api/conversations/{maria}");
    let brotli = || async {
        let response = app
            .client
            .get(format!("{}{path}", app.base))
            .bearer_auth(&dana)
            .header("accept-encoding", "br")
            .send()
            .await
            .expect("GET");
        assert_eq!(response.status(), StatusCode::OK);
        let encoding = response
            .headers()
            .get("content-encoding")
            .map(|v| v.to_str().expect("ascii").to_owned());
        (encoding, response.bytes().await.expect("body"))
    };
    let (first_encoding, first) = brotli().await;
    let (kept_encoding, kept) = brotli().await;
    assert_eq!(first_encoding.as_deref(), Some("br"));
    assert_eq!(kept_encoding.as_deref(), Some("br"));
    assert_eq!(kept, first);
    // The same address without compression: JSON, not the kept brotli bytes.
    assert_eq!(name_in(&app.read(&dana, maria).await), "Maria Gonzalez");

    // Another account's agent asking the same address: not found, as without memory.
    let other = app.token("other", Role::Agent).await;
    assert_eq!(
        app.get(&path, Some(&other)).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn postgresql_keeps_no_answers_since_other_instances_write_too() {
    let app = TestApp::spawn().await;
    assert_eq!(app.state.read_cache.is_some(), !app.on_postgres());
}
