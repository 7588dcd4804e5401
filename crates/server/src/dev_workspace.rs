//! `--dev-workspace-port` (demo mode only): a second listener on the same host whose pages
//! imitate an agent workspace on another origin than the widget's, framing it the way
//! LivePerson's Agent Workspace or a custom workspace would. Its files are compiled in from
//! `crates/server/dev-workspace/`; `/workspace-api/*` is the pretend workspace's backend,
//! signed in as Dana of the `demo` account.

use axum::extract::State;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use social_api::workspace::{NewSession, Workspace};
use social_api::{ListView, Role, Source, Space};
use std::collections::HashMap;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::app::AppState;
use crate::auth::{new_token, token_sha256};
use crate::config::Config;
use crate::error::{ApiError, ApiQuery};
use crate::store::Session;

/// LivePerson's SDK stand-in, also served by the main origin in demo mode (see
/// [`STANDIN_PATH`]) so the framed widget can load it as `--liveperson-sdk`.
pub const STANDIN_JS: &str = include_str!("../dev-workspace/lp-agent-sdk-standin.js");
/// Where the main origin serves [`STANDIN_JS`] in demo mode.
pub const STANDIN_PATH: &str = "/dev-workspace/lp-agent-sdk-standin.js";

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";

/// The files, by path: `/` and `/liveperson` are the two workspaces' pages.
const FILES: [(&str, &str, &str); 7] = [
    ("/", HTML, include_str!("../dev-workspace/index.html")),
    (
        "/liveperson",
        HTML,
        include_str!("../dev-workspace/liveperson.html"),
    ),
    (
        "/workspace.js",
        JS,
        include_str!("../dev-workspace/workspace.js"),
    ),
    (
        "/workspace-shared.js",
        JS,
        include_str!("../dev-workspace/workspace-shared.js"),
    ),
    (
        "/workspace.css",
        CSS,
        include_str!("../dev-workspace/workspace.css"),
    ),
    (
        "/liveperson-host.js",
        JS,
        include_str!("../dev-workspace/liveperson-host.js"),
    ),
    ("/lp-agent-sdk-standin.js", JS, STANDIN_JS),
];

/// A host name as a browser's address bar has it: an unspecified address (listen on
/// every interface) becomes loopback, an IPv6 address gets its brackets.
pub fn browser_host(host: &str) -> String {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) if ip.is_unspecified() && ip.is_ipv4() => "127.0.0.1".into(),
        Ok(ip) if ip.is_unspecified() => "[::1]".into(),
        Ok(std::net::IpAddr::V6(ip)) => format!("[{ip}]"),
        Ok(ip) => ip.to_string(),
        Err(_) => bare.to_ascii_lowercase(),
    }
}

/// The dev workspace's origin, when it runs (`config.dev_workspace_port` is the port it
/// listens on).
pub fn origin(config: &Config) -> Option<String> {
    config
        .dev_workspace_port
        .map(|port| format!("http://{}:{port}", browser_host(&config.host)))
}

/// What the dev workspace's handlers share.
#[derive(Clone)]
struct DevWorkspace {
    app: AppState,
    /// The framed widget, on the main listener.
    widget_url: String,
}

/// The dev workspace's whole site.
pub fn router(app: AppState, config: &Config) -> Router {
    let widget_origin = format!("http://{}:{}", browser_host(&config.host), config.port);
    let csp = format!(
        "default-src 'self'; frame-src {widget_origin}; script-src 'self'; style-src 'self'; \
         img-src 'self' data: https:"
    );
    let state = DevWorkspace {
        app,
        widget_url: format!("{widget_origin}/"),
    };
    let mut router = Router::new();
    for (path, content_type, body) in FILES {
        let csp = (content_type == HTML).then(|| csp.clone());
        router = router.route(
            path,
            get(move || async move { file(content_type, body, csp.as_deref()) }),
        );
    }
    router
        .route("/workspace-api/config", get(workspace_config))
        .route("/workspace-api/conversations", get(conversations))
        .route("/workspace-api/session", post(session))
        .fallback(|| async { ApiError::NotFound("The dev workspace has no such page.") })
        .with_state(state)
        .layer(SetResponseHeaderLayer::if_not_present(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
}

/// A compiled-in file; never cached, so an edited file shows on reload after a rebuild.
pub fn file(content_type: &'static str, body: &'static str, csp: Option<&str>) -> Response {
    let mut response = (
        [
            (CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response();
    if let Some(csp) = csp.and_then(|csp| HeaderValue::from_str(csp).ok()) {
        response.headers_mut().insert(CONTENT_SECURITY_POLICY, csp);
    }
    response
}

/// Dana, whom the pretend workspace has signed in.
async fn dana(state: &DevWorkspace) -> Result<Session, ApiError> {
    state
        .app
        .store
        .human_agent("demo", Role::Agent)
        .await?
        .ok_or(ApiError::Unavailable(
            "The demo account has no agent: start the server with --demo on a fresh database.",
        ))
}

/// The workspace's own agent, as a workspace names agents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceAgent {
    pub id: String,
    pub name: String,
}

/// Answer of `GET /workspace-api/config`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceConfig {
    /// The framed widget's page (`http://{host}:{main port}/`).
    pub widget_url: String,
    pub agent: WorkspaceAgent,
}

async fn workspace_config(
    State(state): State<DevWorkspace>,
) -> Result<Json<WorkspaceConfig>, ApiError> {
    let dana = dana(&state).await?;
    Ok(Json(WorkspaceConfig {
        widget_url: state.widget_url.clone(),
        agent: WorkspaceAgent {
            id: dana.agent.id.to_string(),
            name: dana.agent.name,
        },
    }))
}

/// One row of the pretend workspace's conversation list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceRow {
    /// The id LivePerson's workspace would give it.
    pub liveperson_id: String,
    /// The id a custom workspace gives it.
    pub custom_id: String,
    pub consumer_name: String,
    pub source: Source,
    pub space: Space,
    pub last_message_preview: String,
    pub assigned_to: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ListParams {
    #[serde(default)]
    view: ListView,
}

/// Dana's lists, as the API gives them, with each conversation's workspace ids; one
/// without ids could not be focused by a workspace and is left out.
async fn conversations(
    State(state): State<DevWorkspace>,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<Vec<WorkspaceRow>>, ApiError> {
    let dana = dana(&state).await?;
    let store = &state.app.store;
    let ids = |pairs: Vec<_>| pairs.into_iter().collect::<HashMap<_, String>>();
    let liveperson = ids(store.workspace_ids(&dana, Workspace::Liveperson).await?);
    let custom = ids(store.workspace_ids(&dana, Workspace::Custom).await?);
    let rows = store
        .conversations(&dana, params.view)
        .await?
        .into_iter()
        .filter_map(|c| {
            Some(WorkspaceRow {
                liveperson_id: liveperson.get(&c.id)?.clone(),
                custom_id: custom.get(&c.id)?.clone(),
                consumer_name: c.consumer_name,
                source: c.source,
                space: c.space,
                last_message_preview: c.last_message_preview,
                assigned_to: c.assigned_to,
            })
        })
        .collect();
    Ok(Json(rows))
}

/// A session for Dana, as a workspace's backend would get one for the widget.
async fn session(State(state): State<DevWorkspace>) -> Result<Json<NewSession>, ApiError> {
    let dana = dana(&state).await?;
    let token = new_token();
    let now = state.app.now();
    let ends = state.app.sessions.open(now);
    state
        .app
        .store
        .create_session(&dana, &token_sha256(&token), now, ends)
        .await?;
    tracing::info!("dev workspace session opened for the demo agent");
    Ok(Json(NewSession {
        token,
        expires_at: ends.idle_expires_at,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_written_as_a_browser_reaches_them() {
        assert_eq!(browser_host("0.0.0.0"), "127.0.0.1");
        assert_eq!(browser_host("::"), "[::1]");
        assert_eq!(browser_host("::1"), "[::1]");
        assert_eq!(browser_host("[::1]"), "[::1]");
        assert_eq!(browser_host("127.0.0.1"), "127.0.0.1");
        assert_eq!(browser_host("LocalHost"), "localhost");
    }

    #[test]
    fn every_page_and_script_is_compiled_in() {
        for (path, content_type, body) in FILES {
            assert!(!body.trim().is_empty(), "{path}");
            assert!(content_type.contains("charset=utf-8"), "{path}");
        }
        assert!(FILES.iter().any(|(path, _, _)| *path == "/liveperson"));
    }
}
