//! `POST /api/conversations/{id}/dm-invite`: "Link to DM". A public reply inviting the
//! consumer to a private conversation and, on Facebook where Meta allows it, a private
//! reply to the same comment that opens the Messenger conversation.
//!
//! Each step is a stored message, so each step's outcome is recorded on it. A repeat
//! never does a step twice: with the same `Idempotency-Key` (its first run died or could
//! not keep its answer) it finds the messages stored under the key; with a new key, a
//! public invitation that went out but whose private reply did not is completed with the
//! private reply alone. A new invitation after a complete one is a new public reply.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use social_api::actions::DmInvite;
use social_api::{
    rules, Conversation, ConversationId, Delivery, DmInviteRequest, DmInviteSent, Message,
    MessageId, Space,
};

use crate::app::AppState;
use crate::auth::AgentSession;
use crate::error::{ApiError, ApiPath};
use crate::events;
use crate::idempotency::ActionKey;
use crate::outbound::{self, FirstStep};
use crate::routes::conversations::ACTION_PAGE;
use crate::store::{NewDelivery, NewMessage, SendingMode, Session};

/// The body is empty or a [`DmInviteRequest`]; 201 with both messages as stored now.
pub async fn send(
    State(state): State<AppState>,
    AgentSession(session): AgentSession,
    ApiPath(id): ApiPath<ConversationId>,
    key: Option<Extension<ActionKey>>,
    body: Bytes,
) -> Result<(StatusCode, Json<DmInviteSent>), ApiError> {
    let key = key.map(|Extension(ActionKey(key))| key);
    let key = key.as_deref();
    let request = read_request(&body)?;
    // A run of this key stored the invitation already: finish it, whatever the rules
    // say now (they held when it was stored).
    if let Some(public_reply) = by_key(&state, &session, key, false).await? {
        let private_reply = match by_key(&state, &session, key, true).await? {
            Some(private) => Some(private),
            None => finish_private(&state, &session, id, &request, key).await?,
        };
        return Ok((
            StatusCode::CREATED,
            Json(DmInviteSent {
                public_reply,
                private_reply,
            }),
        ));
    }
    let conversation = state
        .store
        .conversation_page(&session, id, ACTION_PAGE, &targets(&request))
        .await?
        .ok_or(ApiError::NotFound("There is no such conversation."))?;
    let invite = rules::check_dm_invite(&conversation, &session.agent, &request, state.now())?;

    // The same invitation went out, and its comment still waits for the private reply:
    // an earlier request stopped half way, and only the private reply is missing.
    let half_done = invite
        .private_reply_to
        .and_then(|_| sent_invitation(&conversation, &invite));
    let public_reply = match half_done {
        Some(public) => public,
        None => send_one(
            &state,
            &session,
            &conversation,
            &invite.public_text,
            invite.answers,
            false,
            key,
        )
        .await?
        .ok_or(ApiError::Internal("the invitation was not stored".into()))?,
    };
    let private_reply = match invite.private_reply_to {
        Some(comment) => {
            send_one(
                &state,
                &session,
                &conversation,
                &invite.private_text,
                Some(comment),
                true,
                key,
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

/// The message stored under `key` (the private reply or the public invitation).
async fn by_key(
    state: &AppState,
    session: &Session,
    key: Option<&str>,
    private_reply: bool,
) -> Result<Option<Message>, ApiError> {
    match key {
        Some(key) => Ok(state
            .store
            .message_by_key(session, key, private_reply)
            .await?),
        None => Ok(None),
    }
}

/// The private reply of an invitation whose public reply is stored under `key`, if the
/// comment may still get one.
async fn finish_private(
    state: &AppState,
    session: &Session,
    id: ConversationId,
    request: &DmInviteRequest,
    key: Option<&str>,
) -> Result<Option<Message>, ApiError> {
    let page = state
        .store
        .conversation_page(session, id, ACTION_PAGE, &targets(request))
        .await?;
    let Some(conversation) = page else {
        return Ok(None);
    };
    let Ok(invite) = rules::check_dm_invite(&conversation, &session.agent, request, state.now())
    else {
        return Ok(None);
    };
    let Some(comment) = invite.private_reply_to else {
        return Ok(None);
    };
    send_one(
        state,
        session,
        &conversation,
        &invite.private_text,
        Some(comment),
        true,
        key,
    )
    .await
}

/// The messages an invitation reads wherever they are: the one it answers, if chosen (the
/// default one comes with every page), and their answers.
fn targets(request: &DmInviteRequest) -> Vec<MessageId> {
    request.reply_to.into_iter().collect()
}

/// The brand's public reply with exactly this invitation to the same message, unless it
/// failed.
fn sent_invitation(conversation: &Conversation, invite: &DmInvite) -> Option<Message> {
    conversation
        .messages
        .iter()
        .rev()
        .find(|m| {
            !m.author.is_consumer()
                && m.space == Space::Public
                && m.reply_to == invite.answers
                && m.text == invite.public_text
                && !matches!(m.delivery, Delivery::Failed { .. })
        })
        .cloned()
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
    text: &str,
    reply_to: Option<MessageId>,
    private_reply: bool,
    key: Option<&str>,
) -> Result<Option<Message>, ApiError> {
    let space = if private_reply {
        Space::Private
    } else {
        Space::Public
    };
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
        key,
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
