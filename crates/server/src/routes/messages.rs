//! `POST /api/conversations/{id}/messages` (send a reply, DM or internal note) and
//! `POST /api/messages/{id}/retry` (send a failed one again). Every rule is
//! `social_api::rules`'; what is left here is storing and sending.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Extension;
use axum::Json;
use social_api::rules::{self, Denied};
use social_api::{ConversationId, Message, MessageId, SendMessage, Space};

use crate::app::AppState;
use crate::auth::AgentSession;
use crate::error::{ApiError, ApiJson, ApiPath};
use crate::events;
use crate::idempotency::ActionKey;
use crate::outbound::{self, FirstStep};
use crate::routes::conversations::ACTION_PAGE;
use crate::store::{NewDelivery, NewMessage, RetryClaim, SendingMode};

const NO_CONVERSATION: ApiError = ApiError::NotFound("There is no such conversation.");
const NO_MESSAGE: ApiError = ApiError::NotFound("There is no such message.");

/// Checks the message with the shared rules, stores it as Pending, sends it, and answers
/// 201 with it as stored now: Sent, or Failed with the platform's reason.
pub async fn send(
    State(state): State<AppState>,
    AgentSession(session): AgentSession,
    ApiPath(id): ApiPath<ConversationId>,
    key: Option<Extension<ActionKey>>,
    ApiJson(request): ApiJson<SendMessage>,
) -> Result<(StatusCode, Json<Message>), ApiError> {
    let key = key.map(|Extension(ActionKey(key))| key);
    // The key's first run died or could not keep its answer: what it stored, as it
    // stands now (Pending ones are the sweeper's), never a second message.
    if let Some(key) = &key {
        if let Some(message) = state.store.message_by_key(&session, key, false).await? {
            return Ok((StatusCode::CREATED, Json(message)));
        }
    }
    let targets: Vec<MessageId> = request.reply_to.into_iter().collect();
    let conversation = state
        .store
        .conversation_page(&session, id, ACTION_PAGE, &targets)
        .await?
        .ok_or(NO_CONVERSATION)?;
    let now = state.now();
    let outgoing = rules::check_message(&conversation, &session.agent, &request, now)?;
    let mode = SendingMode {
        mention: outgoing.mention,
        private_reply: false,
    };
    let new = NewMessage {
        conversation: conversation.id,
        space: outgoing.space,
        text: &outgoing.text,
        reply_to: outgoing.reply_to.map(|t| t.message()),
        sent_at: now,
        // Internal notes never leave the backend.
        delivery: if outgoing.space == Space::Internal {
            NewDelivery::Sent
        } else {
            NewDelivery::Pending
        },
        mode,
        key: key.as_deref(),
    };
    let Some(stored) = state.store.insert_message(&session, &new).await? else {
        // Another run with the key stored it a moment ago.
        return match &key {
            Some(key) => match state.store.message_by_key(&session, key, false).await? {
                Some(message) => Ok((StatusCode::CREATED, Json(message))),
                None => Err(NO_CONVERSATION),
            },
            None => Err(NO_CONVERSATION),
        };
    };
    let stored = state
        .store
        .message(&session, stored)
        .await?
        .ok_or(ApiError::Internal("a stored message vanished".into()))?;
    events::message_changed(&state, &session, conversation.id, &stored).await;
    let message = outbound::deliver(
        &state,
        &session,
        &conversation,
        &stored,
        mode,
        FirstStep::Send,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(message)))
}

/// Sends a Failed message again, with its stored text and target, in the name of the
/// agent retrying; 200 with the message.
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
    // The message and what it answers (a private reply's comment), wherever they are.
    let failed = state.store.message(&session, id).await?.ok_or(NO_MESSAGE)?;
    let targets: Vec<MessageId> = [id].into_iter().chain(failed.reply_to).collect();
    let conversation = state
        .store
        .conversation_page(&session, conversation_id, ACTION_PAGE, &targets)
        .await?
        .ok_or(NO_MESSAGE)?;
    rules::can_retry(&conversation, &session.agent, id, state.now())?;
    // Failed -> Pending in one statement: of two racing retries only one sends.
    let first = match state.store.claim_retry(&session, id, state.now()).await? {
        RetryClaim::NotFailed => return Err(Denied::NotFailed.into()),
        RetryClaim::Claimed { check_first: true } => FirstStep::LookFirst,
        RetryClaim::Claimed { check_first: false } => FirstStep::Send,
    };
    // Read again: the claim made the one retrying its author.
    let message = state.store.message(&session, id).await?.ok_or(NO_MESSAGE)?;
    let message = outbound::deliver(&state, &session, &conversation, &message, mode, first).await?;
    Ok(Json(message))
}
