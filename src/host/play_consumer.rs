//! The dev page's "play the consumer" form: a person writes as the consumer of the open
//! conversation, publicly or privately, to watch the widget follow it live without a
//! platform (demo mode only; the server refuses it otherwise).

use leptos::prelude::*;
use social_api::{ConversationId, DemoConsumerMessage, Space};

use crate::{client, components::handler, state::Failure};

/// The form, for whichever conversation `open` names.
#[component]
pub fn PlayConsumer(
    /// The open conversation, the one the consumer writes in.
    open: Signal<Option<ConversationId>>,
    /// The dev session's token, kept in memory.
    token: StoredValue<String>,
    /// Called after each message the server took (the lists read again).
    on_sent: Callback<()>,
) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let space = RwSignal::new(Space::Public);
    let failure = RwSignal::new(None::<String>);
    let send = Action::new_local(move |&(): &()| {
        let (token, id) = (token.get_value(), open.get_untracked());
        let message = DemoConsumerMessage {
            text: text.get_untracked(),
            space: space.get_untracked(),
        };
        async move {
            let Some(id) = id else { return };
            match client::play_consumer(&token, id, &message).await {
                // The widget shows it from its stream, not from this answer.
                Ok(_) => {
                    text.set(String::new());
                    failure.set(None);
                    on_sent.run(());
                }
                // The text stays, to send again.
                Err(error) => failure.set(Some(Failure::from(error).to_string())),
            }
        }
    });
    let blank = move || text.with(|t| t.trim().is_empty()) || open.with(Option::is_none);
    view! {
        <form
            class="dev__consumer"
            aria-label="Play the consumer"
            on:submit=handler(move |ev: web_sys::SubmitEvent| {
                ev.prevent_default();
                if !blank() && !send.pending().get_untracked() {
                    send.dispatch(());
                }
            })
        >
            <h2>"Play the consumer"</h2>
            <label for="consumer-text">"What the consumer writes"</label>
            <textarea
                id="consumer-text"
                rows="2"
                prop:value=move || text.get()
                on:input=handler(move |ev| text.set(event_target_value(&ev)))
            ></textarea>
            <fieldset>
                <legend>"Where"</legend>
                {[Space::Public, Space::Private]
                    .map(|s| {
                        view! {
                            <label>
                                <input
                                    type="radio"
                                    name="consumer-space"
                                    prop:checked=move || space.get() == s
                                    on:change=handler(move |_| space.set(s))
                                />
                                {s.label()}
                            </label>
                        }
                    })}
            </fieldset>
            <button type="submit" disabled=move || blank() || send.pending().get()>
                "Send as the consumer"
            </button>
            {move || failure.get().map(|f| view! { <p class="composer__error" role="alert">{f}</p> })}
        </form>
    }
}
