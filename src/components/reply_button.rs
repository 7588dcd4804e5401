//! "Reply" on a consumer message: makes it the draft's reply target.

use leptos::prelude::*;
use social_api::{rules::ReplyTarget, MessageId};

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
    view! {
        <Show when=move || answerable.get()>
            <button
                type="button"
                class="button button--small"
                aria-pressed=current
                on:click=move |_| state.reply_to(id)
            >
                "Reply"
            </button>
        </Show>
    }
}
