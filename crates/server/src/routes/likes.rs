//! `POST` and `DELETE /api/messages/{id}/like`: the brand's Page or X account likes a
//! consumer's public message, or takes the like back; `POST` and
//! `DELETE /api/conversations/{id}/post/like`: the same for the consumer's post or tweet
//! the conversation hangs on. Never as the agent's own account.

use axum::extract::State;
use axum::Json;
use social_api::{rules, Conversation, ConversationId, Message, MessageId, PostContext};

use crate::app::AppState;
use crate::auth::AgentSession;
use crate::error::{ApiError, ApiPath, Refused};
use crate::platforms::{Like, PlatformError};
use crate::store::Session;

pub async fn like(
    State(state): State<AppState>,
    AgentSession(session): AgentSession,
    ApiPath(id): ApiPath<MessageId>,
) -> Result<Json<Message>, ApiError> {
    set(&state, &session, id, true).await.map(Json)
}

pub async fn unlike(
    State(state): State<AppState>,
    AgentSession(session): AgentSession,
    ApiPath(id): ApiPath<MessageId>,
) -> Result<Json<Message>, ApiError> {
    set(&state, &session, id, false).await.map(Json)
}

/// Checks the rule, asks the platform, and only then records the like: a platform
/// failure answers 502 and leaves the message as it was.
async fn set(
    state: &AppState,
    session: &Session,
    id: MessageId,
    liked: bool,
) -> Result<Message, ApiError> {
    const NO_MESSAGE: ApiError = ApiError::NotFound("There is no such message.");
    let conversation_id = state
        .store
        .conversation_of_message(session, id)
        .await?
        .ok_or(NO_MESSAGE)?;
    let conversation = state
        .store
        .conversation(session, conversation_id)
        .await?
        .ok_or(NO_MESSAGE)?;
    if liked {
        rules::can_like(&conversation, id)?;
    } else {
        rules::can_unlike(&conversation, id)?;
    }
    let target_id = conversation
        .message(id)
        .and_then(|m| m.platform_id.clone())
        .ok_or(ApiError::Refused(Refused::NotOnPlatform))?;
    if let Err(error) = ask_platform(state, &conversation, target_id, liked).await {
        tracing::warn!(message = id.0, liked, reason = %error, "the platform did not take the like");
        return Err(error.into());
    }
    state.store.set_liked(session, id, liked).await?;
    state
        .store
        .message(session, id)
        .await?
        .ok_or(ApiError::Internal("a liked message vanished".into()))
}

pub async fn like_post(
    State(state): State<AppState>,
    AgentSession(session): AgentSession,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<PostContext>, ApiError> {
    set_post(&state, &session, id, true).await.map(Json)
}

pub async fn unlike_post(
    State(state): State<AppState>,
    AgentSession(session): AgentSession,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<PostContext>, ApiError> {
    set_post(&state, &session, id, false).await.map(Json)
}

/// As [`set`], for the conversation's post: rule, then platform, then storage.
async fn set_post(
    state: &AppState,
    session: &Session,
    id: ConversationId,
    liked: bool,
) -> Result<PostContext, ApiError> {
    const NO_CONVERSATION: ApiError = ApiError::NotFound("There is no such conversation.");
    let conversation = state
        .store
        .conversation(session, id)
        .await?
        .ok_or(NO_CONVERSATION)?;
    if liked {
        rules::can_like_post(&conversation)?;
    } else {
        rules::can_unlike_post(&conversation)?;
    }
    // The rules refuse a conversation without a post.
    let post = conversation.post.as_ref().ok_or(rules::Denied::NoPost)?;
    let target_id = post.platform_id.clone();
    if let Err(error) = ask_platform(state, &conversation, target_id, liked).await {
        tracing::warn!(conversation = id.0, liked, reason = %error, "the platform did not take the post like");
        return Err(error.into());
    }
    state.store.set_post_liked(session, id, liked).await?;
    state
        .store
        .conversation(session, id)
        .await?
        .and_then(|c| c.post)
        .ok_or(ApiError::Internal("a liked post vanished".into()))
}

/// Likes or unlikes `target_id` on the platform as the conversation's brand channel.
async fn ask_platform(
    state: &AppState,
    conversation: &Conversation,
    target_id: String,
    liked: bool,
) -> Result<(), PlatformError> {
    let request = Like {
        source: conversation.source,
        brand_id: conversation.brand.platform_id.clone(),
        target_id,
    };
    if liked {
        state.platform.like(&request).await
    } else {
        state.platform.unlike(&request).await
    }
}
