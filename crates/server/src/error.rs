//! The API's one error type, answered as RFC 9457 `application/problem+json`, and the
//! extractors that turn axum's own rejections into it.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{request::Parts, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use social_api::rules::Denied;
use social_api::{rule_problem_type, Problem, PROBLEM_TYPE_PREFIX};

use crate::platforms::PlatformError;
use crate::store::StoreError;

pub const PROBLEM_JSON: &str = "application/problem+json";

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
    /// A well-formed token that no session has (never had, or signed out).
    Unknown,
    /// The token's session ended: unused for too long, or past its time limit.
    Expired,
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
    /// 401 `sign-in-refused`: the e-mail or the password is wrong (the same answer for
    /// both, so it does not tell which e-mails have an agent).
    #[error("sign-in refused")]
    SignInRefused,
    /// 429 `sign-in-locked` with `Retry-After`: too many failed sign-ins with the e-mail;
    /// the password was not checked.
    #[error("sign-in locked for {retry_after_secs} s")]
    SignInLocked { retry_after_secs: u64 },
    /// 403 `admin-only`: the signed-in agent is not an admin; the detail says what only
    /// an admin may do.
    #[error("admins only: {0}")]
    AdminOnly(&'static str),
    /// 404: nothing here, or nothing this account may see (the same answer for both).
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// 405: the path exists, the method does not.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 422: well-formed JSON of the wrong shape (an unknown field included).
    #[error("unprocessable: {0}")]
    Unprocessable(String),
    /// 422: a rule of `social_api::rules` says no; the problem `type` names the rule.
    #[error("denied: {0}")]
    Denied(#[from] Denied),
    /// 400, 409 or 422 (see [`KeyProblem`]): the `Idempotency-Key` is missing, malformed,
    /// reused for another request, or its first request is still running.
    #[error("idempotency key: {0:?}")]
    IdempotencyKey(KeyProblem),
    /// 409 `workspace-id-taken`: the workspace id names another conversation of the
    /// account; the detail says which.
    #[error("workspace id taken: {0}")]
    WorkspaceIdTaken(String),
    /// 412 `stale-version`: the `If-Match` version is not the current one (someone else
    /// changed it since it was read); nothing was written.
    #[error("stale version; now {version}")]
    Stale { version: i64 },
    /// 428 `if-match-required`: an edit must say which version it was based on.
    #[error("If-Match required")]
    IfMatchRequired,
    /// 422 `source-invalid`: a source's fields are refused; the detail says why.
    #[error("source invalid: {0}")]
    SourceInvalid(#[from] social_api::admin::SourceProblem),
    /// 409 `source-taken`: the Page or X account is connected already.
    #[error("source taken")]
    SourceTaken,
    /// 422 `routing-invalid`: the rule list has problems, listed in the body's `problems`.
    #[error("routing invalid: {} problems", .0.len())]
    RoutingInvalid(Vec<social_api::admin::RuleProblem>),
    /// 413: the body is larger than any action needs.
    #[error("payload too large")]
    PayloadTooLarge,
    /// 408 `request-timeout`: the body did not arrive, or the answer was not ready, in time.
    #[error("request timeout")]
    RequestTimeout,
    /// 403 `demo-loopback-only`: demo mode answers only requests naming a loopback host.
    #[error("demo mode: not a loopback host")]
    DemoElsewhere,
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

/// How one error answers: status, the problem `type` (`None`: `about:blank`, the status
/// says it all), its title (`None`: the status phrase) and the detail.
struct Answer {
    status: StatusCode,
    kind: Option<String>,
    title: Option<String>,
    detail: Option<String>,
}

impl Answer {
    fn plain(status: StatusCode, detail: Option<String>) -> Self {
        Self {
            status,
            kind: None,
            title: None,
            detail,
        }
    }

    fn own(status: StatusCode, name: &str, title: &str, detail: impl Into<String>) -> Self {
        Self {
            status,
            kind: Some(format!("{PROBLEM_TYPE_PREFIX}{name}")),
            title: Some(title.into()),
            detail: Some(detail.into()),
        }
    }
}

impl ApiError {
    /// Everything this error answers, in one place so status, type, title and detail
    /// cannot drift apart.
    fn answer(&self) -> Answer {
        use StatusCode as S;
        match self {
            ApiError::BadRequest(d) => Answer::plain(S::BAD_REQUEST, Some(d.clone())),
            ApiError::Unauthorized(failure) => Answer::plain(
                S::UNAUTHORIZED,
                Some(
                    match failure {
                        AuthFailure::Missing => "Send `Authorization: Bearer <token>`.",
                        AuthFailure::Malformed => {
                            "The Authorization header is not `Bearer <token>`."
                        }
                        AuthFailure::Unknown => {
                            "The session is unknown or has ended: sign in again."
                        }
                        AuthFailure::Expired => {
                            "The session has ended (unused for too long, or past its time limit): sign in again."
                        }
                    }
                    .into(),
                ),
            ),
            ApiError::SignInRefused => Answer::own(
                S::UNAUTHORIZED,
                "sign-in-refused",
                "Sign-in refused",
                "The e-mail or password is not right.",
            ),
            ApiError::SignInLocked { retry_after_secs } => Answer::own(
                S::TOO_MANY_REQUESTS,
                "sign-in-locked",
                "Too many failed sign-ins",
                format!(
                    "Too many failed sign-ins with this e-mail: try again in {}.",
                    in_minutes(*retry_after_secs)
                ),
            ),
            ApiError::AdminOnly(what) => {
                Answer::own(S::FORBIDDEN, "admin-only", "Only an admin may do this", *what)
            }
            ApiError::NotFound(what) => Answer::plain(S::NOT_FOUND, Some((*what).into())),
            ApiError::MethodNotAllowed => Answer::plain(S::METHOD_NOT_ALLOWED, None),
            ApiError::Unprocessable(d) => {
                Answer::plain(S::UNPROCESSABLE_ENTITY, Some(d.clone()))
            }
            ApiError::Denied(denied) => {
                let reason = denied.to_string();
                Answer {
                    status: S::UNPROCESSABLE_ENTITY,
                    kind: Some(rule_problem_type(denied.rule())),
                    title: Some(reason.clone()),
                    detail: Some(reason),
                }
            }
            ApiError::IdempotencyKey(KeyProblem::Missing) => Answer::own(
                S::BAD_REQUEST,
                "idempotency-key-missing",
                "Idempotency-Key missing",
                "Send an `Idempotency-Key` header (a new random value per action) with every POST.",
            ),
            ApiError::IdempotencyKey(KeyProblem::Invalid) => Answer::own(
                S::BAD_REQUEST,
                "idempotency-key-invalid",
                "Idempotency-Key malformed",
                "The `Idempotency-Key` must be 1 to 255 visible ASCII characters.",
            ),
            ApiError::IdempotencyKey(KeyProblem::Reused) => Answer::own(
                S::UNPROCESSABLE_ENTITY,
                "idempotency-key-reused",
                "Idempotency-Key reused",
                "This Idempotency-Key was used for another request; use a new key for a new action.",
            ),
            ApiError::IdempotencyKey(KeyProblem::InProgress) => Answer::own(
                S::CONFLICT,
                "idempotency-key-in-progress",
                "Request still in progress",
                "The first request with this Idempotency-Key is still running; ask again shortly.",
            ),
            ApiError::WorkspaceIdTaken(detail) => Answer::own(
                S::CONFLICT,
                "workspace-id-taken",
                "Workspace id taken",
                detail.clone(),
            ),
            ApiError::Stale { version } => Answer::own(
                S::PRECONDITION_FAILED,
                "stale-version",
                "Changed by someone else",
                format!(
                    "Someone changed this since you read it (it is now at version {version}): read it again and redo your change."
                ),
            ),
            ApiError::IfMatchRequired => Answer::own(
                S::PRECONDITION_REQUIRED,
                "if-match-required",
                "If-Match required",
                "Send `If-Match` with the version you read (its ETag), so a change made meanwhile is not overwritten.",
            ),
            ApiError::SourceInvalid(problem) => Answer::own(
                S::UNPROCESSABLE_ENTITY,
                "source-invalid",
                "The source cannot be saved",
                problem.to_string(),
            ),
            ApiError::SourceTaken => Answer::own(
                S::CONFLICT,
                "source-taken",
                "Already connected",
                "This Page or X account is already connected (here or to another account); a source routes its webhooks to one account only.",
            ),
            ApiError::RoutingInvalid(problems) => Answer::own(
                S::UNPROCESSABLE_ENTITY,
                "routing-invalid",
                "The routing rules cannot be saved",
                problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            ApiError::PayloadTooLarge => Answer::plain(S::PAYLOAD_TOO_LARGE, None),
            ApiError::RequestTimeout => Answer::own(
                S::REQUEST_TIMEOUT,
                "request-timeout",
                "Request timeout",
                "The request's body did not arrive, or its answer was not ready, in time: try again.",
            ),
            ApiError::DemoElsewhere => Answer::own(
                S::FORBIDDEN,
                "demo-loopback-only",
                "Demo mode answers loopback only",
                "This server runs in demo mode, which signs anyone in: it answers only requests to localhost or a loopback address.",
            ),
            ApiError::Platform(error) => Answer::own(
                S::BAD_GATEWAY,
                "platform-error",
                "The platform did not do it.",
                error.reason(),
            ),
            ApiError::Unavailable(what) => {
                Answer::plain(S::SERVICE_UNAVAILABLE, Some((*what).into()))
            }
            ApiError::Store(_) | ApiError::Internal(_) => {
                Answer::plain(S::INTERNAL_SERVER_ERROR, None)
            }
        }
    }

    pub fn status(&self) -> StatusCode {
        self.answer().status
    }

    /// The problem body this error answers with.
    pub fn problem(&self) -> Problem {
        let Answer {
            status,
            kind,
            title,
            detail,
        } = self.answer();
        Problem {
            // RFC 9457: `about:blank` takes the status phrase as its title.
            kind: kind.unwrap_or_else(|| "about:blank".into()),
            title: title.unwrap_or_else(|| status.canonical_reason().unwrap_or("Error").into()),
            status: status.as_u16(),
            detail,
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
        let mut response = match &self {
            // The problems one by one, for an editor to show beside their rules.
            ApiError::RoutingInvalid(problems) => {
                let mut body = serde_json::to_value(self.problem()).unwrap_or_default();
                body["problems"] = serde_json::to_value(problems).unwrap_or_default();
                let status = self.status();
                (
                    status,
                    [(CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))],
                    body.to_string(),
                )
                    .into_response()
            }
            _ => problem_response(&self.problem()),
        };
        let headers = response.headers_mut();
        match self {
            ApiError::Unauthorized(failure) => {
                let challenge = match failure {
                    AuthFailure::Unknown | AuthFailure::Expired => {
                        r#"Bearer realm="social", error="invalid_token""#
                    }
                    AuthFailure::Missing | AuthFailure::Malformed => r#"Bearer realm="social""#,
                };
                headers.insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
            }
            // Every 401 names a scheme (RFC 9110); this one is where a token comes from.
            ApiError::SignInRefused => {
                headers.insert(
                    WWW_AUTHENTICATE,
                    HeaderValue::from_static(r#"Bearer realm="social""#),
                );
            }
            ApiError::SignInLocked { retry_after_secs } => {
                headers.insert(RETRY_AFTER, HeaderValue::from(retry_after_secs));
            }
            _ => {}
        }
        response
    }
}

/// A wait in words, rounded up to whole minutes: "1 minute", "15 minutes".
fn in_minutes(secs: u64) -> String {
    match secs.div_ceil(60).max(1) {
        1 => "1 minute".into(),
        n => format!("{n} minutes"),
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

/// What reading a request body failed with: 408 when the body timed out
/// (`--body-timeout`), 413 when it was over the limit, 400 otherwise.
pub fn body_error(error: &(dyn std::error::Error + 'static), status: StatusCode) -> ApiError {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if error.is::<tower_http::timeout::TimeoutError>() {
            return ApiError::RequestTimeout;
        }
        cause = error.source();
    }
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge
    } else {
        ApiError::BadRequest(error.to_string())
    }
}

/// Middleware: the bare statuses of tower's layers (a timeout's 408) as problems, like
/// every other error.
pub async fn problem_for_bare_status(response: Response) -> Response {
    if response.headers().contains_key(CONTENT_TYPE) {
        return response;
    }
    match response.status() {
        StatusCode::REQUEST_TIMEOUT => ApiError::RequestTimeout.into_response(),
        _ => response,
    }
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
            // A body too large (413, as everywhere) or too slow (408).
            Err(JsonRejection::BytesRejection(e)) => Err(body_error(&e, e.status())),
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
        assert_eq!(problem.kind, "about:blank");
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
    fn a_locked_sign_in_says_when_to_try_again_in_words_and_in_the_header() {
        let locked = ApiError::SignInLocked {
            retry_after_secs: 61,
        };
        let problem = locked.problem();
        assert_eq!(problem.status, 429);
        assert_eq!(problem.kind, "urn:social-widget:sign-in-locked");
        assert_eq!(
            problem.detail.as_deref(),
            Some("Too many failed sign-ins with this e-mail: try again in 2 minutes.")
        );
        let response = locked.into_response();
        assert_eq!(
            response.headers().get(RETRY_AFTER),
            Some(&HeaderValue::from_static("61"))
        );
        assert_eq!(in_minutes(1), "1 minute");
        assert_eq!(in_minutes(0), "1 minute");
        assert_eq!(in_minutes(900), "15 minutes");
    }

    #[test]
    fn an_ended_session_says_to_sign_in_again() {
        for failure in [AuthFailure::Unknown, AuthFailure::Expired] {
            let problem = ApiError::Unauthorized(failure).problem();
            assert_eq!(problem.status, 401);
            let detail = problem.detail.expect("a detail");
            assert!(
                detail.contains("ended") && detail.contains("sign in again"),
                "{detail}"
            );
        }
    }

    #[test]
    fn titles_are_the_status_phrases() {
        assert_eq!(ApiError::NotFound("x").problem().title, "Not Found");
        assert_eq!(ApiError::Unprocessable("x".into()).problem().status, 422);
    }

    #[test]
    fn our_own_types_say_what_they_are_and_what_to_do() {
        let in_progress = ApiError::IdempotencyKey(KeyProblem::InProgress).problem();
        assert_eq!(in_progress.status, 409);
        assert_eq!(
            in_progress.kind,
            "urn:social-widget:idempotency-key-in-progress"
        );
        assert!(in_progress.detail.is_some_and(|d| d.contains("shortly")));
        let platform = ApiError::Platform(PlatformError::Rejected("(#10) nope".into())).problem();
        assert_eq!(platform.status, 502);
        assert_eq!(platform.kind, "urn:social-widget:platform-error");
        assert_eq!(platform.detail.as_deref(), Some("(#10) nope"));
    }
}
