//! The transcript: every message says where it is visible, who wrote it and what it answers.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use leptos::{mount::mount_to, prelude::*};
use social_widget::{
    components::{message_item::excerpt, transcript::Transcript},
    state::OpenConversation,
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The transcript of `conversation`, read-only, mounted and rendered.
async fn show_transcript(
    conversation: social_api::Conversation,
) -> (web_sys::HtmlElement, impl Sized) {
    let el = container();
    let view = mount_to(el.clone(), move || {
        view! { <Transcript state=OpenConversation::read_only(conversation.clone())/> }
    });
    settle().await;
    (el, view)
}

fn items(el: &web_sys::Element) -> Vec<web_sys::Element> {
    all(el, ".transcript__list > li")
}

fn marker(item: &web_sys::Element) -> String {
    one(item, ".marker").map(|m| text(&m)).unwrap_or_default()
}

#[wasm_bindgen_test]
async fn each_message_shows_its_space_marker_and_author() {
    let (el, _view) = show_transcript(facebook_thread()).await;

    by_role_named(&el, "heading", "Messages");
    let items = items(&el);
    assert_eq!(items.len(), 4);
    let seen: Vec<(String, String)> = items
        .iter()
        .map(|i| {
            (
                marker(i),
                one(i, ".msg__author").map(|a| text(&a)).unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("Public".into(), "Jane Doe".into()),
            ("Public".into(), "Dana".into()),
            ("Private (DM)".into(), "Jane Doe".into()),
            ("Internal note".into(), "Dana".into()),
        ]
    );
}

#[wasm_bindgen_test]
async fn a_reply_quotes_what_it_answers() {
    let (el, _view) = show_transcript(facebook_thread()).await;

    let items = items(&el);
    let quote = one(&items[1], "blockquote").expect("the reply has a quote");
    assert_eq!(
        text(&quote),
        "Replying to Jane Doe: My parcel never arrived and nobody answers the phone."
    );
    assert!(
        one(&items[0], "blockquote").is_none(),
        "a message that answers nothing quotes nothing"
    );
}

#[wasm_bindgen_test]
async fn liked_and_undelivered_messages_say_so() {
    let (el, _view) = show_transcript(facebook_thread()).await;
    let items = items(&el);
    assert!(text(&items[2]).contains("Liked by Acme Support"));
    assert!(!text(&items[0]).contains("Liked by"));

    let (el, _view2) = show_transcript(x_dm()).await;
    let items = all(&el, ".transcript__list > li");
    assert_eq!(
        one(&items[1], ".msg__author").map(|a| text(&a)).as_deref(),
        Some("Acme Bot (bot)")
    );
    // Pending since 2023 by the browser's clock: nobody can say whether it arrived.
    assert!(
        text(&items[1]).contains("Outcome unknown"),
        "{}",
        text(&items[1])
    );
    assert!(text(&items[2]).contains("Not delivered."));
    assert!(text(&items[2]).contains("the consumer closed their DMs"));
    assert!(!text(&items[0]).contains("Not delivered"));
}

#[wasm_bindgen_test]
fn excerpts_cut_long_text_at_a_word() {
    assert_eq!(excerpt("short", 80), "short");
    assert_eq!(excerpt("one two three four", 10), "one two…");
    assert_eq!(excerpt("ééééé", 3), "ééé…");
}

/// Resolves on the browser's next animation frame.
async fn next_frame() {
    let frame = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .expect("a window")
            .request_animation_frame(&resolve);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(frame).await;
}

#[wasm_bindgen_test]
async fn a_transcript_gone_before_its_first_frame_leaves_nothing_behind_that_panics() {
    use std::sync::atomic::{AtomicBool, Ordering};
    // Its scroll to the newest message waits for the next frame; an agent who moves on
    // within that frame disposes the transcript first (seen in a framed widget switching
    // from a non-social focus to a conversation).
    static PANICKED: AtomicBool = AtomicBool::new(false);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICKED.store(true, Ordering::SeqCst);
        previous(info);
    }));
    let el = container();
    let conversation = facebook_thread();
    let view = mount_to(el.clone(), move || {
        view! { <Transcript state=OpenConversation::read_only(conversation.clone())/> }
    });
    settle().await;
    assert_eq!(items(&el).len(), facebook_thread().messages.len(), "shown");
    drop(view);
    next_frame().await;
    next_frame().await;
    assert!(
        !PANICKED.load(Ordering::SeqCst),
        "a callback of the disposed transcript panicked"
    );
}
