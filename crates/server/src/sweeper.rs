//! Settles messages left pending (the process died mid-send, or storing the platform's
//! answer failed): each is looked up on its platform and marked sent with the id found,
//! or failed so the agent decides whether to send it again. Runs with the server.

use social_api::events::Change;
use std::time::Duration;
use tokio::task::JoinHandle;

use crate::app::AppState;
use crate::events;
use crate::outbound;
use crate::platforms::SendKind;
use crate::store::{alone, Attempt, Job, StoreError, StuckMessage};

/// The reason of a stuck message that the platform does not have.
pub const NOT_SENT: &str = "Not sent: the server stopped while sending. Retry to send it.";

/// Messages settled per round; the next round takes the rest.
const BATCH: u32 = 50;

/// When the sweeper runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sweep {
    /// Between two rounds.
    pub every: Duration,
    /// A message pending this long is stuck (a send gives up after half of it).
    pub after: Duration,
}

/// Runs a round every `sweep.every` until the server stops.
pub fn spawn(state: AppState, sweep: Sweep) -> JoinHandle<()> {
    tokio::spawn(async move {
        let stopped = state.events.stopped();
        tokio::pin!(stopped);
        let mut rounds = tokio::time::interval(sweep.every);
        rounds.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = &mut stopped => break,
                _ = rounds.tick() => {
                    // Another instance on the same database may be sweeping: one at a time.
                    let round = alone(state.store.as_ref(), Job::Sweeper, sweep_once(&state, sweep.after));
                    if let Err(error) = round.await {
                        tracing::error!(%error, "the sweeper could not read pending messages");
                    }
                }
            }
        }
    })
}

/// One round: settles the messages pending for longer than `after`; how many it settled.
pub async fn sweep_once(state: &AppState, after: Duration) -> Result<usize, StoreError> {
    let after_ms = i64::try_from(after.as_millis()).unwrap_or(i64::MAX);
    let before = social_api::Timestamp(state.now().0.saturating_sub(after_ms));
    let stuck = state.store.stuck_messages(before, BATCH).await?;
    let mut settled = 0;
    for message in &stuck {
        match settle(state, message).await {
            Ok(true) => settled += 1,
            Ok(false) => {}
            // One message's trouble must not keep the others pending.
            Err(error) => {
                tracing::error!(%error, message = message.message.0, "a stuck message could not be settled");
            }
        }
    }
    Ok(settled)
}

/// Looks the message up on its platform and records the outcome, unless a send began in
/// the meantime; true when it was settled.
async fn settle(state: &AppState, stuck: &StuckMessage) -> Result<bool, StoreError> {
    // The message and what it answers only: a long conversation costs no more to settle.
    let Some(conversation) = state
        .store
        .account_message(stuck.account_id, stuck.conversation, stuck.message)
        .await?
    else {
        return Ok(false);
    };
    let Some(message) = conversation.message(stuck.message) else {
        return Ok(false);
    };
    let Some(kind) = SendKind::of(message.space, stuck.mode.private_reply) else {
        return Ok(false);
    };
    let request = outbound::lookup_request(&conversation, message, stuck.mode);
    let found = outbound::look_up(state, &conversation, message, kind, &request).await;
    let unchecked;
    let attempt = match &found {
        Ok(Some(platform_id)) => Attempt::Sent { platform_id },
        Ok(None) => Attempt::Failed { reason: NOT_SENT },
        Err(error) => {
            tracing::warn!(reason = %error, message = message.id.0, "a stuck message could not be looked up");
            let name = conversation.source.label();
            unchecked = format!(
                "Not confirmed: the server stopped while sending, and {name} could not be \
                 checked. Retry looks on {name} first, so it is not sent twice."
            );
            Attempt::Unconfirmed { reason: &unchecked }
        }
    };
    if !state.store.settle_stuck(stuck, attempt).await? {
        return Ok(false);
    }
    state.inbound.wake();
    crate::metrics::sweeper_action(match &found {
        Ok(Some(_)) => "settled_sent",
        Ok(None) => "settled_failed",
        Err(_) => "settled_unconfirmed",
    });
    tracing::info!(
        message = message.id.0,
        sent = matches!(found, Ok(Some(_))),
        "settled a stuck message"
    );
    let settled = state
        .store
        .account_message(stuck.account_id, stuck.conversation, stuck.message)
        .await?
        .and_then(|c| c.message(stuck.message).cloned());
    if let Some(settled) = settled {
        events::publish_in_account(
            state,
            stuck.account_id,
            stuck.conversation,
            Change::Message(settled),
        )
        .await;
    }
    Ok(true)
}
