//! What an admin's source settings do to signed deliveries: a disconnected Page's events
//! are not kept while the other Pages' keep flowing; a Page whose public space is off
//! starts only private conversations; each kept event moves the Page's "last event".

use super::*;
use social_api::admin::SourceView;

/// The demo's Page (account `demo`) and one more the test connects to it.
const DEMO_PAGE: &str = "104857600012345";
const SECOND_PAGE: &str = "104857600099999";

async fn admin_call(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> Response {
    let mut request = app
        .client
        .request(method, format!("{}/api/admin{path}", app.base))
        .bearer_auth(token)
        .header(header::IF_MATCH, "*");
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("admin request")
}

async fn source(app: &TestApp, token: &str, platform_id: &str) -> SourceView {
    let response = admin_call(app, token, reqwest::Method::GET, "/sources", None).await;
    let sources: Vec<SourceView> = response.json().await.expect("sources");
    sources
        .into_iter()
        .find(|s| s.platform_id == platform_id)
        .unwrap_or_else(|| panic!("a source {platform_id}"))
}

/// A signed comment by `psid` on a post of `page`.
fn page_comment(page: &str, psid: &str, comment: &str, text: &str) -> Vec<u8> {
    let at = 1_760_000_000_i64;
    let post = format!("{page}_771234567899999");
    json!({
        "object": "page",
        "entry": [{
            "id": page,
            "time": at,
            "changes": [{
                "field": "feed",
                "value": {
                    "item": "comment", "verb": "add",
                    "comment_id": format!("771234567899999_{comment}"),
                    "post_id": post, "parent_id": post,
                    "from": {"id": psid, "name": format!("Person {psid}")},
                    "message": text,
                    "created_time": at,
                }
            }]
        }]
    })
    .to_string()
    .into_bytes()
}

/// The spaces of the messages in the conversations of the person `psid`.
async fn conversations_with(app: &TestApp, psid: &str) -> Vec<Space> {
    let spaces: Vec<String> = sqlx::query_scalar(
        "SELECT m.space FROM messages m
         JOIN conversations c ON c.id = m.conversation_id
         JOIN consumers co ON co.id = c.consumer_id
         WHERE co.platform_id = $1 ORDER BY m.id",
    )
    .bind(psid)
    .fetch_all(&app.pool)
    .await
    .expect("messages");
    spaces
        .iter()
        .map(|s| serde_json::from_value(json!(s)).expect("a space"))
        .collect()
}

#[tokio::test]
async fn a_disconnected_pages_events_are_not_kept_and_the_others_keep_flowing() {
    let app = spawn().await;
    let admin = app.token("demo", Role::Admin).await;
    let added = admin_call(
        &app,
        &admin,
        reqwest::Method::POST,
        "/sources",
        Some(json!({"platform": "facebook", "platform_id": SECOND_PAGE, "name": "Acme Trails"})),
    )
    .await;
    assert_eq!(added.status(), StatusCode::CREATED);
    let second: SourceView = added.json().await.expect("a source");
    assert_eq!(second.last_event_at, None);

    let gone = admin_call(
        &app,
        &admin,
        reqwest::Method::DELETE,
        &format!("/sources/{}", second.id.0),
        None,
    )
    .await;
    assert_eq!(gone.status(), StatusCode::OK);

    let before = kept(&app).await;
    let to_gone = messenger_message(SECOND_PAGE, "7000000000000001", "m_gone_1", "Anyone there?");
    assert_eq!(
        post_facebook(&app, FB_SECRET, &to_gone).await.status(),
        StatusCode::OK
    );
    let to_demo = messenger_message(DEMO_PAGE, "7000000000000002", "m_demo_1", "Hello Acme");
    assert_eq!(
        post_facebook(&app, FB_SECRET, &to_demo).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        kept(&app).await,
        before + 1,
        "only the connected Page's event is kept"
    );
    settled(&app).await;
    assert!(conversations_with(&app, "7000000000000001")
        .await
        .is_empty());
    assert_eq!(
        conversations_with(&app, "7000000000000002").await,
        [Space::Private]
    );
    assert!(source(&app, &admin, DEMO_PAGE)
        .await
        .last_event_at
        .is_some());
    assert_eq!(source(&app, &admin, SECOND_PAGE).await.last_event_at, None);
}

#[tokio::test]
async fn with_the_public_space_off_only_private_conversations_start() {
    let app = spawn().await;
    let admin = app.token("demo", Role::Admin).await;
    let page = source(&app, &admin, DEMO_PAGE).await;
    let path = format!("/sources/{}", page.id.0);
    let off = admin_call(
        &app,
        &admin,
        reqwest::Method::PATCH,
        &path,
        Some(json!({"public_enabled": false})),
    )
    .await;
    assert_eq!(off.status(), StatusCode::OK);

    let comment = page_comment(DEMO_PAGE, "7100000000000001", "1", "Is this waterproof?");
    assert_eq!(
        post_facebook(&app, FB_SECRET, &comment).await.status(),
        StatusCode::OK
    );
    let dm = messenger_message(
        DEMO_PAGE,
        "7100000000000002",
        "m_private_1",
        "Order question",
    );
    assert_eq!(
        post_facebook(&app, FB_SECRET, &dm).await.status(),
        StatusCode::OK
    );
    settled(&app).await;
    assert!(
        conversations_with(&app, "7100000000000001")
            .await
            .is_empty(),
        "no public conversation"
    );
    assert_eq!(
        conversations_with(&app, "7100000000000002").await,
        [Space::Private]
    );
    let outcome: String = sqlx::query_scalar("SELECT outcome FROM webhook_events WHERE key LIKE '%7100000000000001%' OR event LIKE '%Is this waterproof%'")
        .fetch_one(&app.pool)
        .await
        .expect("the comment was kept, then skipped");
    assert!(outcome.contains("public space is off"), "{outcome}");

    let on = admin_call(
        &app,
        &admin,
        reqwest::Method::PATCH,
        &path,
        Some(json!({"public_enabled": true})),
    )
    .await;
    assert_eq!(on.status(), StatusCode::OK);
    let next = page_comment(DEMO_PAGE, "7100000000000003", "2", "And this one?");
    assert_eq!(
        post_facebook(&app, FB_SECRET, &next).await.status(),
        StatusCode::OK
    );
    settled(&app).await;
    assert_eq!(
        conversations_with(&app, "7100000000000003").await,
        [Space::Public]
    );
}
