//! Bearer sessions: who `/api/me` says, what a bad token gets, and what another account sees.

use crate::helpers::{header_of, json, problem, TestApp};
use reqwest::StatusCode;
use social_api::{AgentKind, Me, Role};
use social_server::auth::token_sha256;

#[tokio::test]
async fn me_names_the_agent_role_and_account_of_the_token() {
    let app = TestApp::spawn().await;

    let dana = app.token("demo", Role::Agent).await;
    let me: Me = json(app.me(Some(&dana)).await).await;
    assert_eq!(me.agent.name, "Dana Agent");
    assert_eq!(me.agent.kind, AgentKind::Human);
    assert_eq!(me.agent.role, Role::Agent);
    assert_eq!(me.account, "demo");

    let alex = app.token("demo", Role::Admin).await;
    let me: Me = json(app.me(Some(&alex)).await).await;
    assert_eq!(
        (me.agent.name.as_str(), me.agent.role),
        ("Alex Admin", Role::Admin)
    );

    let gus = app.token("other", Role::Agent).await;
    let me: Me = json(app.me(Some(&gus)).await).await;
    assert_eq!(
        (me.agent.name.as_str(), me.account.as_str()),
        ("Gus Agent", "other")
    );
}

#[tokio::test]
async fn me_has_the_documented_json_shape() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let body: serde_json::Value = json(app.me(Some(&dana)).await).await;
    let id = body["agent"]["id"].clone();
    assert!(id.is_i64());
    assert_eq!(
        body,
        serde_json::json!({
            "agent": {"id": id, "name": "Dana Agent", "kind": "human", "role": "agent"},
            "account": "demo"
        })
    );
}

#[tokio::test]
async fn requests_without_a_valid_bearer_token_get_a_401_problem() {
    let app = TestApp::spawn().await;
    let unknown = "A".repeat(43);
    let cases: [(&str, Option<(&str, String)>); 5] = [
        ("no header", None),
        (
            "basic scheme",
            Some(("authorization", "Basic ZGFuYTpzZWNyZXQ=".into())),
        ),
        ("empty bearer", Some(("authorization", "Bearer ".into()))),
        (
            "not our shape",
            Some(("authorization", "Bearer not-a-token".into())),
        ),
        (
            "unknown token",
            Some(("authorization", format!("Bearer {unknown}"))),
        ),
    ];
    for (case, header) in cases {
        for path in ["/api/me", "/api/conversations", "/api/conversations/1"] {
            let response = match &header {
                None => app.get(path, None).await,
                Some((name, value)) => app.get_with(path, name, value).await,
            };
            let challenge = header_of(&response, "www-authenticate").map(str::to_owned);
            let p = problem(response, StatusCode::UNAUTHORIZED).await;
            assert_eq!(p.title, "Unauthorized", "{case} {path}");
            assert!(
                challenge
                    .as_deref()
                    .is_some_and(|c| c.starts_with("Bearer")),
                "{case} {path}: {challenge:?}"
            );
            if case == "unknown token" {
                assert!(challenge.is_some_and(|c| c.contains("invalid_token")));
            }
        }
    }
}

#[tokio::test]
async fn authentication_is_checked_before_the_path() {
    let app = TestApp::spawn().await;
    problem(
        app.get("/api/conversations/abc", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    problem(
        app.get("/api/conversations?view=bogus", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn another_accounts_conversation_answers_like_a_missing_one() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let greta = app.token("other", Role::Admin).await;
    let demo_ids: Vec<String> = app
        .list(&dana, Some("all"))
        .await
        .iter()
        .map(|c| c.id.to_string())
        .collect();
    assert!(!demo_ids.is_empty());

    let missing = problem(
        app.conversation(&greta, "999999").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    for id in &demo_ids {
        let p = problem(app.conversation(&greta, id).await, StatusCode::NOT_FOUND).await;
        assert_eq!(p, missing, "conversation {id}");
    }

    let theirs = app.list(&greta, Some("all")).await;
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].consumer_name, "Sam Rivera");
    assert!(!demo_ids.contains(&theirs[0].id.to_string()));
    // ...and the other way round.
    let other_id = theirs[0].id.to_string();
    problem(
        app.conversation(&dana, &other_id).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn only_the_sha256_of_a_token_is_stored() {
    let app = TestApp::spawn().await;
    let token = app.token("demo", Role::Agent).await;
    assert_eq!(token.len(), 43);

    let stored: Vec<(String,)> = sqlx::query_as("SELECT token_sha256 FROM sessions")
        .fetch_all(&app.pool)
        .await
        .expect("sessions");
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].0, token);
    assert_eq!(stored[0].0, token_sha256(&token));
    let (raw_anywhere,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM sessions WHERE token_sha256 LIKE '%' || $1 || '%'")
            .bind(&token)
            .fetch_one(&app.pool)
            .await
            .expect("query");
    assert_eq!(raw_anywhere, 0);
}

#[tokio::test]
async fn each_demo_session_gets_its_own_token() {
    let app = TestApp::spawn().await;
    let first = app.token("demo", Role::Agent).await;
    let second = app.token("demo", Role::Agent).await;
    assert_ne!(first, second);
    assert_eq!(app.me(Some(&first)).await.status(), StatusCode::OK);
    assert_eq!(app.me(Some(&second)).await.status(), StatusCode::OK);
}
