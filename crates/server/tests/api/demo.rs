//! The demo mode: its session endpoint and idempotent seeding.

use crate::helpers::{problem, Options, TestApp};
use reqwest::StatusCode;
use social_api::Role;
use social_server::demo;

#[tokio::test]
async fn without_demo_mode_the_session_endpoint_is_a_404_problem() {
    let app = TestApp::spawn_with(Options {
        demo: false,
        ..Options::default()
    })
    .await;
    problem(
        app.post_demo_session("demo", Role::Agent).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(app.count("accounts").await, 0, "nothing seeded");
}

#[tokio::test]
async fn an_unknown_demo_account_is_a_404_problem() {
    let app = TestApp::spawn().await;
    problem(
        app.post_demo_session("acme", Role::Agent).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(app.count("sessions").await, 0);
}

#[tokio::test]
async fn a_malformed_session_request_is_a_problem() {
    let app = TestApp::spawn().await;
    let json = "application/json";
    problem(
        app.post_demo_session_raw(json, "{\"account\":").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    problem(
        app.post_demo_session_raw("text/plain", "{}").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    let p = problem(
        app.post_demo_session_raw(json, r#"{"account":"demo","role":"owner"}"#)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(p.detail.is_some_and(|d| d.contains("role")));
    problem(
        app.post_demo_session_raw(json, r#"{"role":"agent"}"#).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
}

#[tokio::test]
async fn seeding_twice_creates_nothing_new() {
    let app = TestApp::spawn().await;
    let tables = [
        "accounts",
        "brand_channels",
        "agents",
        "consumers",
        "conversations",
        "messages",
    ];
    let mut before = Vec::new();
    for table in tables {
        before.push(app.count(table).await);
    }
    assert_eq!(before[0], 2);
    assert!(before[5] > 20);

    let again = demo::seed(app.state.store.as_ref())
        .await
        .expect("seed again");

    assert_eq!(again.accounts_created, 0);
    let mut after = Vec::new();
    for table in tables {
        after.push(app.count(table).await);
    }
    assert_eq!(after, before);
}

#[tokio::test]
async fn the_database_runs_in_wal_mode_with_foreign_keys_on() {
    let app = TestApp::spawn().await;
    let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
        .fetch_one(&app.pool)
        .await
        .expect("journal mode");
    assert_eq!(mode, "wal");
    let orphan = sqlx::query(
        "INSERT INTO messages (conversation_id, author_kind, space, text, sent_at)
         VALUES (999999, 'consumer', 'public', 'x', 0)",
    )
    .execute(&app.pool)
    .await;
    assert!(orphan.is_err(), "a message needs its conversation");
}
