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
