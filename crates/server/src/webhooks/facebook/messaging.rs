//! Messenger events (`entry[].messaging[]`): messages and their echoes, reactions, reads.
//! Deliveries, postbacks, opt-ins, referrals and handover events are not acted on.
//!
//! Decisions: the Page's own message (`is_echo`, or sent by the Page id) is a
//! `BrandMessage` to the recipient. Attachments become one line each ("[image] url");
//! a `fallback` attachment is the preview of a link the text already holds, so it adds
//! a line only when there is no text. A reaction keeps the emoji the person chose (else
//! Messenger's name for it, such as `love`).

use serde_json::Value;
use social_api::Space;

use super::shared::{id, member, millis, quoted, text};
use super::{person, Page};
use crate::webhooks::{InboundEvent, InboundMessage, InboundPerson, Parsed};

/// Members of a messaging event that are known and deliberately not acted on.
const NOT_ACTED_ON: &[&str] = &[
    "delivery",
    "postback",
    "optin",
    "referral",
    "account_linking",
    "policy_enforcement",
    "pass_thread_control",
    "take_thread_control",
    "request_thread_control",
    "app_roles",
    "game_play",
];

/// One messaging event of `page`.
pub(super) fn event(page: &Page, value: &Value, out: &mut Parsed) {
    let event = Event {
        page,
        value,
        sender: id(member(member(Some(value), "sender"), "id")),
        recipient: id(member(member(Some(value), "recipient"), "id")),
    };
    if let Some(message) = member(Some(value), "message") {
        event.message(message, out);
    } else if let Some(reaction) = member(Some(value), "reaction") {
        event.reaction(reaction, out);
    } else if let Some(read) = member(Some(value), "read") {
        event.read(read, out);
    } else if let Some(kind) = NOT_ACTED_ON
        .iter()
        .find(|kind| member(Some(value), kind).is_some())
    {
        out.skipped
            .push(format!("messaging {}: not acted on", quoted(kind)));
    } else {
        out.skipped
            .push("messaging event of an unknown kind".to_owned());
    }
}

struct Event<'a> {
    page: &'a Page,
    value: &'a Value,
    sender: Option<String>,
    recipient: Option<String>,
}

impl Event<'_> {
    fn message(&self, message: &Value, out: &mut Parsed) {
        let Some(mid) = text(Some(message), "mid") else {
            out.skipped.push("message without mid".to_owned());
            return;
        };
        let echo = member(Some(message), "is_echo").and_then(Value::as_bool) == Some(true)
            || self.sender.as_deref() == Some(self.page.id.as_str());
        let consumer = if echo { &self.recipient } else { &self.sender };
        let Some(consumer) = consumer.clone() else {
            out.skipped.push("message without its person".to_owned());
            return;
        };
        let message = InboundMessage {
            platform_id: mid.to_owned(),
            space: Space::Private,
            consumer: person(consumer, None),
            text: message_text(message),
            in_reply_to: text(member(Some(message), "reply_to"), "mid").map(str::to_owned),
            post: None,
        };
        let event = if echo {
            InboundEvent::BrandMessage(message)
        } else {
            InboundEvent::ConsumerMessage(message)
        };
        let at = millis(member(Some(self.value), "timestamp"));
        out.events
            .push(self.page.inbound(&format!("mid:{mid}"), at, event));
    }

    fn reaction(&self, reaction: &Value, out: &mut Parsed) {
        let Some(mid) = text(Some(reaction), "mid") else {
            out.skipped.push("reaction without mid".to_owned());
            return;
        };
        let Some(consumer) = self.consumer("reaction", out) else {
            return;
        };
        let action = text(Some(reaction), "action");
        let chosen = match action {
            Some("react") => Some(
                text(Some(reaction), "emoji")
                    .or_else(|| text(Some(reaction), "reaction"))
                    .unwrap_or("like")
                    .to_owned(),
            ),
            Some("unreact") => None,
            other => {
                out.skipped.push(format!(
                    "reaction action {}: not acted on",
                    quoted(other.unwrap_or(""))
                ));
                return;
            }
        };
        let at = millis(member(Some(self.value), "timestamp"));
        let key = format!(
            "reaction:{mid}:{}:{}:{}",
            consumer.platform_id,
            action.unwrap_or(""),
            at.map_or(-1, |at| at.0)
        );
        let event = InboundEvent::Reaction {
            target_platform_id: mid.to_owned(),
            consumer,
            reaction: chosen,
        };
        out.events.push(self.page.inbound(&key, at, event));
    }

    fn read(&self, read: &Value, out: &mut Parsed) {
        let Some(consumer) = self.consumer("read", out) else {
            return;
        };
        let Some(watermark) = millis(member(Some(read), "watermark")) else {
            out.skipped.push("read without watermark".to_owned());
            return;
        };
        let key = format!("read:{}:{}", consumer.platform_id, watermark.0);
        let at = millis(member(Some(self.value), "timestamp")).or(Some(watermark));
        let event = InboundEvent::Read {
            consumer,
            watermark,
        };
        out.events.push(self.page.inbound(&key, at, event));
    }

    /// The person behind a reaction or read; the Page's own are not acted on.
    fn consumer(&self, kind: &str, out: &mut Parsed) -> Option<InboundPerson> {
        match &self.sender {
            None => {
                out.skipped.push(format!("{kind} without a sender"));
                None
            }
            Some(sender) if *sender == self.page.id => {
                out.skipped.push(format!("the Page's own {kind}"));
                None
            }
            Some(sender) => Some(person(sender.clone(), None)),
        }
    }
}

/// The text, then one line per attachment; something readable when there is neither.
fn message_text(message: &Value) -> String {
    let written = text(Some(message), "text");
    let mut lines: Vec<String> = written.map(str::to_owned).into_iter().collect();
    let attachments = member(Some(message), "attachments").and_then(Value::as_array);
    for attachment in attachments.map(Vec::as_slice).unwrap_or_default() {
        let kind = text(Some(attachment), "type").unwrap_or("attachment");
        if kind == "fallback" && written.is_some() {
            continue;
        }
        lines.push(describe(kind, attachment));
    }
    if lines.is_empty() {
        "[message without text]".to_owned()
    } else {
        lines.join("\n")
    }
}

/// "[image] https://…", "[location] My Place 45.53,-93.55", "[template] generic"…
fn describe(kind: &str, attachment: &Value) -> String {
    let payload = member(Some(attachment), "payload");
    let sticker = member(payload, "sticker_id").is_some();
    let label = if sticker { "sticker" } else { kind };
    let mut parts = vec![format!("[{label}]")];
    if let Some(title) = text(Some(attachment), "title") {
        parts.push(title.to_owned());
    }
    let coordinates = member(payload, "coordinates");
    let lat = member(coordinates, "lat").and_then(Value::as_f64);
    let long = member(coordinates, "long").and_then(Value::as_f64);
    if let (Some(lat), Some(long)) = (lat, long) {
        parts.push(format!("{lat},{long}"));
    } else if let Some(url) = text(payload, "url").or_else(|| text(Some(attachment), "url")) {
        parts.push(url.to_owned());
    } else if let Some(template) = text(payload, "template_type") {
        parts.push(template.to_owned());
    }
    parts.join(" ")
}
