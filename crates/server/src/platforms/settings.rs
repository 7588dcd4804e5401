//! Where the real clients find Facebook and X, and how patiently they call them.

use backon::{BackoffBuilder, ExponentialBuilder};
use std::time::Duration;
use url::Url;

use crate::config::Config;

/// What the real clients need from the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Graph API base with its version, e.g. `https://graph.facebook.com/v21.0`.
    pub graph_api_url: Url,
    /// X API base, e.g. `https://api.x.com` (paths start with `/2/`).
    pub x_api_url: Url,
    /// This app's X webhook, which accounts are subscribed to; `None`: not registered.
    pub x_webhook_id: Option<String>,
    /// One request's time limit: connecting, sending and reading the answer.
    pub timeout: Duration,
    pub retry: RetryPolicy,
}

impl Settings {
    pub fn from_config(config: &Config) -> Self {
        Self {
            graph_api_url: config.graph_api_url.clone(),
            x_api_url: config.x_api_url.clone(),
            x_webhook_id: config.x_webhook_id.clone(),
            timeout: config.platform_timeout,
            retry: RetryPolicy::from_config(config),
        }
    }
}

/// How often a call is tried and how long is waited in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries of one call, the first included (at least 1).
    pub attempts: usize,
    /// The wait before the first retry; it doubles each time, with jitter, up to
    /// `max_wait`.
    pub backoff: Duration,
    /// The longest wait slept, for a backoff or a rate limit: a platform that takes more
    /// only later makes the call fail at once with the time it named.
    pub max_wait: Duration,
}

impl RetryPolicy {
    pub fn from_config(config: &Config) -> Self {
        Self {
            attempts: usize::from(config.platform_attempts.max(1)),
            backoff: config.platform_backoff,
            max_wait: config.platform_max_wait,
        }
    }

    /// The waits between tries: `attempts - 1` of them, exponential with jitter. backon's
    /// jitter adds up to the wait itself, so the wait before jitter stops at half of
    /// `max_wait`; [`RetryPolicy::cap`] takes care of a backoff longer than that.
    pub fn backoff(&self) -> ExponentialBuilder {
        ExponentialBuilder::default()
            .with_min_delay(self.backoff)
            .with_max_delay((self.max_wait / 2).max(self.backoff))
            .with_max_times(self.attempts.saturating_sub(1))
            .with_jitter()
    }

    /// A wait as slept: never longer than `max_wait`.
    pub fn cap(&self, wait: Duration) -> Duration {
        wait.min(self.max_wait)
    }

    /// The waits between tries, capped.
    pub fn waits(&self) -> impl Iterator<Item = Duration> + Send + 'static {
        let policy = *self;
        self.backoff().build().map(move |wait| policy.cap(wait))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_is_tried_attempts_times_with_growing_capped_waits() {
        let policy = RetryPolicy {
            attempts: 4,
            backoff: Duration::from_millis(100),
            max_wait: Duration::from_millis(250),
        };
        let waits: Vec<Duration> = policy.waits().collect();
        assert_eq!(waits.len(), 3, "{waits:?}");
        // Jitter adds up to the wait itself.
        assert!(waits[0] >= Duration::from_millis(100) && waits[0] <= Duration::from_millis(200));
        assert!(waits.iter().all(|w| *w <= policy.max_wait), "{waits:?}");
        let single = RetryPolicy {
            attempts: 1,
            ..policy
        };
        assert_eq!(single.waits().count(), 0, "one try, no wait");
    }

    #[test]
    fn a_backoff_longer_than_the_cap_is_cut_to_it() {
        let policy = RetryPolicy {
            attempts: 3,
            backoff: Duration::from_secs(5),
            max_wait: Duration::from_secs(2),
        };
        assert!(policy.waits().all(|w| w == Duration::from_secs(2)));
    }
}
