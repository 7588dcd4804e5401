//! `/webhooks/facebook` and `/webhooks/x`: the platforms' subscription checks (`checks`),
//! and their deliveries (`delivery`), verified over the raw bytes before anything reads
//! them, kept once per event before the 200, and applied afterwards by the applier
//! (`crate::ingest`).
//!
//! Status codes. Meta and X retry whatever is not a 2xx, and disable a webhook that keeps
//! failing, so a verified delivery we cannot use (not JSON, an unknown object, events of a
//! channel not connected here) is logged and answered 200: sending it again would not
//! help. 401 means the signature is missing or wrong (nothing was read or kept), 413 a body
//! over [`BODY_LIMIT`], 500 that the events could not be kept (the platform retries, which
//! is what we want), 404 that the platform's webhooks are not configured.

mod checks;
mod delivery;
mod keys;
mod refusal;

pub use keys::{FacebookKeys, WebhookKeys};

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::HeaderMap;
use axum::routing::get;
use axum::Router;

use crate::app::AppState;
use checks::{facebook_verify, x_crc, Crc, Verification};
use delivery::{deliver, FACEBOOK, X};
use refusal::Refusal;

/// The largest delivery taken. Meta batches up to 1,000 changes in one delivery, far below
/// this; anything larger is not a delivery.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Meta's signature header.
pub const META_SIGNATURE: &str = "x-hub-signature-256";
/// X's signature header.
pub const X_SIGNATURE: &str = "x-twitter-webhooks-signature";

/// The routes under `/webhooks`: a platform's only when its keys are configured.
pub fn router(state: &AppState) -> Router<AppState> {
    let mut router = Router::new();
    if let Some(keys) = state.webhooks.facebook.clone() {
        let check = keys.clone();
        router = router.route(
            "/facebook",
            get(move |query: Result<Query<Verification>, QueryRejection>| {
                facebook_verify(check, query)
            })
            .post(
                move |State(state): State<AppState>,
                      headers: HeaderMap,
                      body: Result<Bytes, BytesRejection>| async move {
                    let header = header_str(&headers, META_SIGNATURE);
                    deliver(&state, &FACEBOOK, &keys.app_secret, header, body).await
                },
            ),
        );
    }
    if let Some(secret) = state.webhooks.x.clone() {
        let crc = secret.clone();
        router = router.route(
            "/x",
            get(move |query: Result<Query<Crc>, QueryRejection>| x_crc(crc, query)).post(
                move |State(state): State<AppState>,
                      headers: HeaderMap,
                      body: Result<Bytes, BytesRejection>| async move {
                    let header = header_str(&headers, X_SIGNATURE);
                    deliver(&state, &X, &secret, header, body).await
                },
            ),
        );
    }
    router
        .fallback(|| async { Refusal::NotFound })
        .method_not_allowed_fallback(|| async { Refusal::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}
