//! Every event kept once however it comes, applied once, also after a restart.

use super::*;

#[tokio::test]
async fn one_delivery_sent_five_times_at_once_is_kept_once() {
    let app = spawn().await;
    connect(&app, "facebook", PAGE).await;
    connect(&app, "x", X_BRAND).await;
    let facebook = messenger_message(PAGE, "100", "m_five", "five times");
    let x = x_direct_message(X_BRAND, "200", "1900000000000000005", "five times");
    let answers = futures_util::future::join_all((0..5).flat_map(|_| {
        [
            futures_util::future::Either::Left(post_facebook(&app, FB_SECRET, &facebook)),
            futures_util::future::Either::Right(post_x(&app, X_SECRET, &x)),
        ]
    }))
    .await;
    for answer in answers {
        assert_eq!(answer.status(), StatusCode::OK);
    }
    let per_key: Vec<(String, i64)> = sqlx::query_as(
        "SELECT source, COUNT(*) FROM webhook_events GROUP BY source, key ORDER BY source",
    )
    .fetch_all(&app.pool)
    .await
    .expect("rows");
    assert_eq!(per_key, [("facebook".to_owned(), 1), ("x".to_owned(), 1)]);
}

#[tokio::test]
async fn events_of_a_channel_not_connected_are_answered_200_and_not_kept() {
    let app = spawn().await;
    connect(&app, "facebook", "another-page").await;
    let facebook = messenger_message(PAGE, "100", "m_elsewhere", "hello");
    let x = x_direct_message(X_BRAND, "200", "1900000000000000009", "hello");
    assert_eq!(
        post_facebook(&app, FB_SECRET, &facebook).await.status(),
        StatusCode::OK
    );
    assert_eq!(post_x(&app, X_SECRET, &x).await.status(), StatusCode::OK);
    assert_eq!(kept(&app).await, 0);

    // Once connected, the platform's retry of the same deliveries is kept.
    connect(&app, "facebook", PAGE).await;
    connect(&app, "x", X_BRAND).await;
    assert_eq!(
        post_facebook(&app, FB_SECRET, &facebook).await.status(),
        StatusCode::OK
    );
    assert_eq!(post_x(&app, X_SECRET, &x).await.status(), StatusCode::OK);
    assert_eq!(kept(&app).await, 2);
}

#[tokio::test]
async fn an_event_kept_by_a_server_that_stopped_before_applying_it_is_applied_after_the_restart() {
    let first = TestApp::spawn_with(Options {
        facebook_keys: Some((FB_SECRET, FB_VERIFY_TOKEN)),
        applier: false,
        ..Options::default()
    })
    .await;
    connect(&first, "facebook", PAGE).await;
    let body = messenger_message(PAGE, "100", "m_restart", "are you open on Sunday?");
    assert_eq!(
        post_facebook(&first, FB_SECRET, &body).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        states(&first).await,
        ["received"],
        "kept before the 200, not applied"
    );
    first.stop();

    let second = TestApp::spawn_with(Options {
        facebook_keys: Some((FB_SECRET, FB_VERIFY_TOKEN)),
        database_url: Some(first.database_url.clone()),
        ..Options::default()
    })
    .await;
    settled(&second).await;
    assert_eq!(states(&second).await, ["applied"]);
}

#[tokio::test]
async fn a_kept_event_is_applied_at_once_and_told_to_the_open_streams() {
    let app = spawn().await;
    connect_to(&app, "demo", "facebook", PAGE).await;
    let mut live = app.state.events.subscribe();
    let body = messenger_message(PAGE, "100", "m_live", "are you open on Sunday?");
    assert_eq!(
        post_facebook(&app, FB_SECRET, &body).await.status(),
        StatusCode::OK
    );
    // No other delivery comes: the applier was woken by this one.
    let logged = tokio::time::timeout(Duration::from_secs(60), live.recv())
        .await
        .expect("a change is broadcast")
        .expect("the hub is open");
    let (demo,): (i64,) = sqlx::query_as("SELECT id FROM accounts WHERE slug = 'demo'")
        .fetch_one(&app.pool)
        .await
        .expect("the demo account");
    assert_eq!(logged.account_id, demo);
    assert!(
        logged.change.contains("are you open on Sunday?"),
        "{}",
        logged.change
    );
    assert_eq!(states(&app).await, ["applied"]);
}
