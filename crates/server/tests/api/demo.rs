//! The demo mode: its session endpoint and idempotent seeding.

use crate::helpers::{json, problem, Options, TestApp, DANA, DEMO_PASSWORD, HOUR_MS};
use reqwest::StatusCode;
use social_api::workspace::DemoAgent;
use social_api::{NewSession, Role};
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
        "workspace_conversations",
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
    if app.on_postgres() {
        println!("PostgreSQL has no journal mode to check: only the foreign keys are");
    } else {
        let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
            .fetch_one(&app.pool)
            .await
            .expect("journal mode");
        assert_eq!(mode, "wal");
    }
    let orphan = sqlx::query(
        "INSERT INTO messages (conversation_id, author_kind, space, text, sent_at)
         VALUES (999999, 'consumer', 'public', 'x', 0)",
    )
    .execute(&app.pool)
    .await;
    assert!(orphan.is_err(), "a message needs its conversation");
}

#[tokio::test]
async fn the_demo_agents_are_the_people_of_every_demo_account() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/demo/agents", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let agents: Vec<DemoAgent> = json(response).await;
    let seen: Vec<(&str, &str, &str, Role)> = agents
        .iter()
        .map(|a| {
            (
                a.account.as_str(),
                a.account_name.as_str(),
                a.name.as_str(),
                a.role,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("demo", "Acme Outdoor", "Dana Agent", Role::Agent),
            ("demo", "Acme Outdoor", "Alex Admin", Role::Admin),
            ("other", "Globex", "Gus Agent", Role::Agent),
            ("other", "Globex", "Greta Admin", Role::Admin),
        ]
    );
}

#[tokio::test]
async fn without_demo_mode_there_is_no_list_of_agents_and_no_password_works() {
    let app = TestApp::spawn_with(Options {
        demo: false,
        ..Options::default()
    })
    .await;
    problem(
        app.get("/api/demo/agents", None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        app.sign_in(DANA, DEMO_PASSWORD).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn a_demo_session_says_until_when_it_holds() {
    let app = TestApp::spawn().await;
    let now = app.clock.now();
    let session: NewSession = json(app.post_demo_session("demo", Role::Admin).await).await;
    assert_eq!(session.expires_at.0, now.0 + 8 * HOUR_MS);
    assert_eq!(session.token.len(), 43);
}

#[tokio::test]
async fn a_demo_database_of_an_older_version_gets_emails_passwords_and_workspace_ids() {
    let app = TestApp::spawn().await;
    let before = app.count("workspace_conversations").await;
    assert!(before >= 20);
    // As an older seed left it.
    sqlx::query("UPDATE agents SET email = NULL, password_hash = NULL")
        .execute(&app.pool)
        .await
        .expect("forget e-mails");
    sqlx::query("DELETE FROM workspace_conversations")
        .execute(&app.pool)
        .await
        .expect("forget ids");
    app.wrote_behind();
    problem(
        app.sign_in(DANA, DEMO_PASSWORD).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;

    let again = demo::seed(app.state.store.as_ref()).await.expect("seed");

    assert_eq!(again.accounts_created, 0);
    assert_eq!(app.count("workspace_conversations").await, before);
    let session: NewSession = json(app.sign_in(DANA, DEMO_PASSWORD).await).await;
    let response = app.resolve(&session.token, "custom", "acme-ws-1").await;
    assert_eq!(response.status(), StatusCode::OK);
}
