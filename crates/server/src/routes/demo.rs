//! `POST /api/demo/session` (mounted with `--demo` only): a session for any demo agent,
//! so the widget and the tests can sign in without a LivePerson login.

use axum::extract::State;
use axum::Json;
use social_api::{DemoSessionRequest, SessionToken};

use crate::app::AppState;
use crate::auth::{new_token, token_sha256};
use crate::error::{ApiError, ApiJson};

pub async fn create_session(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<DemoSessionRequest>,
) -> Result<Json<SessionToken>, ApiError> {
    let token = new_token();
    let created = state
        .store
        .create_session(
            &request.account,
            request.role,
            &token_sha256(&token),
            state.now(),
        )
        .await?;
    if !created {
        return Err(ApiError::NotFound("There is no such demo account."));
    }
    tracing::info!(account = ?request.account, role = %social_api::names::name_of(&request.role), "demo session opened");
    Ok(Json(SessionToken { token }))
}
