//! The webhook parsers against the platforms' real payloads (read at test time from the
//! shared fixtures, never copied in), field by field, plus a fuzz that they never panic.
//!
//! Fixtures live in `$SOCIAL_FIXTURES_DIR/platforms/{facebook,x}/`, else the nearest
//! `shared/fixtures/platforms/` above the workspace.

mod facebook;
mod fuzz;
#[path = "../support/fixtures.rs"]
mod support_fixtures;
mod x;

pub use support_fixtures::platform_fixtures as fixtures_dir;

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use social_server::webhooks::{
    facebook as fb, x as tw, Inbound, InboundEvent, InboundMessage, Parsed,
};

/// Every payload file of a platform's folder and its subfolders: all `.json` but the
/// signature vectors, so a fixture added later is parsed too.
pub fn fixture_files(platform: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        let entries = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{} not readable: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|ext| ext == "json")
                && !path.ends_with("vectors.json")
            {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(&fixtures_dir(platform), &mut found);
    found.sort();
    found
}

pub fn read_json(path: &Path) -> Value {
    let bytes =
        std::fs::read(path).unwrap_or_else(|e| panic!("{} not readable: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

pub fn fixture(platform: &str, name: &str) -> Value {
    read_json(&fixtures_dir(platform).join(name))
}

/// A Meta body: full bodies as they are; a `changes[]` or `messaging[]` element wrapped in
/// the envelope SOURCES.md describes (ours, not the source's). The entry's Page is the one
/// whose feed holds the post (`post_id`'s prefix), or a message's recipient (its sender
/// for an echo), as Meta builds entries.
pub fn facebook_body(element: &Value) -> Value {
    if element.get("object").is_some() {
        return element.clone();
    }
    if element.get("field").is_some() {
        let page = element["value"]["post_id"]
            .as_str()
            .and_then(|post| post.split('_').next())
            .unwrap_or("137542570280222");
        return json!({"object": "page", "entry": [{"id": page, "time": 1_511_951_016, "changes": [element]}]});
    }
    let echo = element["message"]["is_echo"] == true;
    let page = if echo {
        &element["sender"]["id"]
    } else {
        &element["recipient"]["id"]
    };
    json!({"object": "page", "entry": [{"id": page, "time": 1_491_796_363_999_i64, "messaging": [element]}]})
}

pub fn parse_facebook(value: &Value) -> Parsed {
    let body = serde_json::to_vec(&facebook_body(value)).expect("serialises");
    fb::parse(&body).unwrap_or_else(|e| panic!("{e}"))
}

pub fn facebook_fixture(name: &str) -> Parsed {
    parse_facebook(&fixture("facebook", name))
}

pub fn parse_x(value: &Value) -> Parsed {
    let body = serde_json::to_vec(value).expect("serialises");
    tw::parse(&body).unwrap_or_else(|e| panic!("{e}"))
}

pub fn x_fixture(name: &str) -> Parsed {
    parse_x(&fixture("x", name))
}

/// The one event of a delivery that carries one and skips nothing.
pub fn only(parsed: Parsed) -> Inbound {
    assert!(parsed.skipped.is_empty(), "skipped: {:?}", parsed.skipped);
    match <[Inbound; 1]>::try_from(parsed.events) {
        Ok([event]) => event,
        Err(events) => panic!("expected one event, got {events:#?}"),
    }
}

/// The one skip reason of a delivery that carries no event.
pub fn only_skip(parsed: Parsed) -> String {
    assert!(parsed.events.is_empty(), "events: {:#?}", parsed.events);
    match <[String; 1]>::try_from(parsed.skipped) {
        Ok([why]) => why,
        Err(skipped) => panic!("expected one skip reason, got {skipped:?}"),
    }
}

pub fn consumer_message(event: &Inbound) -> &InboundMessage {
    match &event.event {
        InboundEvent::ConsumerMessage(message) => message,
        other => panic!("expected a consumer message, got {other:#?}"),
    }
}

pub fn brand_message(event: &Inbound) -> &InboundMessage {
    match &event.event {
        InboundEvent::BrandMessage(message) => message,
        other => panic!("expected a brand message, got {other:#?}"),
    }
}

/// What every parsed event must hold, whatever the payload.
pub fn assert_well_formed(parsed: &Parsed, what: &str) {
    for event in &parsed.events {
        assert!(
            !event.key.is_empty() && event.key.len() <= 512,
            "{what}: key of {} bytes",
            event.key.len()
        );
        assert!(!event.brand_id.is_empty(), "{what}: no brand id");
    }
}

#[test]
fn every_fixture_file_is_parsed_and_accounted_for() {
    let mut checked = 0;
    for (platform, parse) in [
        ("facebook", parse_facebook as fn(&Value) -> Parsed),
        ("x", parse_x),
    ] {
        for path in fixture_files(platform) {
            let parsed = parse(&read_json(&path));
            let what = path.display().to_string();
            assert!(
                !parsed.events.is_empty() || !parsed.skipped.is_empty(),
                "{what}: neither events nor reasons"
            );
            assert_well_formed(&parsed, &what);
            for event in &parsed.events {
                assert!(
                    event.at.0 > 1_000_000_000_000,
                    "{what}: time {:?}",
                    event.at
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 70, "only {checked} fixture files were parsed");
}

#[test]
fn the_sweep_covers_every_file_of_both_folders() {
    for platform in ["facebook", "x"] {
        let swept = fixture_files(platform);
        let mut listed = Vec::new();
        let mut dirs = vec![fixtures_dir(platform)];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("readable") {
                let path = entry.expect("entry").path();
                let name = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default();
                match name {
                    _ if path.is_dir() => dirs.push(path),
                    "SOURCES.md" | "vectors.json" => {}
                    _ => listed.push(path),
                }
            }
        }
        listed.sort();
        assert_eq!(swept, listed, "{platform}: files the sweep would miss");
    }
    let x = fixture_files("x");
    assert!(x
        .iter()
        .any(|p| p.ends_with("vector_bodies/zammad_webhook1_tweet.json")));
}
