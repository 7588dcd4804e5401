//! The widget's postMessage protocol, version 1 (documented in the README, "Embedding").
//! Every message is a plain object `{protocol: "social-widget", version: 1, type, …}`.
//! What a host sends is checked field by field; anything else is not a message.

use js_sys::{Object, Reflect};
use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};

use super::{HostAgent, Theme, WorkspaceId};
use crate::decode;

/// The `protocol` field of every message.
pub const PROTOCOL: &str = "social-widget";
/// The only version this widget speaks.
pub const VERSION: u32 = 1;
/// Longest id, name or token accepted: longer is not a workspace's value.
const MAX_FIELD: usize = 512;

/// A message from the host, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostMessage {
    /// The conversation in focus changed; `None`: no conversation.
    Focus(Option<WorkspaceId>),
    Theme(Theme),
    Agent(HostAgent),
    /// A session token of this server.
    Auth(String),
}

/// Why a message was not read (said once in the console, never to the agent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejected {
    /// Not `{protocol: "social-widget", version: 1, type: …}`.
    NotOurs,
    /// Ours, but a field is missing, of the wrong type, too long, or unknown.
    Malformed,
}

#[derive(Deserialize)]
struct Envelope {
    protocol: String,
    version: u32,
    #[serde(rename = "type")]
    kind: String,
}

// The fields of each message besides the envelope's, all required, none other allowed.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Focus {
    conversation: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFields {
    theme: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AgentMessage {
    agent: AgentFields,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AgentFields {
    id: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Auth {
    token: String,
}

/// A field's text, when it is a plausible value: not empty, not too long, no control
/// characters.
fn field(text: String) -> Result<String, Rejected> {
    let fine =
        !text.trim().is_empty() && text.len() <= MAX_FIELD && !text.chars().any(char::is_control);
    fine.then_some(text).ok_or(Rejected::Malformed)
}

/// Reads `data` (a message event's data) as a host message.
pub fn parse(data: JsValue) -> Result<HostMessage, Rejected> {
    // A string, an array or a class instance is not a message, whatever it holds.
    if !data.is_object() || js_sys::Array::is_array(&data) {
        return Err(Rejected::NotOurs);
    }
    let envelope: Envelope = decode::from_value(data.clone()).map_err(|_| Rejected::NotOurs)?;
    if envelope.protocol != PROTOCOL {
        return Err(Rejected::NotOurs);
    }
    if envelope.version != VERSION {
        return Err(Rejected::Malformed);
    }
    // The message's own fields: a copy without the envelope's.
    let body = Object::assign(&Object::new(), data.unchecked_ref());
    for key in ["protocol", "version", "type"] {
        let _ = Reflect::delete_property(&body, &key.into());
    }
    let data: JsValue = body.into();
    let malformed = |_| Rejected::Malformed;
    match envelope.kind.as_str() {
        "focus" => {
            // Present, even when null: a missing field is a mistake, not "no conversation".
            if !Reflect::has(&data, &"conversation".into()).unwrap_or(false) {
                return Err(Rejected::Malformed);
            }
            let focus: Focus = decode::from_value(data).map_err(malformed)?;
            let id = focus.conversation.map(field).transpose()?;
            Ok(HostMessage::Focus(id.map(WorkspaceId)))
        }
        "theme" => {
            let message: ThemeFields = decode::from_value(data).map_err(malformed)?;
            Theme::parse(&message.theme)
                .map(HostMessage::Theme)
                .ok_or(Rejected::Malformed)
        }
        "agent" => {
            let message: AgentMessage = decode::from_value(data).map_err(malformed)?;
            Ok(HostMessage::Agent(HostAgent {
                id: field(message.agent.id)?,
                name: field(message.agent.name)?,
            }))
        }
        "auth" => {
            let message: Auth = decode::from_value(data).map_err(malformed)?;
            Ok(HostMessage::Auth(field(message.token)?))
        }
        _ => Err(Rejected::Malformed),
    }
}

/// A message to the host.
#[derive(Debug, Clone, PartialEq)]
pub enum WidgetMessage {
    /// The widget listens; a host may send its state (again).
    Ready,
    /// Text for the workspace's own reply input.
    Write(String),
    /// The widget's content height, in CSS pixels.
    Resize(u32),
    /// Something the workspace may show or log.
    Error(String),
}

impl WidgetMessage {
    /// The plain object posted to the host.
    pub fn to_js(&self) -> JsValue {
        let object = Object::new();
        let set = |key: &str, value: JsValue| {
            let _ = Reflect::set(&object, &key.into(), &value);
        };
        set("protocol", PROTOCOL.into());
        set("version", VERSION.into());
        let kind = match self {
            WidgetMessage::Ready => "ready",
            WidgetMessage::Write(text) => {
                set("text", text.as_str().into());
                "write"
            }
            WidgetMessage::Resize(height) => {
                set("height", (*height).into());
                "resize"
            }
            WidgetMessage::Error(message) => {
                set("message", message.as_str().into());
                "error"
            }
        };
        set("type", kind.into());
        object.into()
    }
}
