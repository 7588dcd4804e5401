//! `/api/admin/*`: an account's data sources, routing rules and audit log. Only an admin
//! reaches them ([`AdminSession`](crate::auth::AdminSession)); an edit names the version it
//! was based on (`If-Match`), and a stale one is refused, never merged.

pub mod audit;
pub mod routing;
pub mod sources;
mod versions;

use axum::routing::{get, post};
use axum::Router;

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sources", get(sources::list).post(sources::connect))
        .route(
            "/sources/{id}",
            get(sources::detail)
                .patch(sources::change)
                .delete(sources::disconnect),
        )
        .route("/routing-rules", get(routing::detail).put(routing::replace))
        .route("/routing-rules/preview", post(routing::preview))
        .route("/audit", get(audit::list))
}
