//! "Like" on a consumer's public message or post, as the brand: a toggle, pressed while
//! the brand likes it. Optimistic: the model shows the new state at once; a failure puts
//! the old one back and says why.

use leptos::prelude::*;
use social_api::rules::LikeTarget;

use super::rule_button::RuleButton;
use crate::state::OpenConversation;

/// The Like button of `target` in the open conversation (`rules::like_control`), wired to
/// its like action.
pub fn like_button_for(state: OpenConversation, target: LikeTarget, name: String) -> impl IntoView {
    let like = state.like_action(target);
    let control = state.like_control(target);
    let reason_id = match target {
        LikeTarget::Message(id) => format!("like-reason-{id}"),
        LikeTarget::Post => format!("like-reason-post-{}", state.id),
    };
    view! {
        <RuleButton
            offered=Signal::derive(move || control.get().map(|c| c.allowed))
            pressed=Signal::derive(move || control.with(|c| c.as_ref().is_some_and(|c| c.liked)))
            pending=like.pending()
            on_press=Callback::new(move |()| {
                like.dispatch(());
            })
            label="Like"
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
