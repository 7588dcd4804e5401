//! Signing in with e-mail and password, the failure limit, and sessions that end: idle,
//! at their maximum, or when the agent signs out.

use crate::helpers::*;
use reqwest::StatusCode;
use social_api::events::EventTicket;
use social_api::{Me, NewSession, Role, Timestamp};
use social_server::auth::token_sha256;

const WRONG: &str = "The e-mail or password is not right.";

async fn signed_in(app: &TestApp, email: &str) -> NewSession {
    let response = app.sign_in(email, DEMO_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    json(response).await
}

#[tokio::test]
async fn dana_signs_in_with_her_email_in_any_case_and_the_demo_password() {
    let app = TestApp::spawn().await;
    let now = app.clock.now();

    let session = signed_in(&app, "  Dana@ACME-Outdoor.example ").await;

    assert_eq!(session.expires_at, Timestamp(now.0 + 8 * HOUR_MS));
    let me: Me = json(app.me(Some(&session.token)).await).await;
    assert_eq!(me.agent.name, "Dana Agent");
    assert_eq!(me.account, "demo");
    let greta = signed_in(&app, "greta@globex.example").await;
    let me: Me = json(app.me(Some(&greta.token)).await).await;
    assert_eq!((me.agent.role, me.account.as_str()), (Role::Admin, "other"));
}

#[tokio::test]
async fn a_wrong_password_an_unknown_email_and_an_agent_without_password_get_the_same_401() {
    let app = TestApp::spawn().await;
    let wrong_password = app.sign_in(DANA, "demo-passwort").await;
    let challenge = header_of(&wrong_password, "www-authenticate").map(str::to_owned);
    let wrong_password = problem(wrong_password, StatusCode::UNAUTHORIZED).await;
    let unknown = problem(
        app.sign_in("nobody@acme-outdoor.example", DEMO_PASSWORD)
            .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    // The bot has an e-mail but no password.
    let bot = problem(
        app.sign_in("bot@acme-outdoor.example", DEMO_PASSWORD).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;

    assert_eq!(wrong_password.detail.as_deref(), Some(WRONG));
    assert_eq!(wrong_password.kind, "urn:social-widget:sign-in-refused");
    assert_eq!(unknown, wrong_password);
    assert_eq!(bot, wrong_password);
    assert!(challenge.is_some_and(|c| c.starts_with("Bearer")));
    assert_eq!(app.count("sessions").await, 0);
}

#[tokio::test]
async fn a_sign_in_body_of_the_wrong_shape_is_a_problem_not_a_failure() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(format!("{}/api/session", app.base))
        .header("content-type", "application/json")
        .body(r#"{"email":"dana@acme-outdoor.example","password":"x","remember":true}"#)
        .send()
        .await
        .expect("POST");
    problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(app.count("sign_in_failures").await, 0);
}

#[tokio::test]
async fn after_five_failures_even_the_right_password_waits_until_the_first_ages_out() {
    let app = TestApp::spawn().await;
    for _ in 0..5 {
        problem(app.sign_in(DANA, "guess").await, StatusCode::UNAUTHORIZED).await;
        app.advance(60_000);
    }
    // Five failures, at minutes 0 to 4; it is minute 5 now.
    let locked = app.sign_in(DANA, DEMO_PASSWORD).await;
    assert_eq!(header_of(&locked, "retry-after"), Some("600"));
    let p = problem(locked, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(p.kind, "urn:social-widget:sign-in-locked");
    assert_eq!(
        p.detail.as_deref(),
        Some("Too many failed sign-ins with this e-mail: try again in 10 minutes.")
    );
    // Any spelling of the e-mail is the same e-mail; another e-mail is not locked.
    problem(
        app.sign_in("DANA@acme-outdoor.example", DEMO_PASSWORD)
            .await,
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await;
    signed_in(&app, "alex@acme-outdoor.example").await;

    app.advance(10 * 60_000 - 1);
    problem(
        app.sign_in(DANA, DEMO_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await;
    app.advance(1);
    signed_in(&app, DANA).await;
}

#[tokio::test]
async fn failures_are_counted_in_the_database_by_a_hash_of_the_email() {
    let app = TestApp::spawn().await;
    problem(app.sign_in(DANA, "guess").await, StatusCode::UNAUTHORIZED).await;
    problem(
        app.sign_in("someone@else.example", "guess").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let rows: Vec<(String,)> = sqlx::query_as("SELECT email_sha256 FROM sign_in_failures")
        .fetch_all(&app.pool)
        .await
        .expect("rows");
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().any(|(hash,)| *hash == token_sha256(DANA)));
    assert!(rows.iter().all(|(hash,)| !hash.contains('@')));
}

#[tokio::test]
async fn a_success_does_not_wipe_out_earlier_failures() {
    let app = TestApp::spawn().await;
    for _ in 0..4 {
        problem(app.sign_in(DANA, "guess").await, StatusCode::UNAUTHORIZED).await;
    }
    signed_in(&app, DANA).await;
    problem(app.sign_in(DANA, "guess").await, StatusCode::UNAUTHORIZED).await;
    problem(
        app.sign_in(DANA, DEMO_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await;
}

#[tokio::test]
async fn a_session_unused_for_the_idle_time_has_ended() {
    let app = TestApp::spawn().await;
    let session = signed_in(&app, DANA).await;
    app.advance(8 * HOUR_MS - 1);
    assert_eq!(app.me(Some(&session.token)).await.status(), StatusCode::OK);

    let other = signed_in(&app, "alex@acme-outdoor.example").await;
    app.advance(8 * HOUR_MS);
    let ended = app.me(Some(&other.token)).await;
    let challenge = header_of(&ended, "www-authenticate").map(str::to_owned);
    let p = problem(ended, StatusCode::UNAUTHORIZED).await;
    assert!(
        p.detail
            .as_deref()
            .is_some_and(|d| d.contains("ended") && d.contains("sign in again")),
        "{p:?}"
    );
    assert!(challenge.is_some_and(|c| c.contains("invalid_token")));
}

#[tokio::test]
async fn each_use_moves_the_idle_expiry_on_but_never_past_the_maximum() {
    let app = TestApp::spawn().await;
    let session = signed_in(&app, DANA).await;
    for _ in 0..5 {
        app.advance(2 * HOUR_MS);
        assert_eq!(app.me(Some(&session.token)).await.status(), StatusCode::OK);
    }
    // Ten hours in, used every two: the idle expiry has caught up with the 12-hour cap.
    app.advance(2 * HOUR_MS - 1);
    assert_eq!(app.me(Some(&session.token)).await.status(), StatusCode::OK);
    app.advance(1);
    problem(app.me(Some(&session.token)).await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn a_use_within_a_minute_of_the_last_move_writes_nothing() {
    let app = TestApp::spawn().await;
    let session = signed_in(&app, DANA).await;
    let idle_expiry = || async {
        let (at,): (i64,) =
            sqlx::query_as("SELECT idle_expires_at FROM sessions WHERE token_sha256 = $1")
                .bind(token_sha256(&session.token))
                .fetch_one(&app.pool)
                .await
                .expect("session");
        at
    };
    assert_eq!(idle_expiry().await, session.expires_at.0);
    app.advance(59_999);
    app.me(Some(&session.token)).await;
    assert_eq!(idle_expiry().await, session.expires_at.0);
    app.advance(1);
    app.me(Some(&session.token)).await;
    assert_eq!(idle_expiry().await, session.expires_at.0 + 60_000);
}

#[tokio::test]
async fn signing_out_ends_the_session_and_its_unused_tickets() {
    let app = TestApp::spawn().await;
    let session = signed_in(&app, DANA).await;
    let keep = signed_in(&app, DANA).await;
    let ticket = app
        .client
        .post(format!("{}/api/events/ticket", app.base))
        .bearer_auth(&session.token)
        .send()
        .await
        .expect("POST");
    let ticket: EventTicket = json(ticket).await;

    let out = app.logout(&session.token).await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);

    let p = problem(app.me(Some(&session.token)).await, StatusCode::UNAUTHORIZED).await;
    assert!(p.detail.is_some_and(|d| d.contains("sign in again")));
    problem(app.logout(&session.token).await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(app.count("event_tickets").await, 0);
    let stream = app
        .get(
            &format!("/api/conversations/1/events?ticket={}", ticket.ticket),
            None,
        )
        .await;
    problem(stream, StatusCode::UNAUTHORIZED).await;
    // Another session of the same agent goes on.
    assert_eq!(app.me(Some(&keep.token)).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_ended_session_gets_no_stream_ticket_and_its_ticket_opens_nothing() {
    // Sessions of 30 s: one ends while its ticket (a minute) would still be good.
    let app = TestApp::spawn_with(Options {
        session_idle: std::time::Duration::from_secs(30),
        session_max: std::time::Duration::from_secs(30),
        ..Options::default()
    })
    .await;
    let session = signed_in(&app, DANA).await;
    let ask = || async {
        app.client
            .post(format!("{}/api/events/ticket", app.base))
            .bearer_auth(&session.token)
            .send()
            .await
            .expect("POST")
    };
    let ticket: EventTicket = json(ask().await).await;
    app.advance(30_000);

    problem(ask().await, StatusCode::UNAUTHORIZED).await;
    let stream = app
        .get(
            &format!("/api/conversations/1/events?ticket={}", ticket.ticket),
            None,
        )
        .await;
    problem(stream, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn short_sessions_follow_the_configured_durations() {
    let app = TestApp::spawn_with(Options {
        session_idle: std::time::Duration::from_secs(600),
        session_max: std::time::Duration::from_secs(900),
        ..Options::default()
    })
    .await;
    let now = app.clock.now();
    let session = signed_in(&app, DANA).await;
    assert_eq!(session.expires_at, Timestamp(now.0 + 600_000));
    let demo: NewSession = json(app.post_demo_session("demo", Role::Agent).await).await;
    assert_eq!(demo.expires_at, Timestamp(now.0 + 600_000));
    app.advance(600_000);
    problem(app.me(Some(&demo.token)).await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn the_demo_password_signs_demo_agents_in_only_while_the_server_runs_the_demo() {
    let demo = TestApp::spawn().await;
    signed_in(&demo, DANA).await;

    // The same database, served for real afterwards.
    let production = TestApp::spawn_with(Options {
        demo: false,
        database_url: Some(demo.database_url.clone()),
        ..Options::default()
    })
    .await;
    let refused = problem(
        production.sign_in(DANA, DEMO_PASSWORD).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let wrong = problem(
        production.sign_in(DANA, "demo-passwort").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(refused, wrong, "the same words as a wrong password");
    assert_eq!(refused.detail.as_deref(), Some(WRONG));
    problem(
        production
            .sign_in("greta@globex.example", DEMO_PASSWORD)
            .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;

    // An agent the demo did not write signs in there with their own password.
    let hash = social_server::password::hash("a real password").expect("hashes");
    sqlx::query(
        "INSERT INTO agents (account_id, name, kind, role, email, password_hash)
         SELECT id, 'Rita Real', 'human', 'agent', 'rita@acme.example', $1 FROM accounts
         WHERE slug = 'demo'",
    )
    .bind(hash)
    .execute(&production.pool)
    .await
    .expect("a real agent");
    let rita = production
        .sign_in("rita@acme.example", "a real password")
        .await;
    assert_eq!(rita.status(), StatusCode::OK);
    // And the demo still signs Dana in.
    signed_in(&demo, DANA).await;
}
