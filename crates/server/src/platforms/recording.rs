//! A platform that records every call in order and answers with made-up ids: the demo
//! mode's platform, and the tests' window on what the server asked of Facebook and X.
//! It keeps the last [`KEPT_CALLS`] calls in memory. With a file
//! ([`RecordingPlatform::recording_to`], `--record-calls`) it also appends each call as a
//! JSON line before answering, and reads the file back when it starts: what it "wrote"
//! outlives the process, as a real platform's messages do, and another process (the
//! fault test) can read every call made.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use social_api::Source;
use social_api::{Profile, Timestamp};
use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Calls (and written messages) kept in memory: the demo runs for days.
pub const KEPT_CALLS: usize = 10_000;

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

/// A call as the `--record-calls` file keeps it: one JSON object a line.
#[derive(Debug, Serialize, Deserialize)]
pub struct RecordedCall {
    /// `reply_public`, `send_private`, `private_reply`, `like`, `unlike`, `subscribe` or
    /// `unsubscribe`.
    pub call: String,
    pub source: Source,
    pub brand_id: String,
    /// What is answered or liked.
    pub target_id: Option<String>,
    pub consumer_id: Option<String>,
    pub text: Option<String>,
    #[serde(default)]
    pub mention: bool,
    /// The id the platform answered.
    pub id: String,
    /// The call's number, from 1, across processes.
    pub n: u64,
}

impl RecordedCall {
    fn of(call: &Call, id: &str, n: u64) -> Self {
        let (name, brand_id, target_id) = match call {
            Call::ReplyPublic(o) => ("reply_public", &o.brand_id, o.target_id.clone()),
            Call::SendPrivate(o) => ("send_private", &o.brand_id, o.target_id.clone()),
            Call::PrivateReply(o) => ("private_reply", &o.brand_id, o.target_id.clone()),
            Call::Like(l) => ("like", &l.brand_id, Some(l.target_id.clone())),
            Call::Unlike(l) => ("unlike", &l.brand_id, Some(l.target_id.clone())),
            Call::Subscribe(s, true) => ("subscribe", &s.brand_id, None),
            Call::Subscribe(s, false) => ("unsubscribe", &s.brand_id, None),
        };
        let outbound = call.outbound();
        Self {
            call: name.into(),
            source: call.source(),
            brand_id: brand_id.clone(),
            target_id,
            consumer_id: outbound.map(|o| o.consumer_id.clone()),
            text: outbound.map(|o| o.text.clone()),
            mention: outbound.is_some_and(|o| o.mention),
            id: id.into(),
            n,
        }
    }

    /// The call again, with its id if it wrote something a look-up finds.
    fn into_call(self) -> (Call, Option<String>) {
        let outbound = || Outbound {
            source: self.source,
            brand_id: self.brand_id.clone(),
            target_id: self.target_id.clone(),
            consumer_id: self.consumer_id.clone().unwrap_or_default(),
            text: self.text.clone().unwrap_or_default(),
            mention: self.mention,
            tag: None,
        };
        let like = || Like {
            source: self.source,
            brand_id: self.brand_id.clone(),
            target_id: self.target_id.clone().unwrap_or_default(),
        };
        let subscription = || Subscription {
            source: self.source,
            brand_id: self.brand_id.clone(),
        };
        let call = match self.call.as_str() {
            "reply_public" => Call::ReplyPublic(outbound()),
            "send_private" => Call::SendPrivate(outbound()),
            "private_reply" => Call::PrivateReply(outbound()),
            "like" => Call::Like(like()),
            "unlike" => Call::Unlike(like()),
            "subscribe" => Call::Subscribe(subscription(), true),
            _ => Call::Subscribe(subscription(), false),
        };
        (call, Some(self.id))
    }
}

impl Call {
    fn source(&self) -> Source {
        match self {
            Call::ReplyPublic(o) | Call::SendPrivate(o) | Call::PrivateReply(o) => o.source,
            Call::Like(l) | Call::Unlike(l) => l.source,
            Call::Subscribe(s, _) => s.source,
        }
    }

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
#[derive(Debug)]
pub struct RecordingPlatform {
    calls: Mutex<VecDeque<Call>>,
    /// At most this many calls (and written messages) are kept.
    limit: usize,
    /// Where each call is appended, if anywhere.
    file: Option<Mutex<std::fs::File>>,
    /// What the coming calls answer, in order: `None` succeeds, `Some` fails with it.
    failures: Mutex<VecDeque<Option<PlatformError>>>,
    delay: Mutex<Duration>,
    next_id: AtomicU64,
    /// The messages written so far, with their ids: what a look-up finds.
    written: Mutex<VecDeque<(Call, String)>>,
    reads: Mutex<Vec<Read>>,
    /// Profiles by consumer id; the others are not available.
    profiles: Mutex<HashMap<String, Profile>>,
}

impl Default for RecordingPlatform {
    fn default() -> Self {
        Self::with_limit(KEPT_CALLS)
    }
}

impl RecordingPlatform {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps only the last `limit` calls and written messages.
    pub fn with_limit(limit: usize) -> Self {
        Self {
            calls: Mutex::default(),
            limit,
            file: None,
            failures: Mutex::default(),
            delay: Mutex::default(),
            next_id: AtomicU64::new(0),
            written: Mutex::default(),
            reads: Mutex::default(),
            profiles: Mutex::default(),
        }
    }

    /// Appends every call to `path` (created if missing) before answering it, after
    /// reading back the calls already there.
    pub fn recording_to(path: &Path) -> std::io::Result<Self> {
        let platform = Self::default();
        let mut last = 0;
        if path.exists() {
            let reader = std::io::BufReader::new(std::fs::File::open(path)?);
            for line in reader.lines() {
                // A line cut short by a killed process is not a call that was answered.
                let Ok(line) = serde_json::from_str::<RecordedCall>(&line?) else {
                    continue;
                };
                last = last.max(line.n);
                let (call, id) = line.into_call();
                platform.remember(call, id);
            }
        }
        platform.next_id.store(last, Ordering::Relaxed);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        Ok(Self {
            file: Some(Mutex::new(file)),
            ..platform
        })
    }

    /// Every call so far, oldest first (failed ones included), the last [`KEPT_CALLS`].
    pub fn calls(&self) -> Vec<Call> {
        lock(&self.calls).iter().cloned().collect()
    }

    /// Keeps a call (and what it wrote), forgetting the oldest beyond the limit.
    fn remember(&self, call: Call, id: Option<String>) {
        if let (Some(id), Some(_)) = (&id, call.send_kind()) {
            let mut written = lock(&self.written);
            written.push_back((call.clone(), id.clone()));
            while written.len() > self.limit {
                written.pop_front();
            }
        }
        let mut calls = lock(&self.calls);
        calls.push_back(call);
        while calls.len() > self.limit {
            calls.pop_front();
        }
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
        let source = call.source();
        if let Some(Some(error)) = lock(&self.failures).pop_front() {
            self.remember(call, None);
            return Err(error);
        }
        let n = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        // The process id too: two server processes on one database record side by side,
        // and the platform's ids must not collide between them.
        let id = format!(
            "recorded-{}-{n}-{}",
            social_api::names::name_of(&source),
            std::process::id()
        );
        if let Some(file) = &self.file {
            let line = RecordedCall::of(&call, &id, n);
            let mut text = serde_json::to_string(&line)
                .map_err(|e| PlatformError::Unconfirmed(format!("recording the call: {e}")))?;
            text.push('\n');
            // One write of the whole line: a process killed after it has made the call.
            lock(file)
                .write_all(text.as_bytes())
                .map_err(|e| PlatformError::Unconfirmed(format!("recording the call: {e}")))?;
        }
        self.remember(call, Some(id.clone()));
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
    async fn only_the_last_calls_are_kept() {
        let platform = RecordingPlatform::with_limit(3);
        for _ in 0..5 {
            platform.like(&like()).await.expect("likes");
        }
        platform.unlike(&like()).await.expect("unlikes");
        let calls = platform.calls();
        assert_eq!(calls.len(), 3);
        assert_eq!(calls.last(), Some(&Call::Unlike(like())));
    }

    #[tokio::test]
    async fn a_recording_file_outlives_the_platform_that_wrote_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("calls.jsonl");
        let dm = Outbound {
            source: Source::Facebook,
            brand_id: "b".into(),
            target_id: None,
            consumer_id: "c".into(),
            text: "Kept".into(),
            mention: false,
            tag: None,
        };
        let first = RecordingPlatform::recording_to(&path).expect("opens");
        let id = first.send_private(&dm).await.expect("sent");
        first.like(&like()).await.expect("liked");
        drop(first);

        let again = RecordingPlatform::recording_to(&path).expect("reopens");
        let found = again
            .find_sent(SendKind::SendPrivate, &dm, Timestamp(0))
            .await;
        assert_eq!(found, Ok(vec![id.clone()]));
        assert_eq!(
            again.calls(),
            vec![Call::SendPrivate(dm), Call::Like(like())]
        );
        let next = again.like(&like()).await;
        assert_eq!(next, Ok(()));
        let text = std::fs::read_to_string(&path).expect("the file");
        let lines: Vec<RecordedCall> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("a line"))
            .collect();
        assert_eq!(lines.iter().map(|l| l.n).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(lines[0].id, id);
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
