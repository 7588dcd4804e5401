//! "Like" / "Unlike" on a consumer's public message or post, as the brand. Optimistic: the
//! model shows the new state at once; a failure puts the old one back and says why.

use leptos::prelude::*;

use super::handler;
use crate::state::{OpenConversation, Target};

/// A toggle button, shown only while someone acts and the rules allow liking or unliking
/// the target.
#[component]
pub fn LikeButton(
    /// The open conversation.
    state: OpenConversation,
    /// The consumer message, or the post.
    target: Target,
) -> impl IntoView {
    // `Some(true)`: the brand likes it and may take it back; `Some(false)`: it may like it.
    let liked = Memo::new(move |_| {
        if !state.can_act() {
            return None;
        }
        state.conversation.with(|c| target.like_button(c))
    });
    let like = state.like_action(target);
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

/// "Liked by <brand>" while the brand likes `target`. One function for messages and the
/// post, so its render code is in the wasm once.
pub fn liked_note(state: OpenConversation, target: Target, class: &'static str) -> impl IntoView {
    let brand_name = state.conversation.with_untracked(|c| c.brand.name.clone());
    move || {
        state
            .conversation
            .with(|c| target.liked(c))
            .then(|| view! { <p class=class>{format!("Liked by {brand_name}")}</p> })
    }
}

/// Why the last action on `target` failed, as an alert beside it.
pub fn notice(state: OpenConversation, target: Target, class: &'static str) -> impl IntoView {
    move || {
        state
            .notice(target)
            .map(|n| view! { <p class=class role="alert">{n}</p> })
    }
}
