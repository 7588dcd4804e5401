//! `POST /api/conversations/{id}/dm-invite`: "Link to DM". A public reply inviting the
//! consumer to a private conversation and, on Facebook where Meta allows it, a private
//! reply to the same comment that opens the Messenger conversation.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use social_api::{
    rules, Conversation, ConversationId, DmInviteRequest, DmInviteSent, Message, MessageId, Space,
};

use crate::app::AppState;
use crate::auth::AgentSession;
use crate::error::{ApiError, ApiPath};
use crate::events;
use crate::outbound::{self, FirstStep};
use crate::store::{NewDelivery, NewMessage, SendingMode, Session};

/// The body is empty or a [`DmInviteRequest`]; 201 with both messages as stored now.
pub async fn send(
    State(state): State<AppState>,
    AgentSession(session): AgentSession,
    ApiPath(id): ApiPath<ConversationId>,
    body: Bytes,
) -> Result<(StatusCode, Json<DmInviteSent>), ApiError> {
    let request = read_request(&body)?;
    let conversation = state
        .store
        .conversation(&session, id)
        .await?
        .ok_or(ApiError::NotFound("There is no such conversation."))?;
    let invite = rules::check_dm_invite(&conversation, &session.agent, &request, state.now())?;

    let public_reply = send_one(
        &state,
        &session,
        &conversation,
        Space::Public,
        &invite.public_text,
        invite.answers,
        false,
    )
    .await?
    .ok_or(ApiError::Internal("the invitation was not stored".into()))?;
    let private_reply = match invite.private_reply_to {
        Some(comment) => {
            send_one(
                &state,
                &session,
                &conversation,
                Space::Private,
                &invite.private_text,
                Some(comment),
                true,
            )
            .await?
        }
        None => None,
    };
    Ok((
        StatusCode::CREATED,
        Json(DmInviteSent {
            public_reply,
            private_reply,
        }),
    ))
}

/// An empty body is the default request; JSON that does not parse is a 400, JSON of the
/// wrong shape (an unknown field included) a 422.
fn read_request(body: &[u8]) -> Result<DmInviteRequest, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(DmInviteRequest::default());
    }
    serde_json::from_slice(body).map_err(|error| {
        if error.is_data() {
            ApiError::Unprocessable(error.to_string())
        } else {
            ApiError::BadRequest(error.to_string())
        }
    })
}

/// Stores and sends one message; `None` when a private reply to that comment exists
/// already (a racing invitation sent it).
async fn send_one(
    state: &AppState,
    session: &Session,
    conversation: &Conversation,
    space: Space,
    text: &str,
    reply_to: Option<MessageId>,
    private_reply: bool,
) -> Result<Option<Message>, ApiError> {
    let mode = SendingMode {
        mention: false,
        private_reply,
    };
    let new = NewMessage {
        conversation: conversation.id,
        space,
        text,
        reply_to,
        sent_at: state.now(),
        delivery: NewDelivery::Pending,
        mode,
    };
    let Some(id) = state.store.insert_message(session, &new).await? else {
        return Ok(None);
    };
    let stored = state
        .store
        .message(session, id)
        .await?
        .ok_or(ApiError::Internal("a stored message vanished".into()))?;
    events::message_changed(state, session, conversation.id, &stored).await;
    Ok(Some(
        outbound::deliver(state, session, conversation, &stored, mode, FirstStep::Send).await?,
    ))
}
