//! Recognising our own message among the brand's recent ones on a platform: the same
//! text as the platform shows it, written at or after the send began.

use social_api::Timestamp;

/// Whether `shown` (a message as the platform lists it) is `sent` (as we sent it). X
/// escapes `&`, `<` and `>` and turns links into t.co links; both platforms may fold
/// whitespace. Links are compared as "a link", the rest exactly.
pub(super) fn same_text(sent: &str, shown: &str) -> bool {
    normalised(sent) == normalised(&unescape(shown))
}

/// Whether `shown` ends with `sent`: a Facebook comment that tags the consumer shows
/// their name where we sent the tag.
pub(super) fn ends_with_text(sent: &str, shown: &str) -> bool {
    let sent = normalised(sent);
    let shown = normalised(&unescape(shown));
    !sent.is_empty() && shown.ends_with(&sent)
}

/// Whether a platform time (`2025-10-01T14:05:09+0000` on Facebook,
/// `2025-10-01T14:05:09.000Z` on X) is at or after `since`. A time that cannot be read
/// counts as recent: taking a message for ours is safer than sending it twice.
pub(super) fn at_or_after(time: Option<&str>, since: Timestamp) -> bool {
    match time.and_then(parse_time) {
        Some(at) => at >= since.0,
        None => true,
    }
}

/// Milliseconds since the epoch of an RFC 3339 time in UTC (Meta writes `+0000`).
fn parse_time(time: &str) -> Option<i64> {
    let time = time.trim();
    let time = match time.strip_suffix("+0000") {
        Some(utc) => format!("{utc}Z"),
        None => time.to_owned(),
    };
    let at = humantime::parse_rfc3339(&time).ok()?;
    let millis = at.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis();
    i64::try_from(millis).ok()
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn normalised(text: &str) -> String {
    text.split_whitespace()
        .map(|word| {
            if word.starts_with("http://") || word.starts_with("https://") {
                "\u{1}link"
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_is_recognised_as_the_platforms_show_it() {
        assert!(same_text("Fish & chips <3", "Fish &amp; chips &lt;3"));
        assert!(same_text(
            "See https://acme.example/returns today",
            "See https://t.co/AbC123 today"
        ));
        assert!(same_text("two  spaces\n", "two spaces"));
        assert!(!same_text("Thanks!", "Thanks!!"));
        assert!(!same_text("See https://a.example", "See"));
    }

    #[test]
    fn a_tagged_comment_ends_with_the_text() {
        assert!(ends_with_text(
            "Thanks for asking!",
            "Maria Lopez Thanks for asking!"
        ));
        assert!(!ends_with_text(
            "Thanks for asking!",
            "Thanks for asking! Maria"
        ));
        assert!(!ends_with_text("", "anything"));
    }

    #[test]
    fn both_platforms_times_are_read_and_unreadable_ones_count_as_recent() {
        let since = Timestamp(1_759_327_509_000);
        assert!(at_or_after(Some("2025-10-01T14:05:09+0000"), since));
        assert!(!at_or_after(Some("2025-10-01T14:05:08+0000"), since));
        assert!(at_or_after(Some("2025-10-01T14:05:09.000Z"), since));
        assert!(!at_or_after(Some("2025-10-01T14:05:08.999Z"), since));
        assert!(at_or_after(Some("yesterday"), since));
        assert!(at_or_after(None, since));
    }
}
