//! Agent workspaces' own conversation ids, in PostgreSQL; every query is limited to the
//! session's account.

use super::rows::name;
use crate::store::{Session, StoreError, WorkspaceLink};
use social_api::workspace::Workspace;
use social_api::ConversationId;
use sqlx::PgPool;

pub(super) async fn workspace_conversation(
    pool: &PgPool,
    session: &Session,
    workspace: Workspace,
    workspace_id: &str,
) -> Result<Option<ConversationId>, StoreError> {
    let found: Option<(i64,)> = sqlx::query_as(
        "SELECT conversation_id FROM workspace_conversations
         WHERE account_id = $1 AND workspace = $2 AND workspace_id = $3",
    )
    .bind(session.account_id)
    .bind(name(&workspace))
    .bind(workspace_id)
    .fetch_optional(pool)
    .await?;
    Ok(found.map(|(id,)| ConversationId(id)))
}

pub(super) async fn workspace_ids(
    pool: &PgPool,
    session: &Session,
    workspace: Workspace,
) -> Result<Vec<(ConversationId, String)>, StoreError> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT conversation_id, workspace_id FROM workspace_conversations
         WHERE account_id = $1 AND workspace = $2 ORDER BY conversation_id",
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

pub(super) async fn link_workspace_id(
    pool: &PgPool,
    session: &Session,
    conversation: ConversationId,
    workspace: Workspace,
    workspace_id: &str,
) -> Result<WorkspaceLink, StoreError> {
    let ours: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM conversations WHERE id = $1 AND account_id = $2")
            .bind(conversation.0)
            .bind(session.account_id)
            .fetch_optional(pool)
            .await?;
    if ours.is_none() {
        return Ok(WorkspaceLink::NoConversation);
    }
    // One statement: the conversation's row in the workspace gets the id (or is added).
    // An id that names another conversation breaks the primary key, whichever way.
    let linked = sqlx::query(
        "INSERT INTO workspace_conversations (account_id, workspace, workspace_id, conversation_id)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (conversation_id, workspace) DO UPDATE SET workspace_id = excluded.workspace_id",
    )
    .bind(session.account_id)
    .bind(name(&workspace))
    .bind(workspace_id)
    .bind(conversation.0)
    .execute(pool)
    .await;
    match linked {
        Ok(_) => Ok(WorkspaceLink::Linked),
        Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
            let holder = workspace_conversation(pool, session, workspace, workspace_id).await?;
            Ok(WorkspaceLink::Taken(holder))
        }
        Err(error) => Err(error.into()),
    }
}
