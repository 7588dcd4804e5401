//! "Like" / "Unlike" on a consumer's public message, as the brand. Optimistic: the model
//! shows the new state at once; a failure puts the old one back and says why.

use leptos::prelude::*;
use social_api::{rules, MessageId};

use super::handler;
use crate::state::OpenConversation;

/// A toggle button, shown only while the rules allow liking or unliking the message.
#[component]
pub fn LikeButton(
    /// The open conversation.
    state: OpenConversation,
    /// The consumer message.
    id: MessageId,
) -> impl IntoView {
    // `Some(true)`: the brand likes it and may take it back; `Some(false)`: it may like it.
    let liked = Memo::new(move |_| {
        state.conversation.with(|c| {
            if rules::can_unlike(c, id).is_ok() {
                Some(true)
            } else {
                rules::can_like(c, id).is_ok().then_some(false)
            }
        })
    });
    let like = state.like_action(id);
    let pending = like.pending();
    let on_click = move |_| {
        if liked.with_untracked(Option::is_some) && !pending.get_untracked() {
            like.dispatch(());
        }
    };
    move || {
        liked.get().map(|liked| {
            view! {
                <button
                    type="button"
                    class="button button--small"
                    aria-pressed=if liked { "true" } else { "false" }
                    aria-busy=move || pending.get().then_some("true")
                    aria-disabled=move || pending.get().then_some("true")
                    on:click=handler(on_click)
                >
                    {if liked { "Unlike" } else { "Like" }}
                </button>
            }
        })
    }
}
