//! Demo mode only: `POST /api/demo/session`, a session for any demo agent, so the widget
//! and the tests can sign in without a password; `GET /api/demo/agents`, whom it offers; and
//! `POST /api/demo/conversations/{id}/consumer-messages`, where a person plays the consumer
//! (the stand-in for a platform's webhook), to see live updates.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use social_api::events::Change;
use social_api::rules::has_visible_text;
use social_api::workspace::DemoAgent;
use social_api::{
    ConversationId, DemoConsumerMessage, DemoSessionRequest, Message, NewSession, Space,
};

use crate::app::AppState;
use crate::auth::{new_token, token_sha256, AgentSession};
use crate::error::{ApiError, ApiJson, ApiPath};
use crate::events;

pub async fn create_session(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<DemoSessionRequest>,
) -> Result<Json<NewSession>, ApiError> {
    let agent = state
        .store
        .human_agent(&request.account, request.role)
        .await?
        .ok_or(ApiError::NotFound("There is no such demo account."))?;
    let token = new_token();
    let now = state.now();
    let ends = state.sessions.open(now);
    state
        .store
        .create_session(&agent, &token_sha256(&token), now, ends)
        .await?;
    tracing::info!(account = ?request.account, role = %social_api::names::name_of(&request.role), "demo session opened");
    Ok(Json(NewSession {
        token,
        expires_at: ends.idle_expires_at,
    }))
}

/// The people a demo sign-in may choose (bots sign in only by their own sessions).
pub async fn agents(State(state): State<AppState>) -> Result<Json<Vec<DemoAgent>>, ApiError> {
    Ok(Json(state.store.human_agents().await?))
}

/// Stores a message from the consumer, public or private, as a webhook would, and tells the
/// open streams; 201 with the message.
pub async fn consumer_message(
    State(state): State<AppState>,
    AgentSession(session): AgentSession,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(request): ApiJson<DemoConsumerMessage>,
) -> Result<(StatusCode, Json<Message>), ApiError> {
    if request.space == Space::Internal {
        return Err(ApiError::Unprocessable(
            "A consumer writes publicly or privately, never an internal note.".into(),
        ));
    }
    if !has_visible_text(&request.text) {
        return Err(ApiError::Unprocessable(
            "The consumer's message is empty.".into(),
        ));
    }
    let platform_id = format!("demo-{}", new_token());
    let stored = state
        .store
        .insert_consumer_message(
            &session,
            id,
            request.space,
            &request.text,
            &platform_id,
            state.now(),
        )
        .await?
        .ok_or(ApiError::NotFound("There is no such conversation."))?;
    let message = state
        .store
        .message(&session, stored)
        .await?
        .ok_or(ApiError::Internal("a stored message vanished".into()))?;
    events::publish(&state, &session, id, Change::Message(message.clone())).await;
    Ok((StatusCode::CREATED, Json(message)))
}
