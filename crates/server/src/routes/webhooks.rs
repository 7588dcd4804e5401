//! `/webhooks/facebook` and `/webhooks/x`: the platforms' subscription checks, and their
//! deliveries, verified over the raw bytes before anything reads them, kept once per
//! event before the 200, and applied afterwards by the applier (`crate::ingest`).
//!
//! Status codes. Meta and X retry whatever is not a 2xx, and disable a webhook that keeps
//! failing, so a verified delivery we cannot use (not JSON, an unknown object, events of a
//! channel not connected here) is logged and answered 200: sending it again would not
//! help. 401 means the signature is missing or wrong (nothing was read or kept), 413 a body
//! over [`BODY_LIMIT`], 500 that the events could not be kept (the platform retries, which
//! is what we want), 404 that the platform's webhooks are not configured.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use social_api::{Problem, Source};
use subtle::ConstantTimeEq;

use crate::app::AppState;
use crate::config::Config;
use crate::error::problem_response;
use crate::secret::Secret;
use crate::store::StoreError;
use crate::webhooks::{facebook, signature, x, Inbound, ParseError, Parsed};

/// The largest delivery taken. Meta batches up to 1,000 changes in one delivery, far below
/// this; anything larger is not a delivery.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Meta's signature header.
pub const META_SIGNATURE: &str = "x-hub-signature-256";
/// X's signature header.
pub const X_SIGNATURE: &str = "x-twitter-webhooks-signature";

/// The longest event key the store takes (its column's CHECK).
const MAX_KEY_BYTES: usize = 512;

/// What each platform's webhooks need; a platform without them has no webhook routes.
#[derive(Debug, Clone, Default)]
pub struct WebhookKeys {
    pub facebook: Option<FacebookKeys>,
    /// X's consumer secret.
    pub x: Option<Secret>,
}

#[derive(Debug, Clone)]
pub struct FacebookKeys {
    pub app_secret: Secret,
    pub verify_token: Secret,
}

impl WebhookKeys {
    /// The keys `config` names (`Config::validate` made sure Facebook's come in pairs).
    pub fn from_config(config: &Config) -> Self {
        let facebook = match (&config.facebook_app_secret, &config.facebook_verify_token) {
            (Some(app_secret), Some(verify_token)) => Some(FacebookKeys {
                app_secret: app_secret.clone(),
                verify_token: verify_token.clone(),
            }),
            _ => None,
        };
        Self {
            facebook,
            x: config.x_consumer_secret.clone(),
        }
    }

    /// Says at start-up which platforms can deliver here.
    pub fn log_state(&self) {
        match self.facebook {
            Some(_) => tracing::info!("Facebook webhooks on: /webhooks/facebook"),
            None => tracing::info!(
                "Facebook webhooks off (404): no --facebook-app-secret and --facebook-verify-token"
            ),
        }
        match self.x {
            Some(_) => tracing::info!("X webhooks on: /webhooks/x"),
            None => tracing::info!("X webhooks off (404): no --x-consumer-secret"),
        }
    }
}

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

/// How a platform signs and what its bodies hold.
struct Platform {
    source: Source,
    /// The scheme a 401 names (RFC 9110 wants one): the header to send.
    challenge: &'static str,
    valid: fn(&[u8], &[u8], Option<&str>) -> bool,
    parse: fn(&[u8]) -> Result<Parsed, ParseError>,
}

const FACEBOOK: Platform = Platform {
    source: Source::Facebook,
    challenge: r#"X-Hub-Signature-256 realm="webhooks""#,
    valid: signature::meta_valid,
    parse: facebook::parse,
};

const X: Platform = Platform {
    source: Source::X,
    challenge: r#"x-twitter-webhooks-signature realm="webhooks""#,
    valid: signature::x_valid,
    parse: x::parse,
};

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// Meta's subscription check: `hub.mode=subscribe&hub.verify_token=T&hub.challenge=C`.
#[derive(Deserialize)]
struct Verification {
    #[serde(rename = "hub.mode")]
    mode: Option<String>,
    #[serde(rename = "hub.verify_token")]
    verify_token: Option<String>,
    #[serde(rename = "hub.challenge")]
    challenge: Option<String>,
}

/// The challenge as plain text when the token is ours; 403 for anything else.
async fn facebook_verify(
    keys: FacebookKeys,
    query: Result<Query<Verification>, QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return Refusal::Forbidden.into_response();
    };
    let token_matches = query
        .verify_token
        .as_deref()
        .is_some_and(|token| same_secret(token.as_bytes(), keys.verify_token.expose().as_bytes()));
    match (query.mode.as_deref(), query.challenge) {
        (Some("subscribe"), Some(challenge)) if token_matches => {
            tracing::info!("Meta's webhook subscription check answered");
            (
                [(
                    CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                )],
                challenge,
            )
                .into_response()
        }
        _ => {
            tracing::warn!("a Facebook webhook subscription check was refused");
            Refusal::Forbidden.into_response()
        }
    }
}

/// Compares two secrets in constant time, their lengths included (both are hashed first).
fn same_secret(given: &[u8], ours: &[u8]) -> bool {
    Sha256::digest(given).ct_eq(&Sha256::digest(ours)).into()
}

#[derive(Deserialize)]
struct Crc {
    crc_token: Option<String>,
}

/// X's challenge-response check: `{"response_token": "sha256=<base64 HMAC of the token>"}`.
async fn x_crc(secret: Secret, query: Result<Query<Crc>, QueryRejection>) -> Response {
    match query {
        Ok(Query(Crc {
            crc_token: Some(token),
        })) => {
            tracing::info!("X's webhook CRC check answered");
            Json(serde_json::json!({
                "response_token": signature::x_crc_response(secret.expose().as_bytes(), &token),
            }))
            .into_response()
        }
        _ => Refusal::NoCrcToken.into_response(),
    }
}

/// A delivery: verified, read, its events of connected channels kept, the applier woken.
async fn deliver(
    state: &AppState,
    platform: &Platform,
    secret: &Secret,
    signature: Option<&str>,
    body: Result<Bytes, BytesRejection>,
) -> Result<StatusCode, Refusal> {
    let source = platform.source.label();
    let body = body.map_err(|rejection| {
        tracing::warn!(source, status = %rejection.status(), "a webhook body was not read");
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => Refusal::TooLarge,
            _ => Refusal::Unreadable,
        }
    })?;
    if !(platform.valid)(secret.expose().as_bytes(), &body, signature) {
        tracing::warn!(
            source,
            signature_sent = signature.is_some(),
            "a webhook delivery was refused: its signature is missing or wrong"
        );
        return Err(Refusal::Signature(platform.challenge));
    }
    let parsed = match (platform.parse)(&body) {
        Ok(parsed) => parsed,
        Err(error) => {
            // Verified, so it is the platform's: a retry would bring the same bytes.
            tracing::warn!(source, %error, "a verified webhook delivery was not usable");
            return Ok(StatusCode::OK);
        }
    };
    if !parsed.skipped.is_empty() {
        tracing::debug!(source, skipped = ?parsed.skipped, "parts of a webhook delivery left out");
    }
    let events = keepable(source, parsed.events);
    // The store leaves out events of channels not connected, in the same statement.
    let new = {
        let _turn = state.inbound.turn().await;
        state.store.store_inbound(&events, state.now()).await
    }
    .map_err(Refusal::Store)?;
    if new > 0 {
        state.inbound.wake();
    }
    if new < events.len() {
        // Repeats, or channels not connected: only the latter are news.
        log_unconnected(state, platform.source, &events).await;
    }
    tracing::debug!(
        source,
        events = events.len(),
        new,
        "a webhook delivery was kept"
    );
    Ok(StatusCode::OK)
}

/// The events the store can hold: a key the store's CHECK would refuse would fail the whole
/// delivery forever (every retry the same), so such an event is dropped and logged instead.
fn keepable(source: &'static str, events: Vec<Inbound>) -> Vec<Inbound> {
    events
        .into_iter()
        .filter(|event| {
            let fits = !event.key.is_empty() && event.key.len() <= MAX_KEY_BYTES;
            if !fits {
                tracing::error!(
                    source,
                    key_bytes = event.key.len(),
                    "a webhook event with an unusable key was dropped"
                );
            }
            fits
        })
        .collect()
}

/// Logs the brands of `events` that no brand channel has (their events were not kept).
async fn log_unconnected(state: &AppState, source: Source, events: &[Inbound]) {
    let mut brands: Vec<&str> = events.iter().map(|e| e.brand_id.as_str()).collect();
    brands.sort_unstable();
    brands.dedup();
    let connected = match state.store.connected_brands(source, &brands).await {
        Ok(connected) => connected,
        Err(error) => {
            tracing::warn!(%error, "could not tell which webhook events were for channels not connected");
            return;
        }
    };
    for brand in brands {
        if !connected.iter().any(|c| c == brand) {
            let count = events.iter().filter(|e| e.brand_id == brand).count();
            tracing::info!(
                source = source.label(),
                brand_id = brand,
                events = count,
                "webhook events of a channel that is not connected were not kept"
            );
        }
    }
}

/// Why a webhook request was not taken.
#[derive(Debug)]
enum Refusal {
    /// 401: the signature is missing or does not sign the body; the challenge names it.
    Signature(&'static str),
    /// 403: Meta's subscription check with another token (or none).
    Forbidden,
    /// 400: X's CRC check without a `crc_token`.
    NoCrcToken,
    /// 400: the body could not be read.
    Unreadable,
    /// 413: over [`BODY_LIMIT`].
    TooLarge,
    /// 404: no such webhook, or the platform's webhooks are off.
    NotFound,
    /// 405.
    MethodNotAllowed,
    /// 500: the events could not be kept; the platform retries the delivery.
    Store(StoreError),
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let (status, detail) = match &self {
            Refusal::Signature(_) => (
                StatusCode::UNAUTHORIZED,
                "The delivery's signature is missing or does not match its body.",
            ),
            Refusal::Forbidden => (
                StatusCode::FORBIDDEN,
                "The verify token does not match, or this is not a subscription check.",
            ),
            Refusal::NoCrcToken => (StatusCode::BAD_REQUEST, "Send a crc_token."),
            Refusal::Unreadable => (StatusCode::BAD_REQUEST, "The body could not be read."),
            Refusal::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "The body is too large."),
            Refusal::NotFound => (
                StatusCode::NOT_FOUND,
                "There is no such webhook, or its platform is not configured.",
            ),
            Refusal::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "Webhooks take GET and POST.",
            ),
            Refusal::Store(error) => {
                tracing::error!(%error, "webhook events could not be kept");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "The delivery could not be kept; send it again.",
                )
            }
        };
        let mut response = problem_response(&Problem {
            kind: "about:blank".into(),
            title: status.canonical_reason().unwrap_or("Error").into(),
            status: status.as_u16(),
            detail: Some(detail.into()),
        });
        if let Refusal::Signature(challenge) = self {
            response
                .headers_mut()
                .insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
        }
        response
    }
}
