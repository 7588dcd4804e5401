//! The composer: where the reply goes, what it answers, the message with its live length,
//! and Send. Everything it enables or explains comes from the conversation model.

use leptos::{html, prelude::*};
use web_sys::KeyboardEvent;

use super::{
    action_bar::ActionBar,
    handler,
    message_item::{marker, marker_class},
    note_toggle::NoteToggle,
    reply_chip::ReplyChip,
    space_toggle::SpaceToggle,
};
use crate::state::OpenConversation;

/// The draft of the open conversation and the controls to send it. Enter sends,
/// Shift+Enter starts a new line.
#[component]
pub fn Composer(
    /// The open conversation.
    state: OpenConversation,
) -> impl IntoView {
    let input = NodeRef::<html::Textarea>::new();
    let send = state.send_action();
    // In flight is part of the draft, so it holds across a switch away and back.
    let pending = Memo::new(move |_| state.draft.with(|d| d.sending));
    let blocked = Memo::new(move |_| pending.get() || state.sendable.with(Result::is_err));
    let try_send = move || {
        if !blocked.get_untracked() {
            send.dispatch(());
        }
    };

    let id = state.id;
    let input_id = format!("composer-{id}-message");
    let count_id = format!("composer-{id}-count");
    let reason_id = format!("composer-{id}-reason");
    let reason = move || {
        state
            .sendable
            .with(|r| r.as_ref().err().map(ToString::to_string))
    };
    let described = {
        let (count_id, reason_id) = (count_id.clone(), reason_id.clone());
        move || match state.sendable.with(Result::is_err) {
            true => format!("{count_id} {reason_id}"),
            false => count_id.clone(),
        }
    };
    let space = move || state.capabilities.with(|c| c.as_ref().map(|c| c.space));
    let max = move || {
        state
            .capabilities
            .with(|c| c.as_ref().map_or(0, |c| c.max_length))
    };
    let over = move || state.length.get() > max();
    let error = move || {
        state.draft.with(|d| d.error.clone()).map(|error| {
            view! {
                <p class="composer__error" role="alert">
                    {format!("Not sent: {error} The draft is kept.")}
                </p>
            }
        })
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            try_send();
        }
    };

    view! {
        <form
            class="composer"
            aria-label="Reply"
            aria-busy=move || if pending.get() { "true" } else { "false" }
            on:submit=move |ev| {
                ev.prevent_default();
                try_send();
            }
        >
            <div class="composer__options">
                <SpaceToggle state/>
                <NoteToggle state/>
            </div>
            <ReplyChip state/>
            <p class="composer__head">
                <label for=input_id.clone()>"Message"</label>
                {move || space().map(|space| view! {
                    <span class=marker_class(space)>{marker(space)}</span>
                })}
            </p>
            <textarea
                id=input_id
                class="composer__input"
                rows="3"
                node_ref=input
                aria-describedby=described.clone()
                prop:value=move || state.draft.with(|d| d.compose.text.clone())
                on:input=handler(move |ev| state.set_text(event_target_value(&ev)))
                on:keydown=on_keydown
            ></textarea>
            <div class="composer__foot">
                <ActionBar state input/>
                <span
                    id=count_id
                    class="composer__count"
                    class:composer__count--over=over
                >
                    {move || format!("{} / {}", state.length.get(), max())}
                </span>
                <button
                    type="submit"
                    class="button button--primary"
                    aria-disabled=move || if blocked.get() { "true" } else { "false" }
                    aria-describedby=move || state.sendable.with(Result::is_err).then(|| reason_id.clone())
                >
                    <span class="spinner" aria-hidden="true" class:visually-hidden=move || !pending.get()></span>
                    "Send"
                </button>
            </div>
            <p class="composer__reason" id=format!("composer-{id}-reason") aria-live="polite">{reason}</p>
            {error}
        </form>
    }
}
