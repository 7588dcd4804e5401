//! Switching conversations replaces everything: nothing of the previous one stays on
//! screen, its load is cleaned up (which aborts the request), and a late answer is dropped.
#![cfg(target_arch = "wasm32")]

mod common;

use std::sync::{
    atomic::{AtomicBool, AtomicU32, Ordering},
    Arc,
};

use common::*;
use leptos::{mount::mount_to, prelude::*};
use social_api::*;
use social_widget::{
    client::ApiError,
    components::conversation_panel::ConversationPanel,
    state::{ConversationModel, Failure},
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn fixture(id: ConversationId) -> Result<Conversation, Failure> {
    match id.0 {
        1 => Ok(facebook_thread()),
        2 => Ok(x_dm()),
        _ => Err(ApiError::NotFound.into()),
    }
}

const A_TEXTS: [&str; 4] = [
    "Jane Doe",
    "Our spring sale starts today!",
    "My parcel never arrived",
    "Checked the carrier: lost in transit.",
];
const B_TEXTS: [&str; 3] = ["Kai Rivers", "@kai_r", "Hi, my refund is late."];

fn assert_shows_b_only(el: &web_sys::Element) {
    let shown = text(el);
    for a in A_TEXTS {
        assert!(
            !shown.contains(a),
            "{a:?} of the previous conversation is still shown: {shown:?}"
        );
    }
    for b in B_TEXTS {
        assert!(shown.contains(b), "{b:?} is not shown: {shown:?}");
    }
}

#[wasm_bindgen_test]
async fn switching_replaces_every_trace_of_the_previous_conversation() {
    let (id, set_id) = signal(None::<ConversationId>);
    let el = container();
    let _view = mount_to(el.clone(), move || {
        let model = ConversationModel::new(id.into(), |id| async move { fixture(id) });
        view! { <ConversationPanel model idle="Nothing open"/> }
    });
    settle().await;
    assert!(text(&el).contains("Nothing open"));

    set_id.set(Some(ConversationId(1)));
    settle().await;
    let shown = text(&el);
    for a in A_TEXTS {
        assert!(shown.contains(a), "{a:?} is not shown: {shown:?}");
    }
    assert!(
        text(&el).contains("Private · Messenger"),
        "the consumer last wrote by DM"
    );

    set_id.set(Some(ConversationId(2)));
    settle().await;
    assert_shows_b_only(&el);
    assert!(text(&el).contains("Private · DM"));
    assert!(
        one(&el, ".post").is_none(),
        "a DM-only conversation shows no post"
    );
}

#[wasm_bindgen_test]
async fn a_late_answer_for_a_superseded_conversation_is_dropped_and_its_load_cleaned_up() {
    let (id, set_id) = signal(None::<ConversationId>);
    let a_cleaned_up = Arc::new(AtomicBool::new(false));
    let flag = a_cleaned_up.clone();
    let el = container();
    let _view = mount_to(el.clone(), move || {
        let model = ConversationModel::new(id.into(), move |id| {
            let flag = flag.clone();
            async move {
                if id.0 == 1 {
                    // How `client` aborts its request: a cleanup on the load's owner.
                    on_cleanup(move || flag.store(true, Ordering::SeqCst));
                    sleep(150).await;
                }
                fixture(id)
            }
        });
        view! { <ConversationPanel model idle="Nothing open"/> }
    });

    set_id.set(Some(ConversationId(1)));
    settle().await;
    let busy = one(&el, "[aria-busy=true]").expect("A is loading");
    assert!(text(&busy).contains("Loading the conversation"));

    set_id.set(Some(ConversationId(2)));
    settle().await;
    assert_shows_b_only(&el);
    assert!(
        a_cleaned_up.load(Ordering::SeqCst),
        "the superseded load was not cleaned up"
    );

    sleep(300).await;
    settle().await;
    assert_shows_b_only(&el);
}

#[wasm_bindgen_test]
async fn a_failed_load_says_what_failed_and_retry_loads_again() {
    let calls = Arc::new(AtomicU32::new(0));
    let counter = calls.clone();
    let el = container();
    let _view = mount_to(el.clone(), move || {
        let model = ConversationModel::new(Signal::stored(Some(ConversationId(2))), move |id| {
            let first = counter.fetch_add(1, Ordering::SeqCst) == 0;
            async move {
                if first {
                    Err(ApiError::Server {
                        status: 503,
                        title: "Service Unavailable".into(),
                        detail: Some("The store is offline.".into()),
                    }
                    .into())
                } else {
                    fixture(id)
                }
            }
        });
        view! { <ConversationPanel model idle="Nothing open"/> }
    });
    settle().await;

    let alert = by_role(&el, "alert").pop().expect("an error is shown");
    assert!(text(&alert).contains("Could not load the conversation."));
    assert!(
        text(&alert).contains("The server answered 503 Service Unavailable: The store is offline.")
    );

    click(&by_role_named(&el, "button", "Retry"));
    settle().await;

    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert!(by_role(&el, "alert").is_empty());
    assert_shows_b_only(&el);
}
