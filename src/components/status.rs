//! The states around content: loading, nothing to show, and failure with a way to retry.

use leptos::prelude::*;

use super::handler;
use crate::state::Failure;

/// Something is on its way.
#[component]
pub fn Loading(
    /// What is loading, e.g. "Loading the conversation…".
    label: &'static str,
) -> impl IntoView {
    view! {
        <p class="status status--loading" role="status" aria-busy="true">
            <span class="spinner" aria-hidden="true"></span>
            {label}
        </p>
    }
}

/// Nothing to show, and why.
#[component]
pub fn EmptyState(
    /// What the agent reads.
    text: &'static str,
) -> impl IntoView {
    view! { <p class="status status--empty" role="status">{text}</p> }
}

/// A failure in words, with a button to try again.
#[component]
pub fn ErrorState(
    /// What failed, e.g. "Could not load the conversation.".
    what: &'static str,
    /// Why it failed.
    error: Failure,
    /// Runs when the agent presses "Retry".
    on_retry: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="status status--error" role="alert">
            <p class="status__what">{what}</p>
            <p>{error.to_string()}</p>
            <button type="button" class="button" on:click=handler(move |_| on_retry.run(()))>"Retry"</button>
        </div>
    }
}
