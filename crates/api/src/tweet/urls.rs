//! The links in a tweet, as twitter-text 3.1.0's `extractUrlsWithIndices` finds them (by
//! default links without a protocol count too), each of which weighs 23.
//!
//! Its `extractUrl` regex is scanned globally: at each position, a preceding character
//! (or the start of the text), an optional `http://` or `https://`, a domain, an optional
//! port, path and query. Then each match is checked as `isValidUrl` does (every label
//! encodes to 1..=63 characters, the whole is at most 4096), and:
//! - without protocol, the link is dropped after `-`, `_`, `.` or `/`, and only the
//!   ASCII domains inside it count (`中国.com` is no link, `a.com中b.com` is two), the last
//!   one carrying the path (but not the port or query) when there is one;
//! - a t.co link stops after its slug and query, and is no link at all when the slug is
//!   longer than 40 characters.
//!
//! As in twitter-text, the scan goes on after a match even when the match is dropped.

use super::chars::{blocks_bare_url, may_precede_url};
use super::domain::{ascii_domains, Domains};
use super::path::{path_end, query_end};
use super::valid_url::is_valid_url;
use super::Span;

const MAX_TCO_SLUG_LENGTH: usize = 40;

/// One match of the `extractUrl` regex.
struct Match {
    /// The character the regex consumed before the link, if it was not the text's start.
    before: Option<u16>,
    start: usize,
    protocol_len: usize,
    domain_end: usize,
    has_path: bool,
    end: usize,
}

/// The links in `text` (NFC, UTF-16), each with the length parseTweet skips for it.
pub(super) fn find(text: &[u16]) -> Vec<Span> {
    let mut found = Vec::new();
    if !text.contains(&u16::from(b'.')) {
        return found;
    }
    let mut domains = Domains::new(text);
    let mut from = 0;
    while let Some(found_match) = next_match(text, from, &mut domains) {
        from = found_match.end;
        accept(text, &found_match, &mut found);
    }
    found
}

/// The first match of `extractUrl` at or after `from`.
fn next_match(text: &[u16], from: usize, domains: &mut Domains) -> Option<Match> {
    (from..=text.len()).find_map(|at| {
        let after_char = text
            .get(at)
            .filter(|&&unit| may_precede_url(unit))
            .and_then(|&unit| url_at(text, at + 1, Some(unit), domains));
        // `^`: the text's start is tried after the preceding-character alternative.
        after_char.or_else(|| {
            if at == 0 {
                url_at(text, 0, None, domains)
            } else {
                None
            }
        })
    })
}

/// The link starting at `start`, with its protocol if it has one, else without.
fn url_at(text: &[u16], start: usize, before: Option<u16>, domains: &mut Domains) -> Option<Match> {
    let with_protocol = protocol_len(text.get(start..)?)
        .and_then(|len| url_after_protocol(text, start, len, before, domains));
    with_protocol.or_else(|| url_after_protocol(text, start, 0, before, domains))
}

fn url_after_protocol(
    text: &[u16],
    start: usize,
    protocol_len: usize,
    before: Option<u16>,
    domains: &mut Domains,
) -> Option<Match> {
    let domain_end = domains.at(start + protocol_len)?;
    let mut end = domain_end;
    if text.get(end) == Some(&u16::from(b':')) {
        let digits = text.get(end + 1..).map_or(0, |rest| {
            rest.iter()
                .take_while(|&&u| u8::try_from(u).is_ok_and(|b| b.is_ascii_digit()))
                .count()
        });
        if digits > 0 {
            end += 1 + digits;
        }
    }
    let has_path = text.get(end) == Some(&u16::from(b'/'));
    if has_path {
        end = path_end(text, end + 1);
    }
    if text.get(end) == Some(&u16::from(b'?')) {
        end = query_end(text, end + 1).unwrap_or(end);
    }
    Some(Match {
        before,
        start,
        protocol_len,
        domain_end,
        has_path,
        end,
    })
}

/// `https?://`, in any case.
fn protocol_len(text: &[u16]) -> Option<usize> {
    ["https://", "http://"].into_iter().find_map(|protocol| {
        let head = text.get(..protocol.len())?;
        let same = head
            .iter()
            .zip(protocol.bytes())
            .all(|(&u, p)| u8::try_from(u).is_ok_and(|b| b.eq_ignore_ascii_case(&p)));
        same.then_some(protocol.len())
    })
}

/// extractUrlsWithIndices' checks on one match: the links it adds, if any.
fn accept(text: &[u16], found_match: &Match, found: &mut Vec<Span>) {
    let Match {
        before,
        start,
        protocol_len,
        domain_end,
        has_path,
        end,
    } = *found_match;
    let domain_start = start + protocol_len;
    let (Some(url), Some(domain)) = (text.get(start..end), text.get(domain_start..domain_end))
    else {
        return;
    };
    if !is_valid_url(url.len(), protocol_len, domain) {
        return;
    }
    if protocol_len > 0 {
        match t_co(url) {
            TCo::No => found.push(Span {
                start,
                len: url.len(),
            }),
            TCo::EndsAt(len) => found.push(Span { start, len }),
            TCo::SlugTooLong => {}
        }
        return;
    }
    if before.is_some_and(blocks_bare_url) {
        return;
    }
    let ascii = ascii_domains(domain);
    let last = ascii.len().saturating_sub(1);
    for (i, (from, to)) in ascii.into_iter().enumerate() {
        // twitter-text replaces the domain in the link's text by its last ASCII domain,
        // and skips that text's length: the path follows it, whatever was between.
        let rest = if i == last && has_path {
            url.len() - domain.len()
        } else {
            0
        };
        found.push(Span {
            start: domain_start + from,
            len: to - from + rest,
        });
    }
}

/// What `validTcoUrl` says of a link with a protocol.
enum TCo {
    /// Not a t.co link: it stands as found.
    No,
    /// A t.co link, which ends after its slug and query.
    EndsAt(usize),
    /// A t.co link whose slug is over 40 characters: no link at all.
    SlugTooLong,
}

fn t_co(url: &[u16]) -> TCo {
    let Some(slug_start) = protocol_len(url).map(|len| len + "t.co/".len()) else {
        return TCo::No;
    };
    let is_t_co = url.get(slug_start - 5..slug_start).is_some_and(|host| {
        host.iter()
            .zip(b"t.co/")
            .all(|(&u, &p)| u8::try_from(u).is_ok_and(|b| b.eq_ignore_ascii_case(&p)))
    });
    let slug = url.get(slug_start..).map_or(0, |rest| {
        rest.iter()
            .take_while(|&&u| u8::try_from(u).is_ok_and(|b| b.is_ascii_alphanumeric()))
            .count()
    });
    if !is_t_co || slug == 0 {
        return TCo::No;
    }
    if slug > MAX_TCO_SLUG_LENGTH {
        return TCo::SlugTooLong;
    }
    let mut end = slug_start + slug;
    if url.get(end) == Some(&u16::from(b'?')) {
        end = query_end(url, end + 1).unwrap_or(end);
    }
    TCo::EndsAt(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each link's text as parseTweet skips it.
    fn links(text: &str) -> Vec<String> {
        let units: Vec<u16> = text.encode_utf16().collect();
        find(&units)
            .iter()
            .map(|s| String::from_utf16_lossy(units.get(s.start..s.start + s.len).unwrap_or(&[])))
            .collect()
    }

    #[test]
    fn bare_domains_with_a_known_tld_are_links() {
        assert_eq!(
            links("see example.com, or www.acme.de/help."),
            ["example.com", "www.acme.de/help"]
        );
        assert_eq!(links("t.co/abc"), ["t.co/abc"]);
        assert!(links("file.txt and v1.2").is_empty());
    }

    #[test]
    fn a_bare_link_after_a_dash_underscore_dot_or_slash_is_not_one() {
        for text in [
            "-example.com",
            "_example.com",
            "/example.com",
            "a.-example.com",
        ] {
            assert!(links(text).is_empty(), "{text}");
        }
        assert_eq!(links("(example.com)"), ["example.com"]);
        assert!(
            links("me@example.com").is_empty(),
            "@ may not precede a link"
        );
    }

    #[test]
    fn a_bare_links_port_and_query_are_not_part_of_it() {
        assert_eq!(links("example.com:8080"), ["example.com"]);
        assert_eq!(links("example.com?q=1"), ["example.com"]);
        assert_eq!(links("example.com:8080/a?q=1"), ["example.com:8080/a?q=1"]);
        assert_eq!(
            links("https://example.com:8080?q=1"),
            ["https://example.com:8080?q=1"]
        );
    }

    #[test]
    fn only_the_ascii_domains_of_a_bare_link_count() {
        assert!(links("中国.com").is_empty());
        assert_eq!(links("a.com中b.com"), ["a.com", "b.com"]);
        assert_eq!(links("https://中国.com"), ["https://中国.com"]);
    }

    #[test]
    fn t_co_links_end_after_the_slug_and_long_slugs_are_no_links() {
        assert_eq!(links("https://t.co/abc/def"), ["https://t.co/abc"]);
        assert_eq!(links("http://T.CO/abc?x=1."), ["http://T.CO/abc?x=1"]);
        let slug = "a".repeat(41);
        assert!(links(&format!("https://t.co/{slug}")).is_empty());
        assert_eq!(links(&format!("https://t.co/{}", &slug[1..])).len(), 1);
        assert_eq!(
            links(&format!("t.co/{slug}")).len(),
            1,
            "the rule needs the protocol"
        );
    }

    #[test]
    fn a_link_with_a_label_too_long_for_dns_is_no_link() {
        assert_eq!(links(&format!("https://{}.com", "a".repeat(63))).len(), 1);
        assert!(links(&format!("https://{}.com", "a".repeat(64))).is_empty());
        assert!(links(&format!("{}.com", "a".repeat(64))).is_empty());
    }

    #[test]
    fn the_scan_goes_on_after_a_dropped_match() {
        let text = format!("https://{}.com/x.com b.com", "a".repeat(64));
        assert_eq!(links(&text), ["b.com"]);
    }
}
