//! `GET /api/admin/audit`: who changed which source or the routing, when, and what it
//! was before and after; newest first, filtered, a page at a time.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use social_api::admin::{AuditAction, AuditPage, SourceId};

use crate::app::AppState;
use crate::auth::AdminSession;
use crate::error::{ApiError, ApiQuery};
use crate::store::AuditFilter;

const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 200;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    action: Option<AuditAction>,
    /// Part of the actor's name.
    actor: Option<String>,
    source: Option<SourceId>,
    /// The `next` of the page before.
    before: Option<i64>,
    limit: Option<u32>,
}

pub async fn list(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "limit must be between 1 and {MAX_LIMIT}."
        )));
    }
    let filter = AuditFilter {
        action: query.action,
        actor: query.actor.filter(|a| !a.trim().is_empty()),
        source: query.source,
        before: query.before,
        limit,
    };
    let entries = state.store.audit(session.account_id, &filter).await?;
    let next = (entries.len() == limit as usize)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    Ok(Json(AuditPage { entries, next }))
}
