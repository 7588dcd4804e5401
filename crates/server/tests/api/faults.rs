//! Failures half way: an answer that could not be kept, a platform's answer that could
//! not be recorded, a Link to DM cut between its steps, a client hanging up on an
//! unlike. The store is made to fail with triggers (SQLite's or PostgreSQL's) written on the
//! test's own connection.

use crate::helpers::{header_of, json, new_key, problem, text_in, TestApp};
use reqwest::{Method, StatusCode};
use social_api::{Delivery, DmInviteSent, Message, Role, Space};
use social_server::auth::token_sha256;
use social_server::idempotency;
use social_server::platforms::Call;
use std::time::Duration;

/// The default `--idempotency-claim-timeout` with the tests' `--sweep-after` (5 min).
const CLAIM_TIMEOUT_MS: i64 = 6 * 60 * 1000;

/// Makes every row statement `on` (e.g. `BEFORE UPDATE OF c ON t`) fail where `when` holds
/// (SQL both stores read, e.g. `NEW.flag = TRUE`), until [`heal`].
async fn fail_on(app: &TestApp, name: &str, on: &str, when: &str) {
    let sql = if app.on_postgres() {
        // PostgreSQL's triggers run a function; the function is dropped with its trigger.
        format!(
            "CREATE FUNCTION fault_{name}() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$;
             CREATE TRIGGER fault_{name} {on} FOR EACH ROW WHEN ({when})
                EXECUTE FUNCTION fault_{name}()"
        )
    } else {
        format!(
            "CREATE TRIGGER fault_{name} {on} FOR EACH ROW WHEN ({when})
             BEGIN SELECT RAISE(ABORT, 'injected fault'); END"
        )
    };
    sqlx::raw_sql(&sql)
        .execute(&app.pool)
        .await
        .expect("trigger");
}

async fn heal(app: &TestApp, name: &str) {
    let sql = if app.on_postgres() {
        format!("DROP FUNCTION fault_{name}() CASCADE")
    } else {
        format!("DROP TRIGGER fault_{name}")
    };
    sqlx::raw_sql(&sql)
        .execute(&app.pool)
        .await
        .expect("dropped");
}

/// The account and agent ids of a session.
async fn ids_of(app: &TestApp, token: &str) -> (i64, i64) {
    sqlx::query_as("SELECT account_id, agent_id FROM sessions WHERE token_sha256 = $1")
        .bind(token_sha256(token))
        .fetch_one(&app.pool)
        .await
        .expect("the session")
}

#[tokio::test]
async fn an_answer_that_could_not_be_kept_leaves_the_key_usable_after_the_claim_timeout() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let james = app.conversation_id(&dana, "James").await;
    let message = text_in(Space::Private, "Kept or not.");
    let key = new_key();
    let before = app.count("messages").await;
    fail_on(
        &app,
        "keep",
        "BEFORE UPDATE OF response_status ON idempotency_keys",
        "TRUE",
    )
    .await;

    let first = app.send_message_with(&dana, james, &message, &key).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Message = json(first).await;
    heal(&app, "keep").await;
    app.advance(CLAIM_TIMEOUT_MS + 1);

    let again = app.send_message_with(&dana, james, &message, &key).await;
    assert_eq!(again.status(), StatusCode::CREATED, "not a 409 forever");
    let again: Message = json(again).await;
    assert_eq!(again.id, first.id, "the message the first run stored");
    assert_eq!(again.delivery, Delivery::Sent);
    assert_eq!(app.platform.calls().len(), 1, "sent once");
    assert_eq!(app.count("messages").await, before + 1);
    let third = app.send_message_with(&dana, james, &message, &key).await;
    assert_eq!(header_of(&third, "idempotent-replayed"), Some("true"));
}

#[tokio::test]
async fn a_claim_whose_process_died_is_taken_over_once_abandoned() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let james = app.conversation_id(&dana, "James").await;
    let message = text_in(Space::Private, "After the crash.");
    let body = serde_json::to_string(&message).expect("JSON");
    // As the middleware sees it: inside `/api`.
    let path = format!("/conversations/{james}/messages");
    let key = new_key();
    let (account, agent) = ids_of(&app, &dana).await;
    // What a process killed right after claiming the key leaves behind.
    sqlx::query(
        "INSERT INTO idempotency_keys (account_id, agent_id, key, request_sha256, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(account)
    .bind(agent)
    .bind(&key)
    .bind(idempotency::request_sha256(
        &Method::POST,
        &path,
        body.as_bytes(),
    ))
    .bind(app.clock.now().0)
    .execute(&app.pool)
    .await
    .expect("a claim");
    app.wrote_behind();
    app.advance(CLAIM_TIMEOUT_MS + 1);

    let sent = app.send_message_with(&dana, james, &message, &key).await;

    assert_eq!(sent.status(), StatusCode::CREATED);
    let sent: Message = json(sent).await;
    assert_eq!(sent.delivery, Delivery::Sent);
    assert_eq!(app.platform.calls().len(), 1);
}

#[tokio::test]
async fn a_platform_success_that_could_not_be_recorded_is_answered_pending_and_settled_later() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let james = app.conversation_id(&dana, "James").await;
    let message = text_in(Space::Private, "Lost answer.");
    let key = new_key();
    fail_on(
        &app,
        "record",
        "BEFORE UPDATE OF delivery ON messages",
        "NEW.text = 'Lost answer.' AND NEW.delivery <> 'pending'",
    )
    .await;

    let first = app.send_message_with(&dana, james, &message, &key).await;
    assert_eq!(
        first.status(),
        StatusCode::CREATED,
        "an unknown outcome is no 500"
    );
    let first_body = first.bytes().await.expect("body");
    let stored: Message = serde_json::from_slice(&first_body).expect("a message");
    assert_eq!(stored.delivery, Delivery::Pending);
    // The widget keeps what it got; a repeat gets the same, never a 500 to drop the key on.
    let again = app.send_message_with(&dana, james, &message, &key).await;
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.bytes().await.expect("body"), first_body);
    assert_eq!(app.platform.calls().len(), 1);

    heal(&app, "record").await;
    app.advance(301_000);
    let settled = social_server::sweeper::sweep_once(&app.state, Duration::from_secs(300))
        .await
        .expect("swept");

    assert!(settled >= 1, "{settled}");
    let now = app.read(&dana, james).await;
    let message = now.message(stored.id).expect("stored");
    assert_eq!(message.delivery, Delivery::Sent, "the platform had it");
    assert!(message.platform_id.is_some());
    assert_eq!(app.platform.calls().len(), 1, "looked up, not sent again");
}

#[tokio::test]
async fn a_link_to_dm_cut_after_its_public_reply_is_completed_by_the_next_request() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    fail_on(
        &app,
        "private",
        "BEFORE INSERT ON messages",
        "NEW.private_reply = TRUE",
    )
    .await;

    let cut = app.dm_invite(&dana, maria).await;
    assert_eq!(cut.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(matches!(
        app.platform.calls().as_slice(),
        [Call::ReplyPublic(_)]
    ));
    heal(&app, "private").await;

    let done = app.dm_invite(&dana, maria).await;
    assert_eq!(done.status(), StatusCode::CREATED);
    let done: DmInviteSent = json(done).await;
    let calls = app.platform.calls();
    assert!(
        matches!(
            calls.as_slice(),
            [Call::ReplyPublic(_), Call::PrivateReply(_)]
        ),
        "the public invitation once: {calls:?}"
    );
    let private = done.private_reply.expect("the missing step");
    assert_eq!(private.delivery, Delivery::Sent);
    let publics = app
        .read(&dana, maria)
        .await
        .messages
        .iter()
        .filter(|m| m.text == done.public_reply.text)
        .count();
    assert_eq!(publics, 1);
}

#[tokio::test]
async fn a_link_to_dm_whose_run_died_is_finished_under_the_same_key() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    let path = format!("/api/conversations/{maria}/dm-invite");
    let key = new_key();
    fail_on(
        &app,
        "private",
        "BEFORE INSERT ON messages",
        "NEW.private_reply = TRUE",
    )
    .await;
    fail_on(
        &app,
        "keep",
        "BEFORE UPDATE OF response_status ON idempotency_keys",
        "TRUE",
    )
    .await;
    let cut = app.post_action(&dana, &path, Some(&key), None).await;
    assert_eq!(cut.status(), StatusCode::INTERNAL_SERVER_ERROR);
    heal(&app, "private").await;
    heal(&app, "keep").await;
    app.advance(CLAIM_TIMEOUT_MS + 1);

    let done = app.post_action(&dana, &path, Some(&key), None).await;

    assert_eq!(done.status(), StatusCode::CREATED);
    let done: DmInviteSent = json(done).await;
    assert!(done.private_reply.is_some());
    let calls = app.platform.calls();
    assert!(
        matches!(
            calls.as_slice(),
            [Call::ReplyPublic(_), Call::PrivateReply(_)]
        ),
        "{calls:?}"
    );
}

#[tokio::test]
async fn an_unlike_is_idempotent_and_needs_a_key() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    let comment = app.read(&dana, maria).await.messages[1].id;
    assert_eq!(app.like(&dana, comment).await.status(), StatusCode::OK);
    let url = format!("{}/api/messages/{comment}/like", app.base);
    let key = new_key();
    let unlike = |key: Option<String>| {
        let mut request = app.client.delete(&url).bearer_auth(&dana);
        if let Some(key) = key {
            request = request.header(idempotency::HEADER, key);
        }
        request.send()
    };

    let p = problem(unlike(None).await.expect("DELETE"), StatusCode::BAD_REQUEST).await;
    assert_eq!(p.kind, "urn:social-widget:idempotency-key-missing");
    let first = unlike(Some(key.clone())).await.expect("DELETE");
    let second = unlike(Some(key)).await.expect("DELETE");

    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(second.status(), StatusCode::OK);
    assert_eq!(header_of(&second, "idempotent-replayed"), Some("true"));
    let unlikes = app
        .platform
        .calls()
        .iter()
        .filter(|c| matches!(c, Call::Unlike(_)))
        .count();
    assert_eq!(unlikes, 1);
}

#[tokio::test]
async fn an_unlike_whose_client_hangs_up_still_reaches_the_database() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    let comment = app.read(&dana, maria).await.messages[1].id;
    assert_eq!(app.like(&dana, comment).await.status(), StatusCode::OK);
    app.platform.set_delay(Duration::from_millis(400));

    let request = app
        .client
        .delete(format!("{}/api/messages/{comment}/like", app.base))
        .bearer_auth(&dana)
        .header(idempotency::HEADER, new_key())
        .send();
    // The client gives up while the platform is still answering.
    let hung_up = tokio::time::timeout(Duration::from_millis(100), request).await;
    assert!(hung_up.is_err(), "the client hung up first");

    let liked = || async {
        // 0/1 in SQLite, BOOLEAN in PostgreSQL: read as an integer on both.
        let (liked,): (i64,) =
            sqlx::query_as("SELECT CAST(liked_by_brand AS INTEGER) FROM messages WHERE id = $1")
                .bind(comment.0)
                .fetch_one(&app.pool)
                .await
                .expect("the comment");
        liked == 1
    };
    // The platform call ends 400 ms after the request; give it ample time.
    for _ in 0..100 {
        if !liked().await {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!liked().await, "the database agrees with the platform");
    let unlikes = app
        .platform
        .calls()
        .iter()
        .filter(|c| matches!(c, Call::Unlike(_)))
        .count();
    assert_eq!(unlikes, 1);
}

#[tokio::test]
async fn a_like_the_platform_took_but_the_database_refused_answers_503_and_can_be_repeated() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    let comment = app.read(&dana, maria).await.messages[1].id;
    fail_on(
        &app,
        "like",
        "BEFORE UPDATE OF liked_by_brand ON messages",
        "TRUE",
    )
    .await;

    let refused = problem(
        app.like(&dana, comment).await,
        StatusCode::SERVICE_UNAVAILABLE,
    )
    .await;
    let liked = || async {
        // 0/1 in SQLite, BOOLEAN in PostgreSQL: read as an integer on both.
        let (liked,): (i64,) =
            sqlx::query_as("SELECT CAST(liked_by_brand AS INTEGER) FROM messages WHERE id = $1")
                .bind(comment.0)
                .fetch_one(&app.pool)
                .await
                .expect("the comment");
        liked == 1
    };
    assert!(!liked().await);
    assert_eq!(
        refused.detail.as_deref(),
        Some("The platform took it, but it could not be saved here. Trying again is safe.")
    );
    heal(&app, "like").await;
    assert_eq!(app.like(&dana, comment).await.status(), StatusCode::OK);

    assert!(liked().await, "the repeat is recorded");
    let likes = app
        .platform
        .calls()
        .iter()
        .filter(|c| matches!(c, Call::Like(_)))
        .count();
    assert_eq!(likes, 2, "the platform was asked once per request");
}
