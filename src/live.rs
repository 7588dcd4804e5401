//! Following an open conversation live (`use_events`): its event stream (gloo-net's
//! `EventSource`, 1.7 KB brotli over web-sys's own, docs/size.md), applied to the
//! conversation's one model. The stream's ticket is single-use, so a dropped connection is
//! reopened here, with a new ticket, from the last change applied, after a pause that grows
//! while the server is away; a `reset` reads the conversation again. One task per followed
//! conversation, aborted with the view that follows it.

use std::{cell::Cell, time::Duration};

use futures::{
    channel::oneshot,
    future::{AbortHandle, Abortable},
    stream, StreamExt,
};
use gloo_net::eventsource::futures::EventSource;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use social_api::events::{Change, CHANGE_EVENT, RESET_EVENT};
use web_sys::MessageEvent;

use crate::{client, decode, state::OpenConversation};

/// Pause before the first reconnect; it doubles while attempts fail.
const FIRST_PAUSE: Duration = Duration::from_millis(500);
const LONGEST_PAUSE: Duration = Duration::from_secs(30);

/// How a connection ended.
enum Ended {
    /// It failed, or could not open: try again after a pause.
    Dropped,
    /// The session is over: the sign-in comes back, nothing to follow until then.
    SignedOut,
}

/// Follows `state` live while the calling owner (the conversation's view) lives; `reload`
/// reads the conversation again when the stream cannot say what was missed.
pub fn use_events(state: OpenConversation, token: String, reload: Callback<()>) {
    let (abort, registration) = AbortHandle::new_pair();
    leptos::task::spawn_local(async move {
        let _ = Abortable::new(follow(state, token, reload), registration).await;
    });
    let abort = SendWrapper::new(abort);
    // Aborting drops the task, its `EventSource` (which closes it) and its handlers.
    on_cleanup(move || abort.abort());
}

async fn follow(state: OpenConversation, token: String, reload: Callback<()>) {
    let mut pause = FIRST_PAUSE;
    loop {
        let applied = Cell::new(false);
        let opened_at = js_sys::Date::now();
        match connect(state, &token, reload, &applied).await {
            Ended::SignedOut => return,
            Ended::Dropped => {
                // A connection that worked (it brought a change, or held a while) starts the
                // pauses over; only failures in a row make them grow.
                let held = js_sys::Date::now() - opened_at > LONGEST_PAUSE.as_millis() as f64;
                if applied.get() || held {
                    pause = FIRST_PAUSE;
                }
                sleep(pause).await;
                pause = (pause * 2).min(LONGEST_PAUSE);
            }
        }
    }
}

/// A pause on the browser's timer.
async fn sleep(pause: Duration) {
    let (done, waited) = oneshot::channel::<()>();
    set_timeout(
        move || {
            let _ = done.send(());
        },
        pause,
    );
    let _ = waited.await;
}

/// The change an event carries, with its id in the event log.
fn change_of(event: &MessageEvent) -> Option<(i64, Change)> {
    let id = event.last_event_id().parse::<i64>().ok()?;
    let data = event.data().as_string()?;
    let value = js_sys::JSON::parse(&data).ok()?;
    Some((id, decode::from_value::<Change>(value).ok()?))
}

/// One connection: a ticket, then the stream from the last change applied, until it fails.
async fn connect(
    state: OpenConversation,
    token: &str,
    reload: Callback<()>,
    applied: &Cell<bool>,
) -> Ended {
    let ticket = match client::event_ticket(token).await {
        Ok(ticket) => ticket,
        Err(client::ApiError::Unauthorized) => return Ended::SignedOut,
        Err(_) => return Ended::Dropped,
    };
    let after = state.conversation.with_untracked(|c| c.event_cursor);
    let url = client::events_url(state.id, &ticket, after);
    let Ok(mut source) = EventSource::new(&url) else {
        return Ended::Dropped;
    };
    let (Ok(changes), Ok(resets)) = (
        source.subscribe(CHANGE_EVENT),
        source.subscribe(RESET_EVENT),
    ) else {
        return Ended::Dropped;
    };
    let mut events = stream::select(changes, resets);
    while let Some(event) = events.next().await {
        match event {
            Ok((kind, event)) if kind == CHANGE_EVENT => {
                if let Some((id, change)) = change_of(&event) {
                    state.apply(id, change);
                    applied.set(true);
                }
            }
            Ok(_) => reload.run(()),
            // The browser would reconnect with the spent ticket: reconnect here instead.
            Err(_) => break,
        }
    }
    source.close();
    Ended::Dropped
}
