//! twitter-text's own conformance suite, read at test time: X's expected weights and
//! validity for tweets, and every TLD it knows counted as a link, with and without `https://`.
//!
//! The fixtures live outside the project (`$SOCIAL_FIXTURES_DIR/twitter-text/`, else the
//! nearest `shared/fixtures/twitter-text/` above the workspace, `../shared` for a checkout
//! beside it) and are never copied into it.

use std::path::PathBuf;

use serde_json::Value;
use social_api::tweet::{parse_tweet, URL_WEIGHT};

const FIXTURES_ENV: &str = "SOCIAL_FIXTURES_DIR";

fn fixtures_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(FIXTURES_ENV) {
        return PathBuf::from(dir).join("twitter-text");
    }
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let workspace = workspace.canonicalize().unwrap_or(workspace);
    let beside = workspace.join("../shared/fixtures/twitter-text");
    workspace
        .ancestors()
        .map(|dir| dir.join("shared/fixtures/twitter-text"))
        .find(|dir| dir.is_dir())
        .unwrap_or(beside)
}

/// The fixture's JSON; a missing file fails the test with one line saying where it looked.
fn fixture(name: &str) -> Value {
    let path = fixtures_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("twitter-text fixture {} not readable ({e}); set {FIXTURES_ENV} to the folder holding twitter-text/", path.display())
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The cases of one group of a fixture: `tests.<group>`.
fn cases<'a>(fixture: &'a Value, group: &str) -> &'a [Value] {
    fixture["tests"][group]
        .as_array()
        .unwrap_or_else(|| panic!("the fixture has no array tests.{group}"))
}

/// Fails with every disagreement listed, not just the first.
fn report(what: &str, checked: usize, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} of {checked} {what} disagree with twitter-text:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 0, "no {what} were checked");
}

#[test]
fn weighted_lengths_and_validity_match_twitter_texts_v3_suite() {
    let validate = fixture("validate.json");
    let mut checked = 0;
    let mut failures = Vec::new();
    for group in [
        "WeightedTweetsWithDiscountedEmojiCounterTest",
        "UnicodeDirectionalMarkerCounterTest",
    ] {
        for case in cases(&validate, group) {
            let text = case["text"].as_str().unwrap_or_default();
            let description = case["description"].as_str().unwrap_or_default();
            let expected = (
                case["expected"]["weightedLength"]
                    .as_u64()
                    .and_then(|n| usize::try_from(n).ok()),
                case["expected"]["valid"].as_bool(),
            );
            let parsed = parse_tweet(text);
            checked += 1;
            if expected != (Some(parsed.weighted_length), Some(parsed.valid)) {
                failures.push(format!(
                    "{group}: {description}: {text:?}: expected (weightedLength, valid) {expected:?}, got ({}, {})",
                    parsed.weighted_length, parsed.valid
                ));
            }
        }
    }
    report("weighted-length cases", checked, &failures);
}

#[test]
fn every_tld_makes_a_link_with_or_without_protocol() {
    let tlds = fixture("tlds.json");
    let mut checked = 0;
    let mut failures = Vec::new();
    for group in ["country", "generic"] {
        for case in cases(&tlds, group) {
            let text = case["text"].as_str().unwrap_or_default();
            let description = case["description"].as_str().unwrap_or_default();
            let Some(tld) = text.strip_prefix("https://twitter.") else {
                failures.push(format!("{group}: {description}: unexpected text {text:?}"));
                continue;
            };
            let bare = format!("foo.{tld}");
            let sentence = format!("Visit {bare} today");
            let sentence_expected = "Visit ".len() + URL_WEIGHT + " today".len();
            for (what, text, expected) in [
                ("with protocol", text.to_owned(), URL_WEIGHT),
                ("bare", bare.clone(), URL_WEIGHT),
                ("in a sentence", sentence, sentence_expected),
            ] {
                let got = parse_tweet(&text).weighted_length;
                checked += 1;
                if got != expected {
                    failures.push(format!(
                        "{group}: {description}: {what} {text:?}: expected {expected}, got {got}"
                    ));
                }
            }
        }
    }
    report("TLD cases", checked, &failures);
}
