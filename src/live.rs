//! Following an open conversation live: its event stream (gloo-net's `EventSource`, 1.7 KB
//! brotli over web-sys's own, docs/size.md), applied to the conversation's one model. The
//! stream's ticket is single-use, so a dropped connection is reopened here, with a new
//! ticket, from the last change applied (with a growing pause while the server is away);
//! a `reset` reads the conversation again.

use std::{cell::RefCell, rc::Rc};

use futures::{stream, StreamExt};
use gloo_net::eventsource::futures::EventSource;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use social_api::events::{Change, CHANGE_EVENT, RESET_EVENT};
use web_sys::MessageEvent;

use crate::{client, decode, state::OpenConversation};

/// Pause before the first reconnect, in ms; it doubles while attempts fail.
const FIRST_PAUSE: u64 = 500;
const LONGEST_PAUSE: u64 = 30_000;

/// What one followed conversation keeps between connections.
struct Follow {
    state: OpenConversation,
    token: String,
    reload: Callback<()>,
    /// The open stream; dropping or closing it ends the connection.
    source: RefCell<Option<EventSource>>,
    pause: RefCell<u64>,
    stopped: RefCell<bool>,
}

impl Follow {
    fn close(&self) {
        if let Some(source) = self.source.borrow_mut().take() {
            source.close();
        }
    }
}

/// Follows `state` live while the calling owner lives; `reload` reads it again when the
/// stream cannot say what was missed.
pub fn follow(state: OpenConversation, token: String, reload: Callback<()>) {
    let follow = Rc::new(Follow {
        state,
        token,
        reload,
        source: RefCell::new(None),
        pause: RefCell::new(FIRST_PAUSE),
        stopped: RefCell::new(false),
    });
    leptos::task::spawn_local(connect(follow.clone()));
    let follow = SendWrapper::new(follow);
    on_cleanup(move || {
        *follow.stopped.borrow_mut() = true;
        follow.close();
    });
}

/// The change an event carries, with its id in the event log.
fn change_of(event: &MessageEvent) -> Option<(i64, Change)> {
    let id = event.last_event_id().parse::<i64>().ok()?;
    let data = event.data().as_string()?;
    let value = js_sys::JSON::parse(&data).ok()?;
    Some((id, decode::from_value::<Change>(value).ok()?))
}

/// One connection: a ticket, the stream from the last change applied, until it fails.
async fn connect(follow: Rc<Follow>) {
    if *follow.stopped.borrow() {
        return;
    }
    let ticket = match client::event_ticket(&follow.token).await {
        Ok(ticket) => ticket,
        // The session ended (the sign-in comes back): nothing to follow until then.
        Err(client::ApiError::Unauthorized) => return,
        Err(_) => return retry(follow),
    };
    if *follow.stopped.borrow() {
        return;
    }
    let after = follow.state.conversation.with_untracked(|c| c.event_cursor);
    let url = client::events_url(follow.state.id, &ticket, after);
    let Ok(mut source) = EventSource::new(&url) else {
        return retry(follow);
    };
    let (Ok(changes), Ok(resets)) = (
        source.subscribe(CHANGE_EVENT),
        source.subscribe(RESET_EVENT),
    ) else {
        return retry(follow);
    };
    *follow.source.borrow_mut() = Some(source);
    let mut events = stream::select(changes, resets);
    while let Some(event) = events.next().await {
        match event {
            Ok((kind, event)) if kind == CHANGE_EVENT => {
                if let Some((id, change)) = change_of(&event) {
                    follow.state.apply(id, change);
                    *follow.pause.borrow_mut() = FIRST_PAUSE;
                }
            }
            Ok(_) => follow.reload.run(()),
            // The browser would reconnect with the spent ticket: reconnect here instead.
            Err(_) => {
                follow.close();
                return retry(follow.clone());
            }
        }
    }
}

/// Reconnects after a pause that doubles up to 30 s while attempts fail.
fn retry(follow: Rc<Follow>) {
    if *follow.stopped.borrow() {
        return;
    }
    let pause = {
        let mut pause = follow.pause.borrow_mut();
        let now = *pause;
        *pause = (now * 2).min(LONGEST_PAUSE);
        now
    };
    set_timeout(
        move || leptos::task::spawn_local(connect(follow)),
        std::time::Duration::from_millis(pause),
    );
}
