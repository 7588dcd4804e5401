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

/// Right-to-left override: without isolation, everything after it in the paragraph is shown
/// backwards ("22:13" as "31:22").
const RLO: &str = "\u{202E}";

/// The texts that contain `RLO` but are not isolated on their own (in a `<bdi>`, an element
/// with `dir`, or a block holding nothing else), so the override leaks into what follows.
fn unisolated(root: &web_sys::HtmlElement) -> Vec<String> {
    root.set_id("bidi-root");
    let found = js_sys::eval(
        r#"(() => {
            const root = document.getElementById('bidi-root');
            const bad = [];
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                if (!n.data.includes('\u202E')) continue;
                // Nothing may follow this text inside its nearest isolating element: an
                // override then ends with it, before anything of ours.
                let isolate = n.parentElement;
                const isolating = (el) => ['isolate', 'plaintext', 'isolate-override']
                    .includes(getComputedStyle(el).unicodeBidi);
                while (isolate !== root && !isolating(isolate)) isolate = isolate.parentElement;
                // (Every hostile text here ends with the override: one in the middle of a
                // text node means a consumer's text was joined with more after it.)
                if (isolate === root || n.data.indexOf('\u202E') !== n.data.length - 1 || !isolate.textContent.endsWith(n.data)) {
                    bad.push(isolate.tagName + '.' + isolate.className + ' ' + JSON.stringify(isolate.textContent));
                }
            }
            root.removeAttribute('id');
            return JSON.stringify(bad);
        })()"#,
    )
    .unwrap();
    serde_json::from_str(&found.as_string().unwrap()).unwrap()
}

/// The elements of the widget's own words (times, notes) whose characters are not laid out
/// left to right, as they would be if a consumer's override leaked into them.
fn reversed(root: &web_sys::HtmlElement) -> Vec<String> {
    root.set_id("bidi-root");
    let found = js_sys::eval(
        r#"(() => {
            const root = document.getElementById('bidi-root');
            const bad = [];
            let checked = 0;
            for (const el of root.querySelectorAll('time, .row__failed, .msg__edited')) {
                const t = el.firstChild;
                if (!t || t.nodeType !== Node.TEXT_NODE) continue;
                checked += 1;
                let previous = -Infinity;
                for (let i = 0; i < t.data.length; i++) {
                    if (t.data[i] === ' ') continue;
                    const range = document.createRange();
                    range.setStart(t, i);
                    range.setEnd(t, i + 1);
                    const x = range.getBoundingClientRect().left;
                    if (x < previous) { bad.push(el.tagName + ' ' + JSON.stringify(t.data)); break; }
                    previous = x;
                }
            }
            root.removeAttribute('id');
            if (checked === 0) bad.push('nothing checked');
            return JSON.stringify(bad);
        })()"#,
    )
    .unwrap();
    serde_json::from_str(&found.as_string().unwrap()).unwrap()
}

fn overriding_conversation() -> Conversation {
    let name = format!("Maria{RLO}");
    let mut profile = available(&name, Some(&format!("maria{RLO}")));
    if let Profile::Available(p) = &mut profile {
        p.locale = Some(format!("es{RLO}"));
        p.timezone = Some(format!("Madrid{RLO}"));
    }
    let mut post = post(&format!("New boots are here{RLO}"));
    post.author = format!("Acme{RLO}");
    post.by_brand = false;
    let mut first = message(
        1,
        Author::Consumer,
        Space::Public,
        &format!("where is it{RLO}"),
    );
    first.edited = true;
    first.consumer_reaction = Some(RLO.into());
    let mut second = message(2, Author::Consumer, Space::Public, &format!("hello{RLO}"));
    second.consumer_reaction = Some("like".into());
    let mut reply = message(3, agent(&format!("Dana{RLO}")), Space::Public, "On its way");
    reply.reply_to = Some(MessageId(1));
    conversation(
        9,
        Source::Facebook,
        profile,
        Some(post),
        vec![first, second, reply],
    )
}

#[wasm_bindgen_test]
async fn bidi_controls_in_a_conversation_never_reorder_what_follows_them() {
    let el = container();
    let _view = mount_to(
        el.clone(),
        || view! { <Widget state=OpenConversation::read_only(overriding_conversation())/> },
    );
    settle().await;

    assert!(text(&el).contains(&format!("Maria{RLO}")), "shown as sent");
    let none = Vec::<String>::new();
    assert_eq!((unisolated(&el), reversed(&el)), (none.clone(), none));
}

#[wasm_bindgen_test]
async fn bidi_controls_in_the_list_never_reorder_what_follows_them() {
    use social_widget::components::conversation_list::ConversationList;
    let rows = vec![ConversationSummary {
        id: ConversationId(1),
        source: Source::X,
        space: Space::Private,
        consumer_name: format!("Kai{RLO}"),
        last_message_preview: format!("my order{RLO}"),
        last_message_at: Timestamp(1_700_000_000_000),
        unread_count: 1,
        undelivered_count: 1,
        skill: None,
        engagement: None,
        assigned_to: None,
    }];
    let none: Option<ConversationId> = None;
    let el = container();
    let _view = mount_to(el.clone(), move || {
        view! {
            <ConversationList
                view=ListView::Mine
                on_view=Callback::new(|_| ())
                rows
                selected=none
                on_select=Callback::new(|_| ())
            />
        }
    });
    settle().await;

    let none = Vec::<String>::new();
    assert_eq!((unisolated(&el), reversed(&el)), (none.clone(), none));
}

#[wasm_bindgen_test]
async fn bidi_controls_never_reorder_the_link_to_dm_preview() {
    let mut c = x_public();
    c.consumer.profile = available(&format!("Kai{RLO}"), Some("kai_r"));
    c.messages[0].text = format!("@acme my order is late{RLO}");
    let (el, _view) = open_conversation(c).await;
    click(&by_role_named(&el, "button", "Link to DM"));
    settle().await;

    let preview = one(&el, "section.invite").expect("the preview is open");
    let preview: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(preview);
    assert!(text(&preview).contains(&format!("Invite Kai{RLO} to a private conversation")));
    let none = Vec::<String>::new();
    assert_eq!(unisolated(&preview), none);
}
