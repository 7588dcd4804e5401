//! The brand's likes, of a message or of the post (optimistic, rolled back with the reason
//! on failure), and Retry for a message whose delivery failed.
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
    assert!(!has_button(&el, "Like "), "no likes in DMs");

    let (el, _view2) = open_conversation(x_public()).await;
    let like = button(&first_item(&el), "Like ");
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
    click(&button(&item, "Like "));
    settle().await;

    let unlike = button(&item, "Like ");
    assert_eq!(attr(&unlike, "aria-pressed").as_deref(), Some("true"));
    assert_eq!(attr(&unlike, "aria-busy").as_deref(), Some("true"));
    assert!(text(&item).contains("Liked by Acme Support"));

    net.release();
    idle().await;
    let like = button(&item, "Like ");
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
    click(&button(&item, "Like "));
    idle().await;
    assert_eq!(
        attr(&button(&item, "Like "), "aria-pressed").as_deref(),
        Some("true")
    );
    assert!(by_role(&item, "alert").is_empty());

    net.reply(200, &json_of(&x_public().messages[0]));
    click(&button(&item, "Like "));
    idle().await;
    button(&item, "Like ");
    let methods: Vec<String> = net.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["POST", "DELETE"]);
}

#[wasm_bindgen_test]
async fn a_failed_message_says_why_in_plain_words_and_retry_shows_sending_then_sent() {
    let net = FakeNetwork::install();
    let (el, _view) = open_conversation(x_dm()).await;
    let failed = all(&el, ".transcript__list > li").remove(2);
    let said = text(&failed);
    assert!(said.contains("Not delivered."), "{said}");
    assert!(
        said.contains("does not take direct messages from the brand"),
        "the refusal in plain words: {said}"
    );
    assert!(
        said.contains("Reply publicly"),
        "with the next step: {said}"
    );
    let raw = one(&failed, "details").expect("the platform's own words, kept");
    assert!(text(&raw).contains("the consumer closed their DMs"));
    assert!(
        !has_button(&all(&el, ".transcript__list > li")[0], "Retry "),
        "only failed messages can be retried"
    );

    let mut delivered = x_dm().messages[2].clone();
    delivered.delivery = Delivery::Sent;
    net.hold(200, &json_of(&delivered));
    let retry = button(&failed, "Retry ");
    assert!(
        name_of(&retry).starts_with("Retry the message of "),
        "named for what it resends"
    );
    click(&retry);
    settle().await;
    let status = one(&failed, ".msg__delivery").expect("the delivery line");
    assert_eq!(
        text(&status),
        "Sending…",
        "it says at once that it is on its way"
    );
    assert_eq!(
        leptos::prelude::document().active_element().as_ref(),
        Some(&status),
        "the focus stays on the message, not the page"
    );
    net.release();
    idle().await;

    assert_eq!(net.requests()[0].url, "/api/messages/13/retry");
    assert_eq!(text(&status), "Sent");
    assert!(!has_button(&failed, "Retry "));
}

#[wasm_bindgen_test]
async fn a_message_on_its_way_too_long_says_its_outcome_is_unknown() {
    let mut stuck = x_dm();
    // Pending since long before the tests' "now".
    stuck.messages[1].sent_at = Timestamp(NOW.0 - 10 * 60 * 1000);
    let (el, _view) = open_conversation(stuck).await;
    let item = all(&el, ".transcript__list > li").remove(1);
    assert!(
        text(&item).contains("Outcome unknown: it may or may not have reached X."),
        "{}",
        text(&item)
    );
}

/// The post's region, checked to be the one the agent reads as "Original tweet".
fn original_tweet(el: &web_sys::Element) -> web_sys::Element {
    let post = post_region(el);
    by_role_named(&post, "heading", "Original tweet");
    post
}

#[wasm_bindgen_test]
async fn a_consumers_tweet_can_be_liked_as_the_brand() {
    let net = FakeNetwork::install();
    let (el, _view) = open_conversation(x_consumer_tweet()).await;
    let post = original_tweet(&el);
    let like = button(&post, "Like ");
    assert_eq!(attr(&like, "aria-pressed").as_deref(), Some("false"));
    assert!(!text(&post).contains("Liked by"));

    let mut liked = x_consumer_tweet().post.unwrap();
    liked.liked_by_brand = true;
    net.hold(200, &json_of(&liked));
    click(&like);
    settle().await;
    let unlike = button(&post, "Like ");
    assert_eq!(attr(&unlike, "aria-pressed").as_deref(), Some("true"));
    assert_eq!(attr(&unlike, "aria-busy").as_deref(), Some("true"));
    assert!(text(&post).contains("Liked by Acme Support"));

    net.release();
    idle().await;
    let unlike = button(&post, "Like ");
    assert_eq!(attr(&unlike, "aria-pressed").as_deref(), Some("true"));
    assert_eq!(attr(&unlike, "aria-busy"), None);
    assert!(text(&post).contains("Liked by Acme Support"));
    assert!(by_role(&post, "alert").is_empty());
    let requests = net.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].url, "/api/conversations/4/post/like");
    assert!(
        requests[0].key.as_deref().is_some_and(|k| k.len() == 32),
        "an Idempotency-Key is sent: {:?}",
        requests[0].key
    );
    assert_eq!(
        requests[0].authorization.as_deref(),
        Some("Bearer test-token")
    );
}

#[wasm_bindgen_test]
async fn the_brands_own_post_has_no_like_button() {
    let (el, _view) = open_conversation(x_public()).await;
    let post = original_tweet(&el);
    assert!(
        by_role(&post, "button").is_empty(),
        "no Like on the brand's own tweet"
    );
    // The consumer's message in the same conversation still has one: the controls are there.
    button(&first_item(&el), "Like ");
}

#[wasm_bindgen_test]
async fn a_post_like_the_platform_refuses_rolls_back_with_the_reason() {
    let net = FakeNetwork::install();
    let (el, _view) = open_conversation(x_consumer_tweet()).await;
    let post = original_tweet(&el);

    net.problem(
        502,
        "urn:social-widget:platform-error",
        "The platform did not do it.",
        "X answered 403: you cannot like this tweet.",
    );
    click(&button(&post, "Like "));
    idle().await;

    let like = button(&post, "Like ");
    assert_eq!(attr(&like, "aria-pressed").as_deref(), Some("false"));
    assert!(!text(&post).contains("Liked by"));
    let alert = by_role(&post, "alert")
        .pop()
        .expect("the reason is shown at the post");
    assert_eq!(
        text(&alert),
        "Not liked: The platform did not do it. X answered 403: you cannot like this tweet."
    );
    assert_eq!(net.requests()[0].url, "/api/conversations/4/post/like");
    assert!(
        by_role(&first_item(&el), "alert").is_empty(),
        "the notice is the post's, not a message's"
    );
}

#[wasm_bindgen_test]
async fn nobody_acting_sees_no_like_on_the_post() {
    use leptos::prelude::*;
    use social_widget::{components::widget::Widget, state::OpenConversation};
    let el = container();
    let _view = leptos::mount::mount_to(
        el.clone(),
        || view! { <Widget state=OpenConversation::read_only(x_consumer_tweet())/> },
    );
    settle().await;
    assert!(by_role(&post_region(&el), "button").is_empty());
}
