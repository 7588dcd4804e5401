//! A configured secret (an app secret, a verify token): readable only on purpose, so it
//! cannot reach a log or a `Debug` dump of the configuration by accident.

use std::fmt;
use std::str::FromStr;

/// A non-empty secret. `Debug` prints `***`; there is no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The secret's bytes, for an HMAC key or a comparison.
    pub fn expose(&self) -> &[u8] {
        self.0.as_bytes()
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
        assert_eq!(format!("{secret:?}"), "***");
        assert_eq!(format!("{:?}", Some(secret.clone())), "Some(***)");
        assert_eq!(secret.expose(), b"hunter2-app-secret");
    }

    #[test]
    fn an_empty_secret_is_refused() {
        assert!("".parse::<Secret>().is_err());
    }
}
