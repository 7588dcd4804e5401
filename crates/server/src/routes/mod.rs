//! The HTTP routes: `/api/*` (all behind [`AgentSession`](crate::auth::AgentSession)) and
//! `/healthz`.

pub mod conversations;
pub mod demo;
pub mod health;
pub mod me;

use axum::http::header::CACHE_CONTROL;
use axum::http::HeaderValue;
use axum::routing::{get, post};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::app::AppState;
use crate::error::ApiError;

/// Everything under `/api`; `POST /demo/session` only when `demo` is on.
pub fn api(demo: bool) -> Router<AppState> {
    let mut api = Router::new()
        .route("/me", get(me::me))
        .route("/conversations", get(conversations::list))
        .route("/conversations/{id}", get(conversations::detail));
    if demo {
        api = api.route("/demo/session", post(demo::create_session));
    }
    api.fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        // Conversations are private: no cache anywhere may keep them.
        .layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

async fn not_found() -> ApiError {
    ApiError::NotFound("There is no such API endpoint.")
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
