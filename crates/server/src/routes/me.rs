//! `GET /api/me`: who the bearer token signs in.

use axum::Json;
use social_api::Me;

use crate::auth::AgentSession;

pub async fn me(AgentSession(session): AgentSession) -> Json<Me> {
    Json(Me {
        agent: session.agent,
        account: session.account,
    })
}
