//! Deletes what has outlived its use: old idempotency keys with their kept answers, ended
//! sessions, expired stream tickets, sign-in failures out of their window.

use crate::store::{PurgeBefore, Purged, StoreError};
use sqlx::PgPool;

pub(super) async fn purge(pool: &PgPool, before: PurgeBefore) -> Result<Purged, StoreError> {
    // One statement each: every one is consistent alone, and none holds its rows' locks
    // for long.
    let keys = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
        .bind(before.keys.0)
        .execute(pool)
        .await?
        .rows_affected();
    // A session's idle expiry is never after its cap, so it is when the session ended.
    let sessions = sqlx::query("DELETE FROM sessions WHERE idle_expires_at < $1")
        .bind(before.sessions.0)
        .execute(pool)
        .await?
        .rows_affected();
    let tickets = sqlx::query("DELETE FROM event_tickets WHERE expires_at < $1")
        .bind(before.tickets.0)
        .execute(pool)
        .await?
        .rows_affected();
    let sign_in_failures = sqlx::query("DELETE FROM sign_in_failures WHERE at < $1")
        .bind(before.sign_in_failures.0)
        .execute(pool)
        .await?
        .rows_affected();
    Ok(Purged {
        keys,
        sessions,
        tickets,
        sign_in_failures,
    })
}
