//! Following an open conversation live: its event stream (`EventSource`), applied to the
//! conversation's one model. The stream's ticket is single-use, so a dropped connection is
//! reopened here, with a new ticket, from the last change applied (with a growing pause
//! while the server is away); a `reset` reads the conversation again.

use std::{cell::RefCell, rc::Rc};

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use social_api::events::{Change, CHANGE_EVENT, RESET_EVENT};
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{EventSource, MessageEvent};

use crate::{client, decode, state::OpenConversation};

/// The open connection and the handlers it calls, dropped together.
struct Connection {
    source: EventSource,
    _handlers: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

/// What one followed conversation keeps between connections.
struct Follow {
    state: OpenConversation,
    token: String,
    reload: Callback<()>,
    connection: RefCell<Option<Connection>>,
    /// Pause before the next reconnect, in ms; grows while connections fail.
    pause: RefCell<i32>,
    stopped: RefCell<bool>,
}

/// Follows `state` live while the calling owner lives; `reload` reads it again when the
/// stream cannot say what was missed.
pub fn follow(state: OpenConversation, token: String, reload: Callback<()>) {
    let follow = Rc::new(Follow {
        state,
        token,
        reload,
        connection: RefCell::new(None),
        pause: RefCell::new(500),
        stopped: RefCell::new(false),
    });
    connect(follow.clone());
    let follow = SendWrapper::new(follow);
    on_cleanup(move || {
        *follow.stopped.borrow_mut() = true;
        if let Some(connection) = follow.connection.borrow_mut().take() {
            connection.source.close();
        }
    });
}

fn connect(follow: Rc<Follow>) {
    leptos::task::spawn_local(async move {
        if *follow.stopped.borrow() {
            return;
        }
        let ticket = match client::event_ticket(&follow.token).await {
            Ok(ticket) => ticket,
            // Signed out: nothing to follow until someone signs in again.
            Err(client::ApiError::Unauthorized) => return,
            Err(_) => return retry(follow),
        };
        if *follow.stopped.borrow() {
            return;
        }
        let after = follow.state.conversation.with_untracked(|c| c.event_cursor);
        let url = client::events_url(follow.state.id, &ticket, after);
        let Ok(source) = EventSource::new(&url) else {
            return retry(follow);
        };
        let on_change = {
            let follow = follow.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                let Some(event) = event.dyn_ref::<MessageEvent>() else {
                    return;
                };
                let id = event.last_event_id().parse::<i64>().ok();
                let change = event
                    .data()
                    .as_string()
                    .and_then(|data| js_sys::JSON::parse(&data).ok())
                    .and_then(|value| decode::from_value::<Change>(value).ok());
                if let (Some(id), Some(change)) = (id, change) {
                    follow.state.apply(id, change);
                    *follow.pause.borrow_mut() = 500;
                }
            })
        };
        let on_reset = {
            let follow = follow.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| follow.reload.run(()))
        };
        let on_error = {
            let follow = follow.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                // The browser would reconnect with the spent ticket: reconnect here instead.
                if let Some(connection) = follow.connection.borrow_mut().take() {
                    connection.source.close();
                }
                retry(follow.clone());
            })
        };
        let _ = source
            .add_event_listener_with_callback(CHANGE_EVENT, on_change.as_ref().unchecked_ref());
        let _ =
            source.add_event_listener_with_callback(RESET_EVENT, on_reset.as_ref().unchecked_ref());
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        *follow.connection.borrow_mut() = Some(Connection {
            source,
            _handlers: vec![on_change, on_reset, on_error],
        });
    });
}

/// Reconnects after a pause that doubles up to 30 s while attempts fail.
fn retry(follow: Rc<Follow>) {
    if *follow.stopped.borrow() {
        return;
    }
    let pause = {
        let mut pause = follow.pause.borrow_mut();
        let now = *pause;
        *pause = (now * 2).min(30_000);
        now
    };
    set_timeout(
        move || connect(follow),
        std::time::Duration::from_millis(pause as u64),
    );
}
