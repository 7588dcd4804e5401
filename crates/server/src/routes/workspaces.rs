//! `GET /api/workspaces/{workspace}/conversations/{workspace_id}`: our id for the
//! conversation an agent workspace has in focus, in the session's account. A 404 is how
//! the widget learns the workspace's conversation is not one of ours (a web chat, say).
//! `PUT /api/conversations/{id}/workspace-ids/{workspace}`: an admin records that id.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use social_api::names::{name_of, parse_name};
use social_api::workspace::{
    check_workspace_id, Workspace, WorkspaceConversation, WorkspaceIdLink,
};
use social_api::ConversationId;

use crate::app::AppState;
use crate::auth::{AdminSession, AgentSession};
use crate::error::{ApiError, ApiJson, ApiPath};
use crate::store::WorkspaceLink;

/// A workspace of the path, or a 400 naming the known ones.
fn workspace_named(workspace: &str) -> Result<Workspace, ApiError> {
    parse_name(workspace).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "There is no workspace {workspace:?}: use `liveperson` or `custom`."
        ))
    })
}

pub async fn resolve(
    State(state): State<AppState>,
    AgentSession(session): AgentSession,
    ApiPath((workspace, workspace_id)): ApiPath<(String, String)>,
) -> Result<Json<WorkspaceConversation>, ApiError> {
    let workspace = workspace_named(&workspace)?;
    state
        .store
        .workspace_conversation(&session, workspace, &workspace_id)
        .await?
        .map(|id| Json(WorkspaceConversation { id }))
        .ok_or(ApiError::NotFound(
            "This conversation is not a Facebook or X conversation.",
        ))
}

/// 204: the workspace calls the conversation `workspace_id` from now on (instead of the id
/// it had there). Until the platform connectors record ids as conversations arrive, this
/// is how a deployment tells the widget which conversation a workspace has in focus.
pub async fn link(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    ApiPath((id, workspace)): ApiPath<(ConversationId, String)>,
    ApiJson(link): ApiJson<WorkspaceIdLink>,
) -> Result<StatusCode, ApiError> {
    let workspace = workspace_named(&workspace)?;
    check_workspace_id(&link.workspace_id).map_err(|bad| ApiError::BadRequest(bad.to_string()))?;
    match state
        .store
        .link_workspace_id(&session, id, workspace, &link.workspace_id)
        .await?
    {
        WorkspaceLink::Linked => {
            tracing::info!(conversation = id.0, workspace = %name_of(&workspace), "workspace id recorded");
            Ok(StatusCode::NO_CONTENT)
        }
        WorkspaceLink::NoConversation => Err(ApiError::NotFound("There is no such conversation.")),
        WorkspaceLink::Taken(holder) => {
            let which = holder.map_or_else(
                || "another conversation".to_owned(),
                |other| format!("conversation {other}"),
            );
            Err(ApiError::WorkspaceIdTaken(format!(
                "The {} id {:?} already names {which} of this account; a workspace id names one conversation.",
                workspace_label(workspace),
                link.workspace_id,
            )))
        }
    }
}

/// The workspace as a person names it.
fn workspace_label(workspace: Workspace) -> &'static str {
    match workspace {
        Workspace::Liveperson => "LivePerson",
        Workspace::Custom => "custom workspace",
    }
}
