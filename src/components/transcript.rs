//! The conversation's messages, oldest first, replies quoting what they answer. Rows are
//! keyed by message id, so a like or a new delivery state updates a row in place (the
//! focus stays on the button the agent pressed) and a sent message is appended.

use leptos::prelude::*;
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
            <ol class="transcript__list">
                <For each=ids key=|id| *id let:id>
                    <MessageItem state id/>
                </For>
            </ol>
        </section>
    }
}
