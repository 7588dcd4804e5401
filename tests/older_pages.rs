//! A long conversation opens at its newest page: older pages come with "Show older
//! messages" or by scrolling to the top, the message that was first stays in view, and
//! the live stream keeps appending meanwhile.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use leptos::{mount::mount_to, prelude::*};
use social_api::{events::Change, *};
use social_widget::{
    components::widget::Widget,
    state::{Actor, Drafts, OpenConversation},
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Message `id` of a long thread: the consumer's, a few lines long, so pages scroll.
fn numbered(id: i64) -> Message {
    let text = format!("Message {id}: {}", "a line of the long history. ".repeat(8));
    message(id, Author::Consumer, Space::Private, &text)
}

/// A DM thread of 60 messages of which the newest 30 are loaded.
fn long_thread() -> Conversation {
    let mut c = x_dm();
    c.messages = (31..=60).map(numbered).collect();
    c.older_cursor = Some("page-2".into());
    c
}

fn older_page() -> MessagePage {
    MessagePage {
        messages: (1..=30).map(numbered).collect(),
        older_cursor: None,
    }
}

async fn followed(c: Conversation) -> (web_sys::HtmlElement, OpenConversation, impl Sized) {
    let el = container();
    let actor = Actor {
        agent: human(),
        token: TOKEN.into(),
    };
    let state = OpenConversation::new(
        c,
        Signal::stored(Some(actor)),
        Drafts::new(),
        Signal::stored(NOW),
    );
    let view = mount_to(el.clone(), move || view! { <Widget state/> });
    settle().await;
    // The transcript scrolls to its newest message after a frame.
    sleep(50).await;
    (el, state, view)
}

fn ids_shown(el: &web_sys::Element) -> Vec<i64> {
    all(el, ".msg__text")
        .iter()
        .filter_map(|t| {
            let text = text(t);
            text.strip_prefix("Message ")?
                .split(':')
                .next()?
                .parse()
                .ok()
        })
        .collect()
}

/// Whether the message whose text starts "Message {id}:" is in the window's view.
fn in_view(el: &web_sys::Element, id: i64) -> bool {
    let item = all(el, ".msg__text")
        .into_iter()
        .find(|t| text(t).starts_with(&format!("Message {id}:")))
        .expect("the message is shown");
    let rect = item.get_bounding_client_rect();
    let height = web_sys::window()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
        .unwrap_or_default();
    rect.bottom() > 0.0 && rect.top() < height
}

#[wasm_bindgen_test]
async fn older_messages_load_on_the_button_and_the_first_one_stays_in_view() {
    let net = FakeNetwork::install();
    let (el, state, _view) = followed(long_thread()).await;
    assert_eq!(ids_shown(&el), (31..=60).collect::<Vec<_>>());
    assert!(in_view(&el, 60), "the newest message is in view");
    assert!(net.requests().is_empty(), "nothing loads by itself");

    net.reply(200, &json_of(&older_page()));
    click(&button(&el, "Show older messages"));
    sleep(100).await;

    let sent = net.requests();
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0].url.ends_with(&format!(
            "/api/conversations/{}/messages?before=page-2",
            state.id
        )),
        "{}",
        sent[0].url
    );
    assert_eq!(ids_shown(&el), (1..=60).collect::<Vec<_>>());
    assert!(in_view(&el, 31), "the message that was first stays in view");
    assert!(!in_view(&el, 1), "the page went in above it");
    assert!(
        !has_button(&el, "Show older messages"),
        "nothing older is left"
    );
}

#[wasm_bindgen_test]
async fn an_older_reply_target_loaded_with_the_newest_page_does_not_hide_the_older_pages() {
    let net = FakeNetwork::install();
    // The reading brings message 1 (the default reply target) along with 31 to 60.
    let mut c = long_thread();
    c.messages.insert(0, numbered(1));
    let (el, _state, _view) = followed(c).await;
    net.reply(200, &json_of(&older_page()));
    click(&button(&el, "Show older messages"));
    sleep(100).await;
    assert_eq!(net.requests().len(), 1);
    assert_eq!(
        ids_shown(&el),
        (1..=60).collect::<Vec<_>>(),
        "each once, in order"
    );
}

#[wasm_bindgen_test]
async fn scrolling_to_the_top_loads_the_older_page() {
    let net = FakeNetwork::install();
    let (el, _state, _view) = followed(long_thread()).await;
    net.reply(200, &json_of(&older_page()));
    button(&el, "Show older messages").scroll_into_view();
    sleep(150).await;
    assert_eq!(net.requests().len(), 1);
    assert_eq!(ids_shown(&el).len(), 60);
    // At the very top the browser keeps no anchor of its own: the widget does.
    assert!(in_view(&el, 31), "the message that was first stays in view");
    assert!(!in_view(&el, 1), "the page went in above it");
}

#[wasm_bindgen_test]
async fn a_live_message_is_appended_while_an_older_page_loads() {
    let net = FakeNetwork::install();
    let (el, state, _view) = followed(long_thread()).await;
    net.hold(200, &json_of(&older_page()));
    click(&button(&el, "Show older messages"));
    settle().await;
    assert_eq!(
        attr(&button(&el, "Loading older messages"), "aria-busy").as_deref(),
        Some("true")
    );

    let mut live = numbered(61);
    live.sent_at = Timestamp(NOW.0 + 1);
    assert!(state.apply(9, Change::Message(live)));
    // A change to a message older than the loaded page does not jump into it.
    let mut old = numbered(5);
    old.liked_by_brand = true;
    assert!(state.apply(10, Change::Message(old)));
    settle().await;
    assert_eq!(ids_shown(&el), (31..=61).collect::<Vec<_>>());

    net.release();
    sleep(100).await;
    assert_eq!(ids_shown(&el), (1..=61).collect::<Vec<_>>());
}

#[wasm_bindgen_test]
async fn a_failed_reading_says_so_and_the_button_stays() {
    let net = FakeNetwork::install();
    let (el, _state, _view) = followed(long_thread()).await;
    net.fail();
    click(&button(&el, "Show older messages"));
    sleep(100).await;
    assert!(has_button(&el, "Show older messages"));
    let alert = by_role(&el, "alert");
    assert!(
        alert
            .iter()
            .any(|a| text(a).starts_with("Older messages could not be loaded")),
        "{:?}",
        alert.iter().map(text).collect::<Vec<_>>()
    );
    assert_eq!(ids_shown(&el).len(), 30);
}
