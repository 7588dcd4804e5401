//! A secret (an app secret, a verify token, a platform access token): readable only through
//! [`Secret::expose`], so it cannot reach a log line, a `Debug` dump of the configuration or
//! an error text by accident.

use std::fmt;
use std::str::FromStr;

/// A secret held in memory. No `Display`, no `Serialize`; `Debug` prints `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the one place that needs it (an HMAC key, a comparison, an
    /// `Authorization` header, a database column). Never format it into anything else.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl FromStr for Secret {
    type Err = String;

    /// Refuses an empty value: an empty HMAC key would accept anyone who knows it is empty.
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        if value.is_empty() {
            return Err("a secret cannot be empty".into());
        }
        Ok(Self(value.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_secret() {
        let secret: Secret = "hunter2-app-secret".parse().expect("a secret");
        let shown = format!("{secret:?} {:?}", Some(&secret));
        assert_eq!(shown, "*** Some(***)");
        assert_eq!(secret.expose(), "hunter2-app-secret");
        assert_eq!(Secret::new("EAAB-token").expose(), "EAAB-token");
    }

    #[test]
    fn an_empty_secret_is_refused() {
        assert!("".parse::<Secret>().is_err());
    }
}
