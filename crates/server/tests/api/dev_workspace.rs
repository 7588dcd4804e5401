//! The dev agent workspace on a second origin: its pages and their CSP, its pretend
//! backend (`/workspace-api/*`), and how it joins the widget's frame-ancestors.

use crate::helpers::*;
use reqwest::StatusCode;
use social_api::workspace::WorkspaceConversation;
use social_api::{Me, NewSession, Role};
use social_server::dev_workspace::{WorkspaceConfig, WorkspaceRow};

async fn spawn() -> TestApp {
    TestApp::spawn_with(Options {
        dev_workspace: true,
        ..Options::default()
    })
    .await
}

#[tokio::test]
async fn the_pages_and_scripts_are_served_with_a_policy_of_their_own() {
    let app = spawn().await;
    let expected_csp = format!(
        "default-src 'self'; frame-src {}; script-src 'self'; style-src 'self'; \
         img-src 'self' data: https:",
        app.base
    );
    for (path, marker) in [("/", "Dev agent workspace"), ("/liveperson", "LivePerson")] {
        let page = app.dev_get(path).await;
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        assert_eq!(
            header_of(&page, "content-type"),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(
            header_of(&page, "content-security-policy"),
            Some(expected_csp.as_str()),
            "{path}"
        );
        assert!(page.text().await.expect("body").contains(marker), "{path}");
    }
    for path in [
        "/workspace.js",
        "/workspace-shared.js",
        "/liveperson-host.js",
        "/lp-agent-sdk-standin.js",
    ] {
        let script = app.dev_get(path).await;
        assert_eq!(script.status(), StatusCode::OK, "{path}");
        assert_eq!(
            header_of(&script, "content-type"),
            Some("text/javascript; charset=utf-8"),
            "{path}"
        );
        assert_eq!(
            header_of(&script, "x-content-type-options"),
            Some("nosniff")
        );
    }
    let css = app.dev_get("/workspace.css").await;
    assert_eq!(
        header_of(&css, "content-type"),
        Some("text/css; charset=utf-8")
    );
    problem(app.dev_get("/nope").await, StatusCode::NOT_FOUND).await;
    // The API is the main origin's, not the dev workspace's.
    problem(app.dev_get("/api/me").await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn its_config_names_the_widget_and_dana() {
    let app = spawn().await;
    let config: WorkspaceConfig = json(app.dev_get("/workspace-api/config").await).await;
    assert_eq!(config.widget_url, format!("{}/", app.base));
    assert_eq!(config.agent.name, "Dana Agent");
    let dana = app.token("demo", Role::Agent).await;
    let me: Me = json(app.me(Some(&dana)).await).await;
    assert_eq!(config.agent.id, me.agent.id.to_string());
}

#[tokio::test]
async fn its_lists_are_danas_with_each_conversations_workspace_ids() {
    let app = spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    for view in ["mine", "all"] {
        let rows: Vec<WorkspaceRow> = json(
            app.dev_get(&format!("/workspace-api/conversations?view={view}"))
                .await,
        )
        .await;
        let api = app.list(&dana, Some(view)).await;
        assert_eq!(rows.len(), api.len(), "{view}");
        for (row, summary) in rows.iter().zip(&api) {
            assert_eq!(row.consumer_name, summary.consumer_name);
            assert_eq!(row.source, summary.source);
            assert_eq!(row.space, summary.space);
            assert_eq!(row.assigned_to, summary.assigned_to);
            for (workspace, id) in [
                ("custom", &row.custom_id),
                ("liveperson", &row.liveperson_id),
            ] {
                let found: WorkspaceConversation =
                    json(app.resolve(&dana, workspace, id).await).await;
                assert_eq!(found.id, summary.id, "{view} {workspace} {id}");
            }
        }
    }
    let all: serde_json::Value =
        json(app.dev_get("/workspace-api/conversations?view=all").await).await;
    let chris = all
        .as_array()
        .expect("a list")
        .iter()
        .find(|row| row["consumer_name"] == "Chris Doe")
        .expect("Chris, assigned to Alex");
    assert_eq!(chris["source"], "x");
    assert_eq!(chris["space"], "private");
    assert_eq!(chris["assigned_to"], "Alex Admin");
    let mut keys: Vec<_> = chris
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "assigned_to",
            "consumer_name",
            "custom_id",
            "last_message_preview",
            "liveperson_id",
            "source",
            "space"
        ]
    );
    problem(
        app.dev_get("/workspace-api/conversations?view=bogus").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
}

#[tokio::test]
async fn its_session_signs_dana_in_on_the_widgets_api() {
    let app = spawn().await;
    let now = app.clock.now();
    let session: NewSession = json(app.dev_post("/workspace-api/session").await).await;
    assert_eq!(session.expires_at.0, now.0 + 8 * HOUR_MS);
    let me: Me = json(app.me(Some(&session.token)).await).await;
    assert_eq!(
        (me.agent.name.as_str(), me.account.as_str()),
        ("Dana Agent", "demo")
    );
}

#[tokio::test]
async fn its_origin_may_frame_the_widget_and_send_it_messages() {
    let app = spawn().await;
    let origin = app.dev_base.clone().expect("running");
    let page = app.get("/", None).await;
    let csp = header_of(&page, "content-security-policy")
        .expect("a CSP")
        .to_owned();
    assert!(
        csp.ends_with(&format!("frame-ancestors {FRAME_ANCESTORS} {origin}")),
        "{csp}"
    );
    let config = widget_config(&page.text().await.expect("body"));
    assert_eq!(
        config.host_origins,
        ["https://z1.le.liveperson.example".to_owned(), origin]
    );
    assert!(config.demo && config.same_origin_host);
}

#[tokio::test]
async fn the_sdk_stand_in_is_on_the_main_origin_in_demo_mode_only() {
    let app = TestApp::spawn().await;
    let standin = app
        .get("/dev-workspace/lp-agent-sdk-standin.js", None)
        .await;
    assert_eq!(standin.status(), StatusCode::OK);
    assert_eq!(
        header_of(&standin, "content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(standin.text().await.expect("body").contains("agentSDK"));

    let production = TestApp::spawn_with(Options {
        demo: false,
        ..Options::default()
    })
    .await;
    let fallback = production
        .get("/dev-workspace/lp-agent-sdk-standin.js", None)
        .await;
    assert_eq!(
        fallback.status(),
        StatusCode::NOT_FOUND,
        "a missing file, as any other: not the widget's page"
    );
    assert!(!fallback.text().await.expect("body").contains("agentSDK"));
}
