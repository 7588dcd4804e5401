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

/// The longest workspace id kept, in characters: the widget's postMessage protocol carries
/// texts of up to 512.
pub const MAX_WORKSPACE_ID_CHARS: usize = 512;

/// Body of `PUT /api/conversations/{id}/workspace-ids/{workspace}` (admins only): the
/// workspace calls the conversation `workspace_id` from now on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceIdLink {
    pub workspace_id: String,
}

/// Why a workspace id cannot be recorded; the text is the answer's detail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadWorkspaceId {
    #[error("The workspace id is empty.")]
    Empty,
    #[error(
        "The workspace id is {length} characters long; at most {MAX_WORKSPACE_ID_CHARS} are kept."
    )]
    TooLong { length: usize },
    #[error("The workspace id contains a control character (U+{code:04X}).")]
    ControlCharacter { code: u32 },
}

/// Whether `id` can be a workspace's name for a conversation: something besides spaces,
/// at most [`MAX_WORKSPACE_ID_CHARS`], no control character (as the widget's protocol
/// takes its texts, so every id the widget sends can be recorded).
pub fn check_workspace_id(id: &str) -> Result<(), BadWorkspaceId> {
    if id.trim().is_empty() {
        return Err(BadWorkspaceId::Empty);
    }
    let length = id.chars().count();
    if length > MAX_WORKSPACE_ID_CHARS {
        return Err(BadWorkspaceId::TooLong { length });
    }
    match id.chars().find(|c| c.is_control()) {
        Some(c) => Err(BadWorkspaceId::ControlCharacter { code: c.into() }),
        None => Ok(()),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_ids_are_visible_text_of_at_most_512_characters() {
        let at_most = "é".repeat(MAX_WORKSPACE_ID_CHARS);
        let too_long = "a".repeat(MAX_WORKSPACE_ID_CHARS + 1);
        let cases: [(&str, Result<(), BadWorkspaceId>); 9] = [
            ("acme-ws-1", Ok(())),
            ("3f2b9c1e-7a4d-4c2b-9e1f-0a1b2c3d4e5f", Ok(())),
            ("an id with spaces", Ok(())),
            (&at_most, Ok(())),
            ("", Err(BadWorkspaceId::Empty)),
            ("  ", Err(BadWorkspaceId::Empty)),
            (&too_long, Err(BadWorkspaceId::TooLong { length: 513 })),
            (
                "ws\n1",
                Err(BadWorkspaceId::ControlCharacter { code: 0x0a }),
            ),
            (
                "ws\u{7f}",
                Err(BadWorkspaceId::ControlCharacter { code: 0x7f }),
            ),
        ];
        for (id, expected) in cases {
            assert_eq!(check_workspace_id(id), expected, "{id:?}");
        }
    }

    #[test]
    fn a_bad_workspace_id_says_what_is_wrong() {
        assert_eq!(
            BadWorkspaceId::TooLong { length: 600 }.to_string(),
            "The workspace id is 600 characters long; at most 512 are kept."
        );
        assert_eq!(
            BadWorkspaceId::ControlCharacter { code: 9 }.to_string(),
            "The workspace id contains a control character (U+0009)."
        );
    }

    #[test]
    fn a_link_refuses_unknown_fields() {
        let read = |json: &str| serde_json::from_str::<WorkspaceIdLink>(json);
        assert_eq!(
            read(r#"{"workspace_id":"acme-ws-9"}"#).expect("reads"),
            WorkspaceIdLink {
                workspace_id: "acme-ws-9".into()
            }
        );
        assert!(read(r#"{"workspace_id":"x","workspace":"custom"}"#).is_err());
    }
}
