//! The emoji twitter-text weighs as 2, found as twemoji-parser 11.0.2 (MIT) finds them.
//!
//! twemoji-parser scans with one generated regex: ten alternatives tried in order at each
//! position, the first that matches wins, then the scan goes on after it. Each alternative
//! is a function below, over the code point sets of `emoji_tables` (generated from that
//! regex). Its optional parts never need backtracking: what follows an optional skin tone
//! or U+FE0F can never be a skin tone or U+FE0F itself.

use super::emoji_tables::{
    FLAG_PAIRS, GENDERED_ROLES, GENDERED_VS16_OR_SKIN, KEYCAP_BASES, MAN_WOMAN, PROFESSION_OBJECTS,
    PROFESSION_WITH_VS16, SINGLES, SKIN_BASES, SKIN_BASES_TEXT_DEFAULT, SKIN_TONES, STARTS,
    TAG_FLAGS, TEXT_DEFAULT, TEXT_WITH_VS16, ZWJ_SEQUENCES, ZWJ_SEQUENCE_STARTS,
};
use super::sets::contains;
use super::Span;

const ZWJ: u32 = 0x200D;
const VS15: u32 = 0xFE0E;
const VS16: u32 = 0xFE0F;
const KEYCAP: u32 = 0x20E3;
const FEMALE: u32 = 0x2640;
const MALE: u32 = 0x2642;
const REGIONAL_A: u32 = 0x1F1E6;

/// The emoji twemoji-parser finds in `text` (UTF-16), in order.
pub(super) fn find(text: &[u16]) -> Vec<Span> {
    let mut found = Vec::new();
    let mut at = 0;
    while at < text.len() {
        // One look passes over most code points, rather than one per alternative.
        let may_start = (Cursor { text, at })
            .peek()
            .is_some_and(|cp| contains(STARTS, cp));
        match may_start.then(|| emoji_at(text, at)).flatten() {
            Some(end) => {
                found.push(Span {
                    start: at,
                    len: end - at,
                });
                at = end;
            }
            None => at += 1,
        }
    }
    found
}

/// The end of the emoji starting at code unit `at`, trying the regex's alternatives in order.
fn emoji_at(text: &[u16], at: usize) -> Option<usize> {
    let alternatives: [fn(&mut Cursor) -> Option<()>; 10] = [
        profession,
        gendered_after_vs16_or_skin_tone,
        gendered_role,
        zwj_sequence,
        keycap,
        symbol_with_vs16,
        text_default,
        skin_tone_base,
        flag_or_single,
        lone_vs16,
    ];
    alternatives.iter().find_map(|alternative| {
        let mut cursor = Cursor { text, at };
        alternative(&mut cursor).map(|()| cursor.at)
    })
}

/// `👨/👩 [skin tone] ZWJ object`: man or woman with a profession, e.g. 👩🏽‍🚀.
fn profession(c: &mut Cursor) -> Option<()> {
    c.eat_in(MAN_WOMAN)?;
    c.eat_in(SKIN_TONES);
    c.eat(ZWJ)?;
    if c.eat_in(PROFESSION_WITH_VS16).is_some() {
        c.eat(VS16)
    } else {
        c.eat_in(PROFESSION_OBJECTS)
    }
}

/// `base (skin tone | U+FE0F) ZWJ ♀/♂ U+FE0F`, e.g. 🏋️‍♀️.
fn gendered_after_vs16_or_skin_tone(c: &mut Cursor) -> Option<()> {
    c.eat_in(GENDERED_VS16_OR_SKIN)?;
    c.eat_in(SKIN_TONES).or_else(|| c.eat(VS16))?;
    gender(c)
}

/// `base [skin tone] ZWJ ♀/♂ U+FE0F`, e.g. 🙋🏾‍♂️.
fn gendered_role(c: &mut Cursor) -> Option<()> {
    c.eat_in(GENDERED_ROLES)?;
    c.eat_in(SKIN_TONES);
    gender(c)
}

fn gender(c: &mut Cursor) -> Option<()> {
    c.eat(ZWJ)?;
    c.eat(FEMALE).or_else(|| c.eat(MALE))?;
    c.eat(VS16)
}

/// A family, couple or other fixed ZWJ sequence, the first listed that matches.
fn zwj_sequence(c: &mut Cursor) -> Option<()> {
    if !contains(ZWJ_SEQUENCE_STARTS, c.peek()?) {
        return None;
    }
    c.eat_first_of(ZWJ_SEQUENCES)
}

/// `#`, `*` or a digit, then an optional U+FE0F and U+20E3: 1️⃣.
fn keycap(c: &mut Cursor) -> Option<()> {
    c.eat_in(KEYCAP_BASES)?;
    c.eat(VS16);
    c.eat(KEYCAP)
}

/// `©`, `®`, `™` or `♟`, an emoji only when U+FE0F follows: `©` alone is text.
fn symbol_with_vs16(c: &mut Cursor) -> Option<()> {
    c.eat_in(TEXT_WITH_VS16)?;
    c.eat(VS16)
}

/// A symbol shown as emoji unless U+FE0E asks for text: `❤`, `❤️`, but not `❤︎`. (No weight
/// depends on that rule, as every such symbol weighs 2 as text too; the tests below do.)
fn text_default(c: &mut Cursor) -> Option<()> {
    c.eat_in(TEXT_DEFAULT)?;
    c.vs16_or_not_vs15()
}

/// A base that takes a skin tone: `✌️🏼`, `👍🏽`.
fn skin_tone_base(c: &mut Cursor) -> Option<()> {
    let start = c.at;
    let text_default_base = c
        .eat_in(SKIN_BASES_TEXT_DEFAULT)
        .and_then(|()| c.vs16_or_not_vs15());
    if text_default_base.is_none() {
        c.at = start;
        c.eat_in(SKIN_BASES)?;
    }
    c.eat_in(SKIN_TONES);
    Some(())
}

/// A subdivision flag, a country flag twemoji 11 knows, or a single emoji code point (an
/// unknown pair of regional indicators is two of those).
fn flag_or_single(c: &mut Cursor) -> Option<()> {
    let start = c.at;
    if c.eat_first_of(TAG_FLAGS).is_some() {
        return Some(());
    }
    let first = c.peek()?;
    if let Some(row) = regional_indicator(first).and_then(|i| FLAG_PAIRS.get(i).copied()) {
        c.step();
        if let Some(second) = c.peek().and_then(regional_indicator) {
            if (row >> second) & 1 == 1 {
                c.step();
                return Some(());
            }
        }
        c.at = start;
    }
    c.eat_in(SINGLES)
}

fn regional_indicator(cp: u32) -> Option<usize> {
    let index = cp.checked_sub(REGIONAL_A)?;
    (index < 26).then_some(index as usize)
}

/// U+FE0F on its own is an emoji too (the regex's last alternative).
fn lone_vs16(c: &mut Cursor) -> Option<()> {
    c.eat(VS16)
}

/// A position in UTF-16 text that steps by code point.
struct Cursor<'a> {
    text: &'a [u16],
    at: usize,
}

impl Cursor<'_> {
    /// The code point at the cursor (a lone surrogate stands for itself, as in JavaScript).
    fn peek(&self) -> Option<u32> {
        let unit = u32::from(*self.text.get(self.at)?);
        let low = self.text.get(self.at + 1).map(|&u| u32::from(u));
        match low {
            Some(low @ 0xDC00..=0xDFFF) if (0xD800..=0xDBFF).contains(&unit) => {
                Some(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
            }
            _ => Some(unit),
        }
    }

    /// Moves past the code point at the cursor.
    fn step(&mut self) -> Option<u32> {
        let cp = self.peek()?;
        self.at += if cp > 0xFFFF { 2 } else { 1 };
        Some(cp)
    }

    fn eat(&mut self, cp: u32) -> Option<()> {
        (self.peek()? == cp).then(|| {
            self.step();
        })
    }

    fn eat_in(&mut self, set: &[u32]) -> Option<()> {
        contains(set, self.peek()?).then(|| {
            self.step();
        })
    }

    /// `(?:\uFE0F|(?!\uFE0E))`: takes a U+FE0F, or fails before a U+FE0E.
    fn vs16_or_not_vs15(&mut self) -> Option<()> {
        match self.peek() {
            Some(VS16) => self.eat(VS16),
            Some(VS15) => None,
            _ => Some(()),
        }
    }

    /// Takes the first of the `|`-separated sequences that the text continues with.
    fn eat_first_of(&mut self, sequences: &str) -> Option<()> {
        let rest = self.text.get(self.at..)?;
        let first = *rest.first()?;
        let len = sequences.split('|').find_map(|sequence| {
            let mut units = sequence.encode_utf16();
            if units.clone().next() != Some(first) {
                return None;
            }
            let len = units.clone().count();
            let matches = rest.len() >= len && units.by_ref().zip(rest).all(|(a, &b)| a == b);
            matches.then_some(len)
        })?;
        self.at += len;
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emoji(text: &str) -> Vec<String> {
        let units: Vec<u16> = text.encode_utf16().collect();
        find(&units)
            .iter()
            .map(|s| String::from_utf16_lossy(&units[s.start..s.start + s.len]))
            .collect()
    }

    #[test]
    fn copyright_is_an_emoji_only_with_vs16() {
        assert!(emoji("©").is_empty());
        assert_eq!(emoji("©\u{FE0F}"), ["©\u{FE0F}"]);
    }

    #[test]
    fn vs15_turns_a_text_default_symbol_back_into_text() {
        assert_eq!(emoji("❤"), ["❤"]);
        assert_eq!(emoji("❤\u{FE0F}"), ["❤\u{FE0F}"]);
        // The heart is text; the U+FE0E after it is not an emoji either.
        assert!(emoji("❤\u{FE0E}").is_empty());
    }

    #[test]
    fn an_unknown_flag_pair_is_two_regional_indicators() {
        assert_eq!(emoji("🇫🇷"), ["🇫🇷"]);
        assert_eq!(emoji("🇦🇦"), ["🇦", "🇦"]);
    }

    #[test]
    fn newer_sequences_fall_apart_into_what_twemoji_11_knew() {
        // 🤌 (2020) is unknown; its skin tone is an emoji of its own.
        assert_eq!(emoji("🤌🏽"), ["🏽"]);
        // ❤️‍🔥 (2020): the heart with VS16, then ZWJ (text), then fire.
        assert_eq!(emoji("❤️\u{200D}🔥"), ["❤️", "🔥"]);
    }

    #[test]
    fn longer_zwj_sequences_win_over_their_prefixes() {
        assert_eq!(emoji("👨‍👩‍👧‍👦"), ["👨‍👩‍👧‍👦"]);
        assert_eq!(emoji("👨‍👩‍👧"), ["👨‍👩‍👧"]);
        assert_eq!(emoji("👩🏽‍🚀"), ["👩🏽‍🚀"]);
    }

    #[test]
    fn a_keycap_takes_an_optional_vs16() {
        assert_eq!(emoji("1\u{20E3}"), ["1\u{20E3}"]);
        assert_eq!(emoji("#\u{FE0F}\u{20E3}"), ["#\u{FE0F}\u{20E3}"]);
        assert!(emoji("1\u{FE0E}\u{20E3}").is_empty());
    }
}
