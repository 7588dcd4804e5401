//! A delivery: body read under the limit, signature checked over the raw bytes, events
//! parsed, kept once each (those of connected channels) before the 200, the applier woken.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use social_api::Source;

use super::Refusal;
use crate::app::AppState;
use crate::secret::Secret;
use crate::webhooks::{facebook, signature, x, Inbound, ParseError, Parsed};

/// The longest event key the store takes (its column's CHECK).
const MAX_KEY_BYTES: usize = 512;

/// How a platform signs and what its bodies hold.
pub(super) struct Platform {
    source: Source,
    /// The scheme a 401 names (RFC 9110 wants one): the header to send.
    challenge: &'static str,
    valid: fn(&[u8], &[u8], Option<&str>) -> bool,
    parse: fn(&[u8]) -> Result<Parsed, ParseError>,
}

pub(super) const FACEBOOK: Platform = Platform {
    source: Source::Facebook,
    challenge: r#"X-Hub-Signature-256 realm="webhooks""#,
    valid: signature::meta_valid,
    parse: facebook::parse,
};

pub(super) const X: Platform = Platform {
    source: Source::X,
    challenge: r#"x-twitter-webhooks-signature realm="webhooks""#,
    valid: signature::x_valid,
    parse: x::parse,
};

/// A delivery: verified, read, its events of connected channels kept, the applier woken.
pub(super) async fn deliver(
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
            tracing::warn!(%error, "could not look up the channels of a delivery");
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
