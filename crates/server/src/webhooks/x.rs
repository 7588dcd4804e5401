//! X's Account Activity deliveries: `for_user_id` and `tweet_create_events`,
//! `direct_message_events` (with the `users` map), `favorite_events`,
//! `tweet_delete_events`, `direct_message_mark_read_events`.
//!
//! Shape decisions: a body that is not a JSON object carrying at least one Account
//! Activity member is [`ParseError::NotADelivery`]. Known members that are not acted on
//! (typing, follows, blocks, mutes, `user_event`) and unknown `*_events` lists become
//! `skipped` reasons. Ids are read from the `_str` members where X has them.

mod dms;
mod tweets;

use serde_json::{Map, Value};
use social_api::{Source, Timestamp};

use super::facebook::shared::{id, member, millis, quoted, scoped_key, text};
use super::{Inbound, InboundEvent, InboundPerson, ParseError, Parsed};

/// Members of a delivery that describe its events rather than being events.
const CONTEXT: &[&str] = &["for_user_id", "users", "apps", "user_has_blocked"];

/// Event lists X delivers that are deliberately not acted on.
const NOT_ACTED_ON: &[&str] = &[
    "direct_message_indicate_typing_events",
    "follow_events",
    "unfollow_events",
    "block_events",
    "unblock_events",
    "mute_events",
    "unmute_events",
    "user_event",
];

/// The first ms timestamp of X's snowflake ids (2010-11-04).
const SNOWFLAKE_EPOCH_MS: i64 = 1_288_834_974_657;

/// The events of a delivery body whose signature was checked.
pub fn parse(body: &[u8]) -> Result<Parsed, ParseError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| ParseError::NotJson(e.to_string()))?;
    let fields = value.as_object().ok_or_else(|| ParseError::NotADelivery {
        platform: "X",
        detail: "not a JSON object".to_owned(),
    })?;
    let is_activity = |name: &String| {
        !CONTEXT.contains(&name.as_str())
            && (name.ends_with("_events") || NOT_ACTED_ON.contains(&name.as_str()))
    };
    if !fields.keys().any(is_activity) {
        return Err(ParseError::NotADelivery {
            platform: "X",
            detail: "no Account Activity events".to_owned(),
        });
    }
    let mut parsed = Parsed::default();
    let account = id(fields.get("for_user_id")).map(|id| Account {
        id,
        users: fields.get("users").and_then(Value::as_object),
    });
    for (name, events) in fields {
        let name = name.as_str();
        if CONTEXT.contains(&name) {
            continue;
        }
        if NOT_ACTED_ON.contains(&name) {
            parsed
                .skipped
                .push(format!("{}: not acted on", quoted(name)));
            continue;
        }
        let read: fn(&Account, &Value, &mut Parsed) = match name {
            "tweet_create_events" => tweets::create,
            "favorite_events" => tweets::favorite,
            "tweet_delete_events" => tweets::delete,
            "direct_message_events" => dms::message,
            "direct_message_mark_read_events" => dms::read,
            other => {
                parsed
                    .skipped
                    .push(format!("{}: not acted on", quoted(other)));
                continue;
            }
        };
        let Some(account) = &account else {
            parsed
                .skipped
                .push(format!("{} without for_user_id", quoted(name)));
            continue;
        };
        match events.as_array() {
            Some(events) => events
                .iter()
                .for_each(|event| read(account, event, &mut parsed)),
            None => parsed
                .skipped
                .push(format!("{} is not a list", quoted(name))),
        }
    }
    Ok(parsed)
}

/// The subscribed account (the brand), with the delivery's `users` map.
pub(super) struct Account<'a> {
    id: String,
    users: Option<&'a Map<String, Value>>,
}

impl Account<'_> {
    fn inbound(&self, key: &str, at: Option<Timestamp>, event: InboundEvent) -> Inbound {
        Inbound {
            source: Source::X,
            key: scoped_key(key, &self.id),
            brand_id: self.id.clone(),
            // No time at all only in a malformed event: the applier orders by it alone.
            at: at.unwrap_or(Timestamp(0)),
            event,
        }
    }

    fn is(&self, user_id: &str) -> bool {
        self.id == user_id
    }

    /// A user as the `users` map describes them, or just their id.
    fn user(&self, user_id: &str) -> InboundPerson {
        match self.users.and_then(|users| users.get(user_id)) {
            Some(user) => user_person(user_id.to_owned(), user),
            None => InboundPerson {
                platform_id: user_id.to_owned(),
                name: None,
                handle: None,
                picture_url: None,
            },
        }
    }
}

/// A user object (a tweet's `user`, an entry of `users`).
fn user_person(platform_id: String, user: &Value) -> InboundPerson {
    let owned = |name| text(Some(user), name).map(str::to_owned);
    InboundPerson {
        platform_id,
        name: owned("name"),
        handle: owned("screen_name"),
        picture_url: owned("profile_image_url_https").or_else(|| owned("profile_image_url")),
    }
}

/// An id from its `_str` member, else the plain one (older or re-serialised payloads).
fn id_str(value: Option<&Value>, name: &str) -> Option<String> {
    id(member(value, &format!("{name}_str"))).or_else(|| id(member(value, name)))
}

/// When a snowflake id (tweet, DM event) was made.
fn snowflake_time(snowflake: &str) -> Option<Timestamp> {
    let raw: u64 = snowflake.parse().ok()?;
    let since_epoch = i64::try_from(raw >> 22).ok()?;
    since_epoch.checked_add(SNOWFLAKE_EPOCH_MS).map(Timestamp)
}

/// Text with its media: the media's short link, when the text holds it, becomes
/// "[photo] https://…" (one per medium), else the descriptions follow on a new line.
fn with_media(written: &str, media: &[Value]) -> String {
    let described: Vec<String> = media
        .iter()
        .map(|medium| {
            let kind = text(Some(medium), "type").unwrap_or("media");
            match text(Some(medium), "media_url_https").or_else(|| text(Some(medium), "media_url"))
            {
                Some(url) => format!("[{kind}] {url}"),
                None => format!("[{kind}]"),
            }
        })
        .collect();
    if described.is_empty() {
        return written.to_owned();
    }
    let described = described.join(" ");
    let short = media.iter().find_map(|medium| text(Some(medium), "url"));
    match short {
        Some(short) if written.contains(short) => {
            written.replacen(short, &described, 1).trim().to_owned()
        }
        _ if written.trim().is_empty() => described,
        _ => format!("{written}\n{described}"),
    }
}

/// A time given in milliseconds as X writes them (`timestamp_ms`, `created_timestamp`).
fn time(value: Option<&Value>, name: &str) -> Option<Timestamp> {
    millis(member(value, name))
}
