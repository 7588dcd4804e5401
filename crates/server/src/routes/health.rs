//! `GET /healthz`: the process answers and the database does too.

use axum::extract::State;

use crate::app::AppState;
use crate::error::ApiError;

pub async fn healthz(State(state): State<AppState>) -> Result<&'static str, ApiError> {
    state.store.ping().await.map_err(|error| {
        tracing::error!(%error, "health check: database does not answer");
        ApiError::Unavailable("The database does not answer.")
    })?;
    Ok("ok")
}
