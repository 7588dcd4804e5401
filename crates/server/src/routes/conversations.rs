//! `GET /api/conversations?view=mine|all`, `GET /api/conversations/{id}` and
//! `PUT /api/conversations/{id}/read`, all limited to the session's account.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use social_api::{Conversation, ConversationId, ConversationSummary, ListView};

use crate::app::AppState;
use crate::auth::AgentSession;
use crate::error::{ApiError, ApiPath, ApiQuery};

#[derive(Debug, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    view: ListView,
}

/// The list, newest last message first.
pub async fn list(
    State(state): State<AppState>,
    AgentSession(session): AgentSession,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<Vec<ConversationSummary>>, ApiError> {
    Ok(Json(
        state.store.conversations(&session, params.view).await?,
    ))
}

/// One conversation; another account's answers exactly like a missing one.
pub async fn detail(
    State(state): State<AppState>,
    AgentSession(session): AgentSession,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<Conversation>, ApiError> {
    state
        .store
        .conversation(&session, id)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound("There is no such conversation."))
}

/// The signed-in agent has seen the conversation: its unread count is 0 in their lists
/// until the consumer writes again. Idempotent, so a PUT: 204.
pub async fn mark_read(
    State(state): State<AppState>,
    AgentSession(session): AgentSession,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<StatusCode, ApiError> {
    if state.store.mark_read(&session, id, state.now()).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound("There is no such conversation."))
    }
}
