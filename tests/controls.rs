//! Each composer control shows what the conversation model allows: the toggle, Link to DM,
//! Mention and Reply follow the conversation and the agent, never a handler.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use social_api::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn has_toggle(el: &web_sys::Element) -> bool {
    has_role_named(el, "radiogroup", "Reply space")
}

fn composer_marker(el: &web_sys::Element) -> String {
    one(el, ".composer__head .marker")
        .map(|m| text(&m))
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_toggle_is_hidden_until_the_consumer_wrote_in_both_spaces() {
    let (el, _view) = open_conversation(x_public()).await;
    assert!(!has_toggle(&el), "the consumer only wrote publicly");
    assert_eq!(composer_marker(&el), "Public");

    let (el, _view2) = open_conversation(x_dm()).await;
    assert!(!has_toggle(&el), "the consumer only wrote privately");
    assert_eq!(composer_marker(&el), "Private (DM)");
}

#[wasm_bindgen_test]
async fn the_toggle_defaults_to_the_last_consumer_messages_space_and_holds_the_choice() {
    let (el, _view) = open_conversation(facebook_thread()).await;
    assert!(has_toggle(&el));
    let group = by_role_named(&el, "radiogroup", "Reply space");
    assert!(
        is_checked(&labelled(&group, "Private")),
        "the consumer last wrote privately"
    );
    assert!(!is_checked(&labelled(&group, "Public")));
    assert_eq!(composer_marker(&el), "Private (DM)");

    click(&labelled(&group, "Public"));
    settle().await;
    assert!(is_checked(&labelled(&group, "Public")));
    assert_eq!(composer_marker(&el), "Public");
    // Mentions follow the space the agent chose.
    let mention = by_role_named(&el, "button", "Mention");
    assert_eq!(attr(&mention, "aria-disabled"), None);
}

#[wasm_bindgen_test]
async fn link_to_dm_is_hidden_for_a_dm_only_conversation() {
    let (el, _view) = open_conversation(x_dm()).await;
    assert!(has_role_named(&el, "button", "Mention"));
    assert!(!has_role_named(&el, "button", "Link to DM"));
}

#[wasm_bindgen_test]
async fn link_to_dm_is_disabled_with_the_reason_once_the_consumer_wrote_privately() {
    let (el, _view) = open_conversation(facebook_thread()).await;
    let link = by_role_named(&el, "button", "Link to DM");
    assert_eq!(attr(&link, "aria-disabled").as_deref(), Some("true"));
    assert_eq!(
        description(&link),
        "The consumer is already in a private conversation."
    );
}

#[wasm_bindgen_test]
async fn link_to_dm_previews_and_sends_the_invitation() {
    let net = FakeNetwork::install();
    let (el, _view) = open_conversation(x_public()).await;
    let link = by_role_named(&el, "button", "Link to DM");
    assert_eq!(attr(&link, "aria-disabled"), None);
    assert!(
        description(&link).contains("Sends publicly: “We'd like to help you privately: https://twitter.com/messages/compose?recipient_id=page-1”"),
        "{}",
        description(&link)
    );

    let mut invite = message(
        30,
        agent("Dana"),
        Space::Public,
        "We'd like to help you privately: https://twitter.com/messages/compose?recipient_id=page-1",
    );
    invite.reply_to = Some(MessageId(21));
    let sent = DmInviteSent {
        public_reply: invite,
        private_reply: None,
    };
    net.reply(201, &serde_json::to_string(&sent).unwrap());
    click(&link);
    idle().await;

    let requests = net.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].url, "/api/conversations/3/dm-invite");
    assert!(
        requests[0].key.is_some(),
        "a POST carries an Idempotency-Key"
    );
    let items = all(&el, ".transcript__list > li");
    assert_eq!(items.len(), 2);
    assert!(text(&items[1]).contains("We'd like to help you privately"));
}

#[wasm_bindgen_test]
async fn mention_is_disabled_with_the_reason_in_private() {
    let (el, _view) = open_conversation(x_dm()).await;
    let mention = by_role_named(&el, "button", "Mention");
    assert_eq!(attr(&mention, "aria-disabled").as_deref(), Some("true"));
    assert_eq!(
        description(&mention),
        "Mentions are only possible in a public reply."
    );
    click(&mention);
    settle().await;
    assert_eq!(
        message_box(&el).value(),
        "",
        "a disabled Mention inserts nothing"
    );
}

#[wasm_bindgen_test]
async fn reply_shows_a_removable_chip_and_moves_the_draft_to_the_targets_space() {
    let (el, _view) = open_conversation(facebook_thread()).await;
    assert!(!has_role_named(&el, "group", "Reply target"));
    let items = all(&el, ".transcript__list > li");
    assert!(
        !has_role_named(&items[1], "button", "Reply"),
        "the brand's own messages cannot be answered"
    );

    click(&by_role_named(&items[0], "button", "Reply"));
    settle().await;
    let chip = by_role_named(&el, "group", "Reply target");
    assert_eq!(
        text(&chip).trim_end_matches('×'),
        "Replying to Jane Doe: My parcel never arrived and nobody answers the phone."
    );
    let group = by_role_named(&el, "radiogroup", "Reply space");
    assert!(
        is_checked(&labelled(&group, "Public")),
        "a public target switches the draft to Public"
    );

    click(&by_role_named(&chip, "button", "Remove reply target"));
    settle().await;
    assert!(!has_role_named(&el, "group", "Reply target"));
}
