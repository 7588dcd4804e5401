//! Bearer-token sessions: making tokens, hashing them for storage, when sessions end
//! ([`SessionPolicy`]), and the [`AgentSession`] extractor every `/api` handler takes
//! ([`AdminSession`] for what only an admin may do).

use axum::extract::{FromRef, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore as _;
use sha2::{Digest, Sha256};
use social_api::{Role, Timestamp};
use std::time::Duration;

use crate::app::AppState;
use crate::error::{ApiError, AuthFailure};
use crate::store::{Session, SessionEnds};

/// Length of a token: 32 random bytes in unpadded base64url.
const TOKEN_CHARS: usize = 43;

/// A new bearer token: 32 bytes from rand's thread-local CSPRNG (ChaCha, seeded and
/// reseeded from the operating system), base64url.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps of a token: its SHA-256, lowercase hex.
pub fn token_sha256(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The token a request's `Authorization` header carries, or why there is none of ours.
pub(crate) fn request_token(headers: &HeaderMap) -> Result<&str, AuthFailure> {
    let header = headers.get(AUTHORIZATION).ok_or(AuthFailure::Missing)?;
    header
        .to_str()
        .ok()
        .and_then(bearer_token)
        .ok_or(AuthFailure::Malformed)
}

/// The token of an `Authorization: Bearer <token>` value, if it looks like one of ours.
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    let ours = token.len() == TOKEN_CHARS
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    (scheme.eq_ignore_ascii_case("bearer") && ours).then_some(token)
}

/// When sessions end: `idle` after their last use (each use moves it on), and `max` after
/// they opened, whatever happens. `0 < idle <= max` (checked with the configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub max: Duration,
}

/// A use moves the idle expiry on only when that gains at least this much: a busy widget
/// would otherwise write to the database on every request.
const EXTEND_STEP_MS: i64 = 60_000;

impl SessionPolicy {
    /// The ends of a session opened `now`.
    pub fn open(&self, now: Timestamp) -> SessionEnds {
        let expires_at = after(now, self.max);
        SessionEnds {
            idle_expires_at: after(now, self.idle).min(expires_at),
            expires_at,
        }
    }

    /// The idle expiry a use at `now` moves a live session to, when it is worth a write.
    pub fn extended(&self, now: Timestamp, ends: SessionEnds) -> Option<Timestamp> {
        let next = after(now, self.idle).min(ends.expires_at);
        (next.0 - ends.idle_expires_at.0 >= EXTEND_STEP_MS).then_some(next)
    }
}

/// `now` plus `duration`, saturating (a configured `100y` must not wrap around).
fn after(now: Timestamp, duration: Duration) -> Timestamp {
    let millis = i64::try_from(duration.as_millis()).unwrap_or(i64::MAX);
    Timestamp(now.0.saturating_add(millis))
}

/// A live session with its token's SHA-256, for the handlers that act on the session
/// itself (sign out, stream tickets). Like [`AgentSession`], each use moves its idle
/// expiry on.
#[derive(Debug, Clone)]
pub struct BearerSession {
    pub session: Session,
    pub token_sha256: String,
    /// When it ends, after this use.
    pub ends: SessionEnds,
}

impl<S> FromRequestParts<S> for BearerSession
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let token = request_token(&parts.headers).map_err(ApiError::Unauthorized)?;
        let state = AppState::from_ref(state);
        let token_sha256 = token_sha256(token);
        let stored = state
            .store
            .session(&token_sha256)
            .await?
            .ok_or(ApiError::Unauthorized(AuthFailure::Unknown))?;
        let now = state.now();
        if now >= stored.ends.idle_expires_at {
            return Err(ApiError::Unauthorized(AuthFailure::Expired));
        }
        let mut ends = stored.ends;
        if let Some(next) = state.sessions.extended(now, ends) {
            state.store.extend_session(&token_sha256, next).await?;
            ends.idle_expires_at = next;
        }
        Ok(BearerSession {
            session: stored.session,
            token_sha256,
            ends,
        })
    }
}

/// The signed-in agent. A handler that takes it cannot run without a live session; a
/// missing, unknown or ended one answers 401 before the handler starts.
#[derive(Debug, Clone)]
pub struct AgentSession(pub Session);

impl<S> FromRequestParts<S> for AgentSession
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let bearer = BearerSession::from_request_parts(parts, state).await?;
        Ok(AgentSession(bearer.session))
    }
}

/// The signed-in agent, an admin of the account: anyone else gets 403 `admin-only` (after
/// the 401s of [`AgentSession`]) before the handler reads the request any further.
#[derive(Debug, Clone)]
pub struct AdminSession(pub Session);

impl<S> FromRequestParts<S> for AdminSession
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let AgentSession(session) = AgentSession::from_request_parts(parts, state).await?;
        if session.agent.role != Role::Admin {
            return Err(ApiError::AdminOnly(
                "Only an admin of the account may do this.",
            ));
        }
        Ok(AdminSession(session))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_43_base64url_chars_and_differ() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), TOKEN_CHARS);
        assert_ne!(a, b);
        assert_eq!(bearer_token(&format!("Bearer {a}")), Some(a.as_str()));
    }

    #[test]
    fn only_bearer_tokens_of_our_shape_are_read() {
        let token = "A".repeat(TOKEN_CHARS);
        assert_eq!(
            bearer_token(&format!("bearer {token}")),
            Some(token.as_str())
        );
        assert_eq!(bearer_token(&format!("Basic {token}")), None);
        assert_eq!(bearer_token("Bearer short"), None);
        assert_eq!(
            bearer_token(&format!("Bearer {}", "%".repeat(TOKEN_CHARS))),
            None
        );
        assert_eq!(bearer_token("Bearer"), None);
    }

    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn a_session_opens_with_its_idle_expiry_capped_by_the_maximum() {
        let policy = SessionPolicy {
            idle: 8 * HOUR,
            max: 12 * HOUR,
        };
        let ends = policy.open(Timestamp(1_000));
        assert_eq!(ends.idle_expires_at, Timestamp(1_000 + 8 * 3_600_000));
        assert_eq!(ends.expires_at, Timestamp(1_000 + 12 * 3_600_000));
        let same = SessionPolicy {
            idle: HOUR,
            max: HOUR,
        };
        let ends = same.open(Timestamp(0));
        assert_eq!(ends.idle_expires_at, ends.expires_at);
    }

    #[test]
    fn a_use_moves_the_idle_expiry_on_only_by_a_minute_or_more_and_never_past_the_cap() {
        let policy = SessionPolicy {
            idle: 8 * HOUR,
            max: 12 * HOUR,
        };
        let ends = policy.open(Timestamp(0));
        assert_eq!(policy.extended(Timestamp(59_999), ends), None);
        assert_eq!(
            policy.extended(Timestamp(60_000), ends),
            Some(Timestamp(60_000 + 8 * 3_600_000))
        );
        // Ten hours in, eight more would pass the twelve-hour cap.
        assert_eq!(
            policy.extended(Timestamp(10 * 3_600_000), ends),
            Some(ends.expires_at)
        );
        let at_cap = SessionEnds {
            idle_expires_at: ends.expires_at,
            ..ends
        };
        assert_eq!(policy.extended(Timestamp(11 * 3_600_000), at_cap), None);
    }

    #[test]
    fn huge_durations_saturate_instead_of_wrapping() {
        let policy = SessionPolicy {
            idle: Duration::MAX,
            max: Duration::MAX,
        };
        let ends = policy.open(Timestamp(5));
        assert_eq!(ends.expires_at, Timestamp(i64::MAX));
    }

    #[test]
    fn the_hash_is_sha256_hex() {
        assert_eq!(
            token_sha256("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
