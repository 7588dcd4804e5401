//! The reply target in the other space than the draft: said plainly, with the two ways to
//! resolve it. Nothing is sent until the agent picks one; the draft's space never moves
//! by itself.

use leptos::prelude::*;
use social_api::Space;

use super::handler;
use crate::state::OpenConversation;

/// "This draft is private, but the message it answers is public", with "Reply publicly
/// instead" and "Remove the reply target".
#[component]
pub fn MismatchNote(
    /// The open conversation.
    state: OpenConversation,
) -> impl IntoView {
    move || {
        let target = state.mismatch.get()?;
        let (draft, answered, fix) = match target {
            Space::Public => ("private", "public", "Reply publicly instead"),
            Space::Private | Space::Internal => ("public", "private", "Reply privately instead"),
        };
        Some(view! {
            <div class="mismatch" role="group" aria-label="Reply space mismatch">
                <p role="status">
                    {format!("This draft is {draft}, but the message it answers is {answered}. Nothing is sent until you choose:")}
                </p>
                <p class="mismatch__fixes">
                    <button
                        type="button"
                        class="button button--small"
                        on:click=handler(move |_| {
                            state.choose_space(target);
                            state.focus_composer();
                        })
                    >
                        {fix}
                    </button>
                    <button
                        type="button"
                        class="button button--small"
                        on:click=handler(move |_| {
                            state.clear_reply();
                            state.focus_composer();
                        })
                    >
                        "Remove the reply target"
                    </button>
                </p>
            </div>
        })
    }
}
