//! What both parsers share: reading JSON leniently (ids that are strings or numbers, times
//! in seconds or milliseconds), event keys bounded to what the store keeps, the unnamed
//! person. Lives here because the `webhooks` module list is part of the contract.

use serde_json::Value;
use sha2::{Digest, Sha256};
use social_api::Timestamp;

use crate::webhooks::InboundPerson;

/// The longest key the store keeps (`webhook_events.key`).
pub(crate) const MAX_KEY_BYTES: usize = 512;

/// Below this a number counts as seconds: 10^11 s is the year 5138, 10^11 ms is 1973, so
/// every real date of either unit falls on its own side.
const SECONDS_BELOW: i64 = 100_000_000_000;

/// The longest platform name (object, field, item, key) quoted in a skip reason.
const MAX_NAME_CHARS: usize = 40;

/// The member `name` of an object (`None` for any other JSON value).
pub(crate) fn member<'a>(value: Option<&'a Value>, name: &str) -> Option<&'a Value> {
    value?.get(name)
}

/// A non-empty string member.
pub(crate) fn text<'a>(value: Option<&'a Value>, name: &str) -> Option<&'a str> {
    member(value, name)?.as_str().filter(|s| !s.is_empty())
}

/// An id written as a non-empty string or as an integer (older payloads, `for_user_id`).
pub(crate) fn id(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => n
            .as_u64()
            .map(|n| n.to_string())
            .or_else(|| n.as_i64().map(|n| n.to_string())),
        _ => None,
    }
}

/// A time given as a number or a numeric string, in seconds or milliseconds.
pub(crate) fn millis(value: Option<&Value>) -> Option<Timestamp> {
    let raw = match value? {
        Value::Number(n) => n.as_i64().or_else(|| {
            // Whole numbers written as floats; `as` saturates, the checks below bound it.
            n.as_f64().filter(|f| f.is_finite()).map(|f| f as i64)
        })?,
        Value::String(s) => s.trim().parse::<i64>().ok()?,
        _ => return None,
    };
    if raw < 0 {
        return None;
    }
    if raw < SECONDS_BELOW {
        raw.checked_mul(1000).map(Timestamp)
    } else {
        Some(Timestamp(raw))
    }
}

/// `key@brand_id`, bounded: one platform event delivered to two connected accounts (a
/// tweet mentioning both, a DM between them) is then kept once for each. A key longer
/// than the store keeps is cut and ends with the SHA-256 of the whole, so it stays unique.
pub(crate) fn scoped_key(key: &str, brand_id: &str) -> String {
    bounded(format!("{key}@{brand_id}"))
}

fn bounded(key: String) -> String {
    if key.len() <= MAX_KEY_BYTES {
        return key;
    }
    let digest = hex::encode(Sha256::digest(key.as_bytes()));
    let mut cut = MAX_KEY_BYTES - 1 - digest.len();
    while !key.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}#{digest}", key.get(..cut).unwrap_or_default())
}

/// A short stable digest of a text, for keys that must tell two edits apart.
pub(crate) fn digest(text: &str) -> String {
    let full = Sha256::digest(text.as_bytes());
    hex::encode(full.get(..8).unwrap_or_default())
}

/// Whom a brand message answers when the event does not say (a Page comment or post, an
/// account's own tweet that answers nobody): an empty id, for the applier to resolve from
/// `in_reply_to` or `post`.
pub(crate) fn nobody() -> InboundPerson {
    InboundPerson {
        platform_id: String::new(),
        name: None,
        handle: None,
        picture_url: None,
    }
}

/// A platform name quoted in a skip reason, cut short: reasons go to the log.
pub(crate) fn quoted(name: &str) -> String {
    let short: String = name.chars().take(MAX_NAME_CHARS).collect();
    format!("{short:?}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_are_read_from_strings_and_integers_only() {
        assert_eq!(id(Some(&json!("123"))), Some("123".into()));
        assert_eq!(
            id(Some(&json!(1142469655832956_u64))),
            Some("1142469655832956".into())
        );
        assert_eq!(id(Some(&json!(""))), None);
        assert_eq!(id(Some(&json!(1.5))), None);
        assert_eq!(id(Some(&json!({"id": "1"}))), None);
        assert_eq!(id(None), None);
    }

    #[test]
    fn seconds_become_milliseconds_and_milliseconds_stay() {
        assert_eq!(
            millis(Some(&json!(1511951015))),
            Some(Timestamp(1_511_951_015_000))
        );
        assert_eq!(
            millis(Some(&json!(1491796363181_i64))),
            Some(Timestamp(1_491_796_363_181))
        );
        assert_eq!(
            millis(Some(&json!("1576540475925"))),
            Some(Timestamp(1_576_540_475_925))
        );
        assert_eq!(
            millis(Some(&json!(1.5e12))),
            Some(Timestamp(1_500_000_000_000))
        );
        assert_eq!(millis(Some(&json!(-5))), None);
        assert_eq!(millis(Some(&json!("soon"))), None);
        assert_eq!(millis(Some(&json!(null))), None);
    }

    #[test]
    fn long_keys_are_cut_to_the_store_limit_and_stay_distinct() {
        let short = scoped_key("mid:abc", "42");
        assert_eq!(short, "mid:abc@42");
        let long_a = scoped_key(&format!("mid:{}a", "é".repeat(400)), "42");
        let long_b = scoped_key(&format!("mid:{}b", "é".repeat(400)), "42");
        for key in [&long_a, &long_b] {
            assert!(key.len() <= MAX_KEY_BYTES, "{} bytes", key.len());
            assert!(key.starts_with("mid:é"));
        }
        assert_ne!(long_a, long_b);
        assert_eq!(
            long_a,
            scoped_key(&format!("mid:{}a", "é".repeat(400)), "42")
        );
    }

    #[test]
    fn quoted_names_are_short() {
        assert_eq!(quoted("feed"), "\"feed\"");
        assert_eq!(quoted(&"x".repeat(500)).len(), MAX_NAME_CHARS + 2);
    }
}
