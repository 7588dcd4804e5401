//! Why a platform did not do what was asked, in words an agent reads: the platform's own
//! reason where it gave one, never a token or a request body.

use social_api::Source;
use std::time::{Duration, UNIX_EPOCH};

/// Why the platform did not do it. The text is shown to agents.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlatformError {
    /// The platform answered and refused, with its reason (Meta's `error.message`, X's
    /// `detail`): doing it again would fail the same way.
    #[error("{0}")]
    Rejected(String),
    /// Too many calls; the platform accepts more after `retry_at` (ms since the epoch),
    /// when it said.
    #[error("{}", rate_limited(*.platform, *.retry_at))]
    RateLimited {
        platform: Source,
        retry_at: Option<i64>,
    },
    /// No answer, or not one we understand, after every try; nothing was done.
    #[error("{0}")]
    Unreachable(String),
    /// A message may have reached the platform, but no answer says whether it was written
    /// (a timeout or a dropped connection after sending, a server error): look it up
    /// before sending it again.
    #[error("{0}")]
    Unconfirmed(String),
    /// This server has no connection to the source configured.
    #[error("No {} connection is configured on this server.", .0.label())]
    NotConnected(Source),
    /// The brand channel has no access token yet.
    #[error("{}", no_token(*.platform, .brand_id))]
    NoToken { platform: Source, brand_id: String },
    /// The channel's token could not be read (the cause is logged).
    #[error("The server could not read the access token of this {}; see its log.", channel(*.0))]
    TokenUnreadable(Source),
}

impl PlatformError {
    /// The reason as an agent reads it.
    pub fn reason(&self) -> String {
        self.to_string()
    }
}

/// What a brand channel is called on its platform.
pub fn channel(source: Source) -> &'static str {
    match source {
        Source::Facebook => "Facebook Page",
        Source::X => "X account",
    }
}

fn no_token(source: Source, brand_id: &str) -> String {
    format!(
        "No access token is set for the {} {brand_id}: an admin must connect it before \
         anything can be sent, liked or looked up as it.",
        channel(source)
    )
}

fn rate_limited(source: Source, retry_at: Option<i64>) -> String {
    let name = source.label();
    match retry_at.and_then(utc) {
        Some(at) => format!("{name}'s rate limit is reached: it accepts more after {at} UTC."),
        None => format!("{name}'s rate limit is reached: try again in a few minutes."),
    }
}

/// `2025-10-01 14:05:09`, from milliseconds since the epoch.
fn utc(millis: i64) -> Option<String> {
    let at = UNIX_EPOCH.checked_add(Duration::from_millis(u64::try_from(millis).ok()?))?;
    let text = humantime::format_rfc3339_seconds(at).to_string();
    Some(text.trim_end_matches('Z').replacen('T', " ", 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_limit_says_when_the_platform_takes_more() {
        let limited = PlatformError::RateLimited {
            platform: Source::X,
            retry_at: Some(1_759_327_509_000),
        };
        assert_eq!(
            limited.reason(),
            "X's rate limit is reached: it accepts more after 2025-10-01 14:05:09 UTC."
        );
        let unknown = PlatformError::RateLimited {
            platform: Source::Facebook,
            retry_at: None,
        };
        assert!(unknown
            .reason()
            .starts_with("Facebook's rate limit is reached"));
    }

    #[test]
    fn a_missing_token_names_the_page_or_account() {
        let error = PlatformError::NoToken {
            platform: Source::Facebook,
            brand_id: "104857600012345".into(),
        };
        assert!(error
            .reason()
            .starts_with("No access token is set for the Facebook Page 104857600012345"));
    }
}
