//! The conversation's messages, oldest first, replies quoting what they answer. Rows are
//! keyed by message id, so a like or a new delivery state updates a row in place (the
//! focus stays on the button the agent pressed) and a sent message is appended. A long
//! conversation opens at its newest page; older pages come with "Show older messages" or
//! by scrolling to the top, the message that was first staying where it was.

use leptos::{html, prelude::*};
use social_api::MessageId;
use wasm_bindgen::{closure::Closure, JsCast};

use super::message_item::MessageItem;
use crate::state::OpenConversation;

/// Every message of one conversation.
#[component]
pub fn Transcript(
    /// The open conversation.
    state: OpenConversation,
) -> impl IntoView {
    let ids = move || {
        state
            .conversation
            .with(|c| c.messages.iter().map(|m| m.id).collect::<Vec<MessageId>>())
    };
    // A conversation opens at its newest message, not at the top of a long history.
    let list = NodeRef::<html::Ol>::new();
    Effect::new(move |_| {
        if list.get().is_none() {
            return;
        }
        // After the frame: the list is then in the document and laid out. The transcript
        // may be gone by then (the agent moved on within the frame): nothing to scroll.
        request_animation_frame(move || {
            let Some(newest) = list
                .try_get_untracked()
                .flatten()
                .and_then(|l| l.last_element_child())
            else {
                return;
            };
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::End);
            newest.scroll_into_view_with_scroll_into_view_options(&options);
        });
    });
    let older = older_pages(state, list);
    let empty = move || {
        state
            .conversation
            .with(|c| c.messages.is_empty())
            .then(|| view! { <p class="empty">"No messages yet."</p> })
    };
    view! {
        <section class="transcript" aria-labelledby="transcript-heading">
            <h2 id="transcript-heading">"Messages"</h2>
            {empty}
            {older}
            <ol class="transcript__list" node_ref=list>
                <For each=ids key=|id| *id let:id>
                    <MessageItem state id/>
                </For>
            </ol>
        </section>
    }
}

/// The "Show older messages" button while older messages exist, which also loads them
/// when it scrolls into view, and keeps the first loaded message in place.
fn older_pages(state: OpenConversation, list: NodeRef<html::Ol>) -> impl IntoView {
    let older = state.older_action();
    // The message that was first when the reading began, and where it is now.
    let anchor = StoredValue::new(None::<MessageId>);
    let load = move || {
        if older.pending().get_untracked() {
            return;
        }
        anchor.set_value(
            state
                .conversation
                .with_untracked(|c| c.messages.first().map(|m| m.id)),
        );
        older.dispatch(());
    };
    Effect::new(move |seen: Option<usize>| {
        let version = older.version().get();
        if seen.is_some_and(|seen| seen != version) {
            let Some(id) = anchor.get_value() else {
                return version;
            };
            let index = state
                .conversation
                .with_untracked(|c| c.messages.iter().position(|m| m.id == id));
            request_animation_frame(move || keep_in_place(list, index));
        }
        version
    });
    let button = NodeRef::<html::Button>::new();
    // Scrolling to the top shows the button: it loads the page as if pressed.
    Effect::new(move |_| {
        let Some(button) = button.get() else { return };
        // The first notice says where the button is before the transcript scrolled to its
        // newest message: only the agent's own scrolling to the top loads.
        let primed = std::cell::Cell::new(false);
        let seen = Closure::<dyn Fn(js_sys::Array)>::new(move |entries: js_sys::Array| {
            let shown = entries
                .get(0)
                .dyn_into::<web_sys::IntersectionObserverEntry>()
                .is_ok_and(|e| e.is_intersecting());
            if primed.replace(true) && shown {
                load();
            }
        });
        let Ok(observer) = web_sys::IntersectionObserver::new(seen.as_ref().unchecked_ref()) else {
            return;
        };
        observer.observe(&button);
        let kept = send_wrapper::SendWrapper::new((observer, seen));
        on_cleanup(move || kept.0.disconnect());
    });
    let busy = move || older.pending().get().to_string();
    view! {
        <Show when=move || state.conversation.with(|c| c.has_older())>
            <button
                type="button"
                class="button button--small transcript__older"
                node_ref=button
                aria-busy=busy
                on:click=move |_| load()
            >
                {move || if older.pending().get() { "Loading older messages…" } else { "Show older messages" }}
            </button>
        </Show>
        {move || state.older_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
    }
}

/// Scrolls the message at `index` of the list back to the top of the view, where it was
/// before older messages went in above it.
fn keep_in_place(list: NodeRef<html::Ol>, index: Option<usize>) {
    let (Some(list), Some(index)) = (list.try_get_untracked().flatten(), index) else {
        return;
    };
    let mut item = list.first_element_child();
    for _ in 0..index {
        item = item.and_then(|i| i.next_element_sibling());
    }
    if let Some(item) = item {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Start);
        item.scroll_into_view_with_scroll_into_view_options(&options);
    }
}
