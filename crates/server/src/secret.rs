//! A secret value (a platform access token): readable only through [`Secret::expose`], so
//! it cannot end up in a log line, a `Debug` dump or an error text by accident.

use std::fmt;

/// A token or password held in memory. No `Display`, no `Serialize`; `Debug` shows only
/// that a value is there.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the one place that needs it (an `Authorization` header, a database
    /// column). Never format it into anything else.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_value() {
        let secret = Secret::new("EAAB-page-token-123");
        let shown = format!("{secret:?} {:?}", Some(&secret));
        assert!(!shown.contains("EAAB"), "{shown}");
        assert!(shown.contains("redacted"));
        assert_eq!(secret.expose(), "EAAB-page-token-123");
    }
}
