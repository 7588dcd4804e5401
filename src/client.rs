//! Typed calls to the backend, one function per endpoint: browser `fetch`, the browser's
//! JSON parser and [`crate::decode`], so the wasm carries no JSON library.

use std::fmt;

use leptos::prelude::on_cleanup;
use send_wrapper::SendWrapper;
use serde::{de::DeserializeOwned, Deserialize};
use social_api::{
    Agent, Conversation, ConversationId, ConversationSummary, ListView, Problem, Role, SessionToken,
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
    init.set_headers(&headers);

    let controller = AbortController::new().ok();
    let signal = controller.as_ref().map(AbortController::signal);
    init.set_signal(signal.as_ref());
    let controller = SendWrapper::new(controller);
    on_cleanup(move || {
        if let Some(controller) = controller.take() {
            controller.abort();
        }
    });
    let aborted = || signal.as_ref().is_some_and(|s| s.aborted());

    let url = format!("{BASE}{path}");
    let response: Response = match JsFuture::from(window.fetch_with_str_and_init(&url, &init)).await
    {
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
