//! `GET /api/me`: who the bearer token signs in.

use axum::Json;
use serde::{Deserialize, Serialize};
use social_api::{Agent, Role};

use crate::auth::AgentSession;

/// The signed-in agent, their role and their account's slug.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub agent: Agent,
    pub role: Role,
    /// The account's slug, e.g. `demo`.
    pub account: String,
}

pub async fn me(AgentSession(session): AgentSession) -> Json<Me> {
    Json(Me {
        agent: session.agent,
        role: session.role,
        account: session.account,
    })
}
