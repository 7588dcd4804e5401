//! The Public / Private choice, offered only once the consumer has written in both spaces.

use leptos::prelude::*;
use social_api::Space;

use super::handler;
use crate::state::OpenConversation;

/// A radio group "Reply space"; it starts where the consumer last wrote and then holds the
/// agent's choice for this conversation.
#[component]
pub fn SpaceToggle(
    /// The open conversation.
    state: OpenConversation,
) -> impl IntoView {
    let name = format!("reply-space-{}", state.id);
    let option = move |space: Space| {
        view! {
            <label class="toggle__option">
                <input
                    type="radio"
                    name=name.clone()
                    prop:checked=move || state.toggle_space.get() == Some(space)
                    on:change=handler(move |_| state.choose_space(space))
                />
                {space.label()}
            </label>
        }
    };
    // Rebuilt only when the toggle appears or goes (a choice must not rebuild the radios
    // under the agent's focus): a `Memo<bool>` and a closure, smaller in the wasm than `<Show>`.
    let shown = Memo::new(move |_| state.toggle_space.with(Option::is_some));
    move || {
        shown.get().then(|| {
            view! {
                <div class="toggle" role="radiogroup" aria-label="Reply space">
                    {option(Space::Public)}
                    {option(Space::Private)}
                </div>
            }
        })
    }
}
