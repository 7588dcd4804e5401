//! One platform call over HTTP with retries (backon): what is safe to repeat is repeated
//! with capped exponential backoff and jitter; a rate limit is waited out when it resets
//! within the cap and reported with its time otherwise; a write that may have been done
//! is never repeated here (the caller looks it up on the platform first).

use backon::Retryable;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{RequestBuilder, StatusCode};
use serde_json::Value;
use social_api::Source;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Mutex;
use std::time::Duration;
use url::Url;

use super::error::PlatformError;
use super::settings::RetryPolicy;
use crate::clock::system_now;

/// Whether doing a call twice can do its work twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Repeat {
    /// Reads, likes, unlikes: a second time changes nothing more.
    Safe,
    /// Writes a message: a second time writes a second one.
    Unsafe,
}

/// The platform's answer: status, headers, and the body as JSON (`Null` when empty or not
/// JSON).
#[derive(Debug)]
pub(super) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

/// Why one try did not succeed, in words an agent may read (never a token nor our body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Failure {
    /// Throttled, so nothing was done; more is accepted after `retry_at` (ms), if known.
    Limited { retry_at: Option<i64> },
    /// A server error: it may or may not have been done.
    Server(String),
    /// Refused for good, with the platform's words and error code (Meta's `error.code`).
    Refused { words: String, code: Option<i64> },
    /// The request never left (no connection): nothing was done.
    NotSent(String),
    /// Sent, but no (complete) answer came: it may have been done.
    NoAnswer(String),
}

impl Failure {
    /// A name for logs.
    fn kind(&self) -> &'static str {
        match self {
            Failure::Limited { .. } => "rate limited",
            Failure::Server(_) => "server error",
            Failure::Refused { .. } => "refused",
            Failure::NotSent(_) => "not reached",
            Failure::NoAnswer(_) => "no answer",
        }
    }

    /// A name for metrics.
    fn outcome(&self) -> &'static str {
        match self {
            Failure::Limited { .. } => "rate_limited",
            Failure::Server(_) => "server_error",
            Failure::Refused { .. } => "refused",
            Failure::NotSent(_) => "not_reached",
            Failure::NoAnswer(_) => "no_answer",
        }
    }

    /// The failure after the last try, as the platform layer reports it: a write that got
    /// no clear answer is [`PlatformError::Unconfirmed`].
    pub fn into_error(self, source: Source, repeat: Repeat) -> PlatformError {
        match self {
            Failure::Limited { retry_at } => PlatformError::RateLimited {
                platform: source,
                retry_at,
            },
            Failure::Refused { words, .. } => PlatformError::Rejected(words),
            Failure::NotSent(words) => PlatformError::Unreachable(words),
            Failure::Server(words) | Failure::NoAnswer(words) => match repeat {
                Repeat::Safe => PlatformError::Unreachable(words),
                Repeat::Unsafe => PlatformError::Unconfirmed(words),
            },
        }
    }
}

/// What a platform's answers mean.
pub(super) trait Dialect: Send + Sync + 'static {
    const SOURCE: Source;

    /// Why the answer is not a success; `None` for a success.
    fn failure(answer: &Answer, now: i64) -> Option<Failure>;

    /// When (ms) calls of this kind are possible again, if the answer (a success too)
    /// says none is left before then.
    fn exhausted_until(_answer: &Answer) -> Option<i64> {
        None
    }
}

/// Which calls share a rate limit: the brand's identity and the kind of call.
pub(super) type LimitKey = (String, &'static str);

/// Calls to one platform.
pub(super) struct Http<D> {
    client: reqwest::Client,
    retry: RetryPolicy,
    /// Until when (ms) a kind of call has nothing left, as the platform said: such a call
    /// waits (or fails) without asking.
    exhausted: Mutex<HashMap<LimitKey, i64>>,
    dialect: PhantomData<D>,
}

impl<D: Dialect> Http<D> {
    pub fn new(client: reqwest::Client, retry: RetryPolicy) -> Self {
        Self {
            client,
            retry,
            exhausted: Mutex::new(HashMap::new()),
            dialect: PhantomData,
        }
    }

    /// Makes the request `build` gives (built again for each try) until it succeeds or a
    /// failure says to stop: the answer's JSON body, or the last failure.
    pub async fn call(
        &self,
        limit: &LimitKey,
        repeat: Repeat,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Value, Failure> {
        let policy = self.retry;
        let once = || self.try_once(limit, &build);
        let result = once
            .retry(policy.backoff())
            .sleep(tokio::time::sleep)
            .when(|failure| retryable(failure, repeat, policy, system_now().0))
            .adjust(|failure, wait| adjust(failure, wait, policy, system_now().0))
            .notify(|failure, wait| {
                tracing::info!(
                    platform = D::SOURCE.label(),
                    cause = failure.kind(),
                    wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                    "retrying a platform call"
                );
            })
            .await;
        let outcome = match &result {
            Ok(_) => "ok",
            Err(failure) => failure.outcome(),
        };
        crate::metrics::platform_call(D::SOURCE.label(), outcome);
        result
    }

    async fn try_once(
        &self,
        limit: &LimitKey,
        build: &impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Value, Failure> {
        if let Some(until) = self.exhausted_until(limit, system_now().0) {
            return Err(Failure::Limited {
                retry_at: Some(until),
            });
        }
        let response = build(&self.client).send().await.map_err(|error| {
            // reqwest's text names the URL (ids, never a token: tokens go in a header).
            tracing::debug!(platform = D::SOURCE.label(), %error, "a platform request failed");
            network_failure(D::SOURCE, &error)
        })?;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.map_err(|_| {
            Failure::NoAnswer(format!("{} stopped answering halfway.", D::SOURCE.label()))
        })?;
        let answer = Answer {
            status,
            headers,
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        };
        let now = system_now().0;
        if let Some(until) = D::exhausted_until(&answer) {
            self.remember(limit, until, now);
        }
        match D::failure(&answer, now) {
            None => Ok(answer.body),
            Some(failure) => {
                if let Failure::Limited {
                    retry_at: Some(until),
                } = failure
                {
                    self.remember(limit, until, now);
                }
                Err(failure)
            }
        }
    }

    fn exhausted_until(&self, limit: &LimitKey, now: i64) -> Option<i64> {
        let mut exhausted = self
            .exhausted
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match exhausted.get(limit) {
            Some(until) if *until > now => Some(*until),
            Some(_) => {
                exhausted.remove(limit);
                None
            }
            None => None,
        }
    }

    fn remember(&self, limit: &LimitKey, until: i64, now: i64) {
        if until > now {
            self.exhausted
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(limit.clone(), until);
        }
    }
}

/// Whether another try may help: never for a refusal, never for a write that may have been
/// done, and for a rate limit only when it resets within the cap.
fn retryable(failure: &Failure, repeat: Repeat, policy: RetryPolicy, now: i64) -> bool {
    match failure {
        Failure::Limited { retry_at: Some(at) } => millis_until(*at, now) <= policy.max_wait,
        Failure::Limited { retry_at: None } | Failure::NotSent(_) => true,
        Failure::Server(_) | Failure::NoAnswer(_) => repeat == Repeat::Safe,
        Failure::Refused { .. } => false,
    }
}

/// The wait before the next try: until a known reset, else the backoff (capped). `None`
/// (no tries left) stays `None`.
fn adjust(
    failure: &Failure,
    backoff: Option<Duration>,
    policy: RetryPolicy,
    now: i64,
) -> Option<Duration> {
    let backoff = backoff?;
    Some(match failure {
        Failure::Limited { retry_at: Some(at) } => policy.cap(millis_until(*at, now)),
        _ => policy.cap(backoff),
    })
}

fn millis_until(at: i64, now: i64) -> Duration {
    Duration::from_millis(u64::try_from(at.saturating_sub(now)).unwrap_or(0))
}

fn network_failure(source: Source, error: &reqwest::Error) -> Failure {
    let name = source.label();
    if error.is_connect() || error.is_builder() {
        Failure::NotSent(format!("{name} could not be reached."))
    } else if error.is_timeout() {
        Failure::NoAnswer(format!("{name} did not answer in time."))
    } else {
        Failure::NoAnswer(format!("{name} did not answer."))
    }
}

/// `Retry-After` (seconds, or an HTTP date) as ms since the epoch.
pub(super) fn retry_after(headers: &HeaderMap, now: i64) -> Option<i64> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<i64>() {
        return Some(now.saturating_add(seconds.max(0).saturating_mul(1000)));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let millis = at.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis();
    i64::try_from(millis).ok()
}

/// A header's value as an integer.
pub(super) fn header_number(headers: &HeaderMap, name: &str) -> Option<i64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// `base` with `segments` appended, each percent-encoded: an id can never reach another
/// path or the query.
pub(super) fn endpoint(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            attempts: 3,
            backoff: Duration::from_millis(10),
            max_wait: Duration::from_secs(30),
        }
    }

    #[test]
    fn ids_are_path_segments_and_cannot_escape_them() {
        let base = Url::parse("https://graph.example/v21.0").expect("url");
        assert_eq!(
            endpoint(&base, &["123_456", "comments"]).as_str(),
            "https://graph.example/v21.0/123_456/comments"
        );
        assert_eq!(
            endpoint(&base, &["../me?x=1", "likes"]).as_str(),
            "https://graph.example/v21.0/..%2Fme%3Fx=1/likes"
        );
        let root = Url::parse("https://api.x.example").expect("url");
        assert_eq!(
            endpoint(&root, &["2", "tweets"]).as_str(),
            "https://api.x.example/2/tweets"
        );
    }

    #[test]
    fn what_may_have_been_written_is_never_retried_here() {
        let now = 1_000_000;
        let no_answer = Failure::NoAnswer("no".into());
        assert!(!retryable(&no_answer, Repeat::Unsafe, policy(), now));
        assert!(retryable(&no_answer, Repeat::Safe, policy(), now));
        let server = Failure::Server("500".into());
        assert!(!retryable(&server, Repeat::Unsafe, policy(), now));
        assert!(retryable(&server, Repeat::Safe, policy(), now));
        let not_sent = Failure::NotSent("refused".into());
        assert!(retryable(&not_sent, Repeat::Unsafe, policy(), now));
        let refused = Failure::Refused {
            words: "(#100) bad".into(),
            code: Some(100),
        };
        assert!(!retryable(&refused, Repeat::Safe, policy(), now));
        assert_eq!(
            no_answer.clone().into_error(Source::X, Repeat::Unsafe),
            PlatformError::Unconfirmed("no".into())
        );
        assert_eq!(
            no_answer.into_error(Source::X, Repeat::Safe),
            PlatformError::Unreachable("no".into())
        );
    }

    #[test]
    fn a_rate_limit_is_waited_out_only_when_it_resets_within_the_cap() {
        let now = 1_000_000;
        let soon = Failure::Limited {
            retry_at: Some(now + 2_000),
        };
        let late = Failure::Limited {
            retry_at: Some(now + 31_000),
        };
        assert!(retryable(&soon, Repeat::Unsafe, policy(), now));
        assert!(!retryable(&late, Repeat::Unsafe, policy(), now));
        assert_eq!(
            adjust(&soon, Some(Duration::from_millis(10)), policy(), now),
            Some(Duration::from_secs(2))
        );
        assert_eq!(adjust(&soon, None, policy(), now), None, "out of tries");
    }

    #[test]
    fn retry_after_is_read_in_seconds_or_as_a_date() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers, 1_000), Some(8_000));
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 01 Oct 2025 14:05:09 GMT"),
        );
        assert_eq!(retry_after(&headers, 0), Some(1_759_327_509_000));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers, 0), None);
    }
}
