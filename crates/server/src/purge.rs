//! The purge job: every `--purge-interval` it deletes idempotency keys older than a day
//! (each keeps a full answer, message text included), sessions ended more than a day ago
//! (until then their token answers "ended" rather than "unknown"), expired stream tickets
//! and sign-in failures out of their window. Runs beside the sweeper.

use social_api::Timestamp;
use std::time::Duration;
use tokio::task::JoinHandle;

use crate::app::AppState;
use crate::store::{alone, Job, PurgeBefore, Purged, StoreError};

/// How long an idempotency key (and its kept answer) is kept.
pub const KEY_MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);
/// How long an ended session's row is kept.
pub const ENDED_SESSION_KEPT: Duration = Duration::from_secs(24 * 60 * 60);

/// Runs a purge every `every` until the server stops.
pub fn spawn(state: AppState, every: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let stopped = state.events.stopped();
        tokio::pin!(stopped);
        let mut rounds = tokio::time::interval(every);
        rounds.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = &mut stopped => break,
                _ = rounds.tick() => {
                    // Another instance on the same database may be purging: one at a time.
                    match alone(state.store.as_ref(), Job::Purge, purge_once(&state)).await {
                        Ok(Some(purged)) => tracing::debug!(?purged, "purged"),
                        Ok(None) => tracing::debug!("another instance purges"),
                        Err(error) => tracing::error!(%error, "the purge failed"),
                    }
                }
            }
        }
    })
}

/// One purge at the state's "now".
pub async fn purge_once(state: &AppState) -> Result<Purged, StoreError> {
    let now = state.now();
    let ago = |age: Duration| {
        Timestamp(
            now.0
                .saturating_sub(i64::try_from(age.as_millis()).unwrap_or(i64::MAX)),
        )
    };
    state
        .store
        .purge(PurgeBefore {
            keys: ago(KEY_MAX_AGE),
            sessions: ago(ENDED_SESSION_KEPT),
            tickets: now,
            sign_in_failures: Timestamp(now.0.saturating_sub(crate::routes::session::WINDOW_MS)),
        })
        .await
}
