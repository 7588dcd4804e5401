//! The LivePerson bridge: LivePerson's Agent Workspace widget SDK (`lpTag.agentSDK`). The
//! page's inline script ran `init()` before the wasm (the SDK hears the workspace's
//! handshake only then) and asked for the conversation id (`chatInfo.rtSessionId`), the
//! agent and the theme; it queues the answers, which this bridge drains and then follows.
//!
//! The SDK's habits (PLATFORMS.md): `get` calls its error callback and then still its
//! success callback with `undefined`, so `undefined` is "no value", never "no
//! conversation"; `bind` answers `{key, newValue}`; `unbind` does not stop updates, so the
//! inline script tags each callback with a generation and drops those of an older one.

use std::rc::Rc;

use js_sys::{Function, Object, Reflect};
use leptos::prelude::*;
use social_api::workspace::Workspace;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};

use super::{bootstrap::Bootstrap, Host, HostAgent, Theme, WorkspaceId};

/// The paths the inline script asks for.
const CONVERSATION: &str = "chatInfo.rtSessionId";
const AGENT: &str = "agentInfo";
const THEME: &str = "applicationInfo.theme";

/// LivePerson's command that writes into the agent's reply input.
const WRITE_CHAT_LINE: &str = "Write ChatLine";

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// What an answer says: a `bind` update's `newValue`, or a `get` answer itself.
fn payload(value: JsValue) -> JsValue {
    if value.is_object() && Reflect::has(&value, &"newValue".into()).unwrap_or(false) {
        get(&value, "newValue")
    } else {
        value
    }
}

/// A text value, trimmed; `None` for anything else.
fn text(value: &JsValue) -> Option<String> {
    value.as_string().map(|s| s.trim().to_owned())
}

/// Applies one queued callback (`{kind, path, value}`) to `host`.
fn apply(host: &Host, sdk: &Object, bootstrap: &Bootstrap, entry: &JsValue) {
    let kind = text(&get(entry, "kind")).unwrap_or_default();
    let path = text(&get(entry, "path")).unwrap_or_default();
    let value = get(entry, "value");
    match kind.as_str() {
        "value" => {
            let value = payload(value);
            // `undefined`: the SDK had no answer (it calls success after an error).
            if value.is_undefined() {
                return;
            }
            match path.as_str() {
                CONVERSATION => {
                    let id = text(&value).filter(|id| !id.is_empty()).map(WorkspaceId);
                    host.focused.set(id);
                }
                AGENT => {
                    let id = get(&value, "agentId");
                    let id = text(&id).or_else(|| id.as_f64().map(|n| n.to_string()));
                    let name = text(&get(&value, "agentNickname"))
                        .filter(|n| !n.is_empty())
                        .or_else(|| text(&get(&value, "agentName")));
                    if let (Some(id), Some(name)) = (id, name) {
                        host.agent.set(Some(HostAgent { id, name }));
                    }
                }
                THEME => {
                    if let Some(theme) = text(&value).as_deref().and_then(Theme::parse) {
                        host.theme.set(Some(theme));
                    }
                }
                _ => {}
            }
        }
        // The agent moved to this widget's conversation: ask which one it is now.
        "focused" => {
            let ok = bootstrap.callback("value", CONVERSATION);
            let err = bootstrap.callback("error", CONVERSATION);
            if let Some(get) = Reflect::get(sdk, &"get".into())
                .ok()
                .and_then(|f| f.dyn_into::<Function>().ok())
            {
                let _ = get.call3(sdk, &CONVERSATION.into(), &ok, &err);
            }
        }
        "command-error" if !value.is_null() && !value.is_undefined() => {
            host.report_error("The workspace did not take the text.");
        }
        // `blurred`, `notification`, `error` (a `success(undefined)` follows): nothing to do.
        _ => {}
    }
}

/// Starts the bridge on the SDK the page's script initialised. Lives as long as the page.
pub fn start(bootstrap: Bootstrap, sdk: Object) -> Host {
    let writer = {
        let (sdk, bootstrap) = (sdk.clone(), bootstrap.clone());
        Rc::new(move |text: String| {
            let data = Object::new();
            let _ = Reflect::set(&data, &"text".into(), &text.into());
            let done = bootstrap.callback("command-error", WRITE_CHAT_LINE);
            if let Some(command) = Reflect::get(&sdk, &"command".into())
                .ok()
                .and_then(|f| f.dyn_into::<Function>().ok())
            {
                let _ = command.call3(&sdk, &WRITE_CHAT_LINE.into(), &data, &done);
            }
        }) as Rc<dyn Fn(String)>
    };
    let host = Host::new(Workspace::Liveperson, Some(writer), None);
    // The page's postMessage queue is not for this bridge: the SDK has its own channel.
    bootstrap.release_messages();
    drop(bootstrap.take("messages"));
    let drain = {
        let bootstrap = bootstrap.clone();
        move || {
            for entry in bootstrap.take("lp") {
                apply(&host, &sdk, &bootstrap, &entry);
            }
        }
    };
    drain();
    let wake = Closure::<dyn Fn()>::new(drain);
    bootstrap.on_wake(wake.as_ref().unchecked_ref());
    wake.forget();
    host
}
