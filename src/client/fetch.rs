//! One request to the backend with the browser's `fetch`: the bearer token, JSON bodies,
//! the `Idempotency-Key` of POSTs, `If-Match` of versioned edits, aborting reads whose view
//! went away, and the answer parsed by the browser's JSON parser.

use std::future::Future;

use leptos::prelude::on_cleanup;
use send_wrapper::SendWrapper;
use serde::de::DeserializeOwned;
use social_api::Problem;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestInit, Response};

use super::{idempotency, ApiError};
use crate::decode;
use crate::host::bootstrap::Bootstrap;

/// What hears of a 401 (see [`on_unauthorized`]).
type Ended = std::rc::Rc<dyn Fn(&str)>;

thread_local! {
    /// Told of every 401 answer to a request that carried a token: that session is over.
    static ON_UNAUTHORIZED: std::cell::RefCell<Option<Ended>> =
        const { std::cell::RefCell::new(None) };
}

/// Calls `ended` with the token of every request answered 401: whatever made the call, the
/// session it used has expired or was ended, and the agent must sign in again.
pub fn on_unauthorized(ended: impl Fn(&str) + 'static) {
    ON_UNAUTHORIZED.with(|hook| *hook.borrow_mut() = Some(std::rc::Rc::new(ended)));
}

/// Where the API lives: the same origin as the widget (trunk proxies it in development).
const BASE: &str = "/api";

/// One request, decoded as `T`. Only the decoding is generic, so the fetch code is in the
/// wasm once rather than once per answer type.
pub(super) async fn call<T: DeserializeOwned>(
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> Result<T, ApiError> {
    let json = fetch_json(method, path, token, body).await?;
    decode::from_value(json).map_err(|_| ApiError::Unreadable)
}

/// One request, answered with parsed JSON. When the reactive owner that started a read is
/// cleaned up (the conversation was switched, the view unmounted), the read is aborted.
pub(super) fn fetch_json<'a>(
    method: &'a str,
    path: &'a str,
    token: Option<&'a str>,
    body: Option<&'a str>,
) -> impl Future<Output = Result<JsValue, ApiError>> + 'a {
    // Not an `async fn` around `exchange`: a future inside a future costs the framed widget
    // bytes, and this is all of its requests.
    exchange(
        method,
        path,
        token,
        body,
        |_| (),
        |status, response, json| {
            if (200..300).contains(&status) {
                return json.map_err(|_| ApiError::Unreadable);
            }
            Err(refusal(status, response, json))
        },
    )
}

/// What an error answer (not 2xx) says: its status, and its problem+json when it has one.
pub(super) fn refusal(
    status: u16,
    response: &Response,
    json: Result<JsValue, JsValue>,
) -> ApiError {
    let problem = json
        .ok()
        .and_then(|v| decode::from_value::<Problem>(v).ok());
    ApiError::from_answer(status, response.status_text(), problem)
}

/// One request, with `more_headers` adding the caller's own (`If-Match` when it edits a
/// versioned resource: a closure, so callers without any carry no code for it); `read` makes the
/// answer of what came back (status, response, parsed body: `null` for 204), so callers
/// that tell error answers apart (the admin page's 412, 422 and its `problems`) see them
/// before [`ApiError`] would sum them up.
pub(super) async fn exchange<T, E: From<ApiError>>(
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
    more_headers: impl FnOnce(&Headers),
    read: impl FnOnce(u16, &Response, Result<JsValue, JsValue>) -> Result<T, E>,
) -> Result<T, E> {
    let window = web_sys::window().ok_or(ApiError::Network)?;
    let init = RequestInit::new();
    init.set_method(method);
    let headers = Headers::new().map_err(|_| ApiError::Network)?;
    let _ = headers.set("Accept", "application/json");
    if let Some(token) = token {
        let _ = headers.set("Authorization", &format!("Bearer {token}"));
    }
    more_headers(&headers);
    if let Some(body) = body {
        let _ = headers.set("Content-Type", "application/json");
        init.set_body(&JsValue::from_str(body));
    }
    // A POST or DELETE (an action) carries an idempotency key; reads need none.
    let request = format!("{method}\n{}", body.unwrap_or_default());
    let key = matches!(method, "POST" | "DELETE").then(|| idempotency::key_for(path, &request));
    if let Some(key) = &key {
        let _ = headers.set("Idempotency-Key", key);
    }
    init.set_headers(&headers);

    // An action (anything but a read) is never aborted: it may already be done on the
    // server, and its answer belongs in the model.
    let controller = (method == "GET")
        .then(AbortController::new)
        .and_then(Result::ok);
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
    // The page's script may have started this very read while the wasm downloaded.
    let ahead = token
        .filter(|_| method == "GET")
        .and_then(|token| Bootstrap::find()?.prefetched(&url, token));
    let sent = JsFuture::from(match ahead {
        Some(read) => read,
        None => window.fetch_with_str_and_init(&url, &init),
    })
    .await;
    if let Some(key) = key {
        // No answer, or 409 "the first request with this key is still running": the attempt
        // is not over, so a resend must carry the same key or it could be carried out twice.
        let unfinished = match &sent {
            Err(_) => true,
            Ok(response) => response.unchecked_ref::<Response>().status() == 409,
        };
        idempotency::remember(path, request, key, unfinished);
    }
    let response: Response = match sent {
        Ok(response) => response.unchecked_into(),
        Err(_) if aborted() => return Err(ApiError::Aborted.into()),
        Err(_) => return Err(ApiError::Network.into()),
    };
    let status = response.status();
    if let (401, Some(token)) = (status, token) {
        let hook = ON_UNAUTHORIZED.with(|hook| hook.borrow().clone());
        if let Some(ended) = hook {
            ended(token);
        }
    }
    let json = if status == 204 {
        Ok(JsValue::NULL)
    } else {
        match response.json() {
            Ok(promise) => JsFuture::from(promise).await,
            Err(e) => Err(e),
        }
    };
    if aborted() {
        return Err(ApiError::Aborted.into());
    }
    read(status, &response, json)
}
