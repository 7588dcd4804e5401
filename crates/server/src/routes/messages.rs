//! `POST /api/conversations/{id}/messages` (send a reply, DM or internal note) and
//! `POST /api/messages/{id}/retry` (send a failed one again).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use social_api::actions::{default_public_target, insert_mention, mention_for, SendMessage};
use social_api::rules::{self, Denied, Draft, ReplyTarget};
use social_api::{ConversationId, Message, MessageId, Source, Space};

use crate::app::AppState;
use crate::auth::AgentSession;
use crate::error::{ApiError, ApiJson, ApiPath, Refused};
use crate::outbound;
use crate::store::{NewDelivery, NewMessage, SendingMode};

const NO_CONVERSATION: ApiError = ApiError::NotFound("There is no such conversation.");
const NO_MESSAGE: ApiError = ApiError::NotFound("There is no such message.");

/// Checks the message with the shared rules, stores it as Pending, sends it, and answers
/// 201 with it as stored now: Sent, or Failed with the platform's reason.
pub async fn send(
    State(state): State<AppState>,
    AgentSession(session): AgentSession,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(request): ApiJson<SendMessage>,
) -> Result<(StatusCode, Json<Message>), ApiError> {
    let conversation = state
        .store
        .conversation(&session, id)
        .await?
        .ok_or(NO_CONVERSATION)?;
    let agent = &session.agent;
    let space = request.space;

    let mut text = request.text.clone();
    if request.mention {
        rules::can_mention(&conversation, agent, space)?;
        // X shows a mention only as `@handle` in the text; Facebook tags the consumer's id.
        if conversation.source == Source::X {
            if let Some(handle) = mention_for(&conversation) {
                text = insert_mention(&text, 0, &handle).0;
            }
        }
    }
    let answered = match request.reply_to {
        Some(target) => Some(target),
        None if space == Space::Public => default_public_target(&conversation),
        None => None,
    };
    let reply_to = answered
        .map(|target| ReplyTarget::new(&conversation, target))
        .transpose()?;
    let draft = Draft {
        text: &text,
        space,
        reply_to,
        has_attachments: !request.attachments.is_empty(),
    };
    rules::check_draft(&conversation, agent, &draft)?;
    if request.text.trim().is_empty() {
        // A mention alone is not a message.
        return Err(Denied::Empty.into());
    }
    if !request.attachments.is_empty() {
        return Err(ApiError::Refused(Refused::AttachmentsNotSupported));
    }

    let mode = SendingMode {
        mention: request.mention,
        private_reply: false,
    };
    let new = NewMessage {
        conversation: conversation.id,
        space,
        text: &text,
        reply_to: reply_to.map(|t| t.message()),
        sent_at: crate::now(),
        // Internal notes never leave the backend.
        delivery: if space == Space::Internal {
            NewDelivery::Sent
        } else {
            NewDelivery::Pending
        },
        mode,
    };
    let stored = state
        .store
        .insert_message(&session, &new)
        .await?
        .ok_or(NO_CONVERSATION)?;
    let stored = state
        .store
        .message(&session, stored)
        .await?
        .ok_or(ApiError::Internal("a stored message vanished".into()))?;
    let message = outbound::deliver(&state, &session, &conversation, &stored, mode).await?;
    Ok((StatusCode::CREATED, Json(message)))
}

/// Sends a Failed message again, with its stored text and target; 200 with the message.
pub async fn retry(
    State(state): State<AppState>,
    AgentSession(session): AgentSession,
    ApiPath(id): ApiPath<MessageId>,
) -> Result<Json<Message>, ApiError> {
    let conversation_id = state
        .store
        .conversation_of_message(&session, id)
        .await?
        .ok_or(NO_MESSAGE)?;
    let mode = state
        .store
        .sending_mode(&session, id)
        .await?
        .ok_or(NO_MESSAGE)?;
    let conversation = state
        .store
        .conversation(&session, conversation_id)
        .await?
        .ok_or(NO_MESSAGE)?;
    let message = conversation.message(id).cloned().ok_or(NO_MESSAGE)?;
    // The one retrying must be allowed to write there: a bot cannot publish a person's
    // failed public reply.
    rules::can_write_in(&conversation, &session.agent, message.space)?;
    // Failed -> Pending in one statement: of two racing retries only one sends. What is
    // sent (text, space, target) does not change with the claim, so the copy read above
    // is the one to deliver.
    if !state.store.claim_retry(&session, id).await? {
        return Err(ApiError::Refused(Refused::NotFailed));
    }
    let message = outbound::deliver(&state, &session, &conversation, &message, mode).await?;
    Ok(Json(message))
}
