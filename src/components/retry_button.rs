//! "Retry" on a message whose delivery failed: sends its stored text again.

use leptos::prelude::*;
use social_api::rules::Denied;

use super::handler;

/// Shown on failed messages of the brand (`rules::retry_control`); disabled, with the
/// reason, where this agent may not send it again now.
#[component]
pub fn RetryButton(
    /// What the rules say; `None`: no button.
    #[prop(into)]
    control: Signal<Option<Result<(), Denied>>>,
    /// A retry is on its way.
    #[prop(into)]
    pending: Signal<bool>,
    /// Runs when the agent presses it while it is enabled.
    on_retry: Callback<()>,
    /// Its accessible name, saying what it acts on.
    name: String,
    /// Names the reason's element, unique on the page.
    reason_id: String,
) -> impl IntoView {
    move || {
        let reason = control.get()?.err().map(|denied| denied.to_string());
        let blocked = reason.is_some();
        let reason_id = reason_id.clone();
        Some(view! {
            <button
                type="button"
                class="button button--small"
                aria-label=name.clone()
                aria-busy=move || pending.get().then_some("true")
                aria-disabled=move || (blocked || pending.get()).then_some("true")
                aria-describedby=blocked.then(|| reason_id.clone())
                on:click=handler(move |_| {
                    if !blocked && !pending.get_untracked() {
                        on_retry.run(());
                    }
                })
            >
                "Retry"
            </button>
            // Read with the button; the conversation's own banner shows the common reasons.
            {reason.map(|reason| view! { <span class="visually-hidden" id=reason_id>{reason}</span> })}
        })
    }
}
