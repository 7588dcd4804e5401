//! Differential tests against X's own library: the texts below are counted both by
//! `parse_tweet` and by twitter-text 3.1.0 itself, run by Node.js through
//! `tools/tweet-oracle.js` (one process per batch), and every disagreement is reported.
//!
//! `scripts/setup` installs twitter-text into `tools/node_modules`. The seed and count of
//! the generated texts can be changed with `TWEET_ORACLE_SEED` and `TWEET_ORACLE_TEXTS`.

mod oracle_texts;

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde::Deserialize;
use social_api::tweet::{parse_tweet, ParsedTweet};

const MAX_REPORTED: usize = 20;

/// One answer of `tools/tweet-oracle.js`.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct Answer {
    weighted_length: Option<usize>,
    valid: Option<bool>,
    error: Option<String>,
}

impl Answer {
    fn agrees_with(&self, parsed: ParsedTweet) -> bool {
        self.error.is_none()
            && self.weighted_length == Some(parsed.weighted_length)
            && self.valid == Some(parsed.valid)
    }
}

/// twitter-text's answers for `texts`, from one Node.js process.
fn ask_twitter_text(texts: &[String]) -> Vec<Answer> {
    let tools = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tools");
    let library = tools.join("node_modules/twitter-text/package.json");
    let node_runs = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !library.is_file() || !node_runs {
        panic!(
            "twitter-text oracle unavailable (node on PATH: {node_runs}, {} present: {}): run scripts/setup",
            library.display(),
            library.is_file()
        );
    }
    let mut child = Command::new("node")
        .arg(tools.join("tweet-oracle.js"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node starts");
    let mut stdin = child.stdin.take().expect("piped stdin");
    let lines: Vec<String> = texts
        .iter()
        .map(|t| serde_json::to_string(t).expect("a string serialises"))
        .collect();
    // Written from another thread so that neither side blocks on a full pipe.
    let writer = std::thread::spawn(move || {
        for line in lines {
            writeln!(stdin, "{line}").expect("the oracle reads its input");
        }
    });
    let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    let answers: Vec<Answer> = stdout
        .lines()
        .map(|line| {
            serde_json::from_str(&line.expect("the oracle writes lines"))
                .expect("the oracle writes JSON")
        })
        .collect();
    writer.join().expect("the writer finishes");
    assert!(
        child.wait().expect("node exits").success(),
        "the oracle failed"
    );
    assert_eq!(answers.len(), texts.len(), "the oracle answered every text");
    answers
}

/// The texts `parse_tweet` counts differently from twitter-text, each as lines showing the
/// text escaped and both answers.
fn disagreements(texts: &[String], answers: &[Answer]) -> Vec<String> {
    texts
        .iter()
        .zip(answers)
        .filter_map(|(text, expected)| {
            let got = parse_tweet(text);
            let shown: String = text.chars().flat_map(char::escape_debug).collect();
            (!expected.agrees_with(got)).then(|| {
                format!(
                    "  \"{shown}\"\n    twitter-text: {expected:?}\n    parse_tweet:  weighted_length {}, valid {}",
                    got.weighted_length, got.valid
                )
            })
        })
        .collect()
}

/// Fails listing the first disagreements, if there are any.
fn assert_agreement(what: &str, checked: usize, disagreements: &[String]) {
    let shown = disagreements.len().min(MAX_REPORTED);
    assert!(
        disagreements.is_empty(),
        "{} of {checked} {what} disagree with twitter-text; the first {shown}:\n{}",
        disagreements.len(),
        disagreements[..shown].join("\n")
    );
    eprintln!("{checked} {what} agree with twitter-text");
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn seed_and_count() -> (u64, usize) {
    (
        env_or("TWEET_ORACLE_SEED", 0x5EED),
        env_or("TWEET_ORACLE_TEXTS", 4000),
    )
}

#[test]
fn generated_replies_near_the_limit_count_as_twitter_text_counts_them() {
    let (seed, count) = seed_and_count();
    let texts = oracle_texts::generate(seed, count, |text| parse_tweet(text).weighted_length);
    let near_limit = texts
        .iter()
        .filter(|text| (240..=320).contains(&parse_tweet(text).weighted_length))
        .count();
    assert!(
        near_limit * 4 > texts.len() * 3,
        "most texts should weigh near 280: {near_limit}"
    );
    let answers = ask_twitter_text(&texts);
    assert_agreement(
        &format!("replies (seed {seed:#x})"),
        texts.len(),
        &disagreements(&texts, &answers),
    );
}

#[test]
fn link_shaped_noise_counts_as_twitter_text_counts_it() {
    let (seed, count) = seed_and_count();
    let texts = oracle_texts::noise(seed, count);
    let answers = ask_twitter_text(&texts);
    assert_agreement(
        &format!("noise texts (seed {seed:#x})"),
        texts.len(),
        &disagreements(&texts, &answers),
    );
}

#[test]
fn every_code_point_and_known_emoji_sequence_weighs_as_in_twitter_text() {
    let probes = oracle_texts::emoji_probes();
    // Many probes to a line, space-separated (nothing joins across a space), then the
    // probes of any line that disagrees are asked again one by one.
    let batches: Vec<&[String]> = probes.chunks(400).collect();
    let lines: Vec<String> = batches.iter().map(|batch| batch.join(" ")).collect();
    let answers = ask_twitter_text(&lines);
    let suspects: Vec<String> = lines
        .iter()
        .zip(&answers)
        .zip(&batches)
        .filter(|((line, answer), _)| !answer.agrees_with(parse_tweet(line)))
        .flat_map(|(_, batch)| batch.iter().cloned())
        .collect();
    let mut found = Vec::new();
    if !suspects.is_empty() {
        found = disagreements(&suspects, &ask_twitter_text(&suspects));
        if found.is_empty() {
            found.push(format!(
                "  {} probes disagree only together",
                suspects.len()
            ));
        }
    }
    assert_agreement("emoji probes", probes.len(), &found);
}
