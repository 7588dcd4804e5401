//! The applier: one task that turns stored webhook events into conversations and messages
//! after their delivery was acknowledged. It drains what a previous process left at start,
//! then sleeps until a webhook wakes it, and stops with the server.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use futures_util::FutureExt;
use tokio::sync::{Mutex, MutexGuard, Notify};
use tokio::task::JoinHandle;

use crate::app::AppState;
use crate::store::InboundOutcome;
use social_api::ConversationId;

/// Events read per query; the applier reads again until none is left.
const BATCH: u32 = 100;

/// What the webhook routes and the applier share: the applier's wake-up call, and turns
/// at writing. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Ingest {
    wake: Arc<Notify>,
    /// SQLite takes one writer at a time, and a writer that finds it busy sleeps and polls
    /// (a millisecond, then longer each time), so under load a delivery could wait far
    /// longer than the writes ahead of it take. Here they queue in order and each goes as
    /// soon as the one before is done. (Letting deliveries overtake the applier measured no
    /// better, and delayed applying.)
    writing: Arc<Mutex<()>>,
}

impl Ingest {
    /// Events were stored: the applier looks once more when done with what it is on, so no
    /// event waits for the next delivery.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Waits for this process's turn to write webhook events; the turn ends when dropped.
    pub async fn turn(&self) -> MutexGuard<'_, ()> {
        self.writing.lock().await
    }

    async fn woken(&self) {
        self.wake.notified().await;
    }
}

/// Starts the applier on `state`'s store; it ends once the hub stops.
pub fn spawn(state: AppState) -> JoinHandle<()> {
    tokio::spawn(run(state))
}

/// How one pass over the stored events ended.
enum Pass {
    /// Nothing left to apply.
    Done,
    /// The store failed (or made no progress): pause, then try again.
    Failed,
    /// The server is stopping.
    Stopped,
}

type Stopped = Pin<Box<dyn Future<Output = ()> + Send>>;

async fn run(state: AppState) {
    let mut stopped: Stopped = Box::pin(state.events.stopped());
    let mut pauses = pause_schedule();
    tracing::debug!("webhook applier started");
    loop {
        match pass(&state, &mut stopped).await {
            Pass::Done => {
                pauses = pause_schedule();
                tokio::select! {
                    biased;
                    () = &mut stopped => break,
                    () = state.inbound.woken() => {}
                }
            }
            Pass::Failed => {
                // A failing database is not hammered; wakes do not cut the pause short.
                let pause = pauses.next().unwrap_or(MAX_PAUSE);
                tracing::warn!(
                    pause_ms = u64::try_from(pause.as_millis()).unwrap_or(u64::MAX),
                    "webhook events wait for the next try"
                );
                tokio::select! {
                    biased;
                    () = &mut stopped => break,
                    () = tokio::time::sleep(pause) => {}
                }
            }
            Pass::Stopped => break,
        }
    }
    tracing::debug!("webhook applier stopped");
}

/// The longest pause after failures.
const MAX_PAUSE: Duration = Duration::from_secs(60);

/// Pauses after failures, for as long as it takes: from 1 s, doubling, at most a minute.
/// Jitter (backon adds up to the delay itself) keeps instances on one database from
/// retrying in step.
fn pause_schedule() -> impl Iterator<Item = Duration> {
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_secs(1))
        .with_max_delay(MAX_PAUSE / 2)
        .with_jitter()
        .without_max_times()
        .build()
}

/// Applies every `received` event, oldest first, each in its own transaction.
async fn pass(state: &AppState, stopped: &mut Stopped) -> Pass {
    let mut previous: Vec<i64> = Vec::new();
    loop {
        let batch = match state.store.unapplied_inbound(BATCH).await {
            Ok(batch) => batch,
            Err(error) => {
                tracing::error!(%error, "stored webhook events could not be read");
                return Pass::Failed;
            }
        };
        if batch.is_empty() {
            return Pass::Done;
        }
        // Every apply moves its event out of `received`; the same batch again means the
        // store did not, and reading it again at once would spin.
        let ids: Vec<i64> = batch.iter().map(|(id, _)| *id).collect();
        if ids == previous {
            tracing::error!(
                first = ids.first().copied().unwrap_or_default(),
                "applied webhook events are still to apply"
            );
            return Pass::Failed;
        }
        for (id, event) in batch {
            // An apply is one transaction: stop between two, never inside one.
            if stopped.as_mut().now_or_never().is_some() {
                return Pass::Stopped;
            }
            let applied = {
                let _turn = state.inbound.turn().await;
                state.store.apply_inbound(id, &event, state.now()).await
            };
            match applied {
                Ok(applied) => {
                    let source = event.source.label();
                    match &applied.outcome {
                        InboundOutcome::Applied => {
                            tracing::debug!(id, source, "webhook event applied")
                        }
                        InboundOutcome::Deferred { waiting_for } => tracing::info!(
                            id,
                            source,
                            waiting_for = %waiting_for,
                            "webhook event deferred until the message it needs arrives"
                        ),
                        InboundOutcome::Skipped { why } => {
                            tracing::info!(id, source, why = %why, "webhook event skipped")
                        }
                    }
                    for logged in applied.logged {
                        state.events.send(logged);
                    }
                    if let Some((account_id, conversation)) = applied.started {
                        fetch_profile(state, account_id, conversation);
                    }
                }
                Err(error) => {
                    tracing::error!(id, %error, "a webhook event could not be applied");
                    return Pass::Failed;
                }
            }
        }
        previous = ids;
    }
}

/// Fetches the consumer's profile of a conversation a webhook event started, beside the
/// applier (a slow platform must not hold up the events behind it). A failure leaves what
/// the event said of the consumer, and an agent can ask again.
fn fetch_profile(state: &AppState, account_id: i64, conversation: ConversationId) {
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(error) = crate::profiles::refresh(&state, account_id, conversation).await {
            tracing::warn!(
                conversation = conversation.0,
                %error,
                "the new conversation's profile could not be fetched"
            );
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_start_at_a_second_grow_and_never_pass_a_minute() {
        let pauses: Vec<Duration> = pause_schedule().take(40).collect();
        assert_eq!(pauses.len(), 40, "it never gives up");
        assert!(pauses[0] >= Duration::from_secs(1) && pauses[0] < Duration::from_secs(2));
        assert!(pauses
            .iter()
            .all(|p| *p >= Duration::from_secs(1) && *p <= MAX_PAUSE));
        assert!(
            pauses[10..].iter().all(|p| *p >= MAX_PAUSE / 2),
            "{pauses:?}"
        );
    }
}
