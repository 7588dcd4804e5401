//! The character classes of twitter-text 3.1.0's URL regexes, on UTF-16 code units.
//!
//! Those regexes carry the `i` flag: an ASCII letter matches either case, and a non-ASCII
//! code unit whose upper case is in a class matches it too (`case_folds`, generated);
//! non-ASCII never folds to ASCII.

use super::case_folds::{CYRILLIC_FOLDS, LATIN_ACCENT_FOLDS, TLD_FOLDS};

/// `punct`: ASCII punctuation except `"` and `` ` ``, which twitter-text leaves out.
fn is_punct(unit: u16) -> bool {
    u8::try_from(unit).is_ok_and(|b| b"!'#%&()*+,\\-./:;<=>?@[]^_{|}~$".contains(&b))
}

/// `spaces`: the white space twitter-text knows.
pub(super) fn is_space(unit: u16) -> bool {
    matches!(unit,
        0x09..=0x0D | 0x20 | 0x85 | 0xA0 | 0x1680 | 0x180E | 0x2000..=0x200A
        | 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000)
}

/// `invalidChars`: what X refuses in a tweet.
fn is_invalid(unit: u16) -> bool {
    matches!(unit, 0xFFFE | 0xFEFF | 0xFFFF)
}

/// `directionalMarkersGroup`: bidirectional controls.
fn is_directional(unit: u16) -> bool {
    matches!(unit, 0x202A..=0x202E | 0x061C | 0x200E | 0x200F | 0x2066..=0x2069)
}

/// `validDomainChars`: anything but punctuation, space, invalid and directional characters
/// (CJK, emoji halves and all).
pub(super) fn is_domain_char(unit: u16) -> bool {
    !(is_punct(unit) || is_space(unit) || is_invalid(unit) || is_directional(unit))
}

/// `validUrlPrecedingChars`' first class: what may stand just before a link.
pub(super) fn may_precede_url(unit: u16) -> bool {
    let excluded = matches!(unit, 0x40 | 0xFF20 | 0x24 | 0x23 | 0xFF03); // @ ＠ $ # ＃
    !(is_ascii_alphanumeric(unit) || excluded || is_invalid(unit))
}

/// `invalidUrlWithoutProtocolPrecedingChars`: a link without protocol may not follow these.
pub(super) fn blocks_bare_url(unit: u16) -> bool {
    matches!(unit, 0x2D | 0x5F | 0x2E | 0x2F)
}

fn is_ascii_alphanumeric(unit: u16) -> bool {
    u8::try_from(unit).is_ok_and(|b| b.is_ascii_alphanumeric())
}

fn is_ascii_in(unit: u16, set: &[u8]) -> bool {
    u8::try_from(unit).is_ok_and(|b| b.is_ascii_alphanumeric() || set.contains(&b))
}

/// `latinAccentChars`.
fn is_latin_accent(unit: u16) -> bool {
    matches!(unit,
        0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0xFF | 0x0100..=0x024F | 0x0253 | 0x0254 | 0x0256
        | 0x0257 | 0x0259 | 0x025B | 0x0263 | 0x0268 | 0x026F | 0x0272 | 0x0289 | 0x028B
        | 0x02BB | 0x0300..=0x036F | 0x1E00..=0x1EFF)
        || LATIN_ACCENT_FOLDS.contains(&unit)
}

/// `cyrillicLettersAndMarks`.
fn is_cyrillic(unit: u16) -> bool {
    matches!(unit, 0x0400..=0x04FF) || CYRILLIC_FOLDS.contains(&unit)
}

/// `[\-a-z0-9latinAccentChars]`: a character of a label in `validAsciiDomain`.
pub(super) fn is_ascii_domain_char(unit: u16) -> bool {
    is_ascii_in(unit, b"-") || is_latin_accent(unit)
}

/// `validGeneralUrlPathChars`.
pub(super) fn is_path_char(unit: u16) -> bool {
    is_ascii_in(unit, b"!*';:=+,.$/%#[]-_~@|&")
        || unit == 0x2013
        || is_cyrillic(unit)
        || is_latin_accent(unit)
}

/// `validUrlPathEndingChars`' class: where a path may end (so `/foo.` leaves the period).
pub(super) fn is_path_ending_char(unit: u16) -> bool {
    is_ascii_in(unit, b"+-=_#/") || is_cyrillic(unit) || is_latin_accent(unit)
}

/// `validUrlQueryChars`.
pub(super) fn is_query_char(unit: u16) -> bool {
    is_ascii_in(unit, b"!?*'@();:&=+$/%#[]-_.,~|")
}

/// `validUrlQueryEndingChars`.
pub(super) fn is_query_ending_char(unit: u16) -> bool {
    is_ascii_in(unit, b"-_&=#/")
}

/// Whether a text unit matches a TLD's unit under the `i` flag.
pub(super) fn matches_tld_unit(text: u16, tld: u16) -> bool {
    text == tld
        || (tld < 0x80 && u8::try_from(text).is_ok_and(|t| t.to_ascii_lowercase() == tld as u8))
        || TLD_FOLDS.contains(&(tld, text))
}

/// The TLD's lookahead `(?=[^0-9a-zA-Z@+-]|$)`: a TLD must not run on into a word.
pub(super) fn ends_tld(next: Option<u16>) -> bool {
    next.is_none_or(|unit| !is_ascii_in(unit, b"@+-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(c: char) -> u16 {
        c as u16
    }

    #[test]
    fn quotes_and_backticks_are_domain_characters_as_twitter_text_leaves_them_out() {
        assert!(is_domain_char(unit('"')));
        assert!(is_domain_char(unit('`')));
        assert!(!is_domain_char(unit('-')));
        assert!(!is_domain_char(unit('\u{3000}')));
        assert!(is_domain_char(unit('中')));
    }

    #[test]
    fn case_folding_reaches_latin_letters_but_never_ascii() {
        assert!(is_path_char(unit('Q')));
        assert!(is_path_char(unit('ɠ')), "folds to Ɠ, which is in the class");
        assert!(is_path_char(unit('ᲀ')), "folds to Cyrillic В");
        assert!(
            !is_path_char(unit('\u{212A}')),
            "KELVIN SIGN does not fold to K here"
        );
    }

    #[test]
    fn tld_letters_match_in_either_case() {
        assert!(matches_tld_unit(unit('C'), unit('c')));
        assert!(matches_tld_unit(unit('Р'), unit('р')));
        assert!(
            !matches_tld_unit(unit('c'), unit('C')),
            "TLDs are lower case"
        );
    }

    #[test]
    fn a_tld_ends_before_anything_but_a_word_character() {
        assert!(ends_tld(None));
        assert!(ends_tld(Some(unit('/'))));
        assert!(ends_tld(Some(unit('é'))));
        for c in ['a', 'Z', '0', '@', '+', '-'] {
            assert!(!ends_tld(Some(unit(c))), "{c}");
        }
    }
}
