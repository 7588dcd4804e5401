//! What a message's text must be: something visible, no character a platform refuses,
//! and no longer than the platform takes (counted the way it counts).

use super::Denied;
use crate::length::{max_length, measure};
use crate::model::{Source, Space};

/// Characters no platform takes and no person types: C0 controls other than tab and
/// newline, DEL and the C1 controls, the byte-order mark, and Unicode's noncharacters.
fn is_forbidden(c: char) -> bool {
    let code = u32::from(c);
    (code < 0x20 && c != '\n' && c != '\t')
        || (0x7F..=0x9F).contains(&code)
        || c == '\u{FEFF}'
        || (0xFDD0..=0xFDEF).contains(&code)
        // U+FFFE, U+FFFF and their twins at the end of every plane.
        || code & 0xFFFE == 0xFFFE
}

/// Characters that show nothing by themselves: white space and invisible formatting
/// (zero-width spaces and joiners, direction marks, variation selectors, soft hyphen).
fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{180E}'
            | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}'
            | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        )
}

/// Whether `text` has anything a reader would see.
pub fn has_visible_text(text: &str) -> bool {
    text.chars().any(|c| !is_invisible(c) && !is_forbidden(c))
}

/// Every rule on the text of a message written in `space` on `source`.
pub fn check_text(source: Source, space: Space, text: &str) -> Result<(), Denied> {
    if let Some(c) = text.chars().find(|&c| is_forbidden(c)) {
        return Err(Denied::ForbiddenCharacter { code: c.into() });
    }
    if !has_visible_text(text) {
        return Err(Denied::Empty);
    }
    let length = measure(source, space, text);
    let max = max_length(source, space);
    if length > max {
        return Err(Denied::TooLong { length, max });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Result<(), Denied> {
        check_text(Source::Facebook, Space::Private, text)
    }

    #[test]
    fn a_text_of_only_invisible_characters_is_empty() {
        for text in [
            "",
            " \n\t",
            "\u{200B}",
            "\u{200B}\u{200D}\u{2060}",
            "\u{00A0}\u{3000}",
        ] {
            assert_eq!(check(text), Err(Denied::Empty), "{text:?}");
        }
        assert_eq!(check("\u{200B}a"), Ok(()));
    }

    #[test]
    fn control_characters_and_noncharacters_are_refused_by_name() {
        for (text, code) in [
            ("\0", 0),
            ("a\u{7}b", 7),
            ("a\rb", 0x0D),
            ("\u{7F}", 0x7F),
            ("\u{85}", 0x85),
            ("\u{FEFF}hi", 0xFEFF),
            ("hi\u{FFFE}", 0xFFFE),
            ("hi\u{FFFF}", 0xFFFF),
            ("\u{FDD0}", 0xFDD0),
            ("\u{1FFFF}", 0x1FFFF),
            ("\u{10FFFE}", 0x10FFFE),
        ] {
            assert_eq!(
                check(text),
                Err(Denied::ForbiddenCharacter { code }),
                "{text:?}"
            );
        }
        let said = Denied::ForbiddenCharacter { code: 7 }.to_string();
        assert!(said.contains("U+0007"), "{said}");
    }

    #[test]
    fn tab_newline_and_ordinary_symbols_pass() {
        for text in [
            "a\tb\nc",
            "\u{FDCF}",
            "\u{FDF0}",
            "\u{FFFD}",
            "\u{1FFFD}",
            "👍🏽",
        ] {
            assert_eq!(check(text), Ok(()), "{text:?}");
        }
    }

    #[test]
    fn length_is_measured_as_the_platform_counts() {
        let max = max_length(Source::Facebook, Space::Private);
        assert_eq!(check(&"é".repeat(max)), Ok(()));
        assert_eq!(
            check(&"é".repeat(max + 1)),
            Err(Denied::TooLong {
                length: max + 1,
                max
            })
        );
    }
}
