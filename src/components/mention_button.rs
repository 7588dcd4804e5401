//! "Mention": puts the consumer's handle into the draft at the caret, once; inside a
//! workspace with its own reply input, also into that input, for agents who send from there.

use leptos::{html, prelude::*};

use super::handler;
use crate::host::WorkspaceInput;
use crate::state::{
    draft::{caret_to_chars, caret_to_utf16},
    OpenConversation,
};

/// Inserts the mention, then gives the focus back to the message with the caret after it.
/// Disabled, with the reason beside it, where the rules allow no mention.
#[component]
pub fn MentionButton(
    /// The open conversation.
    state: OpenConversation,
    /// The message box, for its caret.
    input: NodeRef<html::Textarea>,
) -> impl IntoView {
    let reason = Memo::new(move |_| {
        state
            .capabilities
            .with(|c| match c.as_ref().map(|c| &c.mention) {
                Some(Ok(())) => None,
                Some(Err(denied)) => Some(denied.to_string()),
                None => Some(String::new()),
            })
    });
    let reason_id = format!("mention-reason-{}", state.id);
    let on_click = move |_| {
        if reason.with_untracked(Option::is_some) {
            return;
        }
        let Some(textarea) = input.get_untracked() else {
            return;
        };
        let text = state.draft.with_untracked(|d| d.compose.text.clone());
        let caret = match textarea.selection_start() {
            Ok(Some(units)) => caret_to_chars(&text, units),
            _ => text.chars().count(),
        };
        if let Some((text, caret)) = state.mention(caret) {
            // Written to the element now, so the caret can be placed before Leptos sets the
            // same value from the model (an unchanged value leaves the caret alone).
            textarea.set_value(&text);
            let at = caret_to_utf16(&text, caret);
            let _ = textarea.focus();
            let _ = textarea.set_selection_range(at, at);
        }
    };
    view! {
        <button
            type="button"
            class="button button--small"
            aria-disabled=move || reason.with(Option::is_some).then_some("true")
            aria-describedby={
                let id = reason_id.clone();
                move || reason.with(Option::is_some).then(|| id.clone())
            }
            on:click=handler(on_click)
        >
            "Mention"
        </button>
        {use_context::<WorkspaceInput>().map(|workspace| {
            view! {
                <button
                    type="button"
                    class="button button--small"
                    aria-disabled=move || reason.with(Option::is_some).then_some("true")
                    on:click=handler(move |_| {
                        if let Some(mention) = state.mention_text() {
                            workspace.0.run(mention);
                        }
                    })
                >
                    "Mention in the workspace"
                </button>
            }
        })}
        <span class="hint" id=reason_id>{move || reason.get()}</span>
    }
}
