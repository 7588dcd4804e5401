//! The conversation's messages, oldest first, replies quoting what they answer. Rows are
//! keyed by message id, so a like or a new delivery state updates a row in place (the
//! focus stays on the button the agent pressed) and a sent message is appended.

use leptos::{html, prelude::*};
use social_api::MessageId;

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
            <ol class="transcript__list" node_ref=list>
                <For each=ids key=|id| *id let:id>
                    <MessageItem state id/>
                </For>
            </ol>
        </section>
    }
}
