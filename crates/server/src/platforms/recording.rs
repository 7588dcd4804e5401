//! A platform that records every call in order and answers with made-up ids: the demo
//! mode's platform, and the tests' window on what the server asked of Facebook and X.

use async_trait::async_trait;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use super::{Like, Outbound, Platform, PlatformError};

/// One call the server made, with its request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    ReplyPublic(Outbound),
    SendPrivate(Outbound),
    PrivateReply(Outbound),
    Like(Like),
    Unlike(Like),
}

impl Call {
    /// The message request of a reply or DM; `None` for a like.
    pub fn outbound(&self) -> Option<&Outbound> {
        match self {
            Call::ReplyPublic(o) | Call::SendPrivate(o) | Call::PrivateReply(o) => Some(o),
            Call::Like(_) | Call::Unlike(_) => None,
        }
    }
}

/// Records calls; [`fail_next`](Self::fail_next) makes upcoming calls fail.
#[derive(Debug, Default)]
pub struct RecordingPlatform {
    calls: Mutex<Vec<Call>>,
    /// What the coming calls answer, in order: `None` succeeds, `Some` fails with it.
    failures: Mutex<VecDeque<Option<String>>>,
    delay: Mutex<Duration>,
    next_id: AtomicU64,
}

impl RecordingPlatform {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every call so far, oldest first (failed ones included).
    pub fn calls(&self) -> Vec<Call> {
        lock(&self.calls).clone()
    }

    /// The next call fails with `reason`; calling it twice fails the next two calls.
    pub fn fail_next(&self, reason: impl Into<String>) {
        lock(&self.failures).push_back(Some(reason.into()));
    }

    /// The next `succeeding` calls succeed, the one after fails with `reason`.
    pub fn fail_next_after(&self, succeeding: usize, reason: impl Into<String>) {
        let mut failures = lock(&self.failures);
        failures.extend(std::iter::repeat_n(None, succeeding));
        failures.push_back(Some(reason.into()));
    }

    /// Every call takes this long to answer (to let tests race requests).
    pub fn set_delay(&self, delay: Duration) {
        *lock(&self.delay) = delay;
    }

    async fn answer(&self, call: Call) -> Result<String, PlatformError> {
        let delay = *lock(&self.delay);
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let source = match &call {
            Call::ReplyPublic(o) | Call::SendPrivate(o) | Call::PrivateReply(o) => o.source,
            Call::Like(l) | Call::Unlike(l) => l.source,
        };
        lock(&self.calls).push(call);
        if let Some(Some(reason)) = lock(&self.failures).pop_front() {
            return Err(PlatformError::Rejected(reason));
        }
        let n = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        Ok(format!(
            "recorded-{}-{n}",
            social_api::names::name_of(&source)
        ))
    }
}

/// A poisoned lock only means another test thread panicked; the data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[async_trait]
impl Platform for RecordingPlatform {
    async fn reply_public(&self, request: &Outbound) -> Result<String, PlatformError> {
        self.answer(Call::ReplyPublic(request.clone())).await
    }
    async fn send_private(&self, request: &Outbound) -> Result<String, PlatformError> {
        self.answer(Call::SendPrivate(request.clone())).await
    }
    async fn private_reply(&self, request: &Outbound) -> Result<String, PlatformError> {
        self.answer(Call::PrivateReply(request.clone())).await
    }
    async fn like(&self, request: &Like) -> Result<(), PlatformError> {
        self.answer(Call::Like(request.clone())).await.map(drop)
    }
    async fn unlike(&self, request: &Like) -> Result<(), PlatformError> {
        self.answer(Call::Unlike(request.clone())).await.map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use social_api::Source;

    fn like() -> Like {
        Like {
            source: Source::X,
            brand_id: "b".into(),
            target_id: "t".into(),
        }
    }

    #[tokio::test]
    async fn calls_are_recorded_in_order_and_failures_are_used_once() {
        let platform = RecordingPlatform::new();
        platform.fail_next("no");
        assert_eq!(
            platform.like(&like()).await,
            Err(PlatformError::Rejected("no".into()))
        );
        assert_eq!(platform.unlike(&like()).await, Ok(()));
        assert_eq!(
            platform.calls(),
            vec![Call::Like(like()), Call::Unlike(like())]
        );
    }
}
