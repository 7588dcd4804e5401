//! "Reply" on a consumer message: makes it the draft's reply target.

use leptos::prelude::*;
use social_api::rules::Denied;

use super::handler;

/// Shown on the consumer's messages (`rules::reply_control`); disabled, with the reason,
/// where this agent may not answer there.
#[component]
pub fn ReplyButton(
    /// What the rules say; `None`: no button.
    #[prop(into)]
    control: Signal<Option<Result<(), Denied>>>,
    /// This message is the draft's reply target.
    #[prop(into)]
    pressed: Signal<bool>,
    /// Runs when the agent presses it while it is enabled.
    on_reply: Callback<()>,
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
                class="button button--small button--toggle"
                aria-label=name.clone()
                aria-pressed=move || if pressed.get() { "true" } else { "false" }
                aria-disabled=blocked.then_some("true")
                aria-describedby=blocked.then(|| reason_id.clone())
                on:click=handler(move |_| {
                    if !blocked {
                        on_reply.run(());
                    }
                })
            >
                "Reply"
            </button>
            // Read with the button; the conversation's own banner shows the common reasons.
            {reason.map(|reason| view! { <span class="visually-hidden" id=reason_id>{reason}</span> })}
        })
    }
}
