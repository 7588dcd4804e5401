//! A platform that records every call in order and answers with made-up ids: the demo
//! mode's platform, and the tests' window on what the server asked of Facebook and X.

use async_trait::async_trait;
use social_api::{Profile, Timestamp};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use super::{Like, Outbound, Platform, PlatformError, ProfileRequest, SendKind, Subscription};

/// One call the server made, with its request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    ReplyPublic(Outbound),
    SendPrivate(Outbound),
    PrivateReply(Outbound),
    Like(Like),
    Unlike(Like),
    /// [`Platform::set_subscribed`] with its `subscribed`.
    Subscribe(Subscription, bool),
}

/// A read the server made: nothing changed on the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Read {
    Profile(ProfileRequest),
    FindSent(SendKind, Outbound),
}

impl Call {
    /// How a message call went out; `None` for a like.
    fn send_kind(&self) -> Option<SendKind> {
        match self {
            Call::ReplyPublic(_) => Some(SendKind::ReplyPublic),
            Call::SendPrivate(_) => Some(SendKind::SendPrivate),
            Call::PrivateReply(_) => Some(SendKind::PrivateReply),
            Call::Like(_) | Call::Unlike(_) | Call::Subscribe(..) => None,
        }
    }

    /// The message request of a reply or DM; `None` for a like.
    pub fn outbound(&self) -> Option<&Outbound> {
        match self {
            Call::ReplyPublic(o) | Call::SendPrivate(o) | Call::PrivateReply(o) => Some(o),
            Call::Like(_) | Call::Unlike(_) | Call::Subscribe(..) => None,
        }
    }
}

/// Records calls; [`fail_next`](Self::fail_next) makes upcoming calls fail. Reads
/// (profiles, look-ups) are kept apart and never fail that way.
#[derive(Debug, Default)]
pub struct RecordingPlatform {
    calls: Mutex<Vec<Call>>,
    /// What the coming calls answer, in order: `None` succeeds, `Some` fails with it.
    failures: Mutex<VecDeque<Option<PlatformError>>>,
    delay: Mutex<Duration>,
    next_id: AtomicU64,
    /// The messages written so far, with their ids: what a look-up finds.
    written: Mutex<Vec<(Call, String)>>,
    reads: Mutex<Vec<Read>>,
    /// Profiles by consumer id; the others are not available.
    profiles: Mutex<HashMap<String, Profile>>,
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
        self.fail_next_with(PlatformError::Rejected(reason.into()));
    }

    /// The next call fails with `error`.
    pub fn fail_next_with(&self, error: PlatformError) {
        lock(&self.failures).push_back(Some(error));
    }

    /// The next `succeeding` calls succeed, the one after fails with `reason`.
    pub fn fail_next_after(&self, succeeding: usize, reason: impl Into<String>) {
        let mut failures = lock(&self.failures);
        failures.extend(std::iter::repeat_n(None, succeeding));
        failures.push_back(Some(PlatformError::Rejected(reason.into())));
    }

    /// Every read so far, oldest first.
    pub fn reads(&self) -> Vec<Read> {
        lock(&self.reads).clone()
    }

    /// The profile the platform gives for `consumer_id`.
    pub fn set_profile(&self, consumer_id: impl Into<String>, profile: Profile) {
        lock(&self.profiles).insert(consumer_id.into(), profile);
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
            Call::Subscribe(s, _) => s.source,
        };
        lock(&self.calls).push(call.clone());
        if let Some(Some(error)) = lock(&self.failures).pop_front() {
            return Err(error);
        }
        let n = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let id = format!("recorded-{}-{n}", social_api::names::name_of(&source));
        if call.send_kind().is_some() {
            lock(&self.written).push((call, id.clone()));
        }
        Ok(id)
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
    async fn profile(&self, request: &ProfileRequest) -> Result<Profile, PlatformError> {
        lock(&self.reads).push(Read::Profile(request.clone()));
        lock(&self.profiles)
            .get(&request.consumer_id)
            .cloned()
            .ok_or(PlatformError::NotConnected(request.source))
    }
    /// The messages written here as `kind` with the same brand, target, consumer and text,
    /// newest first (this platform keeps no times).
    async fn find_sent(
        &self,
        kind: SendKind,
        request: &Outbound,
        _since: Timestamp,
    ) -> Result<Vec<String>, PlatformError> {
        lock(&self.reads).push(Read::FindSent(kind, request.clone()));
        Ok(lock(&self.written)
            .iter()
            .rev()
            .filter(|(call, _)| {
                call.send_kind() == Some(kind)
                    && call.outbound().is_some_and(|o| {
                        o.brand_id == request.brand_id
                            && o.target_id == request.target_id
                            && o.consumer_id == request.consumer_id
                            && o.text == request.text
                    })
            })
            .map(|(_, id)| id.clone())
            .collect())
    }
    async fn set_subscribed(
        &self,
        request: &Subscription,
        subscribed: bool,
    ) -> Result<(), PlatformError> {
        self.answer(Call::Subscribe(request.clone(), subscribed))
            .await
            .map(drop)
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

    #[tokio::test]
    async fn a_look_up_finds_what_was_written_and_not_what_failed() {
        let platform = RecordingPlatform::new();
        let dm = Outbound {
            source: Source::X,
            brand_id: "b".into(),
            target_id: None,
            consumer_id: "c".into(),
            text: "Hello".into(),
            mention: false,
            tag: None,
        };
        platform.fail_next("refused");
        assert!(platform.send_private(&dm).await.is_err());
        let found = |kind| platform.find_sent(kind, &dm, Timestamp(0));
        assert_eq!(found(SendKind::SendPrivate).await, Ok(Vec::new()));
        let id = platform.send_private(&dm).await.expect("sent");
        assert_eq!(found(SendKind::SendPrivate).await, Ok(vec![id]));
        assert_eq!(found(SendKind::ReplyPublic).await, Ok(Vec::new()));
        assert_eq!(platform.calls().len(), 2, "look-ups are reads, not calls");
        assert_eq!(platform.reads().len(), 3);
    }
}
