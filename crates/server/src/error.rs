//! The API's one error type, answered as RFC 9457 `application/problem+json`, and the
//! extractors that turn axum's own rejections into it.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{request::Parts, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use social_api::Problem;

use crate::store::StoreError;

pub const PROBLEM_JSON: &str = "application/problem+json";

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
            ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
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
            ApiError::MethodNotAllowed => None,
            ApiError::Store(_) | ApiError::Internal(_) => None,
        }
    }

    /// The problem body this error answers with.
    pub fn problem(&self) -> Problem {
        let status = self.status();
        Problem {
            // `about:blank`: the status says it all; RFC 9457 then wants its phrase as title.
            kind: "about:blank".into(),
            title: status.canonical_reason().unwrap_or("Error").into(),
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
    fn titles_are_the_status_phrases() {
        assert_eq!(ApiError::NotFound("x").problem().title, "Not Found");
        assert_eq!(ApiError::Unprocessable("x".into()).problem().status, 422);
    }
}
