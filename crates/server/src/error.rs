//! The API's one error type, answered as RFC 9457 `application/problem+json`, and the
//! extractors that turn axum's own rejections into it.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{request::Parts, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use social_api::rules::Denied;
use social_api::Problem;

use crate::platforms::PlatformError;
use crate::store::StoreError;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// The namespace of this API's own problem types.
const TYPE_PREFIX: &str = "urn:social-widget:";

/// Rules the server keeps beyond `social_api::rules`, each a 422 named in the `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// `not-failed`: only a message whose delivery failed can be sent again.
    NotFailed,
    /// `attachments-not-supported`: files cannot be sent yet, in any space.
    AttachmentsNotSupported,
    /// `not-on-platform`: the message has no platform id, so it cannot be liked.
    NotOnPlatform,
}

impl Refused {
    pub fn rule(self) -> &'static str {
        match self {
            Refused::NotFailed => "not-failed",
            Refused::AttachmentsNotSupported => "attachments-not-supported",
            Refused::NotOnPlatform => "not-on-platform",
        }
    }

    /// What the agent reads.
    pub fn text(self) -> &'static str {
        match self {
            Refused::NotFailed => "Only a message whose delivery failed can be sent again.",
            Refused::AttachmentsNotSupported => "Sending files is not supported yet.",
            Refused::NotOnPlatform => {
                "This message is not on the platform (it has no platform id), so it cannot be liked."
            }
        }
    }
}

/// What is wrong with a request's `Idempotency-Key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyProblem {
    /// 400 `idempotency-key-missing`.
    Missing,
    /// 400 `idempotency-key-invalid`: not 1-255 visible ASCII characters.
    Invalid,
    /// 422 `idempotency-key-reused`: the key came with another request before.
    Reused,
    /// 409 `idempotency-key-in-progress`: the first request with the key has not
    /// answered in time; ask again later.
    InProgress,
}

/// Why a bearer token was refused; each answers 401 with `WWW-Authenticate: Bearer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFailure {
    /// No `Authorization` header.
    Missing,
    /// An `Authorization` header that is not `Bearer <token>`.
    Malformed,
    /// A well-formed token that no session has.
    Unknown,
}

/// Everything an API request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request is malformed (path, query or body).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 401: no valid bearer token.
    #[error("unauthorized: {0:?}")]
    Unauthorized(AuthFailure),
    /// 404: nothing here, or nothing this account may see (the same answer for both).
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// 405: the path exists, the method does not.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 422: well-formed JSON of the wrong shape.
    #[error("unprocessable: {0}")]
    Unprocessable(String),
    /// 422: a rule of `social_api::rules` says no; the problem `type` names the rule.
    #[error("denied: {0}")]
    Denied(#[from] Denied),
    /// 422: a rule of this server (not of `social_api::rules`) says no; `type` names it.
    #[error("refused: {0:?}")]
    Refused(Refused),
    /// 400, 409 or 422 (see [`KeyProblem`]): the `Idempotency-Key` is missing, malformed,
    /// reused for another request, or its first request is still running.
    #[error("idempotency key: {0:?}")]
    IdempotencyKey(KeyProblem),
    /// 413: the body is larger than any action needs.
    #[error("payload too large")]
    PayloadTooLarge,
    /// 502 `platform-error`: Facebook or X did not do it; the detail is its reason.
    #[error("platform: {0}")]
    Platform(#[from] PlatformError),
    /// 503: a part of the service is not there (the built widget, the database).
    #[error("unavailable: {0}")]
    Unavailable(&'static str),
    /// 500: our fault; the cause is logged, never sent.
    #[error("storage failed")]
    Store(#[from] StoreError),
    /// 500: our fault; the cause is logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Unprocessable(_) | ApiError::Denied(_) | ApiError::Refused(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::IdempotencyKey(KeyProblem::Missing | KeyProblem::Invalid) => {
                StatusCode::BAD_REQUEST
            }
            ApiError::IdempotencyKey(KeyProblem::Reused) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::IdempotencyKey(KeyProblem::InProgress) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Platform(_) => StatusCode::BAD_GATEWAY,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Store(_) | ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            ApiError::BadRequest(d) | ApiError::Unprocessable(d) => Some(d.clone()),
            ApiError::Unauthorized(AuthFailure::Missing) => {
                Some("Send `Authorization: Bearer <token>`.".into())
            }
            ApiError::Unauthorized(AuthFailure::Malformed) => {
                Some("The Authorization header is not `Bearer <token>`.".into())
            }
            ApiError::Unauthorized(AuthFailure::Unknown) => {
                Some("The session is unknown or has ended: sign in again.".into())
            }
            ApiError::NotFound(what) | ApiError::Unavailable(what) => Some((*what).into()),
            ApiError::Denied(denied) => Some(denied.to_string()),
            ApiError::Refused(refused) => Some(refused.text().into()),
            ApiError::IdempotencyKey(KeyProblem::Missing) => Some(
                "Send an `Idempotency-Key` header (a new random value per action) with every POST."
                    .into(),
            ),
            ApiError::IdempotencyKey(KeyProblem::Invalid) => Some(
                "The `Idempotency-Key` must be 1 to 255 visible ASCII characters.".into(),
            ),
            ApiError::IdempotencyKey(KeyProblem::Reused) => Some(
                "This Idempotency-Key was used for another request; use a new key for a new action."
                    .into(),
            ),
            ApiError::IdempotencyKey(KeyProblem::InProgress) => Some(
                "The first request with this Idempotency-Key is still running; ask again shortly."
                    .into(),
            ),
            ApiError::PayloadTooLarge => None,
            ApiError::Platform(error) => Some(error.reason()),
            ApiError::MethodNotAllowed => None,
            ApiError::Store(_) | ApiError::Internal(_) => None,
        }
    }

    /// The problem `type` and `title` of errors that have their own type; `None` for
    /// those the status says everything about.
    fn own_type(&self) -> Option<(String, String)> {
        let own = |name: &str, title: &str| Some((format!("{TYPE_PREFIX}{name}"), title.into()));
        match self {
            ApiError::Denied(denied) => {
                own(&format!("rule:{}", denied.rule()), &denied.to_string())
            }
            ApiError::Refused(refused) => own(&format!("rule:{}", refused.rule()), refused.text()),
            ApiError::IdempotencyKey(KeyProblem::Missing) => {
                own("idempotency-key-missing", "Idempotency-Key missing")
            }
            ApiError::IdempotencyKey(KeyProblem::Invalid) => {
                own("idempotency-key-invalid", "Idempotency-Key malformed")
            }
            ApiError::IdempotencyKey(KeyProblem::Reused) => {
                own("idempotency-key-reused", "Idempotency-Key reused")
            }
            ApiError::IdempotencyKey(KeyProblem::InProgress) => {
                own("idempotency-key-in-progress", "Request still in progress")
            }
            ApiError::Platform(_) => own("platform-error", "The platform did not do it."),
            _ => None,
        }
    }

    /// The problem body this error answers with.
    pub fn problem(&self) -> Problem {
        let status = self.status();
        // `about:blank`: the status says it all; RFC 9457 then wants its phrase as title.
        let (kind, title) = self.own_type().unwrap_or_else(|| {
            (
                "about:blank".into(),
                status.canonical_reason().unwrap_or("Error").into(),
            )
        });
        Problem {
            kind,
            title,
            status: status.as_u16(),
            detail: self.detail(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            ApiError::Store(cause) => tracing::error!(error = %cause, "request failed in storage"),
            ApiError::Internal(cause) => tracing::error!(error = %cause, "request failed"),
            _ => {}
        }
        let mut response = problem_response(&self.problem());
        if let ApiError::Unauthorized(failure) = self {
            let challenge = match failure {
                AuthFailure::Unknown => r#"Bearer realm="social", error="invalid_token""#,
                AuthFailure::Missing | AuthFailure::Malformed => r#"Bearer realm="social""#,
            };
            response
                .headers_mut()
                .insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
        }
        response
    }
}

/// A problem as an HTTP response.
pub fn problem_response(problem: &Problem) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    // Serialising four plain fields cannot fail; an empty body would still carry the status.
    let body = serde_json::to_vec(problem).unwrap_or_default();
    (
        status,
        [(CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))],
        body,
    )
        .into_response()
}

/// `axum::Json` whose rejections are problems: 400 for malformed JSON or a missing
/// `Content-Type`, 422 for JSON of the wrong shape.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::JsonDataError(e)) => Err(ApiError::Unprocessable(e.body_text())),
            Err(JsonRejection::JsonSyntaxError(e)) => Err(ApiError::BadRequest(e.body_text())),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::BadRequest(
                "Send the body as JSON with `Content-Type: application/json`.".into(),
            )),
            Err(other) => Err(ApiError::BadRequest(other.body_text())),
        }
    }
}

/// `axum::extract::Path` whose rejection is a 400 problem (a malformed id, say).
#[derive(Debug, Clone, Copy)]
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(ApiPath(value)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => {
                Err(ApiError::BadRequest(e.body_text()))
            }
            // The route and the handler disagree: a bug of ours, not of the request.
            Err(other) => Err(ApiError::Internal(other.body_text())),
        }
    }
}

/// `axum::extract::Query` whose rejection is a 400 problem (an unknown view, say).
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(ApiQuery(value)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                Err(ApiError::BadRequest(e.body_text()))
            }
            Err(other) => Err(ApiError::BadRequest(other.body_text())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_causes_are_not_in_the_problem() {
        let problem = ApiError::Internal("secret table name".into()).problem();
        assert_eq!(problem.status, 500);
        assert_eq!(problem.title, "Internal Server Error");
        assert_eq!(problem.detail, None);
    }

    #[test]
    fn a_denied_rule_is_named_in_the_type_and_explained_in_title_and_detail() {
        let problem = ApiError::Denied(Denied::BotInPublic).problem();
        assert_eq!(problem.status, 422);
        assert_eq!(problem.kind, "urn:social-widget:rule:bot-in-public");
        assert_eq!(problem.title, Denied::BotInPublic.to_string());
        assert_eq!(problem.detail, Some(Denied::BotInPublic.to_string()));
    }

    #[test]
    fn titles_are_the_status_phrases() {
        assert_eq!(ApiError::NotFound("x").problem().title, "Not Found");
        assert_eq!(ApiError::Unprocessable("x".into()).problem().status, 422);
    }
}
