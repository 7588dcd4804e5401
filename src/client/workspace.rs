//! Calls of the widget inside a workspace: signing in and out, the demo agents, and which
//! of our conversations a workspace's id names.

use social_api::workspace::{DemoAgent, NewSession, SignIn, Workspace, WorkspaceConversation};
use social_api::{names::name_of, ConversationId};

use super::{body, fetch::call, fetch::fetch_json, ApiError};

/// `POST /api/session`: signs an agent in with e-mail and password.
pub async fn sign_in(email: &str, password: &str) -> Result<NewSession, ApiError> {
    let request = body(&SignIn {
        email: email.to_owned(),
        password: password.to_owned(),
    })?;
    call("POST", "/session", None, Some(&request)).await
}

/// `POST /api/session/logout`: ends the session of `token`.
pub async fn sign_out(token: &str) -> Result<(), ApiError> {
    fetch_json("POST", "/session/logout", Some(token), None)
        .await
        .map(drop)
}

/// `GET /api/demo/agents` (demo mode only): whom the sign-in form offers.
pub async fn demo_agents() -> Result<Vec<DemoAgent>, ApiError> {
    call("GET", "/demo/agents", None, None).await
}

/// `GET /api/workspaces/{workspace}/conversations/{id}`: our conversation for a workspace's
/// id; `NotFound` when it is not a Facebook or X conversation of this account.
pub async fn resolve(
    token: &str,
    workspace: Workspace,
    id: &str,
) -> Result<ConversationId, ApiError> {
    let id = String::from(js_sys::encode_uri_component(id));
    let path = format!("/workspaces/{}/conversations/{id}", name_of(&workspace));
    let answer: WorkspaceConversation = call("GET", &path, Some(token), None).await?;
    Ok(answer.id)
}
