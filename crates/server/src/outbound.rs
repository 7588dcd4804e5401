//! Sends a stored outgoing message to its platform and records what happened: the one
//! path shared by new messages, retries and invitations.

use social_api::names::name_of;
use social_api::{rules, Conversation, Message, Space, Timestamp};

use crate::app::AppState;
use crate::error::ApiError;
use crate::events;
use crate::platforms::{Outbound, PlatformError};
use crate::store::{Attempt, SendingMode, Session};

/// The platform request for `message` of `conversation`, sent by the session's agent at
/// `now`: it threads to the platform id of the message it answers (a public reply without
/// one goes under the post) and carries the Messenger tag Meta requires by then.
pub fn request_for(
    conversation: &Conversation,
    session: &Session,
    message: &Message,
    mode: SendingMode,
    now: Timestamp,
) -> Outbound {
    let answered = message
        .reply_to
        .and_then(|id| conversation.message(id))
        .and_then(|m| m.platform_id.clone());
    let post = || {
        conversation
            .post
            .as_ref()
            .filter(|_| message.space == Space::Public)
            .map(|p| p.platform_id.clone())
    };
    let tag = rules::message_tag(conversation, &session.agent, message, now);
    Outbound {
        source: conversation.source,
        brand_id: conversation.brand.platform_id.clone(),
        target_id: answered.or_else(post),
        consumer_id: conversation.consumer.platform_id.clone(),
        text: message.text.clone(),
        mention: mode.mention,
        tag,
    }
}

/// Sends the stored `message` (Pending) and marks it Sent or Failed: a platform failure
/// is an outcome the agent sees on the message, not an error of the request. The open
/// streams learn the outcome.
pub async fn deliver(
    state: &AppState,
    session: &Session,
    conversation: &Conversation,
    message: &Message,
    mode: SendingMode,
) -> Result<Message, ApiError> {
    let request = request_for(conversation, session, message, mode, state.now());
    let platform = &state.platform;
    let result: Result<String, PlatformError> = match (message.space, mode.private_reply) {
        (Space::Internal, _) => return Ok(message.clone()),
        (Space::Public, _) => platform.reply_public(&request).await,
        (Space::Private, true) => platform.private_reply(&request).await,
        (Space::Private, false) => platform.send_private(&request).await,
    };
    let space = name_of(&message.space);
    let reason;
    let attempt = match &result {
        Ok(platform_id) => {
            tracing::info!(message = message.id.0, space, "sent");
            Attempt::Sent { platform_id }
        }
        Err(error) => {
            reason = error.reason();
            tracing::warn!(
                message = message.id.0,
                space,
                %reason,
                "the platform did not take the message"
            );
            Attempt::Failed { reason: &reason }
        }
    };
    state
        .store
        .record_attempt(session, message.id, attempt)
        .await?;
    let message = state
        .store
        .message(session, message.id)
        .await?
        .ok_or(ApiError::Internal("a sent message vanished".into()))?;
    events::message_changed(state, session, conversation.id, &message).await;
    Ok(message)
}
