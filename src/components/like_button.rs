//! "Like" / "Unlike" on a consumer's public message or post, as the brand. Optimistic: the
//! model shows the new state at once; a failure puts the old one back and says why.

use leptos::prelude::*;
use social_api::rules::{LikeControl, LikeTarget};

use super::handler;
use crate::state::OpenConversation;

/// A toggle button, shown where the rules offer a like or an unlike; disabled, with the
/// reason as its description, where this agent may not change it.
#[component]
pub fn LikeButton(
    /// What the rules say of the target's like (`rules::like_control`); `None`: no button.
    #[prop(into)]
    control: Signal<Option<LikeControl>>,
    /// A like or unlike is on its way.
    #[prop(into)]
    pending: Signal<bool>,
    /// Runs when the agent presses it while it is enabled.
    on_toggle: Callback<()>,
    /// Its accessible name, saying what it likes: "Like Maria Gonzalez's comment of …".
    name: String,
    /// Names the reason's element, unique on the page.
    reason_id: String,
) -> impl IntoView {
    move || {
        let LikeControl { liked, allowed } = control.get()?;
        let reason = allowed.err().map(|denied| denied.to_string());
        let blocked = reason.is_some();
        let reason_id = reason_id.clone();
        Some(view! {
            <button
                type="button"
                class="button button--small button--toggle"
                aria-label=name.clone()
                aria-pressed=if liked { "true" } else { "false" }
                aria-busy=move || pending.get().then_some("true")
                aria-disabled=move || (blocked || pending.get()).then_some("true")
                aria-describedby=blocked.then(|| reason_id.clone())
                on:click=handler(move |_| {
                    if !blocked && !pending.get_untracked() {
                        on_toggle.run(());
                    }
                })
            >
                // One name in both states; `aria-pressed` says whether the brand likes it.
                "Like"
            </button>
            // Read with the button; the conversation's own banner shows the common reasons.
            {reason.map(|reason| view! { <span class="visually-hidden" id=reason_id>{reason}</span> })}
        })
    }
}

/// The Like button of `target` in the open conversation, wired to its like action.
pub fn like_button_for(state: OpenConversation, target: LikeTarget, name: String) -> impl IntoView {
    let like = state.like_action(target);
    let reason_id = match target {
        LikeTarget::Message(id) => format!("like-reason-{id}"),
        LikeTarget::Post => format!("like-reason-post-{}", state.id),
    };
    view! {
        <LikeButton
            control=state.like_control(target)
            pending=like.pending()
            on_toggle=Callback::new(move |()| {
                like.dispatch(());
            })
            name
            reason_id
        />
    }
}

/// "Liked by <brand>" while the brand likes `target`. One function for messages and the
/// post, so its render code is in the wasm once.
pub fn liked_note(
    state: OpenConversation,
    target: LikeTarget,
    class: &'static str,
) -> impl IntoView {
    let brand_name = state.conversation.with_untracked(|c| c.brand.name.clone());
    move || {
        state
            .conversation
            .with(|c| target.liked(c))
            .then(|| view! { <span class=class>{format!("Liked by {brand_name}")}</span> })
    }
}

/// Why the last action on `target` failed, as an alert beside it.
pub fn notice(state: OpenConversation, target: LikeTarget, class: &'static str) -> impl IntoView {
    move || {
        state
            .notice(target)
            .map(|n| view! { <p class=class role="alert">{n}</p> })
    }
}
