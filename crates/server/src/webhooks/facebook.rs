//! Meta's Page webhook deliveries (`object: "page"`): `entry[].changes[]` of the `feed`
//! field and `entry[].messaging[]` of Messenger, in the current and the older formats.
//!
//! Shape decisions: a body that is not a JSON object with a string `object` and an `entry`
//! list is [`ParseError::NotADelivery`]; a delivery for another object (`instagram`,
//! `user`, `permissions`…, which Meta sends to the same callback when the app subscribes to
//! them) is taken with every entry skipped, so Meta does not retry it forever. Anything
//! inside an entry that is not acted on becomes a `skipped` reason, never an error.

mod feed;
mod messaging;
pub(super) mod shared;

use serde_json::Value;
use social_api::{Source, Timestamp};

use super::{Inbound, InboundEvent, InboundPerson, ParseError, Parsed};
use shared::{id, member, millis, quoted, scoped_key, text};

/// The events of a delivery body whose signature was checked.
pub fn parse(body: &[u8]) -> Result<Parsed, ParseError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| ParseError::NotJson(e.to_string()))?;
    let object = text(Some(&value), "object").ok_or_else(|| not_a_delivery("no `object` name"))?;
    let entries = member(Some(&value), "entry")
        .and_then(Value::as_array)
        .ok_or_else(|| not_a_delivery("no `entry` list"))?;
    let mut parsed = Parsed::default();
    if object != "page" {
        parsed.skipped.push(format!(
            "object {}: only Page deliveries are acted on",
            quoted(object)
        ));
        return Ok(parsed);
    }
    for entry in entries {
        read_entry(entry, &mut parsed);
    }
    Ok(parsed)
}

fn not_a_delivery(detail: &str) -> ParseError {
    ParseError::NotADelivery {
        platform: "Facebook",
        detail: detail.to_owned(),
    }
}

fn read_entry(entry: &Value, out: &mut Parsed) {
    let Some(page_id) = id(member(Some(entry), "id")) else {
        out.skipped.push("entry without a Page id".to_owned());
        return;
    };
    let page = Page {
        id: page_id,
        time: millis(member(Some(entry), "time")),
    };
    let mut read_any = false;
    if let Some(changes) = member(Some(entry), "changes") {
        read_any = true;
        for change in list(changes, "changes", out) {
            match text(Some(change), "field") {
                Some("feed") => match member(Some(change), "value") {
                    Some(value) if value.is_object() => feed::change(&page, value, out),
                    _ => out.skipped.push("feed change without a value".to_owned()),
                },
                Some(field) => out
                    .skipped
                    .push(format!("field {}: not acted on", quoted(field))),
                None => out.skipped.push("change without a field".to_owned()),
            }
        }
    }
    if let Some(messaging) = member(Some(entry), "messaging") {
        read_any = true;
        for event in list(messaging, "messaging", out) {
            messaging::event(&page, event, out);
        }
    }
    if member(Some(entry), "standby").is_some() {
        read_any = true;
        out.skipped
            .push("standby: another app owns the Messenger thread".to_owned());
    }
    if !read_any {
        out.skipped
            .push("entry with neither changes nor messaging".to_owned());
    }
}

/// The elements of a list member, or none (and a reason) when it is something else.
fn list<'a>(value: &'a Value, name: &str, out: &mut Parsed) -> &'a [Value] {
    match value.as_array() {
        Some(items) => items,
        None => {
            out.skipped.push(format!("{name} is not a list"));
            &[]
        }
    }
}

/// The Page an entry belongs to: the brand, and the entry's time for events without one.
pub(super) struct Page {
    pub id: String,
    pub time: Option<Timestamp>,
}

impl Page {
    /// The event, keyed for this Page, at `at` or else the entry's time (or the epoch when
    /// the delivery names no time at all: the applier orders by it, nothing else).
    pub fn inbound(&self, key: &str, at: Option<Timestamp>, event: InboundEvent) -> Inbound {
        Inbound {
            source: Source::Facebook,
            key: scoped_key(key, &self.id),
            brand_id: self.id.clone(),
            at: at.or(self.time).unwrap_or(Timestamp(0)),
            event,
        }
    }

    /// Whether the person is the Page itself.
    pub fn is(&self, person: &InboundPerson) -> bool {
        person.platform_id == self.id
    }
}

pub(super) fn person(platform_id: String, name: Option<&str>) -> InboundPerson {
    InboundPerson {
        platform_id,
        name: name.map(str::to_owned),
        handle: None,
        picture_url: None,
    }
}
