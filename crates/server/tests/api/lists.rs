//! What the lists say of each conversation beyond its last message: unread per agent,
//! undelivered messages, whose it is.

use crate::helpers::{json, problem, text_in, TestApp};
use reqwest::StatusCode;
use social_api::{ConversationSummary, Delivery, Message, Role, Space};

fn row<'a>(rows: &'a [ConversationSummary], name: &str) -> &'a ConversationSummary {
    rows.iter()
        .find(|r| r.consumer_name.starts_with(name))
        .unwrap_or_else(|| panic!("{name} is listed"))
}

#[tokio::test]
async fn opening_a_conversation_clears_its_unread_count_for_that_agent_only() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let alex = app.token("demo", Role::Admin).await;
    let kenji = app.conversation_id(&dana, "Kenji").await;
    assert_eq!(
        row(&app.list(&dana, Some("all")).await, "Kenji").unread_count,
        1
    );

    let response = app.mark_read(&dana, kenji).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        row(&app.list(&dana, Some("all")).await, "Kenji").unread_count,
        0
    );
    assert_eq!(
        row(&app.list(&alex, Some("all")).await, "Kenji").unread_count,
        1,
        "Alex has not opened it"
    );
    // Again is the same.
    assert_eq!(
        app.mark_read(&dana, kenji).await.status(),
        StatusCode::NO_CONTENT
    );

    // The consumer writes again: unread again.
    app.advance(60_000);
    sqlx::query(
        "INSERT INTO messages (conversation_id, platform_id, author_kind, space, text, sent_at)
         VALUES ($1, 'later', 'consumer', 'private', 'One more thing', $2)",
    )
    .bind(kenji.0)
    .bind(app.clock.now().0)
    .execute(&app.pool)
    .await
    .expect("a later message");
    app.wrote_behind();
    assert_eq!(
        row(&app.list(&dana, Some("all")).await, "Kenji").unread_count,
        1
    );
}

#[tokio::test]
async fn another_accounts_conversation_cannot_be_marked_read() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let gus = app.token("other", Role::Agent).await;
    let kenji = app.conversation_id(&dana, "Kenji").await;
    problem(app.mark_read(&gus, kenji).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn a_row_counts_undelivered_messages_until_they_are_sent() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let rows = app.list(&dana, Some("all")).await;
    assert_eq!(
        row(&rows, "Priya").undelivered_count,
        1,
        "her tracking number failed"
    );
    assert_eq!(row(&rows, "Maria").undelivered_count, 0);

    let priya = app.read(&dana, row(&rows, "Priya").id).await;
    let failed = priya
        .messages
        .iter()
        .find(|m| matches!(m.delivery, Delivery::Failed { .. }))
        .expect("a failed message")
        .id;
    let retried: Message = json(app.retry(&dana, failed).await).await;
    assert_eq!(retried.delivery, Delivery::Sent);
    assert_eq!(
        row(&app.list(&dana, Some("all")).await, "Priya").undelivered_count,
        0
    );

    app.platform
        .fail_next("(#551) This person isn't available right now.");
    let james = app.conversation_id(&dana, "James").await;
    let sent = app
        .send_message(&dana, james, &text_in(Space::Private, "Still there?"))
        .await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    assert_eq!(
        row(&app.list(&dana, Some("all")).await, "James").undelivered_count,
        1
    );
}

#[tokio::test]
async fn a_row_names_whose_conversation_it_is() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let rows = app.list(&dana, Some("all")).await;
    assert_eq!(
        row(&rows, "Chris").assigned_to.as_deref(),
        Some("Alex Admin")
    );
    assert_eq!(
        row(&rows, "Maria").assigned_to.as_deref(),
        Some("Dana Agent")
    );
    assert!(
        rows.iter().any(|r| r.assigned_to.is_none()),
        "one nobody owns"
    );
}
