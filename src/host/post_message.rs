//! The postMessage bridge: the widget's protocol (see [`protocol`](super::protocol)) with
//! any workspace. Only messages from the parent window, from an allowed origin (exact
//! match), that pass every check, are read; anything else is dropped, with one console
//! warning per page. Replies go to the host's exact origin, never `*`.

use std::{cell::Cell, rc::Rc, time::Duration};

use leptos::prelude::*;
use social_api::workspace::{WidgetConfig, Workspace};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use web_sys::{MessageEvent, Window};

use super::{
    bootstrap::Bootstrap,
    config::HostOrigins,
    protocol::{self, HostMessage, Rejected, WidgetMessage},
    Host,
};

/// How long a framed widget waits for its workspace to speak before offering its own
/// sign-in: hosts send their state on the iframe's `load`, which comes about when the
/// widget starts; one that never speaks gets the form after this.
const HOST_SILENCE: Duration = Duration::from_secs(1);

/// Where replies go: the origin the host spoke from, once known.
#[derive(Clone)]
struct Channel {
    origins: Rc<HostOrigins>,
    host_origin: Rc<std::cell::RefCell<Option<String>>>,
    warned: Rc<Cell<bool>>,
}

impl Channel {
    fn parent() -> Option<Window> {
        web_sys::window()?.parent().ok().flatten()
    }

    fn post(&self, message: &WidgetMessage) {
        let Some(origin) = self.host_origin.borrow().clone() else {
            return;
        };
        if let Some(parent) = Self::parent() {
            let _ = parent.post_message(&message.to_js(), &origin);
        }
    }

    /// One warning per page, so a noisy or hostile page cannot flood the console.
    fn warn_once(&self, why: &str) {
        if !self.warned.replace(true) {
            web_sys::console::warn_1(
                &format!(
                    "social-widget: ignored a message ({why}); further ones are ignored silently"
                )
                .into(),
            );
        }
    }

    /// Reads one posted message into `host`, or drops it.
    fn receive(&self, host: &Host, event: &MessageEvent) {
        let origin = event.origin();
        if !self.origins.allows(&origin) {
            return self.warn_once("its origin is not an allowed host");
        }
        // From the framing window itself, not another frame of the same origin.
        let from_parent = match (event.source(), Self::parent()) {
            (Some(source), Some(parent)) => JsValue::from(source) == JsValue::from(parent),
            _ => false,
        };
        if !from_parent {
            return self.warn_once("it did not come from the framing window");
        }
        let message = match protocol::parse(event.data()) {
            Ok(message) => message,
            Err(Rejected::NotOurs) => return self.warn_once("not this widget's protocol"),
            Err(Rejected::Malformed) => return self.warn_once("a field is missing or wrong"),
        };
        let first = self.host_origin.borrow().as_deref() != Some(origin.as_str());
        *self.host_origin.borrow_mut() = Some(origin);
        if first {
            self.post(&WidgetMessage::Ready);
        }
        match message {
            // A host that hands over a session sends `auth` before its first `focus`.
            HostMessage::Focus(id) => {
                host.focused.set(id);
                host.end_session_wait();
            }
            HostMessage::Theme(theme) => host.theme.set(Some(theme)),
            HostMessage::Agent(agent) => host.agent.set(Some(agent)),
            HostMessage::Auth(token) => {
                host.offer_token(token);
                host.end_session_wait();
            }
        }
    }
}

/// The parent's origin as the browser reports it, when the page can know it before the host
/// speaks (`ancestorOrigins` in Chromium and Safari, else the referrer).
fn parent_origin() -> Option<String> {
    let window = web_sys::window()?;
    let location = window.location();
    let ancestors = js_sys::Reflect::get(&location, &"ancestorOrigins".into()).ok();
    let first = ancestors
        .and_then(|list| list.dyn_into::<web_sys::DomStringList>().ok())
        .and_then(|list| list.item(0));
    first.or_else(|| {
        let referrer = window.document()?.referrer();
        web_sys::Url::new(&referrer).ok().map(|url| url.origin())
    })
}

/// Starts the bridge: reads what the page kept, listens from now on, and tells an allowed
/// parent that the widget is ready. Lives as long as the page.
pub fn start(config: &WidgetConfig, bootstrap: Option<&Bootstrap>) -> Host {
    let own = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let channel = Channel {
        origins: Rc::new(HostOrigins::new(config, &own)),
        host_origin: Rc::default(),
        warned: Rc::default(),
    };
    let writer = {
        let channel = channel.clone();
        Rc::new(move |text: String| channel.post(&WidgetMessage::Write(text))) as Rc<dyn Fn(String)>
    };
    let reporter = {
        let channel = channel.clone();
        Rc::new(move |text: String| channel.post(&WidgetMessage::Error(text))) as Rc<dyn Fn(String)>
    };
    let host = Host::new(Workspace::Custom, Some(writer), Some(reporter));
    if !super::is_top_level() {
        host.await_session();
        set_timeout(move || host.end_session_wait(), HOST_SILENCE);
    }
    if let Some(origin) = parent_origin().filter(|o| channel.origins.allows(o)) {
        *channel.host_origin.borrow_mut() = Some(origin);
        channel.post(&WidgetMessage::Ready);
    }
    let listener = {
        let channel = channel.clone();
        Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            channel.receive(&host, &event)
        })
    };
    if let Some(window) = web_sys::window() {
        let _ =
            window.add_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
    }
    // What came before the widget listened, in order; nothing can arrive between the two
    // (both happen in this one task).
    if let Some(bootstrap) = bootstrap {
        bootstrap.release_messages();
        for event in bootstrap.take("messages") {
            if let Some(event) = event.dyn_ref::<MessageEvent>() {
                channel.receive(&host, event);
            }
        }
    }
    // The page's lifetime: the listener is never removed.
    listener.forget();
    report_height(channel);
    host
}

/// Tells the host the widget's content height whenever it changes, so a host that sizes
/// the frame to its content can.
fn report_height(channel: Channel) {
    let Some(body) = document().body() else {
        return;
    };
    let last = Cell::new(0u32);
    let measure = {
        let body = body.clone();
        move || {
            let height = body.scroll_height().max(0) as u32;
            if height != last.replace(height) {
                channel.post(&WidgetMessage::Resize(height));
            }
        }
    };
    let observed = Closure::<dyn Fn()>::new(measure);
    if let Ok(observer) = web_sys::ResizeObserver::new(observed.as_ref().unchecked_ref()) {
        observer.observe(&body);
        std::mem::forget(observer);
    }
    observed.forget();
}
