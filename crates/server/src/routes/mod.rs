//! The HTTP routes: `/api/*` (all behind [`AgentSession`](crate::auth::AgentSession) but
//! sign-in and the demo's sign-in helpers), `/webhooks/*` (signed by the platforms) and
//! `/healthz`. The agent's actions also need an `Idempotency-Key` on every POST.

pub mod admin;
pub mod conversations;
pub mod demo;
pub mod dm_invite;
pub mod events;
pub mod health;
pub mod likes;
pub mod me;
pub mod messages;
pub mod profiles;
pub mod session;
pub mod webhooks;
pub mod workspaces;

use axum::http::header::CACHE_CONTROL;
use axum::http::HeaderValue;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post, put};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::app::AppState;
use crate::error::ApiError;
use crate::idempotency;
use crate::outbound::DeliverError;

/// Everything under `/api`; `/demo/*` only when demo mode is on.
pub fn api(state: &AppState) -> Router<AppState> {
    let actions = Router::new()
        .route(
            "/conversations/{id}/messages",
            get(conversations::older).post(messages::send),
        )
        .route("/conversations/{id}/dm-invite", post(dm_invite::send))
        .route("/messages/{id}/retry", post(messages::retry))
        .route(
            "/messages/{id}/like",
            post(likes::like).delete(likes::unlike),
        )
        .route(
            "/conversations/{id}/post/like",
            post(likes::like_post).delete(likes::unlike_post),
        )
        .route(
            "/conversations/{id}/consumer/refresh",
            post(profiles::refresh),
        )
        .route_layer(from_fn_with_state(state.clone(), idempotency::require_key));
    let mut api = Router::new()
        .route("/me", get(me::me))
        .route("/conversations", get(conversations::list))
        .route("/conversations/{id}", get(conversations::detail))
        .route("/conversations/{id}/read", put(conversations::mark_read))
        .route(
            "/conversations/{id}/workspace-ids/{workspace}",
            put(workspaces::link),
        )
        .route("/conversations/{id}/events", get(events::stream))
        .route("/events/ticket", post(events::ticket))
        .route("/session", post(session::sign_in))
        .route("/session/logout", post(session::logout))
        .route(
            "/workspaces/{workspace}/conversations/{workspace_id}",
            get(workspaces::resolve),
        )
        .merge(actions)
        .nest("/admin", admin::router());
    if state.demo {
        api = api
            .route("/demo/session", post(demo::create_session))
            .route("/demo/agents", get(demo::agents))
            .route(
                "/demo/conversations/{id}/consumer-messages",
                post(demo::consumer_message),
            );
    }
    api.fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        // Conversations are private: no cache anywhere may keep them (nor their events).
        .layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

/// A delivery's platform outcome is on the message; what is left is our own failure.
impl From<DeliverError> for ApiError {
    fn from(error: DeliverError) -> Self {
        match error {
            DeliverError::Store(error) => ApiError::Store(error),
            DeliverError::Vanished(_) => ApiError::Internal(error.to_string()),
        }
    }
}

async fn not_found() -> ApiError {
    ApiError::NotFound("There is no such API endpoint.")
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
