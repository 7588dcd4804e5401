//! Agent workspaces' own conversation ids, resolved to ours within the session's account.

use crate::helpers::*;
use reqwest::StatusCode;
use social_api::workspace::WorkspaceConversation;
use social_api::Role;
use social_server::demo::workspace_ids;

const NOT_OURS: &str = "This conversation is not a Facebook or X conversation.";

#[tokio::test]
async fn a_custom_and_a_liveperson_id_resolve_to_the_same_conversation() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let ids = workspace_ids("demo", 1);
    let (liveperson, custom) = (&ids[0].1, &ids[1].1);
    assert_eq!(custom, "acme-ws-1");

    let by_custom: WorkspaceConversation = json(app.resolve(&dana, "custom", custom).await).await;
    let by_liveperson: WorkspaceConversation =
        json(app.resolve(&dana, "liveperson", liveperson).await).await;

    assert_eq!(by_custom, by_liveperson);
    let conversation = app.read(&dana, by_custom.id).await;
    let first = app.conversation_id(&dana, "Maria").await;
    assert_eq!(
        conversation.id, first,
        "the first demo conversation is Maria's"
    );
}

#[tokio::test]
async fn every_demo_conversation_has_an_id_in_both_workspaces() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let mut listed: Vec<_> = app
        .list(&dana, Some("all"))
        .await
        .iter()
        .map(|c| c.id)
        .collect();
    listed.sort();
    let mut resolved = Vec::new();
    for n in 1..=listed.len() {
        let mut pair = Vec::new();
        for (workspace, id) in workspace_ids("demo", n) {
            let name = social_api::names::name_of(&workspace);
            let found: WorkspaceConversation = json(app.resolve(&dana, &name, &id).await).await;
            pair.push(found.id);
        }
        assert_eq!(pair[0], pair[1], "conversation {n}");
        resolved.push(pair[0]);
    }
    resolved.sort();
    assert_eq!(resolved, listed);
}

#[tokio::test]
async fn an_unknown_id_and_another_accounts_id_answer_the_same_404_in_words() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let gus = app.token("other", Role::Agent).await;
    let globex = &workspace_ids("other", 1)[1].1;
    let theirs: WorkspaceConversation = json(app.resolve(&gus, "custom", globex).await).await;
    assert!(theirs.id.0 > 0);

    let unknown = problem(
        app.resolve(&dana, "liveperson", "web-chat-4711").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let other_account = problem(
        app.resolve(&dana, "custom", globex).await,
        StatusCode::NOT_FOUND,
    )
    .await;

    assert_eq!(unknown.detail.as_deref(), Some(NOT_OURS));
    assert_eq!(other_account, unknown);
    // A custom id is not a LivePerson id.
    problem(
        app.resolve(&dana, "liveperson", "acme-ws-1").await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn an_unknown_workspace_is_a_400_naming_the_known_ones() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let p = problem(
        app.resolve(&dana, "zendesk", "acme-ws-1").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    let detail = p.detail.expect("a detail");
    assert!(
        detail.contains("zendesk") && detail.contains("`liveperson` or `custom`"),
        "{detail}"
    );
}

#[tokio::test]
async fn resolving_needs_a_session() {
    let app = TestApp::spawn().await;
    problem(
        app.get("/api/workspaces/custom/conversations/acme-ws-1", None)
            .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

const LINKED_ID: &str = "deployment-ws-4711";

#[tokio::test]
async fn an_admin_records_a_workspace_id_and_the_widget_resolves_it() {
    let app = TestApp::spawn().await;
    let alex = app.token("demo", Role::Admin).await;
    let maria = app.conversation_id(&alex, "Maria").await;

    let linked = app
        .link_workspace_id(&alex, maria, "custom", LINKED_ID)
        .await;
    assert_eq!(linked.status(), StatusCode::NO_CONTENT);

    let dana = app.token("demo", Role::Agent).await;
    let found: WorkspaceConversation = json(app.resolve(&dana, "custom", LINKED_ID).await).await;
    assert_eq!(found.id, maria);
    // It replaced the conversation's custom id; its LivePerson id stays.
    problem(
        app.resolve(&dana, "custom", "acme-ws-1").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let liveperson = &workspace_ids("demo", 1)[0].1;
    let same: WorkspaceConversation =
        json(app.resolve(&dana, "liveperson", liveperson).await).await;
    assert_eq!(same.id, maria);
    // Recording it again changes nothing.
    assert_eq!(
        app.link_workspace_id(&alex, maria, "custom", LINKED_ID)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    // As long as the widget's protocol carries.
    let longest = "w".repeat(512);
    assert_eq!(
        app.link_workspace_id(&alex, maria, "liveperson", &longest)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    let found: WorkspaceConversation = json(app.resolve(&dana, "liveperson", &longest).await).await;
    assert_eq!(found.id, maria);
}

#[tokio::test]
async fn only_an_admin_records_workspace_ids() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let maria = app.conversation_id(&dana, "Maria").await;
    let before = app.count("workspace_conversations").await;

    let refused = problem(
        app.link_workspace_id(&dana, maria, "custom", LINKED_ID)
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;

    assert_eq!(refused.kind, "urn:social-widget:admin-only");
    assert!(
        refused
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("admin")),
        "{refused:?}"
    );
    assert_eq!(app.count("workspace_conversations").await, before);
    problem(
        app.resolve(&dana, "custom", LINKED_ID).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let anonymous = app
        .client
        .put(format!(
            "{}/api/conversations/{maria}/workspace-ids/custom",
            app.base
        ))
        .json(&serde_json::json!({ "workspace_id": LINKED_ID }))
        .send()
        .await
        .expect("PUT");
    problem(anonymous, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn another_accounts_conversation_is_not_there() {
    let app = TestApp::spawn().await;
    let alex = app.token("demo", Role::Admin).await;
    let maria = app.conversation_id(&alex, "Maria").await;
    let greta = app.token("other", Role::Admin).await;

    let theirs = problem(
        app.link_workspace_id(&greta, maria, "custom", LINKED_ID)
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let missing = problem(
        app.link_workspace_id(
            &greta,
            social_api::ConversationId(999_999),
            "custom",
            LINKED_ID,
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(theirs, missing);
    problem(
        app.resolve(&alex, "custom", LINKED_ID).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn an_id_naming_another_conversation_of_the_account_is_a_409_in_words() {
    let app = TestApp::spawn().await;
    let alex = app.token("demo", Role::Admin).await;
    let maria = app.conversation_id(&alex, "Maria").await;
    let second = &workspace_ids("demo", 2)[1].1;
    let james: WorkspaceConversation = json(app.resolve(&alex, "custom", second).await).await;

    let taken = problem(
        app.link_workspace_id(&alex, maria, "custom", second).await,
        StatusCode::CONFLICT,
    )
    .await;

    assert_eq!(taken.kind, "urn:social-widget:workspace-id-taken");
    let detail = taken.detail.expect("a detail");
    assert!(
        detail.contains(&format!("\"{second}\""))
            && detail.contains(&format!("conversation {}", james.id)),
        "{detail}"
    );
    // Nothing moved.
    let still: WorkspaceConversation = json(app.resolve(&alex, "custom", second).await).await;
    assert_eq!(still, james);
    let first: WorkspaceConversation = json(app.resolve(&alex, "custom", "acme-ws-1").await).await;
    assert_eq!(first.id, maria);
    // Another account may use the same id for a conversation of its own.
    let greta = app.token("other", Role::Admin).await;
    let theirs = app.list(&greta, Some("all")).await[0].id;
    assert_eq!(
        app.link_workspace_id(&greta, theirs, "custom", second)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn a_bad_workspace_or_id_is_a_400_and_an_unknown_field_a_422() {
    let app = TestApp::spawn().await;
    let alex = app.token("demo", Role::Admin).await;
    let maria = app.conversation_id(&alex, "Maria").await;
    let before = app.count("workspace_conversations").await;

    let zendesk = problem(
        app.link_workspace_id(&alex, maria, "zendesk", LINKED_ID)
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(zendesk
        .detail
        .is_some_and(|d| d.contains("`liveperson` or `custom`")));
    let too_long = "w".repeat(513);
    for (id, says) in [
        ("", "empty"),
        ("   ", "empty"),
        (too_long.as_str(), "513 characters"),
        ("ws\u{0}1", "control character"),
        ("ws\n1", "control character"),
    ] {
        let bad = problem(
            app.link_workspace_id(&alex, maria, "custom", id).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert!(
            bad.detail.as_deref().is_some_and(|d| d.contains(says)),
            "{id:?}: {bad:?}"
        );
    }
    problem(
        app.link_workspace_id_raw(
            &alex,
            &maria.to_string(),
            "custom",
            r#"{"workspace_id":"x","conversation_id":2}"#,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(app.count("workspace_conversations").await, before);
}
