//! Each composer control shows what the conversation model allows: the toggle, Link to DM,
//! Mention and Reply follow the conversation and the agent, never a handler.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use social_api::*;
use wasm_bindgen::JsCast;
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
async fn link_to_dm_shows_what_it_will_send_and_sends_only_on_confirmation() {
    let net = FakeNetwork::install();
    let (el, _view) = open_conversation(x_public()).await;
    let link = by_role_named(&el, "button", "Link to DM");
    assert_eq!(attr(&link, "aria-disabled"), None);
    assert_eq!(attr(&link, "aria-expanded").as_deref(), Some("false"));
    click(&link);
    settle().await;
    assert!(
        net.requests().is_empty(),
        "opening the preview sends nothing"
    );
    assert_eq!(attr(&link, "aria-expanded").as_deref(), Some("true"));

    let preview = by_role_named(&el, "region", "Invite Kai Rivers to a private conversation");
    let public = labelled(
        &preview,
        "1. A public reply tweet — Replying to Kai Rivers: @acme my order is late",
    );
    let public: web_sys::HtmlTextAreaElement = public.unchecked_into();
    assert_eq!(
        public.value(),
        "We'd like to help you privately: https://twitter.com/messages/compose?recipient_id=page-1"
    );
    assert!(
        text(&preview).contains("Send a private message"),
        "what X shows"
    );

    // Without its link the invitation cannot go.
    type_text(&public, "Let's talk privately");
    settle().await;
    let send = by_role_named(&preview, "button", "Send invitation");
    assert_eq!(attr(&send, "aria-disabled").as_deref(), Some("true"));
    assert!(text(&preview).contains("must keep the link"));
    type_text(
        &public,
        "Kai, DM us here: https://twitter.com/messages/compose?recipient_id=page-1",
    );
    settle().await;
    assert_eq!(attr(&send, "aria-disabled"), None);

    let mut invite = message(
        30,
        agent("Dana"),
        Space::Public,
        "Kai, DM us here: https://twitter.com/messages/compose?recipient_id=page-1",
    );
    invite.reply_to = Some(MessageId(21));
    let sent = DmInviteSent {
        public_reply: invite,
        private_reply: None,
    };
    net.reply(201, &serde_json::to_string(&sent).unwrap());
    click(&send);
    idle().await;

    let requests = net.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].url, "/api/conversations/3/dm-invite");
    assert!(
        requests[0].key.is_some(),
        "a POST carries an Idempotency-Key"
    );
    let body: DmInviteRequest = serde_json::from_str(requests[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body.public_text.as_deref(),
        Some("Kai, DM us here: https://twitter.com/messages/compose?recipient_id=page-1")
    );
    let items = all(&el, ".transcript__list > li");
    assert_eq!(items.len(), 2);
    assert!(!has_role_named(
        &el,
        "region",
        "Invite Kai Rivers to a private conversation"
    ));
    let link = by_role_named(&el, "button", "Link to DM");
    assert!(
        description(&link).starts_with("Invited at "),
        "{}",
        description(&link)
    );

    // Another invitation asks first.
    click(&link);
    settle().await;
    let preview = by_role_named(&el, "region", "Invite Kai Rivers to a private conversation");
    assert!(text(&preview).contains("Kai Rivers was invited at"));
    assert!(has_role_named(
        &preview,
        "button",
        "Send another invitation"
    ));
    click(&by_role_named(&preview, "button", "Cancel"));
    settle().await;
    assert_eq!(net.requests().len(), 1, "cancel sends nothing");
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
        !has_button(&items[1], "Reply to "),
        "the brand's own messages cannot be answered"
    );

    click(&button(&items[0], "Reply to "));
    settle().await;
    let chip = by_role_named(&el, "group", "Reply target");
    assert_eq!(
        text(&chip).trim_end_matches('×'),
        "Replying to Jane Doe: My parcel never arrived and nobody answers the phone."
    );
    let group = by_role_named(&el, "radiogroup", "Reply space");
    assert!(
        is_checked(&labelled(&group, "Public")),
        "an empty draft follows a public target into Public"
    );

    click(&by_role_named(&chip, "button", "Remove reply target"));
    settle().await;
    assert!(!has_role_named(&el, "group", "Reply target"));

    // Reply is a toggle: pressed while it is the target, and a second press clears it.
    let reply = button(&items[0], "Reply to ");
    click(&reply);
    settle().await;
    assert_eq!(attr(&reply, "aria-pressed").as_deref(), Some("true"));
    click(&reply);
    settle().await;
    assert_eq!(attr(&reply, "aria-pressed").as_deref(), Some("false"));
    assert!(!has_role_named(&el, "group", "Reply target"));
}

#[wasm_bindgen_test]
async fn another_agents_conversation_can_be_read_and_says_why_nothing_can_be_done() {
    let mut theirs = x_public();
    theirs.assigned_to = Some(Assignee {
        id: AgentId(99),
        name: "Alex Admin".into(),
    });
    let (el, _view) = open_conversation(theirs).await;
    let note = by_role(&el, "note").pop().expect("whose it is");
    assert_eq!(
        text(&note),
        "Assigned to Alex Admin. You can read this conversation; only they or an admin can act in it."
    );
    let like = button(&el, "Like ");
    assert_eq!(attr(&like, "aria-disabled").as_deref(), Some("true"));
    assert!(description(&like).contains("assigned to Alex Admin"));
    assert_eq!(
        attr(&send_button(&el), "aria-disabled").as_deref(),
        Some("true")
    );
}

#[wasm_bindgen_test]
async fn a_conversation_whose_source_was_disconnected_says_so_and_every_control_why() {
    let mut gone = x_public();
    gone.brand.disconnected = true;
    let (el, _view) = open_conversation(gone).await;
    let expected = format!(
        "{BRAND} was disconnected by an admin: the conversation stays readable, but nothing can be sent, liked or answered through it."
    );
    let notes: Vec<String> = by_role(&el, "note").iter().map(text).collect();
    assert!(notes.contains(&expected), "{notes:?}");
    let like = button(&el, "Like ");
    assert_eq!(attr(&like, "aria-disabled").as_deref(), Some("true"));
    assert!(description(&like).contains("disconnected by an admin"));
    assert_eq!(
        attr(&send_button(&el), "aria-disabled").as_deref(),
        Some("true")
    );
}

#[wasm_bindgen_test]
async fn my_own_conversation_says_so() {
    let (el, _view) = open_conversation(x_public()).await;
    let note = by_role(&el, "note").pop().expect("whose it is");
    assert_eq!(text(&note), "Assigned to you.");
}
