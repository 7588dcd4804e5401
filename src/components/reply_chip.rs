//! The message the draft answers, quoted above the composer, with a way to drop it.

use leptos::prelude::*;

use super::{handler, message_item::quote_of};
use crate::state::OpenConversation;

/// "Replying to <author>: <quote>" and a "Remove reply target" button, while there is one.
#[component]
pub fn ReplyChip(
    /// The open conversation.
    state: OpenConversation,
) -> impl IntoView {
    move || {
        state.reply_target.get().map(|target| {
            view! {
                <div class="chip" role="group" aria-label="Reply target">
                    <span class="chip__text">{quote_of(&state, target.message()).view()}</span>
                    <button
                        type="button"
                        class="chip__remove"
                        aria-label="Remove reply target"
                        on:click=handler(move |_| state.clear_reply())
                    >
                        <span aria-hidden="true">"×"</span>
                    </button>
                </div>
            }
        })
    }
}
