//! The platforms' subscription checks: Meta's verify-token handshake and X's CRC.

use axum::extract::rejection::QueryRejection;
use axum::extract::Query;
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{FacebookKeys, Refusal};
use crate::secret::Secret;
use crate::webhooks::signature;

/// Meta's subscription check: `hub.mode=subscribe&hub.verify_token=T&hub.challenge=C`.
#[derive(Deserialize)]
pub(super) struct Verification {
    #[serde(rename = "hub.mode")]
    mode: Option<String>,
    #[serde(rename = "hub.verify_token")]
    verify_token: Option<String>,
    #[serde(rename = "hub.challenge")]
    challenge: Option<String>,
}

/// The challenge as plain text when the token is ours; 403 for anything else.
pub(super) async fn facebook_verify(
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
pub(super) struct Crc {
    crc_token: Option<String>,
}

/// X's challenge-response check: `{"response_token": "sha256=<base64 HMAC of the token>"}`.
pub(super) async fn x_crc(secret: Secret, query: Result<Query<Crc>, QueryRejection>) -> Response {
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
