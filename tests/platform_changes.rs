//! What the platforms report after a message arrived, as the agent sees it: an edit, a
//! deletion (the text stays, marked), the consumer's reaction, the brand writing outside
//! the widget, a post known only by its id or deleted; and the skill routing gave the
//! conversation, in its header and its list row.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use leptos::{mount::mount_to, prelude::*};
use social_api::{events::Change, *};
use social_widget::{
    components::{conversation_list::ConversationList, widget::Widget},
    state::{Actor, Drafts, OpenConversation},
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// `conversation` open in the widget, acting as [`human`], fed by the live stream.
async fn open(conversation: Conversation) -> (web_sys::HtmlElement, OpenConversation, impl Sized) {
    let el = container();
    let actor = Actor {
        agent: human(),
        token: TOKEN.into(),
    };
    let state = OpenConversation::new(
        conversation,
        Signal::stored(Some(actor)),
        Drafts::new(),
        Signal::stored(NOW),
    );
    let view = mount_to(el.clone(), move || view! { <Widget state/> });
    settle().await;
    (el, state, view)
}

/// The transcript row whose text is (or was) `text`.
fn row_of(el: &web_sys::Element, text_now: &str) -> web_sys::Element {
    all(el, ".msg")
        .into_iter()
        .find(|row| one(row, ".msg__text").is_some_and(|t| text(&t) == text_now))
        .unwrap_or_else(|| panic!("a message reading {text_now:?}"))
}

/// Jane's comment (message 2 of the Facebook thread) as the stream sends it again.
fn janes_comment() -> Message {
    facebook_thread()
        .message(MessageId(2))
        .cloned()
        .expect("Jane's comment")
}

#[wasm_bindgen_test]
async fn an_edit_shows_the_new_text_marked_edited_in_place() {
    let (el, state, _view) = open(facebook_thread()).await;
    let before = row_of(&el, "My parcel never arrived and nobody answers the phone.");
    assert!(!text(&before).contains("edited"));

    let mut edited = janes_comment();
    edited.text = "My parcel arrived damaged.".into();
    edited.edited = true;
    assert!(state.apply(1, Change::Message(edited)));
    settle().await;

    let after = row_of(&el, "My parcel arrived damaged.");
    assert!(
        after.is_same_node(Some(&before)),
        "the row updates in place"
    );
    assert_eq!(
        one(&after, ".msg__edited").map(|e| text(&e)).as_deref(),
        Some("edited")
    );
}

#[wasm_bindgen_test]
async fn a_deleted_message_keeps_its_text_for_the_agent_marked_deleted() {
    let mut comment = janes_comment();
    comment.deleted = true;
    let mut conversation = facebook_thread();
    conversation.messages[0] = comment;
    let (el, _state, _view) = open(conversation).await;

    let row = row_of(&el, "My parcel never arrived and nobody answers the phone.");
    assert_eq!(
        one(&row, ".msg__deleted").map(|d| text(&d)).as_deref(),
        Some("Deleted on Facebook. Only agents still see the text.")
    );
    let body = one(&row, ".msg__text").expect("the text");
    assert!(body.class_list().contains("msg__text--deleted"));
    // Nothing is offered on it any more: Reply says why.
    let reply = button(&row, "Reply");
    assert_eq!(attr(&reply, "aria-disabled").as_deref(), Some("true"));
    assert!(
        description(&reply).contains("deleted on the platform"),
        "{}",
        description(&reply)
    );
}

#[wasm_bindgen_test]
async fn the_consumers_reaction_shows_on_the_message_it_is_on() {
    let (el, state, _view) = open(facebook_thread()).await;
    let reply_text = "Sorry to hear that, Jane! We sent you a DM.";
    assert!(one(&row_of(&el, reply_text), ".msg__reaction").is_none());

    let mut reacted = facebook_thread()
        .message(MessageId(3))
        .cloned()
        .expect("the brand's reply");
    reacted.consumer_reaction = Some("love".into());
    assert!(state.apply(1, Change::Message(reacted.clone())));
    settle().await;
    assert_eq!(
        one(&row_of(&el, reply_text), ".msg__reaction")
            .map(|r| text(&r))
            .as_deref(),
        Some("❤️ Jane Doe reacted")
    );

    reacted.consumer_reaction = Some("like".into());
    assert!(state.apply(2, Change::Message(reacted.clone())));
    settle().await;
    assert_eq!(
        one(&row_of(&el, reply_text), ".msg__reaction")
            .map(|r| text(&r))
            .as_deref(),
        Some("Jane Doe liked this")
    );

    reacted.consumer_reaction = None;
    assert!(state.apply(3, Change::Message(reacted)));
    settle().await;
    assert!(one(&row_of(&el, reply_text), ".msg__reaction").is_none());
}

#[wasm_bindgen_test]
async fn the_brand_writing_outside_the_widget_is_named_as_such() {
    let mut conversation = facebook_thread();
    let mut outside = message(
        9,
        Author::Brand { name: BRAND.into() },
        Space::Private,
        "Answered from the Page inbox.",
    );
    outside.platform_id = Some("m_outside".into());
    conversation.messages.push(outside);
    let (el, _state, _view) = open(conversation).await;
    let row = row_of(&el, "Answered from the Page inbox.");
    assert_eq!(
        one(&row, ".msg__author").map(|a| text(&a)).as_deref(),
        Some("Acme Support (outside the widget)")
    );
    assert!(row.class_list().contains("msg--brand"));
}

#[wasm_bindgen_test]
async fn a_post_known_only_by_its_id_says_so_and_a_deleted_post_is_marked() {
    let mut conversation = facebook_thread();
    let post = conversation.post.as_mut().expect("a post");
    post.text = String::new();
    post.author = String::new();
    let (el, state, _view) = open(conversation).await;
    let section = one(&el, ".post").expect("the post");
    assert_eq!(
        one(&section, ".post__text").map(|t| text(&t)).as_deref(),
        Some("Facebook did not send this post's text.")
    );
    assert!(one(&section, "time").is_none(), "no made-up time");
    assert!(text(&section).contains("Open post on Facebook"));
    assert!(one(&section, ".post__deleted").is_none());

    let mut deleted = state
        .conversation
        .with_untracked(|c| c.post.clone())
        .expect("a post");
    deleted.deleted = true;
    assert!(state.apply(1, Change::Post(deleted)));
    settle().await;
    assert_eq!(
        one(&el, ".post__deleted").map(|d| text(&d)).as_deref(),
        Some("Deleted on Facebook.")
    );
}

#[wasm_bindgen_test]
async fn the_header_says_which_skill_and_engagement_the_conversation_has() {
    let (el, _state, _view) = open(facebook_thread()).await;
    assert!(
        one(&el, ".routed").is_none(),
        "routed nowhere: nothing said"
    );

    let mut conversation = x_dm();
    conversation.skill = Some("social-x".into());
    conversation.engagement = Some("x-care".into());
    let (el, _state, _view) = open(conversation).await;
    assert_eq!(
        one(&el, ".routed").map(|r| text(&r)).as_deref(),
        Some("Skill: social-x · Engagement: x-care")
    );
}

#[wasm_bindgen_test]
async fn list_rows_name_the_skill() {
    let row = |id: i64, skill: Option<&str>| ConversationSummary {
        id: ConversationId(id),
        source: Source::Facebook,
        space: Space::Public,
        consumer_name: format!("Person {id}"),
        last_message_preview: "Hello".into(),
        last_message_at: Timestamp(1_700_000_000_000),
        unread_count: 0,
        undelivered_count: 0,
        assigned_to: None,
        skill: skill.map(Into::into),
        engagement: None,
    };
    let rows = vec![row(1, Some("social-fb-public")), row(2, None)];
    let el = container();
    let _view = mount_to(el.clone(), move || {
        view! {
            <ConversationList
                view=ListView::All
                on_view=Callback::new(|_| ())
                rows
                selected=None
                on_select=Callback::new(|_| ())
            />
        }
    });
    settle().await;
    let buttons = all(&el, "li > button");
    assert_eq!(
        one(&buttons[0], ".row__skill").map(|s| text(&s)).as_deref(),
        Some("Skill: social-fb-public")
    );
    assert!(one(&buttons[1], ".row__skill").is_none());
}

#[wasm_bindgen_test]
async fn a_source_disconnected_and_connected_again_changes_the_controls_live() {
    let (el, state, _view) = open(facebook_thread()).await;
    let notes =
        |el: &web_sys::Element| -> Vec<String> { by_role(el, "note").iter().map(text).collect() };
    assert!(!notes(&el).iter().any(|n| n.contains("disconnected")));

    let mut gone = brand();
    gone.disconnected = true;
    assert!(state.apply(1, Change::Brand(gone)));
    settle().await;
    assert!(
        notes(&el)
            .iter()
            .any(|n| n.contains("disconnected by an admin")),
        "{:?}",
        notes(&el)
    );
    let reply = button(&el, "Reply to Jane Doe's comment");
    assert_eq!(attr(&reply, "aria-disabled").as_deref(), Some("true"));
    assert!(description(&reply).contains("disconnected by an admin"));

    assert!(state.apply(2, Change::Brand(brand())));
    settle().await;
    assert!(!notes(&el).iter().any(|n| n.contains("disconnected")));
    assert_ne!(
        attr(&button(&el, "Reply to Jane Doe's comment"), "aria-disabled").as_deref(),
        Some("true")
    );
}
