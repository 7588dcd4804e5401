//! Typed calls to the backend, one function per endpoint: browser `fetch`, the browser's
//! JSON parser and [`crate::decode`] for answers, the types of `social_api` for both.

pub mod admin;
mod error;
mod fetch;
mod idempotency;
mod workspace;

pub use error::ApiError;
pub use fetch::on_unauthorized;
pub use workspace::*;

use social_api::events::EventTicket;
use social_api::names::name_of;
use social_api::{
    Conversation, ConversationId, ConversationSummary, DemoConsumerMessage, DemoSessionRequest,
    DmInviteRequest, DmInviteSent, ListView, Me, Message, MessageId, MessagePage, NewSession,
    PostContext, Role, SendMessage,
};

use crate::decode;
use fetch::{call, fetch_json};

/// A request body as JSON; serialising our own types cannot fail.
fn body<T: serde::Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|_| ApiError::Unreadable)
}

/// `POST /api/demo/session`: a token for a demo account and role (demo mode only).
pub async fn demo_session(account: &str, role: Role) -> Result<String, ApiError> {
    let request = body(&DemoSessionRequest {
        account: account.to_owned(),
        role,
    })?;
    let answer: NewSession = call("POST", "/demo/session", None, Some(&request)).await?;
    Ok(answer.token)
}

/// A page of a conversation list and where the next one is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListPage {
    pub rows: Vec<ConversationSummary>,
    /// The next page's path under `/api`, from the `Link` header; `None` on the last page.
    pub next: Option<String>,
}

/// `GET /api/conversations?view=mine|all`: the first page, then the pages its `Link`
/// headers name until at least `at_least` rows are read (a list read again keeps the
/// rows it showed).
pub async fn conversations(
    token: &str,
    view: ListView,
    at_least: usize,
) -> Result<ListPage, ApiError> {
    let path = format!("/conversations?view={}", name_of(&view));
    let mut list = conversations_at(token, &path).await?;
    while list.rows.len() < at_least {
        let Some(next) = list.next.take() else { break };
        let page = conversations_at(token, &next).await?;
        list.rows.extend(page.rows);
        list.next = page.next;
    }
    Ok(list)
}

/// The page of a conversation list at `path` (the first, or a [`ListPage::next`]).
pub async fn conversations_at(token: &str, path: &str) -> Result<ListPage, ApiError> {
    fetch::exchange(
        "GET",
        path,
        Some(token),
        None,
        |_| (),
        |status, response, json| {
            if !(200..300).contains(&status) {
                return Err(fetch::refusal(status, response, json));
            }
            let rows = json
                .ok()
                .and_then(|v| decode::from_value(v).ok())
                .ok_or(ApiError::Unreadable)?;
            let link = response.headers().get("Link").ok().flatten();
            Ok(ListPage {
                rows,
                next: link.as_deref().and_then(next_page),
            })
        },
    )
    .await
}

/// The `rel="next"` target of a `Link` header (RFC 8288) as a path under `/api`, when it
/// is one of the list's own pages: nothing else is followed.
pub fn next_page(link: &str) -> Option<String> {
    link.split(',').find_map(|value| {
        let (target, params) = value.trim().strip_prefix('<')?.split_once('>')?;
        let next = params.split(';').any(|param| {
            param
                .trim()
                .strip_prefix("rel=")
                .is_some_and(|rel| rel.trim_matches('"').split(' ').any(|r| r == "next"))
        });
        let path = target.strip_prefix("/api")?;
        (next && path.starts_with("/conversations?")).then(|| path.to_owned())
    })
}

/// `GET /api/conversations/{id}`.
pub async fn conversation(token: &str, id: ConversationId) -> Result<Conversation, ApiError> {
    call("GET", &format!("/conversations/{id}"), Some(token), None).await
}

/// `GET /api/conversations/{id}/messages?before=…`: the page of messages before `before`
/// (an `older_cursor`, URL-safe as given).
pub async fn older_messages(
    token: &str,
    id: ConversationId,
    before: &str,
) -> Result<MessagePage, ApiError> {
    let path = format!("/conversations/{id}/messages?before={before}");
    call("GET", &path, Some(token), None).await
}

/// `PUT /api/conversations/{id}/read`: the signed-in agent has seen the conversation.
pub async fn mark_read(token: &str, id: ConversationId) -> Result<(), ApiError> {
    fetch_json(
        "PUT",
        &format!("/conversations/{id}/read"),
        Some(token),
        None,
    )
    .await
    .map(drop)
}

/// `GET /api/me`.
pub async fn me(token: &str) -> Result<Me, ApiError> {
    call("GET", "/me", Some(token), None).await
}

/// `POST /api/conversations/{id}/messages`: 201 with the message as stored, `Failed` with
/// the platform's reason when the platform refused it.
pub async fn send_message(
    token: &str,
    conversation: ConversationId,
    message: &SendMessage,
) -> Result<Message, ApiError> {
    let path = format!("/conversations/{conversation}/messages");
    call("POST", &path, Some(token), Some(&body(message)?)).await
}

/// `POST /api/messages/{id}/retry`: sends a failed message again.
pub async fn retry(token: &str, message: MessageId) -> Result<Message, ApiError> {
    let path = format!("/messages/{message}/retry");
    call("POST", &path, Some(token), None).await
}

/// What a like or unlike answers: the message or the post, as stored now.
pub enum Liked {
    Message(Message),
    Post(PostContext),
}

/// `POST` (like) or `DELETE` (unlike), as the brand: `/api/messages/{id}/like` for a
/// message, `/api/conversations/{id}/post/like` for the conversation's post (`None`). Both
/// endpoints in one function, so the action awaits one request type (docs/size.md).
pub async fn like(
    token: &str,
    conversation: ConversationId,
    message: Option<MessageId>,
    liked: bool,
) -> Result<Liked, ApiError> {
    let method = if liked { "POST" } else { "DELETE" };
    let path = match message {
        Some(message) => format!("/messages/{message}/like"),
        None => format!("/conversations/{conversation}/post/like"),
    };
    let json = fetch_json(method, &path, Some(token), None).await?;
    match message {
        Some(_) => decode::from_value(json).map(Liked::Message),
        None => decode::from_value(json).map(Liked::Post),
    }
    .map_err(|_| ApiError::Unreadable)
}

/// `POST /api/events/ticket`: a single-use ticket for one event stream.
pub async fn event_ticket(token: &str) -> Result<String, ApiError> {
    let answer: EventTicket = call("POST", "/events/ticket", Some(token), None).await?;
    Ok(answer.ticket)
}

/// The URL of a conversation's event stream, opened with `ticket`, replaying after `after`.
pub fn events_url(conversation: ConversationId, ticket: &str, after: i64) -> String {
    format!("/api/conversations/{conversation}/events?ticket={ticket}&after={after}")
}

/// `POST /api/demo/conversations/{id}/consumer-messages`: the dev page plays the consumer.
pub async fn play_consumer(
    token: &str,
    conversation: ConversationId,
    message: &DemoConsumerMessage,
) -> Result<Message, ApiError> {
    let path = format!("/demo/conversations/{conversation}/consumer-messages");
    call("POST", &path, Some(token), Some(&body(message)?)).await
}

/// `POST /api/conversations/{id}/dm-invite`: "Link to DM".
pub async fn dm_invite(
    token: &str,
    conversation: ConversationId,
    request: &DmInviteRequest,
) -> Result<DmInviteSent, ApiError> {
    let path = format!("/conversations/{conversation}/dm-invite");
    call("POST", &path, Some(token), Some(&body(request)?)).await
}
