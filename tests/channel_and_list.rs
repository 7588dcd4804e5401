//! Where a conversation is (network, public or private) and the dev page's list, which
//! names the source of every row in words.
#![cfg(target_arch = "wasm32")]

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use leptos::{mount::mount_to, prelude::*};
use social_api::*;
use social_widget::components::{
    channel_indicator::ChannelIndicator, conversation_list::ConversationList,
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn channel_indicator_names_network_and_space() {
    let cases = [
        (
            Source::Facebook,
            Some(Space::Public),
            true,
            "Facebook",
            Some("Public · Comment"),
        ),
        (
            Source::Facebook,
            Some(Space::Public),
            false,
            "Facebook",
            Some("Public · Post"),
        ),
        (
            Source::Facebook,
            Some(Space::Private),
            true,
            "Facebook",
            Some("Private · Messenger"),
        ),
        (
            Source::X,
            Some(Space::Public),
            true,
            "X",
            Some("Public · Tweet"),
        ),
        (
            Source::X,
            Some(Space::Private),
            false,
            "X",
            Some("Private · DM"),
        ),
        (Source::X, None, false, "X", None),
    ];
    for (source, space, on_post, label, place) in cases {
        let el = container();
        let _view = mount_to(
            el.clone(),
            move || view! { <ChannelIndicator source space on_post/> },
        );
        settle().await;

        let source_text = one(&el, ".channel__source").map(|s| text(&s));
        assert_eq!(source_text.as_deref(), Some(label));
        assert_eq!(
            one(&el, ".space").map(|s| text(&s)).as_deref(),
            place,
            "{source:?} {space:?}"
        );
        let icon = one(&el, "svg").expect("an icon");
        assert_eq!(icon.get_attribute("aria-hidden").as_deref(), Some("true"));
    }
}

#[wasm_bindgen_test]
async fn channel_indicator_follows_the_space_the_consumer_writes_in_now() {
    let space = RwSignal::new(Some(Space::Public));
    let el = container();
    let _view = mount_to(el.clone(), move || {
        view! { <ChannelIndicator source=Source::Facebook space on_post=true/> }
    });
    settle().await;
    assert_eq!(
        one(&el, ".space").map(|s| text(&s)).as_deref(),
        Some("Public · Comment")
    );

    space.set(Some(Space::Private));
    settle().await;
    assert_eq!(
        one(&el, ".space").map(|s| text(&s)).as_deref(),
        Some("Private · Messenger")
    );
}

fn summary(id: i64, source: Source, space: Space, name: &str, unread: u32) -> ConversationSummary {
    ConversationSummary {
        id: ConversationId(id),
        source,
        space,
        consumer_name: name.into(),
        last_message_preview: format!("Latest from {name}"),
        last_message_at: Timestamp(1_700_000_000_000),
        unread_count: unread,
        undelivered_count: 0,
        skill: None,
        engagement: None,
        assigned_to: None,
    }
}

#[wasm_bindgen_test]
async fn list_rows_name_their_source_and_select_on_click() {
    let rows = vec![
        summary(1, Source::Facebook, Space::Public, "Jane Doe", 2),
        summary(2, Source::X, Space::Private, "Kai Rivers", 0),
    ];
    let picked = Arc::new(Mutex::new(Vec::new()));
    let views = Arc::new(Mutex::new(Vec::new()));
    let (p, v) = (picked.clone(), views.clone());
    let el = container();
    let _view = mount_to(el.clone(), move || {
        view! {
            <ConversationList
                view=ListView::Mine
                on_view=Callback::new(move |view| v.lock().unwrap().push(view))
                rows
                selected=Some(ConversationId(1))
                on_select=Callback::new(move |id| p.lock().unwrap().push(id))
            />
        }
    });
    settle().await;

    let buttons = all(&el, "li > button");
    assert_eq!(buttons.len(), 2);
    let source =
        |b: &web_sys::Element| one(b, ".row__source").map(|s| text(&s)).unwrap_or_default();
    assert_eq!(source(&buttons[0]), "Facebook");
    assert_eq!(source(&buttons[1]), "X");
    assert!(text(&buttons[0]).contains("Public"));
    assert!(text(&buttons[0]).contains("Jane Doe"));
    assert!(text(&buttons[0]).contains("Latest from Jane Doe"));
    assert!(text(&buttons[0]).contains("2 unread"));
    assert!(text(&buttons[1]).contains("Private"));
    assert!(!text(&buttons[1]).contains("unread"));
    assert_eq!(
        buttons[0].get_attribute("aria-current").as_deref(),
        Some("true")
    );
    assert_eq!(buttons[1].get_attribute("aria-current"), None);

    click(&buttons[1]);
    assert_eq!(*picked.lock().unwrap(), [ConversationId(2)]);

    let mine = by_role_named(&el, "button", "My conversations");
    let every = by_role_named(&el, "button", "All conversations");
    assert_eq!(mine.get_attribute("aria-pressed").as_deref(), Some("true"));
    assert_eq!(
        every.get_attribute("aria-pressed").as_deref(),
        Some("false")
    );
    click(&every);
    assert_eq!(*views.lock().unwrap(), [ListView::All]);
}

#[wasm_bindgen_test]
async fn tabs_follow_the_chosen_view() {
    let (view, set_view) = signal(ListView::Mine);
    let el = container();
    let _view = mount_to(el.clone(), move || {
        view! {
            <ConversationList
                view
                on_view=Callback::new(move |v| set_view.set(v))
                rows=Vec::new()
                selected=None
                on_select=Callback::new(|_| ())
            />
        }
    });
    settle().await;
    assert!(
        text(&el).contains("No conversations in this list."),
        "an empty list says so"
    );

    click(&by_role_named(&el, "button", "All conversations"));
    settle().await;
    assert_eq!(
        by_role_named(&el, "button", "All conversations")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        by_role_named(&el, "button", "My conversations")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("false")
    );
}

#[wasm_bindgen_test]
async fn a_row_marks_undelivered_messages_and_in_all_says_whose_it_is() {
    let mut failing = summary(1, Source::Facebook, Space::Private, "Priya Sharma", 0);
    failing.undelivered_count = 1;
    failing.assigned_to = Some("Dana Agent".into());
    let fine = summary(2, Source::X, Space::Private, "Chris Doe", 0);
    let rows = vec![failing, fine];
    let (view, set_view) = signal(ListView::Mine);
    let el = container();
    let nothing: Option<ConversationId> = None;
    let _view = mount_to(el.clone(), move || {
        let rows = rows.clone();
        view! {
            <ConversationList
                view
                on_view=Callback::new(move |v| set_view.set(v))
                rows
                selected=nothing
                on_select=Callback::new(|_| {})
            />
        }
    });
    settle().await;
    let buttons = all(&el, "li > button");
    assert!(text(&buttons[0]).contains("Not delivered"));
    assert!(!text(&buttons[1]).contains("Not delivered"));
    assert!(
        !text(&buttons[0]).contains("Assigned to"),
        "my list needs no owner"
    );

    set_view.set(ListView::All);
    settle().await;
    let buttons = all(&el, "li > button");
    assert!(text(&buttons[0]).contains("Assigned to Dana Agent"));
    assert!(text(&buttons[1]).contains("Unassigned"));
}
