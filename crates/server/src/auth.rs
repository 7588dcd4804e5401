//! Bearer-token sessions: making tokens, hashing them for storage, and the
//! [`AgentSession`] extractor every `/api` handler takes.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore as _;
use sha2::{Digest, Sha256};

use crate::app::AppState;
use crate::error::{ApiError, AuthFailure};
use crate::store::Session;

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

/// The signed-in agent. A handler that takes it cannot run without a valid session;
/// a missing or unknown token answers 401 before the handler starts.
#[derive(Debug, Clone)]
pub struct AgentSession(pub Session);

impl<S> FromRequestParts<S> for AgentSession
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .ok_or(ApiError::Unauthorized(AuthFailure::Missing))?;
        let token = header
            .to_str()
            .ok()
            .and_then(bearer_token)
            .ok_or(ApiError::Unauthorized(AuthFailure::Malformed))?;
        let state = AppState::from_ref(state);
        let session = state
            .store
            .session(&token_sha256(token))
            .await?
            .ok_or(ApiError::Unauthorized(AuthFailure::Unknown))?;
        Ok(AgentSession(session))
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

    #[test]
    fn the_hash_is_sha256_hex() {
        assert_eq!(
            token_sha256("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
