//! The composer: the live counter and Send's reason, Enter to send, what a send does to
//! the draft (clears it, or keeps it with the reason), the per-conversation drafts, the
//! mention at the caret, and internal notes.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use leptos::prelude::*;
use social_api::*;
use social_widget::state::draft::{caret_to_chars, caret_to_utf16};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn counter(el: &web_sys::Element) -> String {
    one(el, ".composer__count")
        .map(|c| text(&c))
        .unwrap_or_default()
}

fn body_of(sent: &Sent) -> SendMessage {
    serde_json::from_str(sent.body.as_deref().expect("a body")).expect("serde's shape")
}

/// What the server answers for a sent message.
fn stored(id: i64, space: Space, text: &str) -> String {
    json_of(&message(id, agent("Dana"), space, text))
}

#[wasm_bindgen_test]
async fn the_counter_weighs_an_x_link_23_and_send_follows_the_limit() {
    let (el, _view) = open_conversation(x_public()).await;
    let input = message_box(&el);
    let link = " https://example.com/a/very/long/path/that/x/shortens";

    type_text(&input, &format!("{}{link}", "a".repeat(257)));
    settle().await;
    assert_eq!(counter(&el), "281 / 280");
    let send = send_button(&el);
    assert_eq!(attr(&send, "aria-disabled").as_deref(), Some("true"));
    assert_eq!(
        description(&send),
        "The message is 281 characters long; at most 280 fit here."
    );
    assert!(
        description(&input.clone().unchecked_into()).contains("281 / 280"),
        "the box is described by the counter"
    );

    type_text(&input, &format!("{}{link}", "a".repeat(256)));
    settle().await;
    assert_eq!(counter(&el), "280 / 280");
    assert_eq!(attr(&send, "aria-disabled").as_deref(), Some("false"));
    assert_eq!(description(&send), "");
}

#[wasm_bindgen_test]
async fn an_empty_draft_cannot_be_sent_and_says_why() {
    let net = FakeNetwork::install();
    let (el, _view) = open_conversation(x_public()).await;
    let send = send_button(&el);
    assert_eq!(attr(&send, "aria-disabled").as_deref(), Some("true"));
    assert_eq!(description(&send), "The message is empty.");
    click(&send);
    idle().await;
    assert!(net.requests().is_empty());
}

#[wasm_bindgen_test]
async fn ctrl_enter_sends_a_public_reply_which_joins_the_transcript_and_clears() {
    let net = FakeNetwork::install();
    let (el, _view) = open_conversation(x_public()).await;
    let input = message_box(&el);
    type_text(&input, "Sorry about that! Checking now.");
    settle().await;

    net.reply(
        201,
        &stored(40, Space::Public, "Sorry about that! Checking now."),
    );
    assert!(
        !press_key(&input, "Enter", false),
        "a public reply is not one stray Enter away"
    );
    idle().await;
    assert!(net.requests().is_empty());
    assert!(
        press_key_with(&input, "Enter", false, true),
        "Ctrl+Enter sends and adds no line"
    );
    idle().await;

    let requests = net.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.url, "/api/conversations/3/messages");
    assert_eq!(request.authorization.as_deref(), Some("Bearer test-token"));
    let key = request.key.clone().expect("an Idempotency-Key");
    assert!(
        key.len() == 32 && key.chars().all(|c| c.is_ascii_hexdigit()),
        "{key}"
    );
    assert_eq!(
        body_of(request),
        SendMessage {
            text: "Sorry about that! Checking now.".into(),
            space: Space::Public,
            reply_to: None,
            mention: false,
            attachments: vec![],
        }
    );
    assert_eq!(input.value(), "", "the draft clears");
    let items = all(&el, ".transcript__list > li");
    assert_eq!(items.len(), 2);
    assert!(text(&items[1]).contains("Sorry about that! Checking now."));
}

#[wasm_bindgen_test]
async fn shift_enter_starts_a_new_line_and_does_not_send() {
    let net = FakeNetwork::install();
    let (el, _view) = open_conversation(x_public()).await;
    let input = message_box(&el);
    type_text(&input, "First line");
    settle().await;
    assert!(
        !press_key(&input, "Enter", true),
        "Shift+Enter keeps the browser's new line"
    );
    idle().await;
    assert!(net.requests().is_empty());
    assert_eq!(input.value(), "First line");
}

#[wasm_bindgen_test]
async fn a_refused_send_keeps_the_draft_exactly_and_says_why() {
    let net = FakeNetwork::install();
    let (el, _view) = open_conversation(x_public()).await;
    let input = message_box(&el);
    let draft = "  Two spaces first,\nand a second line ";
    type_text(&input, draft);
    settle().await;

    net.problem(
        422,
        "urn:social-widget:rule:bot-in-public",
        "Bots and automatic messages may only write in the private space.",
        "Bots and automatic messages may only write in the private space.",
    );
    click(&send_button(&el));
    idle().await;

    assert_eq!(input.value(), draft);
    let alert = by_role(&el, "alert").pop().expect("the failure is shown");
    assert_eq!(
        text(&alert),
        "Not sent: Bots and automatic messages may only write in the private space. The draft is kept."
    );
    assert_eq!(all(&el, ".transcript__list > li").len(), 1);
}

#[wasm_bindgen_test]
async fn after_a_network_failure_the_same_attempt_reuses_its_key() {
    let net = FakeNetwork::install();
    let (el, _view) = open_conversation(x_public()).await;
    let input = message_box(&el);
    type_text(&input, "Hello");
    settle().await;

    net.fail();
    click(&send_button(&el));
    idle().await;
    assert_eq!(input.value(), "Hello");
    let alert = by_role(&el, "alert").pop().expect("the failure is shown");
    assert!(
        text(&alert).contains("could not be reached"),
        "{}",
        text(&alert)
    );

    net.reply(201, &stored(41, Space::Public, "Hello"));
    click(&send_button(&el));
    idle().await;
    assert!(by_role(&el, "alert").is_empty(), "the retry worked");
    assert_eq!(input.value(), "");

    type_text(&input, "Hello");
    settle().await;
    net.reply(201, &stored(42, Space::Public, "Hello"));
    click(&send_button(&el));
    idle().await;

    let keys: Vec<String> = net.requests().into_iter().filter_map(|r| r.key).collect();
    assert_eq!(keys.len(), 3);
    assert_eq!(keys[0], keys[1], "the re-sent attempt keeps its key");
    assert_ne!(keys[1], keys[2], "a new attempt gets a new key");
}

#[wasm_bindgen_test]
async fn while_the_first_attempt_is_still_running_a_resend_keeps_its_key() {
    let net = FakeNetwork::install();
    let (el, _view) = open_conversation(x_public()).await;
    let input = message_box(&el);
    type_text(&input, "Hello");
    settle().await;

    net.problem(
        409,
        "urn:social-widget:idempotency-key-in-progress",
        "The first request with this key is still running.",
        "Try again in a moment.",
    );
    click(&send_button(&el));
    idle().await;
    assert_eq!(input.value(), "Hello", "the draft is kept");

    net.reply(201, &stored(44, Space::Public, "Hello"));
    click(&send_button(&el));
    idle().await;
    assert_eq!(input.value(), "");

    let keys: Vec<String> = net.requests().into_iter().filter_map(|r| r.key).collect();
    assert_eq!(keys.len(), 2);
    assert_eq!(
        keys[0], keys[1],
        "the unfinished attempt is resent with its key"
    );
}

#[wasm_bindgen_test]
async fn while_sending_the_composer_is_busy_and_send_pending() {
    let net = FakeNetwork::install();
    let (el, _view) = open_conversation(x_public()).await;
    type_text(&message_box(&el), "On its way");
    settle().await;
    let form = by_role_named(&el, "form", "Composer");
    assert_eq!(attr(&form, "aria-busy").as_deref(), Some("false"));

    net.hold(201, &stored(43, Space::Public, "On its way"));
    click(&send_button(&el));
    settle().await;
    assert_eq!(attr(&form, "aria-busy").as_deref(), Some("true"));
    assert_eq!(
        attr(&send_button(&el), "aria-disabled").as_deref(),
        Some("true")
    );

    net.release();
    idle().await;
    assert_eq!(attr(&form, "aria-busy").as_deref(), Some("false"));
    assert_eq!(net.requests().len(), 1, "one send while pending");
}

#[wasm_bindgen_test]
async fn the_draft_is_kept_per_conversation_while_the_agent_switches() {
    let (id, set_id) = signal(Some(ConversationId(1)));
    let el = container();
    let _view = mount_panel(&el, id.into(), vec![facebook_thread(), x_dm()]);
    settle().await;

    type_text(&message_box(&el), "Draft for Jane");
    click(&button(&all(&el, ".transcript__list > li")[0], "Reply to "));
    settle().await;

    set_id.set(Some(ConversationId(2)));
    settle().await;
    assert_eq!(
        message_box(&el).value(),
        "",
        "Kai's conversation has its own draft"
    );
    assert!(!has_role_named(&el, "group", "Reply target"));
    type_text(&message_box(&el), "Draft for Kai");
    settle().await;

    set_id.set(Some(ConversationId(1)));
    settle().await;
    assert_eq!(message_box(&el).value(), "Draft for Jane");
    assert!(has_role_named(&el, "group", "Reply target"));
    let group = by_role_named(&el, "radiogroup", "Reply space");
    assert!(
        is_checked(&labelled(&group, "Private")),
        "the draft keeps the space it was written in"
    );
    assert!(
        has_role_named(&el, "group", "Reply space mismatch"),
        "and says that the message it answers is public"
    );

    set_id.set(Some(ConversationId(2)));
    settle().await;
    assert_eq!(message_box(&el).value(), "Draft for Kai");
}

#[wasm_bindgen_test]
async fn mention_goes_in_at_the_caret_once_and_the_caret_follows_it() {
    let (el, _view) = open_conversation(x_public()).await;
    let input = message_box(&el);
    type_text(&input, "😀 thanks");
    settle().await;
    // After the emoji: two UTF-16 units, one character.
    input.set_selection_range(2, 2).unwrap();

    let mention = by_role_named(&el, "button", "Mention");
    click(&mention);
    settle().await;
    assert_eq!(input.value(), "😀 @kai_r thanks");
    let active = document().active_element().expect("something has focus");
    assert!(
        active == input.clone().unchecked_into::<web_sys::Element>(),
        "the focus is back in the box"
    );
    assert_eq!(
        input.selection_start().unwrap(),
        Some(9),
        "the caret is after the mention"
    );

    click(&mention);
    settle().await;
    assert_eq!(input.value(), "😀 @kai_r thanks", "mentioned once");
}

#[wasm_bindgen_test]
async fn a_mention_is_sent_flagged() {
    let net = FakeNetwork::install();
    let (el, _view) = open_conversation(x_public()).await;
    click(&by_role_named(&el, "button", "Mention"));
    settle().await;
    type_text(
        &message_box(&el),
        &format!("{}we are on it", message_box(&el).value()),
    );
    settle().await;
    net.reply(201, &stored(44, Space::Public, "@kai_r we are on it"));
    click(&send_button(&el));
    idle().await;
    let body = body_of(&net.requests()[0]);
    assert_eq!(body.text, "@kai_r we are on it");
    assert!(body.mention);
}

#[wasm_bindgen_test]
async fn an_internal_note_is_sent_as_internal_and_shown_as_one() {
    let net = FakeNetwork::install();
    let (el, _view) = open_conversation(facebook_thread()).await;
    let note = labelled(&el, "Write an internal note");
    click(&note);
    settle().await;
    assert!(is_checked(&note));
    assert_eq!(
        one(&el, ".composer__head .marker")
            .map(|m| text(&m))
            .as_deref(),
        Some("Internal note")
    );

    // It looks like a note and says who sees it.
    let form = by_role_named(&el, "form", "Composer");
    assert!(attr(&form, "class").is_some_and(|c| c.contains("composer--note")));
    assert_eq!(message_box_label(&el), "Internal note");
    assert_eq!(name_of(&send_button(&el)), "Add internal note");
    assert!(text(&form).contains("Only agents see internal notes."));
    assert!(text(&form).contains("After that the box goes back to replying."));

    type_text(&message_box(&el), "Refund approved by finance.");
    settle().await;
    net.reply(
        201,
        &stored(45, Space::Internal, "Refund approved by finance."),
    );
    click(&send_button(&el));
    idle().await;

    assert_eq!(body_of(&net.requests()[0]).space, Space::Internal);
    assert!(
        !is_checked(&labelled(&el, "Write an internal note")),
        "note mode ends with the note saved, as the hint said"
    );
    let last = all(&el, ".transcript__list > li").pop().unwrap();
    assert!(text(&last).contains("Refund approved by finance."));
    assert_eq!(
        one(&last, ".marker").map(|m| text(&m)).as_deref(),
        Some("Internal note")
    );
}

#[wasm_bindgen_test]
fn carets_convert_between_utf16_units_and_chars() {
    assert_eq!(caret_to_chars("😀ab", 2), 1);
    assert_eq!(caret_to_chars("😀ab", 3), 2);
    assert_eq!(caret_to_chars("ab", 9), 2);
    assert_eq!(caret_to_utf16("😀ab", 1), 2);
    assert_eq!(caret_to_utf16("é😀", 2), 3);
}

#[wasm_bindgen_test]
async fn a_send_in_flight_stays_in_flight_across_a_switch_away_and_back() {
    let net = FakeNetwork::install();
    let (id, set_id) = signal(Some(ConversationId(2)));
    let el = container();
    let _view = mount_panel(&el, id.into(), vec![facebook_thread(), x_dm()]);
    settle().await;
    type_text(&message_box(&el), "Your parcel left today.");
    settle().await;

    net.hold(201, &stored(45, Space::Private, "Your parcel left today."));
    click(&send_button(&el));
    settle().await;
    set_id.set(Some(ConversationId(1)));
    settle().await;
    set_id.set(Some(ConversationId(2)));
    settle().await;

    assert_eq!(message_box(&el).value(), "Your parcel left today.");
    assert_eq!(
        attr(&send_button(&el), "aria-disabled").as_deref(),
        Some("true"),
        "the first send is still on its way"
    );
    click(&send_button(&el));
    press_key_with(&message_box(&el), "Enter", false, true);
    settle().await;
    assert_eq!(net.requests().len(), 1, "no second send of the same reply");

    net.release();
    idle().await;
    assert_eq!(message_box(&el).value(), "", "the answer clears the draft");
    assert_eq!(
        attr(&send_button(&el), "aria-disabled").as_deref(),
        Some("true"),
        "an empty draft cannot be sent"
    );
}

#[wasm_bindgen_test]
async fn a_private_draft_never_goes_public_when_the_agent_replies_to_a_public_message() {
    let net = FakeNetwork::install();
    // Jane commented publicly, then wrote in Messenger: the draft starts private.
    let (el, _view) = open_conversation(facebook_thread()).await;
    let input = message_box(&el);
    type_text(&input, "your order 123 ships to 1-2-3 Shibuya");
    settle().await;
    assert_eq!(message_box_label(&el), "Private message");

    click(&button(&all(&el, ".transcript__list > li")[0], "Reply to "));
    settle().await;
    assert_eq!(message_box_label(&el), "Private message", "still private");
    let mismatch = by_role_named(&el, "group", "Reply space mismatch");
    assert!(
        text(&mismatch).contains("This draft is private, but the message it answers is public.")
    );
    let send = send_button(&el);
    assert_eq!(attr(&send, "aria-disabled").as_deref(), Some("true"));
    press_key(&input, "Enter", false);
    click(&send);
    idle().await;
    assert!(
        net.requests().is_empty(),
        "nothing goes out until the agent chooses"
    );

    // One click: reply publicly after all.
    click(&by_role_named(
        &mismatch,
        "button",
        "Reply publicly instead",
    ));
    settle().await;
    assert!(!has_role_named(&el, "group", "Reply space mismatch"));
    assert_eq!(message_box_label(&el), "Public reply");
    assert_eq!(name_of(&send_button(&el)), "Send public reply");
    assert_eq!(
        attr(&send_button(&el), "aria-disabled").as_deref(),
        Some("false")
    );
}

#[wasm_bindgen_test]
async fn removing_the_reply_target_keeps_the_draft_private() {
    let (el, _view) = open_conversation(facebook_thread()).await;
    type_text(&message_box(&el), "private details");
    settle().await;
    click(&button(&all(&el, ".transcript__list > li")[0], "Reply to "));
    settle().await;
    let mismatch = by_role_named(&el, "group", "Reply space mismatch");
    click(&by_role_named(
        &mismatch,
        "button",
        "Remove the reply target",
    ));
    settle().await;
    assert!(!has_role_named(&el, "group", "Reply target"));
    assert_eq!(message_box_label(&el), "Private message");
    assert_eq!(
        attr(&send_button(&el), "aria-disabled").as_deref(),
        Some("false")
    );
}

#[wasm_bindgen_test]
async fn the_keys_that_send_are_said_under_the_box_and_enter_sends_a_private_message() {
    let net = FakeNetwork::install();
    let (el, _view) = open_conversation(x_public()).await;
    let hint = text(&one(&el, ".composer__hint").expect("a hint"));
    assert!(hint.contains("Ctrl+Enter"), "{hint}");
    assert!(hint.contains("Enter starts a new line"), "{hint}");

    let (el, _view2) = open_conversation(x_dm()).await;
    let hint = text(&one(&el, ".composer__hint").expect("a hint"));
    assert!(
        hint.starts_with("Enter sends; Shift+Enter starts a new line."),
        "{hint}"
    );
    let input = message_box(&el);
    type_text(&input, "Checking now.");
    settle().await;
    net.reply(201, &stored(50, Space::Private, "Checking now."));
    assert!(
        press_key(&input, "Enter", false),
        "Enter sends a private message"
    );
    idle().await;
    assert_eq!(body_of(&net.requests()[0]).space, Space::Private);
}

#[wasm_bindgen_test]
async fn reply_and_mention_put_the_focus_in_the_box() {
    let (el, _view) = open_conversation(x_public()).await;
    let active = || leptos::prelude::document().active_element();
    let input: web_sys::Element = message_box(&el).unchecked_into();
    click(&button(&el, "Reply to "));
    settle().await;
    assert_eq!(active().as_ref(), Some(&input));
    click(&by_role_named(&el, "button", "Mention"));
    settle().await;
    assert_eq!(active().as_ref(), Some(&input));
    let skip = by_role_named(&el, "link", "Skip to the reply box");
    assert_eq!(attr(&skip, "href"), Some(format!("#{}", input.id())));
}

#[wasm_bindgen_test]
async fn a_draft_survives_a_reload_of_the_widget() {
    let (el, view) = open_conversation(x_public()).await;
    type_text(&message_box(&el), "half written");
    settle().await;
    drop(view);
    // The same tab, the widget mounted again (container() would forget the drafts).
    let again: web_sys::HtmlElement = leptos::prelude::document()
        .create_element("div")
        .unwrap()
        .unchecked_into();
    leptos::prelude::document()
        .body()
        .unwrap()
        .append_child(&again)
        .unwrap();
    let _view = mount_panel(
        &again,
        Signal::stored(Some(ConversationId(3))),
        vec![x_public()],
    );
    settle().await;
    idle().await;
    assert_eq!(message_box(&again).value(), "half written");
}
