//! `POST /api/conversations/{id}/consumer/refresh`: fetches the consumer's profile from the
//! platform again and answers the consumer as stored now.

use axum::extract::State;
use axum::Json;
use social_api::{Consumer, ConversationId};

use crate::app::AppState;
use crate::auth::AgentSession;
use crate::error::{ApiError, ApiPath};
use crate::profiles::{self, RefreshError};

/// Any agent of the account may refresh: it reads the platform and writes nothing there.
/// A withheld profile is an answer (200, `withheld`); a platform failure is a 502.
pub async fn refresh(
    State(state): State<AppState>,
    AgentSession(session): AgentSession,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<Consumer>, ApiError> {
    match profiles::refresh(&state, session.account_id, id).await {
        Ok(consumer) => Ok(Json(consumer)),
        Err(RefreshError::NoConversation) => {
            Err(ApiError::NotFound("There is no such conversation."))
        }
        Err(RefreshError::Platform(error)) => {
            tracing::warn!(conversation = id.0, reason = %error, "the profile could not be refreshed");
            Err(ApiError::Platform(error))
        }
        Err(RefreshError::Store(error)) => Err(ApiError::Store(error)),
    }
}
