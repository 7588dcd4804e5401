//! A button whose every state is a rule's answer: absent where the rule offers nothing,
//! disabled (still focusable) with the rule's reason as its description where it says no,
//! and pressed or not where it is a toggle. Like, Reply and Retry are all this button.

use leptos::prelude::*;
use social_api::rules::Denied;

use super::handler;

/// One rule-driven button.
#[component]
pub fn RuleButton(
    /// What the rule says: `None`, no button; `Err`, disabled with the reason.
    #[prop(into)]
    offered: Signal<Option<Result<(), Denied>>>,
    /// Whether it is pressed, for a toggle (`aria-pressed`); `None` for a plain button.
    #[prop(optional, into)]
    pressed: Option<Signal<bool>>,
    /// Its action is on its way.
    #[prop(optional, into)]
    pending: Option<Signal<bool>>,
    /// Runs when the agent presses it while it is enabled.
    on_press: Callback<()>,
    /// What it shows: one word in every state ("Like", "Reply", "Retry").
    label: &'static str,
    /// Its accessible name, saying what it acts on: "Like Maria Gonzalez's comment of …".
    name: String,
    /// Names the reason's element, unique on the page.
    reason_id: String,
) -> impl IntoView {
    let pending = move || pending.is_some_and(|p| p.get());
    let class = if pressed.is_some() {
        "button button--small button--toggle"
    } else {
        "button button--small"
    };
    move || {
        let reason = offered.get()?.err().map(|denied| denied.to_string());
        let blocked = reason.is_some();
        let reason_id = reason_id.clone();
        Some(view! {
            <button
                type="button"
                class=class
                aria-label=name.clone()
                aria-pressed=move || pressed.map(|p| if p.get() { "true" } else { "false" })
                aria-busy=move || pending().then_some("true")
                aria-disabled=move || (blocked || pending()).then_some("true")
                aria-describedby=blocked.then(|| reason_id.clone())
                on:click=handler(move |_| {
                    if !blocked && !pending() {
                        on_press.run(());
                    }
                })
            >
                {label}
            </button>
            // Read with the button; the conversation's own note shows the common reasons.
            {reason.map(|reason| view! { <span class="visually-hidden" id=reason_id>{reason}</span> })}
        })
    }
}
