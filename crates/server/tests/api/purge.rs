//! The purge job: what has outlived its use goes, what is fresh stays.

use crate::helpers::{new_key, TestApp, HOUR_MS};
use social_api::Role;
use social_server::auth::{new_token, token_sha256};
use social_server::store::Purged;

#[tokio::test]
async fn old_keys_ended_sessions_expired_tickets_and_old_failures_go_and_fresh_ones_stay() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let now = app.clock.now().0;
    let (account, agent): (i64, i64) =
        sqlx::query_as("SELECT account_id, agent_id FROM sessions WHERE token_sha256 = $1")
            .bind(token_sha256(&dana))
            .fetch_one(&app.pool)
            .await
            .expect("the session");
    let (old_key, fresh_key) = (new_key(), new_key());
    for (key, at) in [(&old_key, now - 25 * HOUR_MS), (&fresh_key, now - HOUR_MS)] {
        sqlx::query(
            "INSERT INTO idempotency_keys (account_id, agent_id, key, request_sha256,
                created_at, response_status, response_body) VALUES ($1, $2, $3, $4, $5, 201, $6)",
        )
        .bind(account)
        .bind(agent)
        .bind(key)
        .bind("0".repeat(64))
        .bind(at)
        .bind(b"{}".to_vec())
        .execute(&app.pool)
        .await
        .expect("a key");
    }
    let (ended, ended_lately) = (token_sha256(&new_token()), token_sha256(&new_token()));
    for (token, end) in [(&ended, now - 25 * HOUR_MS), (&ended_lately, now - HOUR_MS)] {
        sqlx::query(
            "INSERT INTO sessions (token_sha256, account_id, agent_id, created_at,
                idle_expires_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token)
        .bind(account)
        .bind(agent)
        .bind(end - HOUR_MS)
        .bind(end)
        .bind(end)
        .execute(&app.pool)
        .await
        .expect("a session");
    }
    let (expired, valid) = (token_sha256(&new_token()), token_sha256(&new_token()));
    for (ticket, expires) in [(&expired, now - 1), (&valid, now + 60_000)] {
        sqlx::query("INSERT INTO event_tickets VALUES ($1, $2, $3)")
            .bind(ticket)
            .bind(token_sha256(&dana))
            .bind(expires)
            .execute(&app.pool)
            .await
            .expect("a ticket");
    }
    for at in [now - HOUR_MS, now - 60_000] {
        sqlx::query("INSERT INTO sign_in_failures (email_sha256, at) VALUES ($1, $2)")
            .bind("a".repeat(64))
            .bind(at)
            .execute(&app.pool)
            .await
            .expect("a failure");
    }

    let purged = social_server::purge::purge_once(&app.state)
        .await
        .expect("purged");

    assert_eq!(
        purged,
        Purged {
            keys: 1,
            sessions: 1,
            tickets: 1,
            sign_in_failures: 1,
        }
    );
    let has = |table: &'static str, column: &'static str, value: String| {
        let pool = app.pool.clone();
        async move {
            let (n,): (i64,) =
                sqlx::query_as(&format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1"))
                    .bind(value)
                    .fetch_one(&pool)
                    .await
                    .expect("count");
            n == 1
        }
    };
    assert!(!has("idempotency_keys", "key", old_key).await);
    assert!(has("idempotency_keys", "key", fresh_key).await);
    assert!(!has("sessions", "token_sha256", ended).await);
    assert!(has("sessions", "token_sha256", ended_lately).await);
    assert!(has("sessions", "token_sha256", token_sha256(&dana)).await);
    assert!(!has("event_tickets", "ticket_sha256", expired).await);
    assert!(has("event_tickets", "ticket_sha256", valid).await);
    assert_eq!(app.count("sign_in_failures").await, 1);
    // Dana's session still signs her in.
    assert_eq!(app.get("/api/me", Some(&dana)).await.status(), 200);
}
