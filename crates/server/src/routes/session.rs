//! `POST /api/session`: an agent signs in with e-mail and password; and
//! `POST /api/session/logout`: the session ends.
//!
//! Failed sign-ins are limited per e-mail: after [`MAX_FAILURES`] within [`WINDOW_MS`] the
//! answer is 429, without checking the password, until the oldest of them ages out. A
//! success does not reset the count: it would hand someone guessing alongside the real
//! agent a fresh set of guesses each time the agent signs in (a workspace may sign in on
//! every load). The real agent waits at most the window.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use social_api::workspace::{NewSession, SignIn};
use social_api::Timestamp;

use crate::app::AppState;
use crate::auth::{new_token, token_sha256, BearerSession};
use crate::error::{ApiError, ApiJson};
use crate::store::AttemptClaim;

/// Failed sign-ins allowed per e-mail within [`WINDOW_MS`].
pub const MAX_FAILURES: u32 = 5;
/// The window failed sign-ins count in: 15 minutes.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;

/// Longer e-mails are not addresses (RFC 5321 allows 254); they are refused unread.
const MAX_EMAIL_CHARS: usize = 254;

/// An e-mail as it is stored and compared: trimmed, lowercase.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub async fn sign_in(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<SignIn>,
) -> Result<Json<NewSession>, ApiError> {
    let email = normalise_email(&request.email);
    // The key of the failure count and the logs' name for the e-mail, never the e-mail.
    let email_sha256 = token_sha256(&email);
    let email_tag = &email_sha256[..12];
    let now = state.now();
    let window_start = Timestamp(now.0 - WINDOW_MS);
    let attempt = match state
        .store
        .claim_sign_in_attempt(&email_sha256, now, window_start, MAX_FAILURES)
        .await?
    {
        AttemptClaim::Claimed(attempt) => attempt,
        AttemptClaim::Locked { oldest } => {
            let wait_ms = u64::try_from(oldest.0 + WINDOW_MS - now.0).unwrap_or(0);
            let retry_after_secs = wait_ms.div_ceil(1_000).max(1);
            tracing::warn!(email = %email_tag, retry_after_secs, "sign-in locked: too many failures");
            return Err(ApiError::SignInLocked { retry_after_secs });
        }
    };
    let agent = if email.chars().count() <= MAX_EMAIL_CHARS {
        state.store.password_agent(&email).await?
    } else {
        None
    };
    // The demo's people share a published password: it signs them in only while the
    // server runs the demo, not in a database that once did.
    let demo_only = agent.as_ref().is_some_and(|a| a.demo_seeded && !state.demo);
    let stored = agent
        .as_ref()
        .filter(|_| !demo_only)
        .and_then(|a| a.password_hash.clone());
    let reason = match (&agent, &stored) {
        (None, _) => "unknown e-mail",
        (Some(_), None) if demo_only => "a demo agent outside demo mode",
        (Some(_), None) => "no password set",
        (Some(_), Some(_)) => "wrong password",
    };
    // Also without an agent or a hash: the same work, so timing tells no e-mails apart.
    let matches = state
        .passwords
        .verify(request.password, stored)
        .await
        .map_err(|error| ApiError::Internal(error.to_string()))?;
    let Some(agent) = agent.filter(|_| matches) else {
        tracing::info!(email = %email_tag, reason, "sign-in refused");
        return Err(ApiError::SignInRefused);
    };
    state.store.forget_sign_in_attempt(attempt).await?;
    let token = new_token();
    let ends = state.sessions.open(now);
    state
        .store
        .create_session(&agent.session, &token_sha256(&token), now, ends)
        .await?;
    tracing::info!(
        account = %agent.session.account,
        agent = agent.session.agent.id.0,
        "signed in with a password"
    );
    Ok(Json(NewSession {
        token,
        expires_at: ends.idle_expires_at,
    }))
}

/// Ends the bearer's session: 204, the token answers 401 from now on, and the session's
/// open event streams on this instance end (on others, at their next check).
pub async fn logout(
    State(state): State<AppState>,
    bearer: BearerSession,
) -> Result<StatusCode, ApiError> {
    state.store.end_session(&bearer.token_sha256).await?;
    state.events.end_session(&bearer.token_sha256);
    tracing::info!(agent = bearer.session.agent.id.0, "signed out");
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e_mails_compare_without_case_or_surrounding_space() {
        assert_eq!(
            normalise_email("  Dana@ACME-Outdoor.example "),
            "dana@acme-outdoor.example"
        );
        assert_eq!(normalise_email("ÉLODIE@x.example"), "élodie@x.example");
    }
}
