//! `POST` and `DELETE /api/messages/{id}/like`: the brand's Page or X account likes a
//! consumer's public message, or takes the like back; `POST` and
//! `DELETE /api/conversations/{id}/post/like`: the same for the consumer's post or tweet
//! the conversation hangs on. Never as the agent's own account.

use axum::extract::State;
use axum::Json;
use social_api::events::Change;
use social_api::rules::{self, LikeTarget};
use social_api::{Conversation, ConversationId, Message, MessageId, PostContext};

use crate::app::AppState;
use crate::auth::AgentSession;
use crate::error::{ApiError, ApiPath};
use crate::events;
use crate::routes::conversations::ACTION_PAGE;
use backon::Retryable;

use crate::platforms::{Like, PlatformError};
use crate::store::Session;

const NO_MESSAGE: ApiError = ApiError::NotFound("There is no such message.");
const NO_CONVERSATION: ApiError = ApiError::NotFound("There is no such conversation.");

pub async fn like(
    State(state): State<AppState>,
    AgentSession(session): AgentSession,
    ApiPath(id): ApiPath<MessageId>,
) -> Result<Json<Message>, ApiError> {
    set_message(&state, &session, id, true).await.map(Json)
}

pub async fn unlike(
    State(state): State<AppState>,
    AgentSession(session): AgentSession,
    ApiPath(id): ApiPath<MessageId>,
) -> Result<Json<Message>, ApiError> {
    set_message(&state, &session, id, false).await.map(Json)
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

async fn set_message(
    state: &AppState,
    session: &Session,
    id: MessageId,
    liked: bool,
) -> Result<Message, ApiError> {
    let conversation = state
        .store
        .conversation_of_message(session, id)
        .await?
        .ok_or(NO_MESSAGE)?;
    set(state, session, conversation, LikeTarget::Message(id), liked).await?;
    let message = state
        .store
        .message(session, id)
        .await?
        .ok_or(ApiError::Internal("a liked message vanished".into()))?;
    events::message_changed(state, session, conversation, &message).await;
    Ok(message)
}

async fn set_post(
    state: &AppState,
    session: &Session,
    id: ConversationId,
    liked: bool,
) -> Result<PostContext, ApiError> {
    set(state, session, id, LikeTarget::Post, liked).await?;
    let post = state
        .store
        .conversation_page(session, id, 1, &[])
        .await?
        .and_then(|c| c.post)
        .ok_or(ApiError::Internal("a liked post vanished".into()))?;
    events::publish(state, session, id, Change::Post(post.clone())).await;
    Ok(post)
}

/// Checks the rule, asks the platform, and only then records the like: a platform
/// failure answers 502 and leaves the target as it was.
async fn set(
    state: &AppState,
    session: &Session,
    conversation: ConversationId,
    target: LikeTarget,
    liked: bool,
) -> Result<(), ApiError> {
    let targets: Vec<MessageId> = match target {
        LikeTarget::Message(id) => vec![id],
        LikeTarget::Post => Vec::new(),
    };
    let conversation = state
        .store
        .conversation_page(session, conversation, ACTION_PAGE, &targets)
        .await?
        .ok_or(NO_CONVERSATION)?;
    if liked {
        rules::can_like(&conversation, &session.agent, target)?;
    } else {
        rules::can_unlike(&conversation, &session.agent, target)?;
    }
    if let Err(error) = ask_platform(state, &conversation, target, liked).await {
        tracing::warn!(?target, liked, reason = %error, "the platform did not take the like");
        crate::outbound::note_platform_outcome(state, &conversation, Some(&error.reason())).await;
        return Err(error.into());
    }
    crate::outbound::note_platform_outcome(state, &conversation, None).await;
    // The platform did it: a passing database failure must not lose that (a 500 here
    // would have the like asked of the platform again), so the write is tried again.
    let record = || async {
        match target {
            LikeTarget::Message(id) => state.store.set_liked(session, id, liked).await,
            LikeTarget::Post => {
                state
                    .store
                    .set_post_liked(session, conversation.id, liked)
                    .await
            }
        }
    };
    if let Err(error) = record.retry(crate::outbound::record_tries()).await {
        // Not a 500: the like is on the platform, and asking again is harmless there
        // (liking twice leaves one like), so the agent is told to simply try again.
        tracing::error!(%error, ?target, liked, "the platform took the like; the database did not");
        return Err(ApiError::Unavailable(
            "The platform took it, but it could not be saved here. Trying again is safe.",
        ));
    }
    Ok(())
}

/// Likes or unlikes `target` on the platform as the conversation's brand channel.
async fn ask_platform(
    state: &AppState,
    conversation: &Conversation,
    target: LikeTarget,
    liked: bool,
) -> Result<(), PlatformError> {
    // The rules passed, so the target is on the platform.
    let target_id = match target {
        LikeTarget::Message(id) => conversation.message(id).and_then(|m| m.platform_id.clone()),
        LikeTarget::Post => conversation.post.as_ref().map(|p| p.platform_id.clone()),
    }
    .unwrap_or_default();
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
