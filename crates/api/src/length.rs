//! How long a message may be, counted the way each platform counts.
//!
//! X counts tweets by weight, not by characters, as its twitter-text library does (see
//! [`tweet`]): most Latin, Greek, Cyrillic and Arabic code points weigh 1, the rest (CJK,
//! most symbols) weigh 2, an emoji weighs 2 however many code points it has, and every
//! link, `example.com` included, weighs 23 because X shortens it. The other spaces count
//! Unicode scalar values.

use crate::model::{Source, Space};
use crate::tweet;

/// Weight of any link in a tweet: X wraps it in a t.co link.
pub const X_LINK_WEIGHT: usize = tweet::URL_WEIGHT;

/// The most an agent may write in one message in `space` on `source`.
pub fn max_length(source: Source, space: Space) -> usize {
    match (source, space) {
        (Source::X, Space::Public) => tweet::MAX_WEIGHTED_LENGTH,
        (Source::X, Space::Private) => 10_000,
        (Source::Facebook, Space::Public) => 8_000,
        (Source::Facebook, Space::Private) => 2_000,
        // Notes never leave our backend; the limit only keeps them readable.
        (_, Space::Internal) => 10_000,
    }
}

/// The length of `text` as the platform counts it for `space`.
pub fn measure(source: Source, space: Space, text: &str) -> usize {
    match (source, space) {
        (Source::X, Space::Public) => x_weighted_length(text),
        _ => text.chars().count(),
    }
}

/// The weighted length of a tweet, as X counts it: see [`tweet::parse_tweet`].
pub fn x_weighted_length(text: &str) -> usize {
    tweet::parse_tweet(text).weighted_length
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_weighs_one_per_character() {
        assert_eq!(x_weighted_length("hello"), 5);
        assert_eq!(x_weighted_length(&"a".repeat(280)), 280);
    }

    #[test]
    fn cjk_weighs_two() {
        assert_eq!(x_weighted_length("日本語"), 6);
    }

    #[test]
    fn arabic_and_hebrew_weigh_one() {
        assert_eq!(x_weighted_length("مرحبا"), 5);
        assert_eq!(x_weighted_length("שלום"), 4);
    }

    #[test]
    fn every_link_weighs_twenty_three() {
        assert_eq!(
            x_weighted_length("https://example.com/a/very/long/path?q=1"),
            23
        );
        assert_eq!(x_weighted_length("see http://x.co now"), 4 + 23 + 4);
        assert_eq!(x_weighted_length("HTTPS://EXAMPLE.COM"), 23);
    }

    #[test]
    fn a_bare_domain_with_a_known_tld_is_a_link_too() {
        assert_eq!(x_weighted_length("see example.com now"), 4 + 23 + 4);
        assert_eq!(x_weighted_length("see file.txt now"), 16);
    }

    #[test]
    fn a_bare_scheme_or_a_host_without_a_dot_is_text() {
        assert_eq!(x_weighted_length("https://"), 8);
        assert_eq!(x_weighted_length("https://!!!"), 11);
    }

    #[test]
    fn a_link_ends_where_a_url_cannot_go_on() {
        // Japanese often follows a link without a space: the text after it still counts.
        let text = format!("https://acme.jp/help{}", "日".repeat(10));
        assert_eq!(x_weighted_length(&text), 23 + 20);
        assert_eq!(x_weighted_length("see https://acme.com/a."), 4 + 23 + 1);
        assert_eq!(x_weighted_length("(https://acme.com/a)"), 1 + 23 + 1);
    }

    #[test]
    fn emoji_sequences_weigh_two() {
        assert_eq!(x_weighted_length("😀"), 2);
        assert_eq!(x_weighted_length("👍🏽"), 2, "skin tone");
        assert_eq!(x_weighted_length("👩‍👩‍👧‍👦"), 2, "family joined by ZWJ");
        assert_eq!(x_weighted_length("❤️"), 2, "with variation selector");
        assert_eq!(x_weighted_length("🇫🇷"), 2, "flag");
        assert_eq!(x_weighted_length("🇫🇷🇩🇪"), 4, "two flags");
    }

    #[test]
    fn other_spaces_count_characters() {
        assert_eq!(
            measure(Source::X, Space::Private, "https://example.com"),
            19
        );
        assert_eq!(measure(Source::Facebook, Space::Public, "日本語"), 3);
    }

    #[test]
    fn limits_follow_the_platforms() {
        assert_eq!(max_length(Source::X, Space::Public), 280);
        assert_eq!(max_length(Source::X, Space::Private), 10_000);
        assert_eq!(max_length(Source::Facebook, Space::Public), 8_000);
        assert_eq!(max_length(Source::Facebook, Space::Private), 2_000);
    }
}
