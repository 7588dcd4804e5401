//! The widget inside an agent workspace: how the server hands the widget its settings,
//! how an agent signs in there, and how a workspace's own conversation id is resolved to
//! ours. The postMessage protocol itself is the widget's (`src/host/`) and the README's.

use serde::{Deserialize, Serialize};

use crate::model::{ConversationId, Role, Timestamp};

/// The id of the `<script type="application/json">` element the server writes into the
/// widget's HTML with a [`WidgetConfig`]: read at start, before any request.
pub const CONFIG_ELEMENT_ID: &str = "social-widget-config";

/// What the server tells the widget page about where it runs (never a secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct WidgetConfig {
    /// The exact origins (`scheme://host[:port]`) allowed to frame the widget, from the
    /// server's `--frame-ancestors`. Wildcard sources are left out: postMessage is only
    /// accepted from exact origins.
    pub host_origins: Vec<String>,
    /// `--frame-ancestors` has `'self'`: a page of the widget's own origin may host it.
    pub same_origin_host: bool,
    /// Demo mode: the sign-in form offers the demo agents.
    pub demo: bool,
}

/// The agent workspaces the widget knows, each naming conversations by ids of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Workspace {
    /// LivePerson's Agent Workspace: the messaging conversation id (`chatInfo.rtSessionId`).
    Liveperson,
    /// Any workspace speaking the widget's postMessage protocol.
    Custom,
}

/// Answer of `GET /api/workspaces/{workspace}/conversations/{workspace_id}`: our id for a
/// workspace's conversation. A 404 means it is not a Facebook or X conversation of the
/// signed-in agent's account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceConversation {
    pub id: ConversationId,
}

/// Body of `POST /api/session`: an agent signs in with e-mail and password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    pub email: String,
    pub password: String,
}

/// Answer of `POST /api/session` and `POST /api/demo/session`: a bearer token, and until
/// when it holds without use (each use moves this on, up to an absolute cap).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSession {
    pub token: String,
    pub expires_at: Timestamp,
}

/// One agent the demo sign-in offers (`GET /api/demo/agents`, demo mode only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoAgent {
    /// The account's slug, for `POST /api/demo/session`.
    pub account: String,
    /// The account's name, as the agent reads it.
    pub account_name: String,
    pub name: String,
    pub role: Role,
}
