//! Sessions, password sign-in and its failure count, in SQLite.

use super::rows::{name, PasswordRow, SessionRow, StoredSessionRow};
use crate::store::{AttemptClaim, PasswordAgent, Session, SessionEnds, StoreError, StoredSession};
use social_api::workspace::DemoAgent;
use social_api::{Role, Timestamp};
use sqlx::SqlitePool;

/// How long an ended session's row is kept, answering "ended" rather than "unknown".
const KEEP_ENDED_MS: i64 = 24 * 60 * 60 * 1000;

pub(super) async fn session(
    pool: &SqlitePool,
    token_sha256: &str,
) -> Result<Option<StoredSession>, StoreError> {
    let row: Option<StoredSessionRow> = sqlx::query_as(
        "SELECT s.account_id, a.slug, g.id AS agent_id, g.name, g.kind, g.role,
                s.idle_expires_at, s.expires_at
         FROM sessions s
         JOIN accounts a ON a.id = s.account_id
         JOIN agents g ON g.id = s.agent_id AND g.account_id = s.account_id
         WHERE s.token_sha256 = ?",
    )
    .bind(token_sha256)
    .fetch_optional(pool)
    .await?;
    row.map(StoredSessionRow::into_stored).transpose()
}

pub(super) async fn human_agent(
    pool: &SqlitePool,
    account: &str,
    role: Role,
) -> Result<Option<Session>, StoreError> {
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT a.id AS account_id, a.slug, g.id AS agent_id, g.name, g.kind, g.role
         FROM agents g JOIN accounts a ON a.id = g.account_id
         WHERE a.slug = ? AND g.role = ? AND g.kind = 'human'
         ORDER BY g.id LIMIT 1",
    )
    .bind(account)
    .bind(name(&role))
    .fetch_optional(pool)
    .await?;
    row.map(SessionRow::into_session).transpose()
}

pub(super) async fn password_agent(
    pool: &SqlitePool,
    email: &str,
) -> Result<Option<PasswordAgent>, StoreError> {
    let row: Option<PasswordRow> = sqlx::query_as(
        "SELECT a.id AS account_id, a.slug, g.id AS agent_id, g.name, g.kind, g.role,
                g.password_hash, g.demo_seeded
         FROM agents g JOIN accounts a ON a.id = g.account_id
         WHERE g.email = ?",
    )
    .bind(email)
    .fetch_optional(pool)
    .await?;
    row.map(PasswordRow::into_agent).transpose()
}

pub(super) async fn create_session(
    pool: &SqlitePool,
    session: &Session,
    token_sha256: &str,
    now: Timestamp,
    ends: SessionEnds,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE idle_expires_at < ?")
        .bind(now.0.saturating_sub(KEEP_ENDED_MS))
        .execute(pool)
        .await?;
    sqlx::query(
        "INSERT INTO sessions
            (token_sha256, account_id, agent_id, created_at, idle_expires_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(token_sha256)
    .bind(session.account_id)
    .bind(session.agent.id.0)
    .bind(now.0)
    .bind(ends.idle_expires_at.0)
    .bind(ends.expires_at.0)
    .execute(pool)
    .await?;
    Ok(())
}

pub(super) async fn extend_session(
    pool: &SqlitePool,
    token_sha256: &str,
    idle_expires_at: Timestamp,
) -> Result<(), StoreError> {
    // Two requests racing with different clocks: the later expiry wins.
    sqlx::query(
        "UPDATE sessions SET idle_expires_at = MIN(MAX(idle_expires_at, ?), expires_at)
         WHERE token_sha256 = ?",
    )
    .bind(idle_expires_at.0)
    .bind(token_sha256)
    .execute(pool)
    .await?;
    Ok(())
}

pub(super) async fn end_session(pool: &SqlitePool, token_sha256: &str) -> Result<bool, StoreError> {
    let done = sqlx::query("DELETE FROM sessions WHERE token_sha256 = ?")
        .bind(token_sha256)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn claim_sign_in_attempt(
    pool: &SqlitePool,
    email_sha256: &str,
    now: Timestamp,
    window_start: Timestamp,
    limit: u32,
) -> Result<AttemptClaim, StoreError> {
    sqlx::query("DELETE FROM sign_in_failures WHERE at <= ?")
        .bind(window_start.0)
        .execute(pool)
        .await?;
    // One statement: SQLite runs it alone, so no other attempt counts in between.
    let done = sqlx::query(
        "INSERT INTO sign_in_failures (email_sha256, at)
         SELECT ?1, ?2 WHERE
            (SELECT COUNT(*) FROM sign_in_failures WHERE email_sha256 = ?1 AND at > ?3) < ?4",
    )
    .bind(email_sha256)
    .bind(now.0)
    .bind(window_start.0)
    .bind(i64::from(limit))
    .execute(pool)
    .await?;
    if done.rows_affected() == 1 {
        return Ok(AttemptClaim::Claimed(done.last_insert_rowid()));
    }
    let (oldest,): (Option<i64>,) =
        sqlx::query_as("SELECT MIN(at) FROM sign_in_failures WHERE email_sha256 = ? AND at > ?")
            .bind(email_sha256)
            .bind(window_start.0)
            .fetch_one(pool)
            .await?;
    // The failures aged out between the two statements: locked for no time at all.
    Ok(AttemptClaim::Locked {
        oldest: Timestamp(oldest.unwrap_or(window_start.0)),
    })
}

pub(super) async fn forget_sign_in_attempt(
    pool: &SqlitePool,
    attempt: i64,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sign_in_failures WHERE id = ?")
        .bind(attempt)
        .execute(pool)
        .await?;
    Ok(())
}

pub(super) async fn human_agents(pool: &SqlitePool) -> Result<Vec<DemoAgent>, StoreError> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT a.slug, a.name, g.name, g.role
         FROM agents g JOIN accounts a ON a.id = g.account_id
         WHERE g.kind = 'human'
         ORDER BY a.id, g.id",
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(account, account_name, name, role)| {
            Ok(DemoAgent {
                account,
                account_name,
                name,
                role: super::rows::parse(&role, "agents.role")?,
            })
        })
        .collect()
}
