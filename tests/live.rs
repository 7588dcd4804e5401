//! Changes from the live stream land in the one conversation model: what the stream says
//! appears, in order, and the controls follow it; a change seen before, or an older one,
//! changes nothing.
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

/// `conversation` open in the widget, acting as [`human`]; the model is what the stream
/// feeds.
async fn followed(
    conversation: Conversation,
) -> (web_sys::HtmlElement, OpenConversation, impl Sized) {
    let el = container();
    let actor = Actor {
        agent: human(),
        token: TOKEN.into(),
    };
    let state = OpenConversation::new(
        conversation,
        Signal::stored(Some(actor)),
        Drafts::new(),
        Signal::stored(NOW),
    );
    let view = mount_to(el.clone(), move || view! { <Widget state/> });
    settle().await;
    (el, state, view)
}

fn transcript_texts(el: &web_sys::Element) -> Vec<String> {
    all(el, ".msg__text").iter().map(text).collect()
}

#[wasm_bindgen_test]
async fn a_private_message_from_the_consumer_brings_the_toggle() {
    let (el, state, _view) = followed(x_public()).await;
    assert!(!has_role_named(&el, "radiogroup", "Reply space"));

    let dm = message(
        30,
        Author::Consumer,
        Space::Private,
        "Sent you my order number",
    );
    assert!(state.apply(7, Change::Message(dm)));
    settle().await;

    assert!(
        transcript_texts(&el).contains(&"Sent you my order number".to_owned()),
        "{:?}",
        transcript_texts(&el)
    );
    assert!(
        has_role_named(&el, "radiogroup", "Reply space"),
        "the consumer now wrote in both spaces"
    );
}

#[wasm_bindgen_test]
async fn a_change_seen_before_or_an_older_one_changes_nothing() {
    let (el, state, _view) = followed(x_public()).await;
    let dm = message(30, Author::Consumer, Space::Private, "First");
    assert!(state.apply(7, Change::Message(dm.clone())));
    // The same event again (a replay after a reconnect).
    assert!(!state.apply(7, Change::Message(dm.clone())));
    // An older event, late: it must not undo the newer state.
    let mut stale = dm;
    stale.text = "Stale".into();
    assert!(!state.apply(6, Change::Message(stale)));
    settle().await;

    let texts = transcript_texts(&el);
    assert_eq!(
        texts.iter().filter(|t| *t == "First").count(),
        1,
        "{texts:?}"
    );
    assert!(!texts.contains(&"Stale".to_owned()), "{texts:?}");
}

#[wasm_bindgen_test]
async fn a_message_change_replaces_it_in_place_and_new_ones_keep_time_order() {
    let (el, state, _view) = followed(x_public()).await;
    // Written before the tweet already shown (ids and times both earlier), arriving late.
    let mut early = message(5, Author::Consumer, Space::Public, "Earlier tweet");
    early.sent_at = Timestamp(1_700_000_000_000);
    assert!(state.apply(1, Change::Message(early)));
    let mut answer = message(40, agent("Dana"), Space::Public, "On it");
    answer.delivery = Delivery::Pending;
    assert!(state.apply(2, Change::Message(answer.clone())));
    answer.delivery = Delivery::Sent;
    answer.liked_by_brand = false;
    assert!(state.apply(3, Change::Message(answer)));
    settle().await;

    assert_eq!(
        transcript_texts(&el),
        ["Earlier tweet", "@acme my order is late", "On it"],
    );
    assert!(
        !text(&el).contains("Sending"),
        "the delivered message no longer shows as pending: {:?}",
        text(&el)
    );
}

#[wasm_bindgen_test]
async fn profile_and_post_changes_show() {
    let (el, state, _view) = followed(x_public()).await;
    let mut consumer = state.conversation.get_untracked().consumer;
    consumer.profile = available("Kai R. Rivers", Some("kai_rivers"));
    assert!(state.apply(1, Change::Consumer(consumer)));
    let mut post = state.conversation.get_untracked().post.expect("a post");
    post.text = "Spring sale, extended!".into();
    assert!(state.apply(2, Change::Post(post)));
    settle().await;

    let shown = text(&el);
    assert!(shown.contains("Kai R. Rivers"), "{shown:?}");
    assert!(shown.contains("@kai_rivers"), "{shown:?}");
    assert!(shown.contains("Spring sale, extended!"), "{shown:?}");
}

#[wasm_bindgen_test]
async fn a_like_from_the_stream_keeps_the_focus_on_the_like_button() {
    use wasm_bindgen::JsCast;
    // The consumer's own tweet: the brand may like it.
    let (el, state, _view) = followed(x_consumer_tweet()).await;
    let like = button(&post_region(&el), "Like ");
    like.unchecked_ref::<web_sys::HtmlElement>()
        .focus()
        .expect("the button takes focus");
    let mut post = state.conversation.get_untracked().post.expect("a post");
    post.liked_by_brand = true;
    assert!(state.apply(1, Change::Post(post)));
    settle().await;

    let like = button(&post_region(&el), "Like ");
    assert_eq!(attr(&like, "aria-pressed").as_deref(), Some("true"));
    assert_eq!(
        document().active_element().as_ref(),
        Some(&like),
        "the post was not drawn again under the agent's focus"
    );
}
