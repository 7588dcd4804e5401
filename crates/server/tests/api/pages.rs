//! Pages: the lists and a transcript a page at a time, with cursors that hold under
//! inserts, and actions on a long conversation that reach messages off the first page.

use crate::helpers::{json, problem, text_in, TestApp};
use crate::messages::denied;
use reqwest::StatusCode;
use social_api::facts::TranscriptFacts;
use social_api::{
    Conversation, ConversationId, ConversationSummary, Message, MessageId, MessagePage, Role, Space,
};

/// Adds `n` public comments of the consumer to the conversation, a millisecond apart,
/// from 30 minutes ago on (after every seeded message).
async fn lengthen(app: &TestApp, conversation: ConversationId, n: usize, from: i64) {
    let start = app.clock.now().0 - 30 * 60_000;
    for i in 0..n as i64 {
        sqlx::query(
            "INSERT INTO messages (conversation_id, platform_id, author_kind, space, text, sent_at)
             VALUES ($1, $2, 'consumer', 'public', $3, $4)",
        )
        .bind(conversation.0)
        .bind(format!("fill-{}", from + i))
        .bind(format!("comment {}", from + i))
        .bind(start + from + i)
        .execute(&app.pool)
        .await
        .expect("a comment");
    }
    app.wrote_behind();
}

/// Every message of the conversation, as the database orders them.
async fn all_ids(app: &TestApp, conversation: ConversationId) -> Vec<MessageId> {
    let rows: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM messages WHERE conversation_id = $1 ORDER BY sent_at, id")
            .bind(conversation.0)
            .fetch_all(&app.pool)
            .await
            .expect("ids");
    rows.into_iter().map(|(id,)| MessageId(id)).collect()
}

async fn older(app: &TestApp, token: &str, id: ConversationId, query: &str) -> reqwest::Response {
    app.get(
        &format!("/api/conversations/{id}/messages?{query}"),
        Some(token),
    )
    .await
}

fn ids(messages: &[Message]) -> Vec<MessageId> {
    messages.iter().map(|m| m.id).collect()
}

#[tokio::test]
async fn a_transcript_reads_newest_first_in_disjoint_pages_that_make_it_whole() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    lengthen(&app, maria, 120, 0).await;
    let all = all_ids(&app, maria).await;

    let first = app.read(&dana, maria).await;
    assert_eq!(first.messages.len(), 50, "the newest page");
    assert_eq!(ids(&first.messages), all[all.len() - 50..]);
    let mut cursor = first.older_cursor.clone().expect("older messages");
    let mut seen = ids(&first.messages);
    let mut pages = 1;
    loop {
        let response = older(&app, &dana, maria, &format!("before={cursor}&limit=30")).await;
        assert_eq!(response.status(), StatusCode::OK);
        let page: MessagePage = json(response).await;
        assert!(page.messages.len() <= 30);
        seen.splice(0..0, ids(&page.messages));
        pages += 1;
        match page.older_cursor {
            Some(next) => cursor = next,
            None => break,
        }
    }
    assert_eq!(seen, all, "every message once, in order");
    assert_eq!(pages, 1 + (all.len() - 50).div_ceil(30));

    // A short conversation is whole at once.
    let james = app
        .read(&dana, app.conversation_id(&dana, "James").await)
        .await;
    assert_eq!(james.older_cursor, None);
}

#[tokio::test]
async fn a_transcript_cursor_holds_while_messages_arrive() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    lengthen(&app, maria, 80, 0).await;
    let before = all_ids(&app, maria).await;
    let first = app.read(&dana, maria).await;
    // New messages arrive after the first page was read.
    lengthen(&app, maria, 10, 1_000).await;
    let cursor = first.older_cursor.expect("older messages");
    let page: MessagePage =
        json(older(&app, &dana, maria, &format!("before={cursor}&limit=200")).await).await;
    let mut seen = ids(&page.messages);
    seen.extend(ids(&first.messages));
    assert_eq!(seen, before, "no message twice, none missed");
    assert_eq!(page.older_cursor, None);
}

#[tokio::test]
async fn a_cursor_this_server_did_not_give_or_a_wrong_limit_is_refused() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    for query in [
        "before=garbage",
        "before=",
        "before=bTox",
        "before=bTox&limit=0",
    ] {
        problem(
            older(&app, &dana, maria, query).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    let list_cursor = app
        .get("/api/conversations?view=all&limit=1", Some(&dana))
        .await;
    let next = next_link(&list_cursor).expect("a next page");
    let cursor = next.split("cursor=").nth(1).expect("a cursor").to_owned();
    // A list's cursor is not a transcript's.
    problem(
        older(&app, &dana, maria, &format!("before={cursor}")).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    for query in ["cursor=nope", "limit=0", "limit=201", "cursor=bTox"] {
        problem(
            app.get(&format!("/api/conversations?{query}"), Some(&dana))
                .await,
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    problem(
        app.get(&format!("/api/conversations/{maria}?limit=0"), Some(&dana))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
}

#[tokio::test]
async fn another_accounts_transcript_pages_are_not_found() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let gus = app.token("other", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    lengthen(&app, maria, 60, 0).await;
    let cursor = app.read(&dana, maria).await.older_cursor.expect("older");
    problem(
        older(&app, &gus, maria, &format!("before={cursor}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        older(
            &app,
            &gus,
            ConversationId(999_999),
            &format!("before={cursor}"),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

/// The `rel="next"` address of a list answer's `Link` header.
fn next_link(response: &reqwest::Response) -> Option<String> {
    let link = response.headers().get("link")?.to_str().ok()?;
    let (target, rel) = link.split_once(';')?;
    (rel.trim() == "rel=\"next\"").then(|| {
        target
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_owned()
    })
}

/// Every page of a list, following `Link` from `path`.
async fn every_page(app: &TestApp, token: &str, path: &str) -> Vec<Vec<ConversationSummary>> {
    let mut pages = Vec::new();
    let mut next = Some(path.to_owned());
    while let Some(path) = next {
        let response = app.get(&path, Some(token)).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        next = next_link(&response);
        pages.push(json(response).await);
    }
    pages
}

#[tokio::test]
async fn a_list_reads_in_disjoint_pages_that_make_it_whole() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let whole = app.list(&dana, Some("all")).await;
    assert!(whole.len() >= 5, "the demo has enough conversations");
    let pages = every_page(&app, &dana, "/api/conversations?view=all&limit=2").await;
    assert_eq!(pages.len(), whole.len().div_ceil(2));
    assert!(pages.iter().all(|p| p.len() <= 2 && !p.is_empty()));
    let joined: Vec<ConversationId> = pages.iter().flatten().map(|r| r.id).collect();
    assert_eq!(joined, whole.iter().map(|r| r.id).collect::<Vec<_>>());

    // The default page holds all the demo's rows: no next page.
    let response = app.conversations(&dana, Some("all")).await;
    assert_eq!(next_link(&response), None);
}

#[tokio::test]
async fn a_list_cursor_holds_while_conversations_move_up() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let whole = app.list(&dana, Some("all")).await;
    let response = app
        .get("/api/conversations?view=all&limit=2", Some(&dana))
        .await;
    let next = next_link(&response).expect("a second page");
    let first: Vec<ConversationSummary> = json(response).await;
    // The oldest conversation gets a new message: it moves to the top, out of the
    // pages still to read; the others are neither repeated nor skipped.
    let oldest = whole.last().expect("rows").id;
    lengthen(&app, oldest, 1, 31 * 60_000).await;
    let rest: Vec<ConversationId> = every_page(&app, &dana, &next)
        .await
        .iter()
        .flatten()
        .map(|r| r.id)
        .collect();
    let expected: Vec<ConversationId> = whole[2..]
        .iter()
        .map(|r| r.id)
        .filter(|id| *id != oldest)
        .collect();
    assert_eq!(rest, expected);
    assert!(first.iter().all(|r| !rest.contains(&r.id)));
}

#[tokio::test]
async fn the_facts_are_those_of_the_whole_transcript() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    let short = app.read(&dana, maria).await;
    lengthen(&app, maria, 70, 0).await;
    // The newest filler comment is deleted: the reply target is the one before it.
    sqlx::query("UPDATE messages SET deleted = TRUE WHERE platform_id = 'fill-69'")
        .execute(&app.pool)
        .await
        .expect("deleted");
    app.wrote_behind();
    let page = app.read(&dana, maria).await;
    let mut whole = page.clone();
    let cursor = page.older_cursor.clone().expect("older");
    let older: MessagePage =
        json(older(&app, &dana, maria, &format!("before={cursor}&limit=200")).await).await;
    whole.messages.splice(0..0, older.messages);
    whole.facts = TranscriptFacts::default();
    assert_eq!(page.facts, TranscriptFacts::of(&whole));
    assert_eq!(
        page.facts
            .public_target
            .as_ref()
            .and_then(|m| m.platform_id.as_deref()),
        Some("fill-68")
    );
    assert!(short.facts.consumer_last_public.is_some());
}

/// Maria's comment that no one answered, 70 comments back: off the first page.
async fn old_comment(
    app: &TestApp,
    token: &str,
    maria: ConversationId,
) -> (Conversation, MessageId) {
    let seeded = app.read(token, maria).await;
    let comment = seeded
        .messages
        .iter()
        .find(|m| m.text.starts_with("Also, is the rainfly"))
        .expect("the seeded comment")
        .id;
    lengthen(app, maria, 70, 0).await;
    let page = app.read(token, maria).await;
    assert!(page.message(comment).is_none(), "off the first page");
    (page, comment)
}

#[tokio::test]
async fn a_message_off_the_page_can_be_liked_and_answered() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    let (_, comment) = old_comment(&app, &dana, maria).await;

    let liked = app.like(&dana, comment).await;
    assert_eq!(liked.status(), StatusCode::OK);
    assert!(json::<Message>(liked).await.liked_by_brand);

    let mut reply = text_in(Space::Public, "Yes, the rainfly is in the box.");
    reply.reply_to = Some(comment);
    let sent = app.send_message(&dana, maria, &reply).await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    assert_eq!(json::<Message>(sent).await.reply_to, Some(comment));
}

#[tokio::test]
async fn a_message_in_another_conversation_is_still_unknown_off_the_page() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    lengthen(&app, maria, 70, 0).await;
    let james = app
        .read(&dana, app.conversation_id(&dana, "James").await)
        .await;
    let mut reply = text_in(Space::Public, "Hello");
    reply.reply_to = Some(james.messages[0].id);
    denied(
        app.send_message(&dana, maria, &reply).await,
        "unknown-message",
    )
    .await;
}
