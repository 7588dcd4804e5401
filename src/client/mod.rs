//! Typed calls to the backend, one function per endpoint: browser `fetch`, the browser's
//! JSON parser and [`crate::decode`] for answers. Action requests carry an
//! `Idempotency-Key`, reused only when the same request is sent again after no answer came.

use std::{cell::RefCell, fmt};

use leptos::prelude::on_cleanup;
use send_wrapper::SendWrapper;
use serde::{de::DeserializeOwned, Deserialize};
use social_api::{
    actions::{DmInviteSent, SendMessage},
    Agent, Conversation, ConversationId, ConversationSummary, ListView, Message, MessageId,
    PostContext, Problem, Role, SessionToken,
};
use wasm_bindgen::{JsCast, JsValue};

use crate::decode;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestInit, Response};

/// Where the API lives: the same origin as the widget (trunk proxies it in development).
const BASE: &str = "/api";

/// Why a call failed, in words an agent can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// No answer came back: offline, server down, or blocked.
    Network,
    /// 401: the session is missing or expired.
    Unauthorized,
    /// 404: not there, or not in this account.
    NotFound,
    /// The server refused in words meant for the agent: a rule (422 `urn:social-widget:rule:*`)
    /// or the platform's refusal (502 `urn:social-widget:platform-error`).
    Refused(String),
    /// Any other error answer, with the server's problem detail where it gave one.
    Server {
        status: u16,
        title: String,
        detail: Option<String>,
    },
    /// The answer was not in the expected shape.
    Unreadable,
    /// Cancelled because a newer request replaced it; never shown.
    Aborted,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Network => {
                f.write_str("The server could not be reached. Check the connection and try again.")
            }
            ApiError::Unauthorized => {
                f.write_str("The session is not valid or has expired. Sign in again.")
            }
            ApiError::NotFound => f.write_str(
                "It was not found: it may have been removed or belong to another account.",
            ),
            ApiError::Server {
                status,
                title,
                detail,
            } => {
                write!(f, "The server answered {status} {title}")?;
                match detail {
                    Some(detail) => write!(f, ": {detail}"),
                    None => f.write_str("."),
                }
            }
            ApiError::Refused(reason) => f.write_str(reason),
            ApiError::Unreadable => f.write_str("The server's answer could not be read."),
            ApiError::Aborted => f.write_str("The request was cancelled."),
        }
    }
}

/// Answer of `GET /api/me`: who is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Me {
    pub agent: Agent,
    pub role: Role,
    pub account: String,
}

/// `POST /api/demo/session`: a token for a demo account and role (demo mode only).
pub async fn demo_session(account: &str, role: Role) -> Result<String, ApiError> {
    // Written by hand: serialising one type would add kilobytes to the wasm. `stringify`
    // escapes the account name.
    let account = js_sys::JSON::stringify(&JsValue::from_str(account))
        .map(String::from)
        .map_err(|_| ApiError::Unreadable)?;
    let body = format!(r#"{{"account":{account},"role":"{}"}}"#, role.as_str());
    let answer: SessionToken = call("POST", "/demo/session", None, Some(&body)).await?;
    Ok(answer.token)
}

/// `GET /api/conversations?view=mine|all`.
pub async fn conversations(
    token: &str,
    view: ListView,
) -> Result<Vec<ConversationSummary>, ApiError> {
    let view = match view {
        ListView::Mine => "mine",
        ListView::All => "all",
    };
    call(
        "GET",
        &format!("/conversations?view={view}"),
        Some(token),
        None,
    )
    .await
}

/// `GET /api/conversations/{id}`.
pub async fn conversation(token: &str, id: ConversationId) -> Result<Conversation, ApiError> {
    call("GET", &format!("/conversations/{id}"), Some(token), None).await
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
    // serde_json, measured: the same brotli'd size as writing the JSON by hand (the
    // strings' escaping and the integer formatting are needed either way).
    let body = serde_json::to_string(message).map_err(|_| ApiError::Unreadable)?;
    let path = format!("/conversations/{conversation}/messages");
    call("POST", &path, Some(token), Some(&body)).await
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
/// endpoints in one function, so the action awaits one request type (measured: smaller wasm).
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

/// `POST /api/conversations/{id}/dm-invite`: "Link to DM".
pub async fn dm_invite(
    token: &str,
    conversation: ConversationId,
) -> Result<DmInviteSent, ApiError> {
    let path = format!("/conversations/{conversation}/dm-invite");
    call("POST", &path, Some(token), Some("{}")).await
}

thread_local! {
    /// Per path, the last action request that got no answer (a network failure) and its
    /// `Idempotency-Key`: sending the same request again is the same attempt, and reuses
    /// the key, so the server does it once even if the first one did arrive.
    static UNANSWERED: RefCell<Vec<(String, String, String)>> = const { RefCell::new(Vec::new()) };
}

/// The `Idempotency-Key` of an action request: the unanswered one's for a repetition,
/// otherwise a fresh random one.
fn idempotency_key(path: &str, request: &str) -> String {
    UNANSWERED
        .with_borrow(|all| {
            all.iter()
                .find(|(p, r, _)| p == path && r == request)
                .map(|(_, _, key)| key.clone())
        })
        .unwrap_or_else(random_key)
}

/// Remembers (no answer came) or forgets (an answer came) the key of the last attempt.
fn remember_attempt(path: &str, request: String, key: String, unanswered: bool) {
    UNANSWERED.with_borrow_mut(|all| {
        all.retain(|(p, _, _)| p != path);
        if unanswered {
            all.push((path.to_owned(), request, key));
        }
    });
}

/// 128 random bits from `crypto.getRandomValues`, as 32 hex digits.
fn random_key() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]])
        .map(char::from)
        .collect()
}

/// One request, decoded as `T`. Only the decoding is generic, so the fetch code is in the
/// wasm once rather than once per answer type.
async fn call<T: DeserializeOwned>(
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> Result<T, ApiError> {
    let json = fetch_json(method, path, token, body).await?;
    decode::from_value(json).map_err(|_| ApiError::Unreadable)
}

/// One request, answered with parsed JSON. When the reactive owner that started it is
/// cleaned up (the conversation was switched, the view unmounted), the request is aborted.
async fn fetch_json(
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> Result<JsValue, ApiError> {
    let window = web_sys::window().ok_or(ApiError::Network)?;
    let init = RequestInit::new();
    init.set_method(method);
    let headers = Headers::new().map_err(|_| ApiError::Network)?;
    let _ = headers.set("Accept", "application/json");
    if let Some(token) = token {
        let _ = headers.set("Authorization", &format!("Bearer {token}"));
    }
    if let Some(body) = body {
        let _ = headers.set("Content-Type", "application/json");
        init.set_body(&JsValue::from_str(body));
    }
    // An action (anything but a read) carries an idempotency key and is never aborted: it
    // may already be done on the server, and its answer belongs in the model.
    let action = method != "GET";
    let request = format!("{method}\n{}", body.unwrap_or_default());
    let key = action.then(|| idempotency_key(path, &request));
    if let Some(key) = &key {
        let _ = headers.set("Idempotency-Key", key);
    }
    init.set_headers(&headers);

    let controller = (!action).then(AbortController::new).and_then(Result::ok);
    let signal = controller.as_ref().map(AbortController::signal);
    init.set_signal(signal.as_ref());
    if controller.is_some() {
        let controller = SendWrapper::new(controller);
        on_cleanup(move || {
            if let Some(controller) = controller.take() {
                controller.abort();
            }
        });
    }
    let aborted = || signal.as_ref().is_some_and(|s| s.aborted());

    let url = format!("{BASE}{path}");
    let sent = JsFuture::from(window.fetch_with_str_and_init(&url, &init)).await;
    if let Some(key) = key {
        // No answer, or 409 "the first request with this key is still running": the attempt
        // is not over, so a resend must carry the same key or it could be carried out twice.
        let unfinished = match &sent {
            Err(_) => true,
            Ok(response) => response.unchecked_ref::<Response>().status() == 409,
        };
        remember_attempt(path, request, key, unfinished);
    }
    let response: Response = match sent {
        Ok(response) => response.unchecked_into(),
        Err(_) if aborted() => return Err(ApiError::Aborted),
        Err(_) => return Err(ApiError::Network),
    };
    let status = response.status();
    let json = match response.json() {
        Ok(promise) => JsFuture::from(promise).await,
        Err(e) => Err(e),
    };
    if aborted() {
        return Err(ApiError::Aborted);
    }
    match status {
        200..=299 => json.map_err(|_| ApiError::Unreadable),
        401 => Err(ApiError::Unauthorized),
        404 => Err(ApiError::NotFound),
        _ => {
            let problem = json
                .ok()
                .and_then(|v| decode::from_value::<Problem>(v).ok());
            Err(match problem {
                // Our own problem types speak to the agent: a rule's title is its reason.
                Some(p) if p.kind.starts_with("urn:social-widget:") => {
                    ApiError::Refused(match p.detail {
                        Some(detail) if detail != p.title => format!("{} {detail}", p.title),
                        _ => p.title,
                    })
                }
                Some(p) => ApiError::Server {
                    status,
                    title: p.title,
                    detail: p.detail,
                },
                None => ApiError::Server {
                    status,
                    title: response.status_text(),
                    detail: None,
                },
            })
        }
    }
}
