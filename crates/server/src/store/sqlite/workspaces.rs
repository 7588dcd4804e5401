//! Agent workspaces' own conversation ids, in SQLite; every query is limited to the
//! session's account.

use super::rows::name;
use crate::store::{Session, StoreError};
use social_api::workspace::Workspace;
use social_api::ConversationId;
use sqlx::SqlitePool;

pub(super) async fn workspace_conversation(
    pool: &SqlitePool,
    session: &Session,
    workspace: Workspace,
    workspace_id: &str,
) -> Result<Option<ConversationId>, StoreError> {
    let found: Option<(i64,)> = sqlx::query_as(
        "SELECT conversation_id FROM workspace_conversations
         WHERE account_id = ? AND workspace = ? AND workspace_id = ?",
    )
    .bind(session.account_id)
    .bind(name(&workspace))
    .bind(workspace_id)
    .fetch_optional(pool)
    .await?;
    Ok(found.map(|(id,)| ConversationId(id)))
}

pub(super) async fn workspace_ids(
    pool: &SqlitePool,
    session: &Session,
    workspace: Workspace,
) -> Result<Vec<(ConversationId, String)>, StoreError> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT conversation_id, workspace_id FROM workspace_conversations
         WHERE account_id = ? AND workspace = ? ORDER BY conversation_id",
    )
    .bind(session.account_id)
    .bind(name(&workspace))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, workspace_id)| (ConversationId(id), workspace_id))
        .collect())
}
