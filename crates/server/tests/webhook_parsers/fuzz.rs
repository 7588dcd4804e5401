//! Neither parser panics, whatever the body: arbitrary bytes, arbitrary JSON made of the
//! members real deliveries use (also placed where the parsers look for them), and the real
//! fixtures with parts replaced, removed or retyped, which reach every branch.

use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use social_server::webhooks::{facebook, x};

use super::{assert_well_formed, facebook_body, fixture_files, read_json};

const KEYS: &[&str] = &[
    "object",
    "entry",
    "id",
    "time",
    "changes",
    "messaging",
    "field",
    "value",
    "from",
    "name",
    "item",
    "verb",
    "comment_id",
    "post_id",
    "parent_id",
    "created_time",
    "message",
    "sender_id",
    "sender_name",
    "user_id",
    "reaction_type",
    "published",
    "post",
    "permalink_url",
    "photo",
    "sender",
    "recipient",
    "timestamp",
    "mid",
    "text",
    "attachments",
    "type",
    "payload",
    "url",
    "coordinates",
    "lat",
    "long",
    "is_echo",
    "reply_to",
    "reaction",
    "emoji",
    "action",
    "read",
    "watermark",
    "delivery",
    "postback",
    "standby",
    "for_user_id",
    "tweet_create_events",
    "favorite_events",
    "tweet_delete_events",
    "direct_message_events",
    "direct_message_mark_read_events",
    "user_event",
    "users",
    "id_str",
    "user",
    "screen_name",
    "in_reply_to_status_id_str",
    "in_reply_to_user_id_str",
    "in_reply_to_screen_name",
    "retweeted_status",
    "extended_tweet",
    "full_text",
    "entities",
    "extended_entities",
    "media",
    "media_url_https",
    "timestamp_ms",
    "favorited_status",
    "status",
    "message_create",
    "target",
    "recipient_id",
    "message_data",
    "attachment",
    "created_timestamp",
    "last_read_event_id",
];

const WORDS: &[&str] = &[
    "page",
    "feed",
    "comment",
    "status",
    "post",
    "photo",
    "reaction",
    "like",
    "add",
    "edited",
    "edit",
    "remove",
    "react",
    "unreact",
    "message_create",
    "image",
    "location",
    "fallback",
    "template",
    "1",
    "42",
    "1_2",
    "",
    "1511951015",
    "1576540475925",
    "18446744073709551616",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        proptest::sample::select(WORDS).prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec(
                (
                    proptest::sample::select(KEYS).prop_map(str::to_owned),
                    inner
                ),
                0..6
            )
            .prop_map(|members| Value::Object(members.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Every fixture as a full body of its platform.
fn deliveries() -> &'static [Value] {
    static ALL: OnceLock<Vec<Value>> = OnceLock::new();
    ALL.get_or_init(|| {
        let facebook = fixture_files("facebook")
            .into_iter()
            .map(|path| facebook_body(&read_json(&path)));
        let x = fixture_files("x").into_iter().map(|path| read_json(&path));
        let mut all: Vec<Value> = facebook.chain(x).collect();
        // The likes on file are the account's own: deliver one to the liked tweet's author.
        let liked = all.iter().filter_map(|delivery| {
            let author = delivery.pointer("/favorite_events/0/favorited_status/user/id_str")?;
            let mut to_author = delivery.clone();
            to_author["for_user_id"] = author.clone();
            Some(to_author)
        });
        let liked: Vec<Value> = liked.collect();
        all.extend(liked);
        all
    })
}

/// The JSON pointers of every node of `value`.
fn pointers(value: &Value, at: String, found: &mut Vec<String>) {
    match value {
        Value::Object(members) => {
            for (name, member) in members {
                let escaped = name.replace('~', "~0").replace('/', "~1");
                pointers(member, format!("{at}/{escaped}"), found);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                pointers(item, format!("{at}/{index}"), found);
            }
        }
        _ => {}
    }
    found.push(at);
}

/// One change to a delivery: the node `which` (modulo the node count) is replaced by
/// `with`, removed, put in a list, or turned into a string or number.
fn mutate(delivery: &mut Value, which: usize, how: u8, with: Value) {
    let mut all = Vec::new();
    pointers(delivery, String::new(), &mut all);
    let Some(pointer) = all.get(which % all.len().max(1)).cloned() else {
        return;
    };
    let Some(node) = delivery.pointer_mut(&pointer) else {
        return;
    };
    *node = match how % 5 {
        0 => with,
        1 => Value::Null,
        2 => Value::Array(vec![node.take()]),
        3 => Value::String(node.to_string()),
        _ => match node.as_str().and_then(|s| s.parse::<u64>().ok()) {
            Some(number) => Value::from(number),
            None => Value::Object(Map::new()),
        },
    };
}

fn both(body: &[u8]) -> Result<(), TestCaseError> {
    for parsed in [facebook::parse(body), x::parse(body)]
        .into_iter()
        .flatten()
    {
        assert_well_formed(&parsed, "fuzz");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..256)) {
        both(&body)?;
    }

    #[test]
    fn arbitrary_json_never_panics(value in json_value()) {
        both(&serde_json::to_vec(&value).expect("serialises"))?;
    }

    #[test]
    fn real_deliveries_changed_anywhere_never_panic(
        which in any::<prop::sample::Index>(),
        changes in proptest::collection::vec((any::<usize>(), any::<u8>(), json_value()), 0..4),
    ) {
        let mut delivery = which.get(deliveries()).clone();
        for (node, how, with) in changes {
            mutate(&mut delivery, node, how, with);
        }
        both(&serde_json::to_vec(&delivery).expect("serialises"))?;
    }

    #[test]
    fn arbitrary_json_where_the_parsers_look_never_panics(
        page in json_value(), change in json_value(), event in json_value(), tweet in json_value(),
    ) {
        let meta = json!({"object": "page", "entry": [
            {"id": page, "time": 1, "changes": [{"field": "feed", "value": change}], "messaging": [event.clone()]},
            {"id": "1", "changes": [{"field": "feed", "value": event}]},
        ]});
        let activity = json!({
            "for_user_id": "1",
            "users": {"1": tweet.clone()},
            "tweet_create_events": [tweet.clone()],
            "favorite_events": [tweet.clone()],
            "tweet_delete_events": [tweet.clone()],
            "direct_message_events": [tweet.clone()],
            "direct_message_mark_read_events": [tweet],
        });
        for value in [meta, activity] {
            both(&serde_json::to_vec(&value).expect("serialises"))?;
        }
    }
}
