//! Direct messages of an Account Activity delivery: messages either way, read receipts.
//!
//! Decisions: a message the account sent is a `BrandMessage` to `target.recipient_id`,
//! any other a private `ConsumerMessage`; people are named from the delivery's `users`
//! map. A read receipt's watermark is the time of the last message read (its snowflake
//! id), else the time of the receipt.

use serde_json::Value;
use social_api::Space;

use super::{snowflake_time, time, with_media, Account};
use crate::webhooks::facebook::shared::{id, member, quoted, text};
use crate::webhooks::{InboundEvent, InboundMessage, Parsed};

/// One of `direct_message_events`.
pub(super) fn message(account: &Account, dm: &Value, out: &mut Parsed) {
    match text(Some(dm), "type") {
        Some("message_create") => {}
        other => {
            out.skipped.push(format!(
                "direct message event {}: not acted on",
                quoted(other.unwrap_or(""))
            ));
            return;
        }
    }
    let Some(dm_id) = id(member(Some(dm), "id")) else {
        out.skipped.push("direct message without id".to_owned());
        return;
    };
    let create = member(Some(dm), "message_create");
    let sender = id(member(create, "sender_id"));
    let recipient = id(member(member(create, "target"), "recipient_id"));
    let by_brand = sender.as_deref().is_some_and(|sender| account.is(sender));
    let Some(consumer) = (if by_brand { recipient } else { sender }) else {
        out.skipped
            .push("direct message without its person".to_owned());
        return;
    };
    let data = member(create, "message_data");
    let media = member(member(data, "attachment"), "media");
    let written = with_media(
        text(data, "text").unwrap_or_default(),
        media.map(std::slice::from_ref).unwrap_or_default(),
    );
    let message = InboundMessage {
        platform_id: dm_id.clone(),
        space: Space::Private,
        consumer: account.user(&consumer),
        text: if written.is_empty() {
            "[message without text]".to_owned()
        } else {
            written
        },
        in_reply_to: None,
        post: None,
    };
    let event = if by_brand {
        InboundEvent::BrandMessage(message)
    } else {
        InboundEvent::ConsumerMessage(message)
    };
    let at = time(Some(dm), "created_timestamp");
    out.events
        .push(account.inbound(&format!("dm:{dm_id}"), at, event));
}

/// One of `direct_message_mark_read_events`: someone read the account's messages.
pub(super) fn read(account: &Account, receipt: &Value, out: &mut Parsed) {
    let Some(reader) = id(member(Some(receipt), "sender_id")) else {
        out.skipped
            .push("read receipt without its reader".to_owned());
        return;
    };
    if account.is(&reader) {
        out.skipped
            .push("the account's own read receipt".to_owned());
        return;
    }
    let read_at = time(Some(receipt), "created_timestamp");
    let last_read = id(member(Some(receipt), "last_read_event_id"));
    // A message is read after it was sent: a snowflake time past the receipt is not one.
    let last_sent = last_read
        .as_deref()
        .and_then(snowflake_time)
        .filter(|sent| read_at.is_none_or(|read_at| *sent <= read_at));
    let Some(watermark) = last_sent.or(read_at) else {
        out.skipped.push("read receipt without a time".to_owned());
        return;
    };
    let key = format!(
        "read:{reader}:{}",
        last_read.unwrap_or_else(|| watermark.0.to_string())
    );
    let event = InboundEvent::Read {
        consumer: account.user(&reader),
        watermark,
    };
    out.events
        .push(account.inbound(&key, read_at.or(Some(watermark)), event));
}
