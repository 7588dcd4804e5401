//! Live events: every change the server makes to a conversation is appended to the event
//! log (so a reconnecting stream can replay it) and then broadcast to the streams open on
//! this process. The log is the truth; the broadcast only saves a query. When several
//! processes share the database, the store's feed brings every process's changes (this
//! one's too) to the broadcast instead: [`spawn_feed`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use social_api::events::Change;
use social_api::{ConversationId, Message};
use tokio::sync::{broadcast, watch};

use crate::app::AppState;
use crate::store::{EventFeed, Fed, Session};

/// A change as it was logged, for the streams of its account and conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    pub account_id: i64,
    pub conversation: ConversationId,
    /// Its id in the event log (the SSE `id:`).
    pub id: i64,
    /// The JSON of the [`Change`], as the stream sends it.
    pub change: Arc<str>,
}

/// The broadcast side of the event log, and of sessions ending.
#[derive(Debug, Clone)]
pub struct Hub {
    sender: broadcast::Sender<Logged>,
    /// The token hashes of sessions that just ended here: their streams end at once.
    ended: broadcast::Sender<Arc<str>>,
    /// Turns true when the server stops: open streams end, so shutdown does not wait for
    /// them (browsers reconnect to another instance, or to this one once restarted).
    stopping: watch::Sender<bool>,
    /// The store's feed told of changes that may have been missed: streams read again.
    missed: broadcast::Sender<()>,
    /// True once the store's feed brings the changes: [`Hub::send`] then leaves them to it,
    /// so none is broadcast twice.
    fed: Arc<AtomicBool>,
}

impl Default for Hub {
    fn default() -> Self {
        Self::new()
    }
}

impl Hub {
    /// A stream that falls this far behind is told to read the conversation again.
    const CAPACITY: usize = 1024;
    /// Sign-outs a stream may not have looked at yet before it ends anyway.
    const ENDED_CAPACITY: usize = 256;

    pub fn new() -> Self {
        Self {
            sender: broadcast::channel(Self::CAPACITY).0,
            ended: broadcast::channel(Self::ENDED_CAPACITY).0,
            stopping: watch::channel(false).0,
            missed: broadcast::channel(1).0,
            fed: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Ends every open stream, now and later.
    pub fn stop(&self) {
        self.stopping.send_replace(true);
    }

    /// Resolves once the server stops.
    pub fn stopped(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut stopping = self.stopping.subscribe();
        async move {
            // An error means the hub is gone, which is a stop as well.
            let _ = stopping.wait_for(|stopping| *stopping).await;
        }
    }

    /// Ends the open streams of the session whose token has this SHA-256.
    pub fn end_session(&self, token_sha256: &str) {
        // No stream open is not an error.
        let _ = self.ended.send(token_sha256.into());
    }

    /// Resolves once [`Hub::end_session`] names this session, from the call on (the
    /// listening starts here, not at the first poll). A stream that fell so far behind
    /// that it may have missed its own sign-out ends as well: its widget reconnects with a
    /// new ticket if the session still holds.
    pub fn session_ended(
        &self,
        token_sha256: &str,
    ) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut ended = self.ended.subscribe();
        let token_sha256: Arc<str> = token_sha256.into();
        async move {
            loop {
                match ended.recv().await {
                    Ok(hash) if hash == token_sha256 => return,
                    Ok(_) => {}
                    Err(_) => return,
                }
            }
        }
    }

    /// Everything logged from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Logged> {
        self.sender.subscribe()
    }

    /// Tells the open streams of a change already in the event log (unless the store's
    /// feed brings it).
    pub fn send(&self, logged: Logged) {
        if !self.fed.load(Ordering::Acquire) {
            // No stream open is not an error: the log has it.
            let _ = self.sender.send(logged);
        }
    }

    /// Resolves the next time the store's feed may have missed changes.
    pub fn missed(&self) -> broadcast::Receiver<()> {
        self.missed.subscribe()
    }

    /// Broadcasts what the store's feed brought.
    fn deliver(&self, fed: Fed) {
        match fed {
            Fed::Changes(changes) => {
                for logged in changes {
                    let _ = self.sender.send(logged);
                }
            }
            Fed::Missed => {
                let _ = self.missed.send(());
            }
        }
    }
}

/// Starts bringing the store's feed to the hub when the store has one (several processes
/// share it); until the server stops. Without a feed, nothing changes.
pub async fn spawn_feed(
    store: &dyn crate::store::Store,
    hub: &Hub,
) -> Result<Option<tokio::task::JoinHandle<()>>, crate::store::StoreError> {
    let Some(feed) = store.event_feed().await? else {
        return Ok(None);
    };
    hub.fed.store(true, Ordering::Release);
    let hub = hub.clone();
    Ok(Some(tokio::spawn(run_feed(feed, hub))))
}

async fn run_feed(mut feed: Box<dyn EventFeed>, hub: Hub) {
    let stopped = hub.stopped();
    tokio::pin!(stopped);
    // A database that went away is waited for, a little longer each time.
    let mut backoff = Duration::from_millis(100);
    loop {
        let next = tokio::select! {
            () = &mut stopped => return,
            next = feed.next() => next,
        };
        match next {
            Ok(fed) => {
                backoff = Duration::from_millis(100);
                hub.deliver(fed);
            }
            Err(error) => {
                tracing::error!(%error, "the live events of the other instances could not be read");
                // Whatever happened meanwhile is in the log: the streams read again.
                hub.deliver(Fed::Missed);
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        }
    }
}

/// Logs `change` of a conversation of the session's account and tells the open streams. The
/// change is done by then (stored, maybe sent to a platform): failing to log it is logged,
/// not answered as an error, and a stream that misses it reads the conversation again on
/// its next reconnect.
pub async fn publish(
    state: &AppState,
    session: &Session,
    conversation: ConversationId,
    change: Change,
) {
    publish_in_account(state, session.account_id, conversation, change).await;
}

/// [`publish`] of a change no agent's request made (the sweeper, a profile fetched when a
/// conversation starts), in the conversation of `account_id`.
pub async fn publish_in_account(
    state: &AppState,
    account_id: i64,
    conversation: ConversationId,
    change: Change,
) {
    let Some(json) = serialised(&change) else {
        return;
    };
    match state
        .store
        .append_account_event(account_id, conversation, &json, state.now())
        .await
    {
        Ok(Some(id)) => state.events.send(Logged {
            account_id,
            conversation,
            id,
            change: json,
        }),
        Ok(None) => tracing::warn!(
            conversation = conversation.0,
            "an event for no conversation of the account"
        ),
        Err(error) => tracing::error!(%error, "an event could not be logged"),
    }
}

/// [`publish`] of `change` to every conversation of the account's source `source` (an
/// admin disconnected, reconnected or renamed it), logged for all of them in one statement.
pub async fn publish_to_source(
    state: &AppState,
    account_id: i64,
    source: social_api::admin::SourceId,
    change: Change,
) {
    let Some(json) = serialised(&change) else {
        return;
    };
    match state
        .store
        .log_source_change(account_id, source, &json, state.now())
        .await
    {
        Ok(logged) => logged.into_iter().for_each(|l| state.events.send(l)),
        Err(error) => {
            tracing::error!(%error, source = source.0, "a source change could not be logged")
        }
    }
}

/// The change as the streams send it; `None` (logged) if it cannot be written.
fn serialised(change: &Change) -> Option<Arc<str>> {
    match serde_json::to_string(change) {
        Ok(json) => Some(json.into()),
        Err(error) => {
            tracing::error!(%error, "an event could not be serialised");
            None
        }
    }
}

/// [`publish`] of a message as it is stored now.
pub async fn message_changed(
    state: &AppState,
    session: &Session,
    conversation: ConversationId,
    message: &Message,
) {
    publish(
        state,
        session,
        conversation,
        Change::Message(message.clone()),
    )
    .await;
}
