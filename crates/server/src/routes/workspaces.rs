//! `GET /api/workspaces/{workspace}/conversations/{workspace_id}`: our id for the
//! conversation an agent workspace has in focus, in the session's account. A 404 is how
//! the widget learns the workspace's conversation is not one of ours (a web chat, say).

use axum::extract::State;
use axum::Json;
use social_api::names::parse_name;
use social_api::workspace::{Workspace, WorkspaceConversation};

use crate::app::AppState;
use crate::auth::AgentSession;
use crate::error::{ApiError, ApiPath};

pub async fn resolve(
    State(state): State<AppState>,
    AgentSession(session): AgentSession,
    ApiPath((workspace, workspace_id)): ApiPath<(String, String)>,
) -> Result<Json<WorkspaceConversation>, ApiError> {
    let workspace: Workspace = parse_name(&workspace).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "There is no workspace {workspace:?}: use `liveperson` or `custom`."
        ))
    })?;
    state
        .store
        .workspace_conversation(&session, workspace, &workspace_id)
        .await?
        .map(|id| Json(WorkspaceConversation { id }))
        .ok_or(ApiError::NotFound(
            "This conversation is not a Facebook or X conversation.",
        ))
}
