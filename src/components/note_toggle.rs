//! "Internal note": the draft goes to the other agents only, never to the platform.

use leptos::prelude::*;

use super::handler;
use crate::state::OpenConversation;

/// A checkbox that turns the draft into an internal note.
#[component]
pub fn NoteToggle(
    /// The open conversation.
    state: OpenConversation,
) -> impl IntoView {
    view! {
        <label class="note-toggle">
            <input
                type="checkbox"
                prop:checked=move || state.draft.with(|d| d.compose.internal)
                on:change=handler(move |ev| state.set_internal(event_target_checked(&ev)))
            />
            "Write an internal note"
        </label>
    }
}
