//! Why a webhook request was not taken, answered as a problem (RFC 9457).

use axum::http::header::WWW_AUTHENTICATE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use social_api::Problem;

use crate::error::problem_response;
use crate::store::StoreError;

/// Why a webhook request was not taken.
#[derive(Debug)]
pub(super) enum Refusal {
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
