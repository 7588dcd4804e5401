//! The dev page's lists page by page: the client follows the server's `Link` header, and
//! "Show more" appends the next page to the rows already shown, keyboard first.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use leptos::{mount::mount_to, prelude::*};
use social_api::*;
use social_widget::client;
use social_widget::host::standalone::StandalonePage;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn summary(id: i64, name: &str) -> ConversationSummary {
    ConversationSummary {
        id: ConversationId(id),
        source: Source::Facebook,
        space: Space::Private,
        consumer_name: name.into(),
        last_message_preview: format!("Latest from {name}"),
        last_message_at: Timestamp(1_700_000_000_000 - id),
        unread_count: 0,
        undelivered_count: 0,
        skill: None,
        engagement: None,
        assigned_to: None,
    }
}

fn rows(ids: &[(i64, &str)]) -> String {
    json_of(
        &ids.iter()
            .map(|(id, n)| summary(*id, n))
            .collect::<Vec<_>>(),
    )
}

const NEXT: &str = "/api/conversations?view=mine&limit=2&cursor=AAAA-bbbb_2";

fn link(target: &str) -> String {
    format!("<{target}>; rel=\"next\"")
}

fn names(rows: &[ConversationSummary]) -> Vec<&str> {
    rows.iter().map(|r| r.consumer_name.as_str()).collect()
}

#[wasm_bindgen_test]
async fn the_client_follows_the_link_header_to_the_next_page() {
    let net = FakeNetwork::install();
    net.reply_with(
        200,
        &rows(&[(1, "Ana"), (2, "Ben")]),
        &[("Link", &link(NEXT))],
    );
    net.reply(200, &rows(&[(3, "Cleo")]));

    let first = client::conversations(TOKEN, ListView::Mine, 0)
        .await
        .expect("a page");
    assert_eq!(names(&first.rows), ["Ana", "Ben"]);
    let next = first.next.expect("a next page");
    let last = client::conversations_at(TOKEN, &next)
        .await
        .expect("a page");

    assert_eq!(names(&last.rows), ["Cleo"]);
    assert_eq!(last.next, None, "no Link: the last page");
    let urls: Vec<_> = net.requests().into_iter().map(|r| r.url).collect();
    assert_eq!(urls, ["/api/conversations?view=mine", NEXT]);
}

#[wasm_bindgen_test]
async fn a_list_read_again_reads_as_many_pages_as_it_showed() {
    let net = FakeNetwork::install();
    net.reply_with(
        200,
        &rows(&[(1, "Ana"), (2, "Ben")]),
        &[("Link", &link(NEXT))],
    );
    net.reply(200, &rows(&[(3, "Cleo")]));

    let list = client::conversations(TOKEN, ListView::Mine, 3)
        .await
        .expect("pages");

    assert_eq!(names(&list.rows), ["Ana", "Ben", "Cleo"]);
    assert_eq!(net.requests().len(), 2);
}

#[wasm_bindgen_test]
fn only_the_lists_own_next_page_is_followed() {
    let own = "/api/conversations?view=all&limit=50&cursor=x";
    assert_eq!(
        client::next_page(&format!("<{own}>; rel=\"prev\", <{own}>; rel=\"next\"")).as_deref(),
        own.strip_prefix("/api")
    );
    assert_eq!(client::next_page(&format!("<{own}>; rel=\"prev\"")), None);
    assert_eq!(
        client::next_page("<https://elsewhere.example/api/conversations?x>; rel=\"next\""),
        None
    );
    assert_eq!(client::next_page("</api/me>; rel=\"next\""), None);
}

/// The dev page signed in, its "My" list's first page (Ana, Ben) saying a next page is at
/// [`NEXT`], and the widget's read of the open conversation left unanswered.
async fn dev_page(net: &FakeNetwork) -> (web_sys::HtmlElement, impl Sized) {
    net.reply(
        200,
        &json_of(&NewSession {
            token: TOKEN.into(),
            expires_at: Timestamp(1_800_000_000_000),
        }),
    );
    net.reply(
        200,
        &json_of(&Me {
            agent: human(),
            account: "demo".into(),
        }),
    );
    net.reply_with(
        200,
        &rows(&[(1, "Ana"), (2, "Ben")]),
        &[("Link", &link(NEXT))],
    );
    net.reply(200, &rows(&[(1, "Ana"), (2, "Ben")]));
    net.hold(404, "{}");
    let el = container();
    let view = mount_to(el.clone(), StandalonePage);
    idle().await;
    (el, view)
}

fn list_rows(el: &web_sys::Element) -> Vec<web_sys::Element> {
    all(el, ".list > li > button")
}

#[wasm_bindgen_test]
async fn show_more_appends_the_next_page_and_the_focus_moves_on_to_it() {
    let net = FakeNetwork::install();
    let (el, _view) = dev_page(&net).await;
    let before = list_rows(&el);
    assert_eq!(before.len(), 2, "{}", text(&el));
    let more = by_role_named(&el, "button", "Show more");
    net.reply(200, &rows(&[(3, "Cleo")]));

    // As a keyboard user: on the button, then activate it.
    more.unchecked_ref::<web_sys::HtmlElement>()
        .focus()
        .expect("focusable");
    assert!(more.is_same_node(document().active_element().as_ref().map(|e| e.as_ref())));
    click(&more);
    idle().await;

    let after = list_rows(&el);
    assert_eq!(after.len(), 3);
    assert!(text(&after[2]).contains("Cleo"));
    // Keyed rows: those shown before are the same elements, not redrawn.
    assert!(after[0].is_same_node(Some(&before[0])));
    assert!(after[1].is_same_node(Some(&before[1])));
    assert!(!has_button(&el, "Show more"), "the last page: no more");
    assert!(
        after[2].is_same_node(document().active_element().as_ref().map(|e| e.as_ref())),
        "the focus went on to the first new row"
    );
    let urls: Vec<_> = net.requests().into_iter().map(|r| r.url).collect();
    assert_eq!(urls.last().map(String::as_str), Some(NEXT), "{urls:?}");
}

#[wasm_bindgen_test]
async fn a_next_page_that_fails_says_so_and_show_more_tries_again() {
    let net = FakeNetwork::install();
    let (el, _view) = dev_page(&net).await;
    net.fail();
    click(&by_role_named(&el, "button", "Show more"));
    idle().await;

    assert!(text(&el).contains("Could not load more conversations."));
    assert_eq!(list_rows(&el).len(), 2);
    net.reply(200, &rows(&[(3, "Cleo")]));
    click(&by_role_named(&el, "button", "Show more"));
    idle().await;

    assert_eq!(list_rows(&el).len(), 3);
    assert!(!text(&el).contains("Could not load more"));
}
