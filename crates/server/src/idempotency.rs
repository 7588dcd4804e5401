//! `Idempotency-Key` on every action POST and DELETE: the same key (per agent) gets the
//! same answer and the action happens once, even when two requests with it race
//! (zero2prod's `idempotency` module, with the key claimed by an apply-once insert). A
//! claim that never got its answer (the process died, keeping it failed) is abandoned
//! after [`AppState::claim_timeout`] and the next request with the key runs the action
//! again; the messages an action stores carry its key, so that run finds them instead of
//! sending them twice.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use backon::{ExponentialBuilder, Retryable};
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};

use crate::app::AppState;
use crate::auth::AgentSession;
use crate::error::{ApiError, KeyProblem};
use crate::store::{KeyClaim, KeyRecord, SavedResponse, Session};

pub const HEADER: &str = "idempotency-key";
/// Set on an answer that was kept from an earlier request with the same key.
pub const REPLAYED: &str = "idempotent-replayed";
/// No action body comes near this (a 10,000-character note is at most 40 kB).
const MAX_BODY: usize = 256 * 1024;
/// How long a repetition waits for the first request's answer before a 409.
const WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(25);
/// Tries at keeping an answer (a busy or failing database may come back in a moment).
const KEEP_TRIES: usize = 4;

/// The request's `Idempotency-Key`, for handlers that store what they do under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionKey(pub String);

/// The key of a request: 1 to 255 visible ASCII characters.
pub fn key_of(headers: &HeaderMap) -> Result<&str, KeyProblem> {
    let value = headers.get(HEADER).ok_or(KeyProblem::Missing)?;
    let bytes = value.as_bytes();
    let visible = (1..=255).contains(&bytes.len()) && bytes.iter().all(u8::is_ascii_graphic);
    // Visible ASCII is UTF-8, so `to_str` cannot fail once `visible` holds.
    value
        .to_str()
        .ok()
        .filter(|_| visible)
        .ok_or(KeyProblem::Invalid)
}

/// What makes two requests "the same": method, path with query, and body bytes.
pub fn request_sha256(method: &Method, path_and_query: &str, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(method.as_str().as_bytes());
    hash.update(b"\n");
    hash.update(path_and_query.as_bytes());
    hash.update(b"\n");
    hash.update(body);
    hex::encode(hash.finalize())
}

/// Middleware for the action routes: POSTs need a key; other methods pass through.
pub async fn require_key(
    State(state): State<AppState>,
    AgentSession(session): AgentSession,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::POST && request.method() != Method::DELETE {
        return next.run(request).await;
    }
    match once(state, session, request, next).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn once(
    state: AppState,
    session: Session,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let key = key_of(request.headers())
        .map_err(ApiError::IdempotencyKey)?
        .to_owned();
    let (parts, body) = request.into_parts();
    // Over the limit is 413; a body that stopped coming (`--body-timeout`) is 408.
    let body = to_bytes(body, MAX_BODY)
        .await
        .map_err(|e| crate::error::body_error(&e, StatusCode::PAYLOAD_TOO_LARGE))?;
    let path = parts
        .uri
        .path_and_query()
        .map_or(parts.uri.path(), |p| p.as_str());
    let hash = request_sha256(&parts.method, path, &body);

    let now = state.now();
    let timeout_ms = i64::try_from(state.claim_timeout.as_millis()).unwrap_or(i64::MAX);
    let abandoned_before = social_api::Timestamp(now.0.saturating_sub(timeout_ms));
    match state
        .store
        .claim_key(&session, &key, &hash, now, abandoned_before)
        .await?
    {
        KeyClaim::Claimed => {
            let mut request = Request::from_parts(parts, Body::from(body));
            request.extensions_mut().insert(ActionKey(key.clone()));
            // Its own task: a client hanging up must not stop the action halfway between
            // the platform call and keeping the answer.
            let task = tokio::spawn(run_and_keep(
                state.clone(),
                session.clone(),
                key.clone(),
                request,
                next,
            ));
            let saved = match task.await {
                Ok(saved) => saved,
                Err(error) => {
                    // A panic: keep a 500 so repetitions do not wait for an answer forever.
                    let saved = problem_of(&ApiError::Internal(format!("action task: {error}")));
                    keep(&state, &session, &key, &saved).await;
                    saved
                }
            };
            Ok(response_of(saved, false))
        }
        KeyClaim::Taken(record) => wait_for_answer(&state, &session, &key, &hash, record).await,
    }
}

/// Runs the handler and keeps its answer under the key.
async fn run_and_keep(
    state: AppState,
    session: Session,
    key: String,
    request: Request,
    next: Next,
) -> SavedResponse {
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let saved = match to_bytes(response.into_body(), usize::MAX).await {
        Ok(body) => SavedResponse {
            status,
            content_type,
            body: body.to_vec(),
        },
        Err(error) => problem_of(&ApiError::Internal(format!("reading the answer: {error}"))),
    };
    keep(&state, &session, &key, &saved).await;
    saved
}

/// An error as a kept answer, its cause logged.
fn problem_of(error: &ApiError) -> SavedResponse {
    tracing::error!(%error, "idempotent action");
    SavedResponse {
        status: error.status().as_u16(),
        content_type: Some(crate::error::PROBLEM_JSON.into()),
        body: serde_json::to_vec(&error.problem()).unwrap_or_default(),
    }
}

/// Keeps the answer, trying a few times.
async fn keep(state: &AppState, session: &Session, key: &str, saved: &SavedResponse) {
    let save = || state.store.save_response(session, key, saved);
    let tries = ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(50))
        .with_max_times(KEEP_TRIES - 1)
        .with_jitter();
    if let Err(error) = save.retry(tries).await {
        // The action is done: a repetition of the key gets 409 until the claim is
        // abandoned, then runs the action again, which finds what this run stored.
        tracing::error!(%error, "could not keep the answer of an idempotent action");
    }
}

/// The answer of the first request with the key, once it has one.
async fn wait_for_answer(
    state: &AppState,
    session: &Session,
    key: &str,
    hash: &str,
    mut record: KeyRecord,
) -> Result<Response, ApiError> {
    if record.request_sha256 != hash {
        return Err(ApiError::IdempotencyKey(KeyProblem::Reused));
    }
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(saved) = record.response {
            return Ok(response_of(saved, true));
        }
        if Instant::now() >= deadline {
            return Err(ApiError::IdempotencyKey(KeyProblem::InProgress));
        }
        tokio::time::sleep(POLL).await;
        record = state
            .store
            .key_record(session, key)
            .await?
            .ok_or(ApiError::Internal("idempotency key vanished".into()))?;
    }
}

fn response_of(saved: SavedResponse, replayed: bool) -> Response {
    let status = StatusCode::from_u16(saved.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, saved.body).into_response();
    let headers = response.headers_mut();
    headers.remove(CONTENT_TYPE);
    if let Some(value) = saved
        .content_type
        .and_then(|c| HeaderValue::from_str(&c).ok())
    {
        headers.insert(CONTENT_TYPE, value);
    }
    if replayed {
        crate::metrics::idempotency_replay();
        headers.insert(REPLAYED, HeaderValue::from_static("true"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &[u8]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(HEADER, HeaderValue::from_bytes(value).expect("header"));
        headers
    }

    #[test]
    fn keys_are_1_to_255_visible_ascii_characters() {
        assert_eq!(key_of(&headers(b"a")), Ok("a"));
        let longest = "k".repeat(255);
        assert_eq!(key_of(&headers(longest.as_bytes())), Ok(longest.as_str()));
        assert_eq!(key_of(&HeaderMap::new()), Err(KeyProblem::Missing));
        for bad in [
            &b""[..],
            b"two words",
            b"tab\there",
            "é".as_bytes(),
            &[b'k'; 256],
        ] {
            assert_eq!(key_of(&headers(bad)), Err(KeyProblem::Invalid), "{bad:?}");
        }
    }

    #[test]
    fn method_path_and_body_all_make_the_request() {
        let base = request_sha256(&Method::POST, "/a", b"{}");
        assert_eq!(base.len(), 64);
        assert_eq!(base, request_sha256(&Method::POST, "/a", b"{}"));
        assert_ne!(base, request_sha256(&Method::DELETE, "/a", b"{}"));
        assert_ne!(base, request_sha256(&Method::POST, "/b", b"{}"));
        assert_ne!(base, request_sha256(&Method::POST, "/a", b"{ }"));
    }
}
