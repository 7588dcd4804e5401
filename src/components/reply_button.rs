//! "Reply" on a consumer message: makes it the draft's reply target.

use leptos::prelude::*;
use social_api::{rules::ReplyTarget, MessageId};

use super::handler;
use crate::state::OpenConversation;

/// Shown on the messages the rules let the agent answer.
#[component]
pub fn ReplyButton(
    /// The open conversation.
    state: OpenConversation,
    /// The message to answer.
    id: MessageId,
) -> impl IntoView {
    let answerable =
        Memo::new(move |_| state.conversation.with(|c| ReplyTarget::new(c, id).is_ok()));
    let current = move || {
        if state
            .reply_target
            .with(|t| t.is_some_and(|t| t.message() == id))
        {
            "true"
        } else {
            "false"
        }
    };
    // A closure over a `Memo<bool>` rather than `<Show>`: the same updates, without `Show`'s
    // type-erased children (measured: smaller wasm).
    move || {
        answerable.get().then(|| {
            view! {
                <button
                    type="button"
                    class="button button--small"
                    aria-pressed=current
                    on:click=handler(move |_| state.reply_to(id))
                >
                    "Reply"
                </button>
            }
        })
    }
}
