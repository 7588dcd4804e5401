//! `GET /api/conversations?view=mine|all` (a page at a time), `GET
//! /api/conversations/{id}` (with its newest messages), `GET
//! /api/conversations/{id}/messages?before=…` (older ones) and `PUT
//! /api/conversations/{id}/read`, all limited to the session's account.

use axum::extract::State;
use axum::http::header::LINK;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use social_api::{Conversation, ConversationId, ListView, MessagePage};

use crate::app::AppState;
use crate::auth::{AgentSession, BearerSession};
use crate::cursor::{BadCursor, ListCursor, MessageCursor};
use crate::error::{ApiError, ApiPath, ApiQuery};
use crate::read_cache::Keep;

/// Rows of a list page, and messages of a transcript page, unless the request asks less.
pub const DEFAULT_PAGE: u32 = 50;
/// The most a request may ask for.
pub const MAX_PAGE: u32 = 200;
/// Messages an action reads besides those it touches: enough for the rules' facts to
/// meet the messages the live stream adds, far fewer than a long transcript.
pub const ACTION_PAGE: u32 = 20;

const NO_CONVERSATION: ApiError = ApiError::NotFound("There is no such conversation.");

impl From<BadCursor> for ApiError {
    fn from(error: BadCursor) -> Self {
        ApiError::BadRequest(error.to_string())
    }
}

/// A page size as asked: 1 to [`MAX_PAGE`], [`DEFAULT_PAGE`] when not given.
fn page_size(limit: Option<u32>) -> Result<u32, ApiError> {
    match limit {
        None => Ok(DEFAULT_PAGE),
        Some(n @ 1..=MAX_PAGE) => Ok(n),
        Some(_) => Err(ApiError::BadRequest(format!(
            "limit must be from 1 to {MAX_PAGE}."
        ))),
    }
}

#[derive(Debug, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    view: ListView,
    limit: Option<u32>,
    cursor: Option<String>,
}

/// A page of the list, newest last message first; the next page's address is in the
/// `Link` header (RFC 8288, `rel="next"`), absent on the last page.
pub async fn list(
    State(state): State<AppState>,
    bearer: BearerSession,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Response, ApiError> {
    let limit = page_size(params.limit)?;
    let after = params
        .cursor
        .as_deref()
        .map(ListCursor::decode)
        .transpose()?;
    let rows = state
        .store
        .conversations_page(&bearer.session, params.view, limit + 1, after)
        .await?;
    let more = rows.len() > limit as usize;
    let rows: Vec<_> = rows.into_iter().take(limit as usize).collect();
    let next = rows.last().filter(|_| more).map(|last| ListCursor {
        last_at: last.last_message_at,
        id: last.id,
    });
    let mut response = Json(rows).into_response();
    if let Some(next) = next {
        let link = format!(
            "</api/conversations?view={}&limit={limit}&cursor={}>; rel=\"next\"",
            social_api::names::name_of(&params.view),
            next.encode()
        );
        if let Ok(value) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(LINK, value);
        }
    }
    response.extensions_mut().insert(Keep::for_session(&bearer));
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub struct DetailParams {
    limit: Option<u32>,
}

/// One conversation with its newest messages (`older_cursor` reads the ones before) and
/// the facts the rules need over all; another account's answers exactly like a missing
/// one.
pub async fn detail(
    State(state): State<AppState>,
    bearer: BearerSession,
    ApiPath(id): ApiPath<ConversationId>,
    ApiQuery(params): ApiQuery<DetailParams>,
) -> Result<(Extension<Keep>, Json<Conversation>), ApiError> {
    let limit = page_size(params.limit)?;
    let conversation = state
        .store
        .conversation_page(&bearer.session, id, limit, &[])
        .await?
        .ok_or(NO_CONVERSATION)?;
    Ok((Extension(Keep::for_session(&bearer)), Json(conversation)))
}

#[derive(Debug, Deserialize)]
pub struct OlderParams {
    before: String,
    limit: Option<u32>,
}

/// The messages before a cursor (a conversation's or a page's `older_cursor`).
pub async fn older(
    State(state): State<AppState>,
    AgentSession(session): AgentSession,
    ApiPath(id): ApiPath<ConversationId>,
    ApiQuery(params): ApiQuery<OlderParams>,
) -> Result<Json<MessagePage>, ApiError> {
    let limit = page_size(params.limit)?;
    let before = MessageCursor::decode(&params.before)?;
    state
        .store
        .messages_before(&session, id, before, limit)
        .await?
        .map(Json)
        .ok_or(NO_CONVERSATION)
}

/// The signed-in agent has seen the conversation: its unread count is 0 in their lists
/// until the consumer writes again. Idempotent, so a PUT: 204.
pub async fn mark_read(
    State(state): State<AppState>,
    AgentSession(session): AgentSession,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<StatusCode, ApiError> {
    if state.store.mark_read(&session, id, state.now()).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound("There is no such conversation."))
    }
}
