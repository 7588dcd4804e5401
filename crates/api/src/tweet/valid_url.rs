//! twitter-text 3.1.0's `isValidUrl` check on a link it found: every label of the domain
//! must make a DNS label once punycode-encoded (its `idna.toAscii`), and the link must not
//! be too long.

use super::domain::ascii_domains;
use super::punycode::to_ascii_len;

const MAX_URL_LENGTH: usize = 4096;
const MAX_LABEL_LENGTH: usize = 63;
/// twitter-text measures a link without protocol as if it had this one.
const DEFAULT_PROTOCOL_LEN: usize = "https://".len();

/// Whether a link of `url_len` code units, whose protocol is `protocol_len` long (0 for
/// none) and whose domain is `domain`, passes: each label encodes to 1..=63 characters, a
/// domain starting with `xn--` holds an ASCII domain, and the protocol's length plus the
/// link's (which holds the protocol already) is at most 4096.
pub(super) fn is_valid_url(url_len: usize, protocol_len: usize, domain: &[u16]) -> bool {
    let protocol_len = if protocol_len == 0 {
        DEFAULT_PROTOCOL_LEN
    } else {
        protocol_len
    };
    // Case-sensitive there: `XN--` is not checked.
    let punycode_prefix = domain
        .get(..4)
        .is_some_and(|head| head.iter().eq(b"xn--".map(u16::from).iter()));
    if punycode_prefix && ascii_domains(domain).is_empty() {
        return false;
    }
    // punycode.js throws where its arithmetic overflows (a label of thousands of
    // characters); parseTweet then throws too. Such a link is taken as no link.
    let labels_fit = domain
        .split(|&u| u == u16::from(b'.'))
        .all(|label| to_ascii_len(label).is_some_and(|len| (1..=MAX_LABEL_LENGTH).contains(&len)));
    labels_fit && protocol_len + url_len <= MAX_URL_LENGTH
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid(url_len: usize, protocol_len: usize, domain: &str) -> bool {
        is_valid_url(
            url_len,
            protocol_len,
            &domain.encode_utf16().collect::<Vec<_>>(),
        )
    }

    #[test]
    fn every_label_must_encode_to_at_most_63_characters() {
        assert!(valid(10, 8, &format!("{}.com", "a".repeat(63))));
        assert!(!valid(10, 8, &format!("{}.com", "a".repeat(64))));
        // ü encodes to more than itself: 30 fit, 60 do not.
        assert!(valid(10, 8, &format!("{}.com", "ü".repeat(30))));
        assert!(!valid(10, 8, &format!("{}.com", "ü".repeat(60))));
        assert!(!valid(10, 8, "a..com"), "an empty label");
    }

    #[test]
    fn the_protocol_is_counted_again_so_4088_is_the_longest_link() {
        assert!(valid(4088, 8, "example.com"));
        assert!(!valid(4089, 8, "example.com"));
        assert!(valid(4089, 7, "example.com"), "http:// is one shorter");
        assert!(
            valid(4088, 0, "example.com"),
            "no protocol counts as https://"
        );
        assert!(!valid(4089, 0, "example.com"));
    }

    #[test]
    fn a_domain_starting_with_xn_dashes_needs_an_ascii_domain_in_it() {
        assert!(valid(20, 8, "xn--bcher-kva.com"));
        assert!(!valid(20, 8, "xn--中.中国"));
        assert!(
            valid(20, 8, "XN--中.中国"),
            "the prefix is compared case-sensitively"
        );
    }
}
