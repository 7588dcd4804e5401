//! The composer: where the reply goes, what it answers, the message with its live length,
//! and the send button named for what it does. Everything it enables or explains comes
//! from the conversation model.

use leptos::prelude::*;
use social_api::{rules::MessengerWindow, Space};
use web_sys::KeyboardEvent;

use super::{
    action_bar::ActionBar,
    handler,
    message_item::{marker, marker_class},
    mismatch::MismatchNote,
    note_toggle::NoteToggle,
    reply_chip::ReplyChip,
    space_toggle::SpaceToggle,
};
use crate::{state::OpenConversation, time};

/// What the box writes, as its label says it.
fn box_label(space: Space) -> &'static str {
    match space {
        Space::Public => "Public reply",
        Space::Private => "Private message",
        Space::Internal => "Internal note",
    }
}

/// What the send button does.
fn send_label(space: Space) -> &'static str {
    match space {
        Space::Public => "Send public reply",
        Space::Private => "Send private message",
        Space::Internal => "Add internal note",
    }
}

/// How the keyboard sends, under the box. A public reply is never one stray key away.
fn keys_hint(space: Space) -> &'static str {
    match space {
        Space::Public => {
            "Ctrl+Enter (⌘+Enter on a Mac) sends publicly; Enter starts a new line."
        }
        Space::Private => "Enter sends; Shift+Enter starts a new line.",
        Space::Internal => {
            "Only agents see internal notes. Enter adds the note; Shift+Enter starts a new line. After that the box goes back to replying."
        }
    }
}

/// Where Messenger's window stands, in words.
fn window_line(window: MessengerWindow) -> String {
    let (until, closes) = (
        time::format(window.standard_until),
        time::format(window.closes_at),
    );
    match window.tag {
        Some(_) => format!(
            "This reply goes with Meta's human-agent tag; Messenger's window closes {closes}."
        ),
        None if window.closes_at == window.standard_until => {
            format!("Messenger's window is open until {until}.")
        }
        None => format!(
            "Messenger's window is open until {until}; after that a person can answer until {closes}, with Meta's human-agent tag."
        ),
    }
}

/// The draft of the open conversation and the controls to send it.
#[component]
pub fn Composer(
    /// The open conversation.
    state: OpenConversation,
) -> impl IntoView {
    let input = state.composer_input;
    let send = state.send_action();
    // In flight is part of the draft, so it holds across a switch away and back.
    let pending = Memo::new(move |_| state.draft.with(|d| d.sending));
    // Nothing goes out while the rules say no, or while nobody acts.
    let refused = move || state.sendable.with(|s| !matches!(s, Some(Ok(()))));
    let blocked = Memo::new(move |_| pending.get() || refused());
    let try_send = move || {
        if !blocked.get_untracked() {
            send.dispatch(());
        }
    };

    let id = state.id;
    let input_id = format!("composer-{id}-message");
    let hint_id = format!("composer-{id}-hint");
    let count_id = format!("composer-{id}-count");
    let reason_id = format!("composer-{id}-reason");
    let space = Memo::new(move |_| {
        state
            .capabilities
            .with(|c| c.as_ref().map_or(Space::Internal, |c| c.space))
    });
    let window = move || {
        state
            .capabilities
            .with(|c| c.as_ref().and_then(|c| c.window))
    };
    let reason = move || {
        state
            .sendable
            .with(|r| r.as_ref()?.as_ref().err().map(ToString::to_string))
    };
    let described = {
        let ids = format!("{hint_id} {count_id}");
        let reason_id = reason_id.clone();
        move || match refused() {
            true => format!("{ids} {reason_id}"),
            false => ids.clone(),
        }
    };
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
        if ev.key() != "Enter" || ev.is_composing() {
            return;
        }
        let modifier = ev.ctrl_key() || ev.meta_key();
        let sends = match space.get_untracked() {
            Space::Public => modifier,
            Space::Private | Space::Internal => !ev.shift_key(),
        };
        if sends {
            ev.prevent_default();
            try_send();
        }
    };
    let form_class = move || match space.get() {
        Space::Internal => "composer composer--note",
        Space::Public | Space::Private => "composer",
    };

    view! {
        <form
            class=form_class
            aria-label="Composer"
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
            <MismatchNote state/>
            <p class="composer__head">
                <label for=input_id.clone()>{move || box_label(space.get())}</label>
                {move || {
                    let space = space.get();
                    view! { <span class=marker_class(space)>{marker(space)}</span> }
                }}
            </p>
            <textarea
                id=input_id
                class="composer__input"
                rows="3"
                node_ref=input
                aria-describedby=described
                prop:value=move || state.draft.with(|d| d.compose.text.clone())
                on:input=handler(move |ev| state.set_text(event_target_value(&ev)))
                on:keydown=on_keydown
            ></textarea>
            <p class="composer__hint" id=hint_id>
                {move || keys_hint(space.get())}
                {move || window().map(|w| view! { " " {window_line(w)} })}
            </p>
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
                    aria-describedby=move || refused().then(|| reason_id.clone())
                >
                    <span class="spinner" aria-hidden="true" class:visually-hidden=move || !pending.get()></span>
                    {move || send_label(space.get())}
                </button>
            </div>
            <p class="composer__reason" id=format!("composer-{id}-reason") aria-live="polite">{reason}</p>
            {error}
        </form>
    }
}
