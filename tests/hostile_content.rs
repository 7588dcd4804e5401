//! User content is text: markup in names, posts and messages is shown literally and never
//! becomes elements, and unsafe URLs never become links.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use leptos::{mount::mount_to, prelude::*};
use social_api::*;
use social_widget::{components::widget::Widget, state::OpenConversation};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const HOSTILE: [&str; 3] = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<b>x</b>",
];

fn hostile_conversation() -> Conversation {
    let name = HOSTILE.concat();
    let mut profile = available(&name, Some("<b>x</b>"));
    if let Profile::Available(p) = &mut profile {
        p.profile_url = Some("javascript:alert(1)".into());
        p.picture_url = Some("javascript:alert(1)".into());
        p.locale = Some("<b>x</b>".into());
    }
    let mut post = post(&HOSTILE.join(" "));
    post.author = "<b>x</b>".into();
    post.permalink = "javascript:alert(1)".into();
    post.attachment_url = Some(" JavaScript:alert(1)".into());
    let mut reply = message(
        3,
        agent("<img src=x onerror=alert(1)>"),
        Space::Public,
        HOSTILE[2],
    );
    reply.reply_to = Some(MessageId(1));
    reply.delivery = Delivery::Failed {
        reason: HOSTILE[0].into(),
    };
    let messages = vec![
        message(1, Author::Consumer, Space::Public, HOSTILE[0]),
        message(2, Author::Consumer, Space::Private, HOSTILE[1]),
        reply,
    ];
    conversation(9, Source::Facebook, profile, Some(post), messages)
}

/// Replaces `alert` with a recorder: a real dialog would hang the test browser instead of
/// failing the test.
fn record_alerts() {
    js_sys::eval("window.__alerts = 0; window.alert = function () { window.__alerts += 1; };")
        .unwrap();
}

fn alerts() -> f64 {
    js_sys::eval("window.__alerts").unwrap().as_f64().unwrap()
}

#[wasm_bindgen_test]
async fn markup_in_user_content_is_shown_as_literal_text() {
    record_alerts();
    let el = container();
    let _view = mount_to(
        el.clone(),
        || view! { <Widget state=OpenConversation::read_only(hostile_conversation())/> },
    );
    settle().await;

    for tag in ["script", "img", "b"] {
        assert!(
            all(&el, tag).is_empty(),
            "a <{tag}> element was created from user content"
        );
    }
    let shown = text(&el);
    for hostile in HOSTILE {
        assert!(
            shown.contains(hostile),
            "{hostile:?} is not shown literally in {shown:?}"
        );
    }
    by_role_named(&el, "heading", &HOSTILE.concat());
    sleep_a_moment().await;
    assert_eq!(alerts(), 0.0, "user content ran script");
    let post_text = one(&el, ".post__text").map(|p| text(&p));
    assert_eq!(post_text.as_deref(), Some(HOSTILE.join(" ").as_str()));
}

/// Gives a broken image time to fire `onerror`.
async fn sleep_a_moment() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 100)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

#[wasm_bindgen_test]
async fn unsafe_urls_never_become_links() {
    let el = container();
    let _view = mount_to(
        el.clone(),
        || view! { <Widget state=OpenConversation::read_only(hostile_conversation())/> },
    );
    settle().await;

    let hrefs: Vec<String> = all(&el, "[href],[src]")
        .iter()
        .flat_map(|e| [e.get_attribute("href"), e.get_attribute("src")])
        .flatten()
        .collect();
    assert!(hrefs.is_empty(), "unsafe URLs were used: {hrefs:?}");
    // The initials stand in for the unsafe picture.
    assert!(one(&el, ".avatar--initials").is_some());
}
