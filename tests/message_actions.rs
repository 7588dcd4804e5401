//! Actions on one message: the brand's like (optimistic, rolled back with the reason on
//! failure) and Retry for a message whose delivery failed.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use social_api::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn first_item(el: &web_sys::Element) -> web_sys::Element {
    all(el, ".transcript__list > li").remove(0)
}

#[wasm_bindgen_test]
async fn like_is_offered_only_on_public_consumer_messages() {
    let (el, _view) = open_conversation(x_dm()).await;
    assert!(!has_role_named(&el, "button", "Like"), "no likes in DMs");

    let (el, _view2) = open_conversation(x_public()).await;
    let like = by_role_named(&first_item(&el), "button", "Like");
    assert_eq!(attr(&like, "aria-pressed").as_deref(), Some("false"));
}

#[wasm_bindgen_test]
async fn a_like_shows_at_once_and_rolls_back_with_the_reason_when_the_platform_refuses() {
    let net = FakeNetwork::install();
    let (el, _view) = open_conversation(x_public()).await;
    let item = first_item(&el);

    let problem = serde_json::json!({
        "type": "urn:social-widget:platform-error",
        "title": "The platform did not do it.",
        "status": 502,
        "detail": "X answered 403: you cannot like this tweet."
    });
    net.hold(502, &problem.to_string());
    click(&by_role_named(&item, "button", "Like"));
    settle().await;

    let unlike = by_role_named(&item, "button", "Unlike");
    assert_eq!(attr(&unlike, "aria-pressed").as_deref(), Some("true"));
    assert_eq!(attr(&unlike, "aria-busy").as_deref(), Some("true"));
    assert!(text(&item).contains("Liked by Acme Support"));

    net.release();
    idle().await;
    let like = by_role_named(&item, "button", "Like");
    assert_eq!(attr(&like, "aria-pressed").as_deref(), Some("false"));
    assert!(!text(&item).contains("Liked by"));
    let alert = by_role(&item, "alert").pop().expect("the reason is shown");
    assert_eq!(
        text(&alert),
        "Not liked: The platform did not do it. X answered 403: you cannot like this tweet."
    );
    let requests = net.requests();
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].url, "/api/messages/21/like");
    assert_eq!(
        requests[0].authorization.as_deref(),
        Some("Bearer test-token")
    );
}

#[wasm_bindgen_test]
async fn a_like_and_an_unlike_keep_the_servers_answer() {
    let net = FakeNetwork::install();
    let (el, _view) = open_conversation(x_public()).await;
    let item = first_item(&el);
    let mut liked = x_public().messages[0].clone();
    liked.liked_by_brand = true;
    net.reply(200, &json_of(&liked));
    click(&by_role_named(&item, "button", "Like"));
    idle().await;
    assert_eq!(
        attr(&by_role_named(&item, "button", "Unlike"), "aria-pressed").as_deref(),
        Some("true")
    );
    assert!(by_role(&item, "alert").is_empty());

    net.reply(200, &json_of(&x_public().messages[0]));
    click(&by_role_named(&item, "button", "Unlike"));
    idle().await;
    by_role_named(&item, "button", "Like");
    let methods: Vec<String> = net.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["POST", "DELETE"]);
}

#[wasm_bindgen_test]
async fn a_failed_message_shows_its_reason_and_retry_sends_it_again() {
    let net = FakeNetwork::install();
    let (el, _view) = open_conversation(x_dm()).await;
    let failed = all(&el, ".transcript__list > li").remove(2);
    assert!(text(&failed).contains("Not delivered: the consumer closed their DMs"));
    assert!(
        !has_role_named(&all(&el, ".transcript__list > li")[0], "button", "Retry"),
        "only failed messages can be retried"
    );

    let mut delivered = x_dm().messages[2].clone();
    delivered.delivery = Delivery::Sent;
    net.reply(200, &json_of(&delivered));
    click(&by_role_named(&failed, "button", "Retry"));
    idle().await;

    assert_eq!(net.requests()[0].url, "/api/messages/13/retry");
    assert!(!text(&failed).contains("Not delivered"));
    assert!(!has_role_named(&failed, "button", "Retry"));
}
