//! "Retry" on a message whose delivery failed: sends its stored text again.

use leptos::prelude::*;
use social_api::MessageId;

use super::handler;
use crate::state::OpenConversation;

/// Sends the failed message again, without retyping.
#[component]
pub fn RetryButton(
    /// The open conversation.
    state: OpenConversation,
    /// The failed message.
    id: MessageId,
) -> impl IntoView {
    let retry = state.retry_action(id);
    let pending = retry.pending();
    view! {
        <button
            type="button"
            class="button button--small"
            aria-busy=move || pending.get().then_some("true")
            aria-disabled=move || pending.get().then_some("true")
            on:click=handler(move |_| {
                if !pending.get_untracked() {
                    retry.dispatch(());
                }
            })
        >
            "Retry"
        </button>
    }
}
