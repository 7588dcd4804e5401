//! NFC normalisation, which twitter-text applies before counting (`text.normalize()`).
//!
//! Native builds use the `unicode-normalization` crate; the widget's wasm asks the browser's
//! `String.prototype.normalize`, so it carries no normalisation tables of its own.

use std::borrow::Cow;

/// `text` in Normalization Form C.
#[cfg(not(target_arch = "wasm32"))]
pub(super) fn normalize(text: &str) -> Cow<'_, str> {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    // Most text is already NFC: the quick check spares a copy.
    if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

/// `text` in Normalization Form C.
#[cfg(target_arch = "wasm32")]
pub(super) fn normalize(text: &str) -> Cow<'_, str> {
    // "NFC" is a valid form, so `normalize` cannot throw; a JS string made from a Rust
    // string has no lone surrogates, so it converts back without loss.
    Cow::Owned(String::from(js_sys::JsString::from(text).normalize("NFC")))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn combining_marks_compose() {
        assert_eq!(normalize("e\u{0301}"), "é");
        assert_eq!(normalize("\u{1100}\u{1161}"), "가");
    }

    #[test]
    fn normalised_text_is_borrowed_as_it_is() {
        assert!(matches!(normalize("déjà vu 😀"), Cow::Borrowed(_)));
    }
}
