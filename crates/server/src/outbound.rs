//! Sends a stored outgoing message to its platform and records what happened: the one
//! path shared by new messages, retries, invitations and the sweeper. A send the platform
//! may have received without saying so is looked up there before it is repeated, so a
//! consumer never gets the same reply twice.

use backon::{ExponentialBuilder, Retryable};
use social_api::names::name_of;
use social_api::rules::{self, MessageTag};
use social_api::{Conversation, Message, MessageId, Space, Timestamp};
use std::time::Duration;

use crate::app::AppState;
use crate::events;
use crate::platforms::{self, Outbound, PlatformError, RetryPolicy, SendKind};
use crate::store::{Attempt, SendingMode, Session, StoreError};

/// How far before a message was stored a look-up still takes a platform message for it:
/// the platform's clock and ours may disagree a little.
pub const CLOCK_SKEW_MS: i64 = 60_000;

/// How sends are repeated and bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendPolicy {
    /// Sends of one message (a send not found on the platform counts), and the waits
    /// between them.
    pub retry: RetryPolicy,
    /// A delivery gives up after this long (its outcome is then unconfirmed): the sweeper
    /// settles only messages pending for longer.
    pub deadline: Duration,
}

/// Why a delivery could not be recorded (the platform's answers are outcomes, not errors).
#[derive(Debug, thiserror::Error)]
pub enum DeliverError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("message {} vanished while it was being sent", .0 .0)]
    Vanished(MessageId),
}

/// What to do before the first send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstStep {
    /// Send now: no earlier attempt can have reached the platform.
    Send,
    /// An earlier attempt may have arrived: look for it on the platform first.
    LookFirst,
}

/// The platform request for `message` of `conversation`, sent by the session's agent at
/// `now`: it threads to the platform id of the message it answers (a public reply without
/// one goes under the post) and carries the Messenger tag Meta requires by then.
pub fn request_for(
    conversation: &Conversation,
    session: &Session,
    message: &Message,
    mode: SendingMode,
    now: Timestamp,
) -> Outbound {
    let tag = rules::message_tag(conversation, &session.agent, message, now);
    request(conversation, message, mode, tag)
}

/// [`request_for`] without the Messenger tag, which a look-up does not need.
pub fn lookup_request(
    conversation: &Conversation,
    message: &Message,
    mode: SendingMode,
) -> Outbound {
    request(conversation, message, mode, None)
}

fn request(
    conversation: &Conversation,
    message: &Message,
    mode: SendingMode,
    tag: Option<MessageTag>,
) -> Outbound {
    let answered = message
        .reply_to
        .and_then(|id| conversation.message(id))
        .and_then(|m| m.platform_id.clone());
    let post = || {
        conversation
            .post
            .as_ref()
            .filter(|_| message.space == Space::Public)
            .map(|p| p.platform_id.clone())
    };
    Outbound {
        source: conversation.source,
        brand_id: conversation.brand.platform_id.clone(),
        target_id: answered.or_else(post),
        consumer_id: conversation.consumer.platform_id.clone(),
        text: message.text.clone(),
        mention: mode.mention,
        tag,
    }
}

/// Sends the stored `message` (Pending) and marks it Sent or Failed: a platform failure
/// is an outcome the agent sees on the message, not an error of the request. The open
/// streams learn the outcome. Once the platform was asked this never fails for a store
/// error: the message is answered Pending and left to the sweeper.
pub async fn deliver(
    state: &AppState,
    session: &Session,
    conversation: &Conversation,
    message: &Message,
    mode: SendingMode,
    first: FirstStep,
) -> Result<Message, DeliverError> {
    let Some(kind) = SendKind::of(message.space, mode.private_reply) else {
        return Ok(message.clone());
    };
    let request = request_for(conversation, session, message, mode, state.now());
    let sending = send_once(state, conversation, message, kind, &request, first);
    let outcome = match tokio::time::timeout(state.sending.deadline, sending).await {
        Ok(outcome) => outcome,
        Err(_) => Outcome::Unconfirmed(unconfirmed(
            conversation,
            &format!("{} did not answer in time.", conversation.source.label()),
        )),
    };
    let space = name_of(&message.space);
    let attempt = match &outcome {
        Outcome::Sent(platform_id) => {
            tracing::info!(message = message.id.0, space, "sent");
            Attempt::Sent { platform_id }
        }
        Outcome::Failed(reason) => {
            tracing::warn!(message = message.id.0, space, %reason, "the platform did not take the message");
            Attempt::Failed { reason }
        }
        Outcome::Unconfirmed(reason) => {
            tracing::warn!(message = message.id.0, space, %reason, "the platform did not confirm the message");
            Attempt::Unconfirmed { reason }
        }
    };
    let platform_said = match &outcome {
        Outcome::Sent(_) => None,
        Outcome::Failed(reason) | Outcome::Unconfirmed(reason) => Some(reason.as_str()),
    };
    note_platform_outcome(state, conversation, platform_said).await;
    let record = || {
        state
            .store
            .record_attempt(session, message.id, attempt.clone())
    };
    if let Err(error) = record.retry(record_tries()).await {
        // The platform has answered and its answer must not turn into a 500 (the widget
        // would drop the key and a second Send would post the message again): the
        // message is answered as it stands, Pending, which the widget shows as on its
        // way and then as unknown; the sweeper settles it by asking the platform.
        tracing::error!(%error, message = message.id.0, "the platform's answer could not be recorded; the sweeper settles the message");
        return Ok(message.clone());
    }
    // The platform's echo of the message may be waiting for the id just recorded.
    state.inbound.wake();
    let message = match state.store.message(session, message.id).await {
        Ok(found) => found.ok_or(DeliverError::Vanished(message.id))?,
        Err(error) => {
            tracing::error!(%error, message = message.id.0, "a sent message could not be read back");
            return Ok(message.clone());
        }
    };
    events::message_changed(state, session, conversation.id, &message).await;
    Ok(message)
}

/// Keeps what the platform said as the source's last error (or clears it) for the admin
/// page. Only a view of the platform's health: failing to keep it fails nothing else.
pub async fn note_platform_outcome(
    state: &AppState,
    conversation: &Conversation,
    error: Option<&str>,
) {
    if let Err(failure) = state
        .store
        .note_platform_outcome(conversation.source, &conversation.brand.platform_id, error)
        .await
    {
        tracing::warn!(error = %failure, "a source's last platform outcome could not be kept");
    }
}

/// Writes of a platform's answer: a busy or failing database may come back in a moment,
/// and the answer is not to be lost.
pub fn record_tries() -> ExponentialBuilder {
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(50))
        .with_max_delay(Duration::from_secs(1))
        .with_max_times(4)
        .with_jitter()
}

/// How a delivery ended.
enum Outcome {
    /// On the platform, with this id.
    Sent(String),
    /// Not on the platform, for this reason.
    Failed(String),
    /// Maybe on the platform: it did not say, and could not be asked.
    Unconfirmed(String),
}

/// Sends until the platform takes it, refuses it, or the tries run out; a send without a
/// clear answer is looked up before the next one.
async fn send_once(
    state: &AppState,
    conversation: &Conversation,
    message: &Message,
    kind: SendKind,
    request: &Outbound,
    first: FirstStep,
) -> Outcome {
    if first == FirstStep::LookFirst {
        match look_up(state, conversation, message, kind, request).await {
            Ok(Some(id)) => return Outcome::Sent(id),
            Ok(None) => {}
            Err(error) => {
                cannot_check(&error);
                let earlier = format!(
                    "An earlier attempt may have reached {}.",
                    conversation.source.label()
                );
                return Outcome::Unconfirmed(unconfirmed(conversation, &earlier));
            }
        }
    }
    let mut waits = state.sending.retry.waits();
    loop {
        let why = match platforms::send(state.platform.as_ref(), kind, request).await {
            Ok(id) => return Outcome::Sent(id),
            Err(PlatformError::Unconfirmed(why)) => why,
            Err(error) => return Outcome::Failed(error.reason()),
        };
        match look_up(state, conversation, message, kind, request).await {
            Ok(Some(id)) => {
                tracing::info!(
                    message = message.id.0,
                    "found on the platform after no answer"
                );
                return Outcome::Sent(id);
            }
            Ok(None) => match waits.next() {
                // Not there: safe to send again, and that counts as a try.
                Some(wait) => tokio::time::sleep(wait).await,
                None => return Outcome::Failed(why),
            },
            Err(error) => {
                cannot_check(&error);
                return Outcome::Unconfirmed(unconfirmed(conversation, &why));
            }
        }
    }
}

fn cannot_check(error: &PlatformError) {
    tracing::warn!(reason = %error, "the platform could not be checked for a message");
}

/// The reason of a message that may have been sent: what happened, and that a retry looks
/// first.
fn unconfirmed(conversation: &Conversation, what: &str) -> String {
    let name = conversation.source.label();
    format!(
        "{what} It may have been sent, and {name} could not be checked: Retry looks on \
         {name} first, so it is not sent twice."
    )
}

/// The platform id of `message` if the platform has it: a recent message from the brand
/// with its text, in its place, written no earlier than it was stored (less the clocks'
/// skew), that no other message of the conversation already is.
pub async fn look_up(
    state: &AppState,
    conversation: &Conversation,
    message: &Message,
    kind: SendKind,
    request: &Outbound,
) -> Result<Option<String>, PlatformError> {
    let since = Timestamp(message.sent_at.0.saturating_sub(CLOCK_SKEW_MS));
    let found = state.platform.find_sent(kind, request, since).await?;
    // The conversation may be a page of its messages: the store knows them all.
    for id in found {
        let loaded = conversation
            .messages
            .iter()
            .any(|m| m.id != message.id && m.platform_id.as_ref() == Some(&id));
        let stored = match state
            .store
            .platform_id_taken(conversation.id, &id, message.id)
            .await
        {
            Ok(taken) => taken,
            Err(error) => {
                // Not knowing, the loaded messages decide: at worst two rows share an
                // id, never a message sent twice.
                tracing::warn!(%error, "could not check a found platform id");
                false
            }
        };
        if !loaded && !stored {
            return Ok(Some(id));
        }
    }
    Ok(None)
}
