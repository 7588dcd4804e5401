//! The admin settings over HTTP: sources connected, read, changed and disconnected;
//! routing rules checked, saved and previewed; every change in the audit log; only admins
//! get in; an edit based on an old version is refused; tokens never come back out.

use crate::helpers::{json, problem, text_in, TestApp};
use reqwest::{header, Method, Response, StatusCode};
use serde_json::{json, Value};
use social_api::admin::{AuditAction, AuditPage, Preview, RoutingRules, SourceView};
use social_api::{Role, Source, Space};
use social_server::platforms::{Call, Subscription};

/// The demo's Facebook Page and X account (account `demo`).
const DEMO_PAGE: &str = "104857600012345";
const DEMO_X: &str = "1500000000000000001";
const NEW_PAGE: &str = "123456789012345";
const NEW_TOKEN: &str = "EAAB-new-page-token-never-shown";

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    if_match: Option<&str>,
    body: Option<Value>,
) -> Response {
    let mut request = app
        .client
        .request(method, format!("{}/api/admin{path}", app.base))
        .bearer_auth(token);
    if let Some(tag) = if_match {
        request = request.header(header::IF_MATCH, tag);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("admin request")
}

fn etag(response: &Response) -> String {
    response
        .headers()
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .expect("an ETag")
        .to_owned()
}

async fn sources(app: &TestApp, token: &str) -> Vec<SourceView> {
    let response = call(app, Method::GET, "/sources", token, None, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    json(response).await
}

async fn source_by_platform_id(app: &TestApp, token: &str, platform_id: &str) -> SourceView {
    sources(app, token)
        .await
        .into_iter()
        .find(|s| s.platform_id == platform_id)
        .unwrap_or_else(|| panic!("a source {platform_id}"))
}

fn new_page() -> Value {
    json!({
        "platform": "facebook",
        "platform_id": NEW_PAGE,
        "name": "Acme Trails",
        "access_token": NEW_TOKEN,
    })
}

async fn connect_new_page(app: &TestApp, token: &str) -> SourceView {
    let response = call(app, Method::POST, "/sources", token, None, Some(new_page())).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    json(response).await
}

#[tokio::test]
async fn only_an_admin_reaches_the_admin_api() {
    let app = TestApp::spawn().await;
    let agent = app.token("demo", Role::Agent).await;
    let channels = app.count("brand_channels").await;
    let requests = [
        (Method::GET, "/sources", None),
        (Method::POST, "/sources", Some(new_page())),
        (Method::GET, "/sources/1", None),
        (Method::PATCH, "/sources/1", Some(json!({"name": "x"}))),
        (Method::DELETE, "/sources/1", None),
        (Method::GET, "/routing-rules", None),
        (Method::PUT, "/routing-rules", Some(json!({"rules": []}))),
        (
            Method::POST,
            "/routing-rules/preview",
            Some(json!({"platform": "x", "platform_id": DEMO_X, "space": "public"})),
        ),
        (Method::GET, "/audit", None),
    ];
    for (method, path, body) in requests {
        let refused = call(
            &app,
            method.clone(),
            path,
            &agent,
            Some("\"1\""),
            body.clone(),
        )
        .await;
        let problem = problem(refused, StatusCode::FORBIDDEN).await;
        assert!(
            problem.kind.ends_with("admin-only"),
            "{method} {path}: {problem:?}"
        );
        let anonymous = app
            .client
            .request(method.clone(), format!("{}/api/admin{path}", app.base))
            .send()
            .await
            .expect("request");
        assert_eq!(
            anonymous.status(),
            StatusCode::UNAUTHORIZED,
            "{method} {path}"
        );
    }
    assert_eq!(app.count("audit_log").await, 0, "nothing was changed");
    assert_eq!(
        app.count("brand_channels").await,
        channels,
        "nothing was connected"
    );
}

#[tokio::test]
async fn the_sources_show_their_state_and_never_their_token() {
    let app = TestApp::spawn().await;
    let admin = app.token("demo", Role::Admin).await;
    app.set_channel_token("demo", Source::Facebook, DEMO_PAGE, "EAAB-demo-page-token")
        .await;
    let response = call(&app, Method::GET, "/sources", &admin, None, None).await;
    let body = response.text().await.expect("body");
    assert!(!body.contains("EAAB-demo-page-token"), "{body}");
    let listed: Vec<SourceView> = serde_json::from_str(&body).expect("sources");
    let names: Vec<(Source, &str)> = listed
        .iter()
        .map(|s| (s.platform, s.name.as_str()))
        .collect();
    assert_eq!(names.len(), 2, "only the demo account's sources: {names:?}");
    let page = listed
        .iter()
        .find(|s| s.platform_id == DEMO_PAGE)
        .expect("the page");
    assert!(page.token_set && page.subscribed && page.public_enabled && page.private_enabled);
    assert!(page.connected());
    let x = listed
        .iter()
        .find(|s| s.platform_id == DEMO_X)
        .expect("the X account");
    assert!(!x.token_set);

    // Another account's source is not there for this one.
    let globex = app.token("other", Role::Admin).await;
    let theirs = sources(&app, &globex).await;
    assert!(theirs.iter().all(|s| s.platform_id != DEMO_PAGE));
    let response = call(
        &app,
        Method::GET,
        &format!("/sources/{}", page.id.0),
        &globex,
        None,
        None,
    )
    .await;
    problem(response, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn a_page_is_connected_read_and_refused_twice() {
    let app = TestApp::spawn().await;
    let admin = app.token("demo", Role::Admin).await;
    let response = call(
        &app,
        Method::POST,
        "/sources",
        &admin,
        None,
        Some(new_page()),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(etag(&response), "\"1\"");
    let location = response.headers()[header::LOCATION]
        .to_str()
        .expect("text")
        .to_owned();
    let body = response.text().await.expect("body");
    assert!(!body.contains(NEW_TOKEN), "{body}");
    let created: SourceView = serde_json::from_str(&body).expect("a source");
    assert_eq!(location, format!("/api/admin/sources/{}", created.id.0));
    assert!(created.token_set && created.public_enabled && created.private_enabled);
    assert!(!created.subscribed, "subscribing is asked for separately");

    let read = call(
        &app,
        Method::GET,
        &format!("/sources/{}", created.id.0),
        &admin,
        None,
        None,
    )
    .await;
    assert_eq!(etag(&read), "\"1\"");
    assert_eq!(json::<SourceView>(read).await, created);

    let again = call(
        &app,
        Method::POST,
        "/sources",
        &admin,
        None,
        Some(new_page()),
    )
    .await;
    assert!(problem(again, StatusCode::CONFLICT)
        .await
        .kind
        .ends_with("source-taken"));
    // Another account cannot take a page that is connected here.
    let globex = app.token("other", Role::Admin).await;
    let theirs = call(
        &app,
        Method::POST,
        "/sources",
        &globex,
        None,
        Some(new_page()),
    )
    .await;
    problem(theirs, StatusCode::CONFLICT).await;

    let bad_id = json!({"platform": "facebook", "platform_id": "acme", "name": "Acme"});
    let refused = call(&app, Method::POST, "/sources", &admin, None, Some(bad_id)).await;
    let problem_body = problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(problem_body.kind.ends_with("source-invalid"));
    assert_eq!(
        problem_body.detail.as_deref(),
        Some("A Facebook Page id or X account id is digits only, like 1234567890.")
    );
    let unknown_field = json!({"platform": "x", "platform_id": "1", "name": "a", "secret": "s"});
    let refused = call(
        &app,
        Method::POST,
        "/sources",
        &admin,
        None,
        Some(unknown_field),
    )
    .await;
    problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(sources(&app, &admin).await.len(), 3);
}

#[tokio::test]
async fn an_edit_based_on_an_old_version_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.token("demo", Role::Admin).await;
    let page = source_by_platform_id(&app, &admin, DEMO_PAGE).await;
    let path = format!("/sources/{}", page.id.0);
    let tag = format!("\"{}\"", page.version);

    let rename = json!({"name": "Acme Outdoor EU"});
    let missing = call(
        &app,
        Method::PATCH,
        &path,
        &admin,
        None,
        Some(rename.clone()),
    )
    .await;
    assert!(problem(missing, StatusCode::PRECONDITION_REQUIRED)
        .await
        .kind
        .ends_with("if-match-required"));

    let first = call(&app, Method::PATCH, &path, &admin, Some(&tag), Some(rename)).await;
    assert_eq!(first.status(), StatusCode::OK);
    let renamed: SourceView = json(first).await;
    assert_eq!(renamed.name, "Acme Outdoor EU");
    assert_eq!(renamed.version, page.version + 1);

    // A second admin still holding the first reading.
    let stale = call(
        &app,
        Method::PATCH,
        &path,
        &admin,
        Some(&tag),
        Some(json!({"public_enabled": false})),
    )
    .await;
    let refused = problem(stale, StatusCode::PRECONDITION_FAILED).await;
    assert!(refused.kind.ends_with("stale-version"));
    assert!(refused
        .detail
        .unwrap_or_default()
        .contains(&format!("version {}", renamed.version)));
    let now = source_by_platform_id(&app, &admin, DEMO_PAGE).await;
    assert!(now.public_enabled, "the stale edit changed nothing");
    assert_eq!(now.version, renamed.version);

    let stale_delete = call(&app, Method::DELETE, &path, &admin, Some(&tag), None).await;
    problem(stale_delete, StatusCode::PRECONDITION_FAILED).await;
    assert!(source_by_platform_id(&app, &admin, DEMO_PAGE)
        .await
        .connected());

    let malformed = call(
        &app,
        Method::PATCH,
        &path,
        &admin,
        Some("3"),
        Some(json!({"name": "a"})),
    )
    .await;
    problem(malformed, StatusCode::BAD_REQUEST).await;
    let nothing = call(
        &app,
        Method::PATCH,
        &path,
        &admin,
        Some(&format!("\"{}\"", now.version)),
        Some(json!({})),
    )
    .await;
    assert_eq!(
        problem(nothing, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .detail
            .as_deref(),
        Some("Nothing to change.")
    );
}

#[tokio::test]
async fn subscribing_asks_the_platform_and_keeps_its_refusal_as_the_last_error() {
    let app = TestApp::spawn().await;
    let admin = app.token("demo", Role::Admin).await;
    let created = connect_new_page(&app, &admin).await;
    let path = format!("/sources/{}", created.id.0);

    app.platform
        .fail_next("(#200) The page has not authorized the app");
    let refused = call(
        &app,
        Method::PATCH,
        &path,
        &admin,
        Some("\"1\""),
        Some(json!({"subscribed": true})),
    )
    .await;
    let problem_body = problem(refused, StatusCode::BAD_GATEWAY).await;
    assert_eq!(
        problem_body.detail.as_deref(),
        Some("(#200) The page has not authorized the app")
    );
    let after_failure = source_by_platform_id(&app, &admin, NEW_PAGE).await;
    assert!(!after_failure.subscribed);
    assert_eq!(
        after_failure.last_error.as_deref(),
        Some("(#200) The page has not authorized the app")
    );

    let tag = format!("\"{}\"", after_failure.version);
    let done = call(
        &app,
        Method::PATCH,
        &path,
        &admin,
        Some(&tag),
        Some(json!({"subscribed": true})),
    )
    .await;
    assert_eq!(done.status(), StatusCode::OK);
    let subscribed: SourceView = json(done).await;
    assert!(subscribed.subscribed);
    assert_eq!(subscribed.last_error, None, "a success clears the error");
    let expected = Subscription {
        source: Source::Facebook,
        brand_id: NEW_PAGE.into(),
    };
    assert_eq!(
        app.platform.calls(),
        vec![
            Call::Subscribe(expected.clone(), true),
            Call::Subscribe(expected.clone(), true)
        ]
    );

    // Asking for what is already so asks nothing.
    let tag = format!("\"{}\"", subscribed.version);
    let same = call(
        &app,
        Method::PATCH,
        &path,
        &admin,
        Some(&tag),
        Some(json!({"subscribed": true, "name": "Trails"})),
    )
    .await;
    assert_eq!(same.status(), StatusCode::OK);
    assert_eq!(app.platform.calls().len(), 2);
}

#[tokio::test]
async fn disconnecting_keeps_the_conversations_readable_and_refuses_their_actions() {
    let app = TestApp::spawn().await;
    let admin = app.token("demo", Role::Admin).await;
    let dana = app.token("demo", Role::Agent).await;
    let page = source_by_platform_id(&app, &admin, DEMO_PAGE).await;
    let facebook = app.conversation_id(&dana, "Maria").await;
    let on_x = app.conversation_id(&dana, "Kenji").await;

    let response = call(
        &app,
        Method::DELETE,
        &format!("/sources/{}", page.id.0),
        &admin,
        Some(&format!("\"{}\"", page.version)),
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let gone: SourceView = json(response).await;
    assert!(!gone.connected() && !gone.subscribed && !gone.token_set);
    assert_eq!(
        app.platform.calls(),
        vec![Call::Subscribe(
            Subscription {
                source: Source::Facebook,
                brand_id: DEMO_PAGE.into()
            },
            false
        )]
    );

    let read = app.read(&dana, facebook).await;
    assert!(
        read.brand.disconnected,
        "the conversation says its source is gone"
    );
    assert!(!read.messages.is_empty(), "and is still readable");
    let refused = app
        .send_message(&dana, facebook, &text_in(Space::Public, "Still there?"))
        .await;
    let problem_body = problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        problem_body.kind.ends_with("source-disconnected"),
        "{problem_body:?}"
    );
    let note = app
        .send_message(
            &dana,
            facebook,
            &text_in(Space::Internal, "Page is gone, see ticket"),
        )
        .await;
    assert_eq!(
        note.status(),
        StatusCode::CREATED,
        "internal notes still work"
    );

    // The X account of the same brand is not affected.
    assert!(!app.read(&dana, on_x).await.brand.disconnected);
    let on_x_reply = app
        .send_message(&dana, on_x, &text_in(Space::Private, "Thanks for waiting!"))
        .await;
    assert_eq!(on_x_reply.status(), StatusCode::CREATED);

    // Disconnecting again changes nothing; connecting again clears it.
    let again = call(
        &app,
        Method::DELETE,
        &format!("/sources/{}", page.id.0),
        &admin,
        None,
        None,
    )
    .await;
    assert_eq!(again.status(), StatusCode::OK);
    let reconnect = json!({"platform": "facebook", "platform_id": DEMO_PAGE, "name": "Acme Outdoor", "access_token": "EAAB-again"});
    let back = call(
        &app,
        Method::POST,
        "/sources",
        &admin,
        None,
        Some(reconnect),
    )
    .await;
    assert_eq!(back.status(), StatusCode::CREATED);
    let back: SourceView = json(back).await;
    assert_eq!(back.id, page.id, "the same source, with its conversations");
    assert!(back.connected() && back.token_set);
    assert!(!app.read(&dana, facebook).await.brand.disconnected);
}

#[tokio::test]
async fn routing_rules_are_checked_saved_once_per_version_and_previewed() {
    let app = TestApp::spawn().await;
    let admin = app.token("demo", Role::Admin).await;
    let read = call(&app, Method::GET, "/routing-rules", &admin, None, None).await;
    let tag = etag(&read);
    let saved: RoutingRules = json(read).await;
    assert_eq!(tag, format!("\"{}\"", saved.version));

    let broken = json!({
        "rules": [
            {"when": {"source": "facebook"}, "skill": "fb"},
            {"when": {"source": "facebook"}, "skill": "fb-again"},
            {"when": {"brand": DEMO_PAGE, "space": "public"}, "skill": "fb-public"},
            {"when": {"brand": "999"}, "skill": " "},
        ],
        "default_skill": "social-general",
    });
    let refused = call(
        &app,
        Method::PUT,
        "/routing-rules",
        &admin,
        Some(&tag),
        Some(broken),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = json(refused).await;
    assert!(body["type"]
        .as_str()
        .unwrap_or_default()
        .ends_with("routing-invalid"));
    let problems: Vec<&str> = body["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| p["problem"].as_str().expect("a name"))
        .collect();
    assert_eq!(
        problems,
        ["duplicate", "shadowed", "empty_skill", "unknown_brand"]
    );
    assert!(body["detail"]
        .as_str()
        .unwrap_or_default()
        .contains("Rule 2 repeats rule 1."));

    let good = json!({
        "rules": [
            {"when": {"brand": DEMO_PAGE, "space": "public"}, "skill": "social-fb-public"},
            {"when": {"source": "x"}, "skill": "social-x", "engagement": "x-care"},
        ],
        "default_skill": "social-general",
    });
    let missing = call(
        &app,
        Method::PUT,
        "/routing-rules",
        &admin,
        None,
        Some(good.clone()),
    )
    .await;
    problem(missing, StatusCode::PRECONDITION_REQUIRED).await;
    let done = call(
        &app,
        Method::PUT,
        "/routing-rules",
        &admin,
        Some(&tag),
        Some(good.clone()),
    )
    .await;
    assert_eq!(done.status(), StatusCode::OK);
    let now: RoutingRules = json(done).await;
    assert_eq!(now.version, saved.version + 1);
    assert_eq!(now.routing.rules.len(), 2);
    let stale = call(
        &app,
        Method::PUT,
        "/routing-rules",
        &admin,
        Some(&tag),
        Some(good),
    )
    .await;
    problem(stale, StatusCode::PRECONDITION_FAILED).await;

    let preview = |platform: &str, id: &str, space: &str, routing: Option<Value>| {
        let mut body = json!({"platform": platform, "platform_id": id, "space": space});
        if let Some(routing) = routing {
            body["routing"] = routing;
        }
        body
    };
    let answer = call(
        &app,
        Method::POST,
        "/routing-rules/preview",
        &admin,
        None,
        Some(preview("facebook", DEMO_PAGE, "public", None)),
    )
    .await;
    let public: Preview = json(answer).await;
    assert_eq!(
        public.sentence,
        "A public comment on page Acme Outdoor goes to skill social-fb-public (rule 1)."
    );
    let draft = json!({"rules": [], "default_skill": "everyone"});
    let answer = call(
        &app,
        Method::POST,
        "/routing-rules/preview",
        &admin,
        None,
        Some(preview("x", DEMO_X, "private", Some(draft))),
    )
    .await;
    let under_draft: Preview = json(answer).await;
    assert_eq!(under_draft.skill.as_deref(), Some("everyone"));
    assert_eq!(under_draft.rule, None);
    let unknown = call(
        &app,
        Method::POST,
        "/routing-rules/preview",
        &admin,
        None,
        Some(preview("x", "42", "public", None)),
    )
    .await;
    problem(unknown, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn every_change_is_in_the_audit_log_with_its_token_masked() {
    let app = TestApp::spawn().await;
    let admin = app.token("demo", Role::Admin).await;
    let created = connect_new_page(&app, &admin).await;
    let path = format!("/sources/{}", created.id.0);
    let changed = call(
        &app,
        Method::PATCH,
        &path,
        &admin,
        Some("\"1\""),
        Some(json!({"public_enabled": false, "access_token": "EAAB-second-token"})),
    )
    .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let changed: SourceView = json(changed).await;
    let disconnected = call(
        &app,
        Method::DELETE,
        &path,
        &admin,
        Some(&format!("\"{}\"", changed.version)),
        None,
    )
    .await;
    assert_eq!(disconnected.status(), StatusCode::OK);
    let rules = json!({"rules": [{"when": {"source": "x"}, "skill": "social-x"}]});
    let current: RoutingRules =
        json(call(&app, Method::GET, "/routing-rules", &admin, None, None).await).await;
    let saved = call(
        &app,
        Method::PUT,
        "/routing-rules",
        &admin,
        Some(&format!("\"{}\"", current.version)),
        Some(rules),
    )
    .await;
    assert_eq!(saved.status(), StatusCode::OK);

    let response = call(&app, Method::GET, "/audit", &admin, None, None).await;
    let body = response.text().await.expect("body");
    for secret in [NEW_TOKEN, "EAAB-second-token"] {
        assert!(!body.contains(secret), "{secret} is in the audit log");
    }
    let page: AuditPage = serde_json::from_str(&body).expect("an audit page");
    let actions: Vec<AuditAction> = page.entries.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            AuditAction::RoutingChanged,
            AuditAction::SourceDisconnected,
            AuditAction::SourceChanged,
            AuditAction::SourceConnected
        ]
    );
    let edit = &page.entries[2];
    assert_eq!(
        edit.target,
        format!("Facebook page Acme Trails ({NEW_PAGE})")
    );
    assert!(!edit.actor.is_empty());
    assert_eq!(
        edit.before.get("public_enabled").map(String::as_str),
        Some("on")
    );
    assert_eq!(
        edit.after.get("public_enabled").map(String::as_str),
        Some("off")
    );
    assert_eq!(
        edit.before.get("access_token").map(String::as_str),
        Some("(set)")
    );
    assert_eq!(
        edit.after.get("access_token").map(String::as_str),
        Some("(replaced)")
    );
    assert!(!edit.before.contains_key("name"), "only what changed");
    let gone = &page.entries[1];
    assert_eq!(gone.after.get("connected").map(String::as_str), Some("no"));
    assert_eq!(
        gone.after.get("access_token").map(String::as_str),
        Some("(not set)")
    );
    assert_eq!(
        page.entries[0].after.get("rule 001").map(String::as_str),
        Some("X → social-x")
    );

    let only = |query: &str| {
        let app = &app;
        let admin = admin.clone();
        let query = query.to_owned();
        async move {
            json::<AuditPage>(
                call(
                    app,
                    Method::GET,
                    &format!("/audit?{query}"),
                    &admin,
                    None,
                    None,
                )
                .await,
            )
            .await
        }
    };
    let connected = only("action=source_connected").await;
    assert_eq!(connected.entries.len(), 1);
    assert_eq!(connected.entries[0].action, AuditAction::SourceConnected);
    let by_source = only(&format!("source={}", created.id.0)).await;
    assert_eq!(by_source.entries.len(), 3);
    let actor = page.entries[0].actor.clone();
    let by_actor = only(&format!("actor={}", &actor[..3].to_lowercase())).await;
    assert_eq!(by_actor.entries.len(), 4);
    assert!(only("actor=nobody-like-this").await.entries.is_empty());
    let first_page = only("limit=3").await;
    assert_eq!(first_page.entries.len(), 3);
    let rest = only(&format!(
        "limit=3&before={}",
        first_page.next.expect("a next page")
    ))
    .await;
    assert_eq!(rest.entries.len(), 1);
    assert_eq!(rest.entries[0].action, AuditAction::SourceConnected);
    assert_eq!(rest.next, None);
    let bad = call(
        &app,
        Method::GET,
        "/audit?action=deleted_everything",
        &admin,
        None,
        None,
    )
    .await;
    problem(bad, StatusCode::BAD_REQUEST).await;

    // Another account's log is its own.
    let globex = app.token("other", Role::Admin).await;
    assert!(
        json::<AuditPage>(call(&app, Method::GET, "/audit", &globex, None, None).await)
            .await
            .entries
            .is_empty()
    );
}

#[tokio::test]
async fn tokens_given_to_the_admin_api_never_reach_the_log_or_an_answer() {
    let (captured, _logging) = crate::helpers::capture_logs();
    let app = TestApp::spawn().await;
    let admin = app.token("demo", Role::Admin).await;
    let mut answers = String::new();
    let created = call(
        &app,
        Method::POST,
        "/sources",
        &admin,
        None,
        Some(new_page()),
    )
    .await;
    answers.push_str(&created.text().await.expect("body"));
    let path = "/sources/".to_owned()
        + &source_by_platform_id(&app, &admin, NEW_PAGE)
            .await
            .id
            .0
            .to_string();
    // A token too long, then a good one, then a subscription the platform refuses.
    let too_long = format!("{NEW_TOKEN}{}", "x".repeat(5000));
    let refused = call(
        &app,
        Method::PATCH,
        &path,
        &admin,
        Some("\"1\""),
        Some(json!({"access_token": too_long})),
    )
    .await;
    answers.push_str(&refused.text().await.expect("body"));
    let replaced = call(
        &app,
        Method::PATCH,
        &path,
        &admin,
        Some("\"1\""),
        Some(json!({"access_token": "EAAB-replacement"})),
    )
    .await;
    answers.push_str(&replaced.text().await.expect("body"));
    app.platform
        .fail_next("(#190) Error validating access token");
    let failed = call(
        &app,
        Method::PATCH,
        &path,
        &admin,
        Some("*"),
        Some(json!({"subscribed": true})),
    )
    .await;
    answers.push_str(&failed.text().await.expect("body"));
    let unknown = call(
        &app,
        Method::PATCH,
        &path,
        &admin,
        Some("*"),
        Some(json!({"token": "EAAB-misnamed"})),
    )
    .await;
    answers.push_str(&unknown.text().await.expect("body"));
    answers.push_str(
        &call(&app, Method::GET, "/audit", &admin, None, None)
            .await
            .text()
            .await
            .expect("body"),
    );
    answers.push_str(
        &call(&app, Method::DELETE, &path, &admin, None, None)
            .await
            .text()
            .await
            .expect("body"),
    );

    let logs = captured.text();
    assert!(
        logs.contains("source connected"),
        "nothing captured: {logs}"
    );
    assert!(
        logs.contains("the platform refused a subscription change"),
        "{logs}"
    );
    for secret in [NEW_TOKEN, "EAAB-replacement", "EAAB-misnamed"] {
        assert!(!logs.contains(secret), "{secret} was logged: {logs}");
        assert!(
            !answers.contains(secret),
            "{secret} was answered: {answers}"
        );
    }
}

#[tokio::test]
async fn a_platform_refusal_is_the_sources_last_error_until_a_call_succeeds() {
    let app = TestApp::spawn().await;
    let admin = app.token("demo", Role::Admin).await;
    let dana = app.token("demo", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    app.platform
        .fail_next("(#10) This message is sent outside of allowed window.");
    let sent = app
        .send_message(
            &dana,
            maria,
            &text_in(Space::Public, "Let me check that for you."),
        )
        .await;
    assert_eq!(
        sent.status(),
        StatusCode::CREATED,
        "a refusal is the message's outcome"
    );
    let page = source_by_platform_id(&app, &admin, DEMO_PAGE).await;
    assert_eq!(
        page.last_error.as_deref(),
        Some("(#10) This message is sent outside of allowed window.")
    );
    let x = source_by_platform_id(&app, &admin, DEMO_X).await;
    assert_eq!(x.last_error, None, "only the source that called");

    let again = app
        .send_message(
            &dana,
            maria,
            &text_in(Space::Public, "Found it: it ships Monday."),
        )
        .await;
    assert_eq!(again.status(), StatusCode::CREATED);
    let page_now = source_by_platform_id(&app, &admin, DEMO_PAGE).await;
    assert_eq!(page_now.last_error, None, "a success clears it");
    assert_eq!(
        page_now.version, page.version,
        "not an edit: the version stays"
    );
}
