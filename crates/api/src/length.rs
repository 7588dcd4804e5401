//! How long a message may be, counted the way each platform counts.
//!
//! X counts tweets by weight, not by characters (twitter-text v3): most Latin, Greek,
//! Cyrillic and Arabic code points weigh 1, the rest (CJK, most symbols) weigh 2, an emoji
//! sequence weighs 2 however many code points it has, and every link weighs 23 because X
//! shortens it. The other spaces count Unicode scalar values.

use crate::model::{Source, Space};

/// Weight of any `http://` or `https://` link in a tweet: X wraps it in a t.co link.
pub const X_LINK_WEIGHT: usize = 23;

/// The most an agent may write in one message in `space` on `source`.
pub fn max_length(source: Source, space: Space) -> usize {
    match (source, space) {
        (Source::X, Space::Public) => 280,
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

/// The weighted length of a tweet: see the module documentation.
pub fn x_weighted_length(text: &str) -> usize {
    let mut total = 0;
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(link_len) = link_at(rest) {
            total += X_LINK_WEIGHT;
            rest = &rest[link_len..];
            continue;
        }
        let mut chars = rest.chars();
        let Some(c) = chars.next() else { break };
        if is_emoji_start(c) {
            let consumed = emoji_sequence_len(rest);
            total += 2;
            rest = &rest[consumed..];
        } else {
            total += code_point_weight(c);
            rest = chars.as_str();
        }
    }
    total
}

/// Byte length of a link starting at the beginning of `text`, if one starts there.
///
/// As X's parser does, a link ends at the first character a URL cannot hold (whitespace,
/// but also CJK text written right after it), drops trailing punctuation, and needs a
/// host with a dot: `https://!!!` is text.
fn link_at(text: &str) -> Option<usize> {
    let scheme = ["https://", "http://"]
        .into_iter()
        .find(|s| starts_with_ignore_case(text, s))?;
    let after = &text[scheme.len()..];
    let run = after.find(|c: char| !is_url_char(c)).unwrap_or(after.len());
    let link = after[..run].trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', ')']);
    let host = link.split(['/', '?', '#']).next().unwrap_or_default();
    let host_ok = host.contains('.')
        && host.split('.').all(|label| {
            !label.is_empty()
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':')
        });
    host_ok.then_some(scheme.len() + link.len())
}

/// The characters RFC 3986 allows in a URL (percent-encoding included).
fn is_url_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// twitter-text v3's ranges of weight 1; everything else weighs 2.
fn code_point_weight(c: char) -> usize {
    match u32::from(c) {
        0..=4351 | 8192..=8205 | 8208..=8223 | 8242..=8247 => 1,
        _ => 2,
    }
}

fn is_emoji_start(c: char) -> bool {
    matches!(u32::from(c),
        0x1F000..=0x1FAFF // pictographs, emoticons, transport, flags (regional indicators)
        | 0x2600..=0x27BF // miscellaneous symbols and dingbats
        | 0x2B00..=0x2BFF // arrows and stars such as ⭐
    )
}

/// Byte length of the emoji sequence at the start of `text`: the base, its modifiers and
/// variation selectors, and anything joined to it with zero-width joiners.
fn emoji_sequence_len(text: &str) -> usize {
    let mut chars = text.char_indices().peekable();
    let Some((_, first)) = chars.next() else {
        return 0;
    };
    let mut end = first.len_utf8();
    let is_flag_half = (0x1F1E6..=0x1F1FF).contains(&u32::from(first));
    if is_flag_half {
        // A flag is two regional indicators.
        if let Some(&(i, c)) = chars.peek() {
            if (0x1F1E6..=0x1F1FF).contains(&u32::from(c)) {
                return i + c.len_utf8();
            }
        }
        return end;
    }
    while let Some(&(i, c)) = chars.peek() {
        let code = u32::from(c);
        let modifier = matches!(code,
            0xFE0E | 0xFE0F      // variation selectors
            | 0x1F3FB..=0x1F3FF  // skin tones
            | 0x20E3             // keycap
            | 0xE0020..=0xE007F // tag sequences (subdivision flags)
        );
        if modifier {
            end = i + c.len_utf8();
            chars.next();
        } else if code == 0x200D {
            chars.next();
            match chars.next() {
                Some((j, joined)) if is_emoji_start(joined) => end = j + joined.len_utf8(),
                _ => break,
            }
        } else {
            break;
        }
    }
    end
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
