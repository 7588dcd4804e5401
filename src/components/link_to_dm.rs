//! "Link to DM": a public reply inviting the consumer to a private conversation.

use leptos::{either::Either, prelude::*};
use social_api::{actions::dm_invite, rules::LinkToDm};

use super::handler;
use crate::state::OpenConversation;

/// Hidden for a private-only conversation; disabled with the reason where the rules say
/// no; otherwise its description previews the invitation it sends.
#[component]
pub fn LinkToDmButton(
    /// The open conversation.
    state: OpenConversation,
) -> impl IntoView {
    let link = move || state.link_to_dm.get();
    let invite = state.invite_action();
    let pending = invite.pending();
    let hint_id = format!("link-to-dm-hint-{}", state.id);
    let view = move || {
        let (enabled, hint) = match link() {
            LinkToDm::Hidden => return None,
            LinkToDm::Shown(Ok(())) => {
                let now = state.now.get();
                let answering = state.draft.with(|d| d.compose.reply_to);
                let text = state
                    .conversation
                    .with(|c| dm_invite(c, answering, now).public_text);
                (true, format!("Sends publicly: “{text}”"))
            }
            LinkToDm::Shown(Err(denied)) => (false, denied.to_string()),
        };
        let hint_id = hint_id.clone();
        Some(view! {
            <button
                type="button"
                class="button button--small"
                aria-describedby=hint_id.clone()
                aria-disabled=move || (!enabled || pending.get()).then_some("true")
                aria-busy=move || pending.get().then_some("true")
                on:click=handler(move |_| {
                    if enabled && !pending.get_untracked() {
                        invite.dispatch(());
                    }
                })
            >
                "Link to DM"
            </button>
            <span class="hint" id=hint_id>{hint}</span>
        })
    };
    let error = move || match state.invite_error.get() {
        Some(error) => Either::Left(view! { <p class="composer__error" role="alert">{error}</p> }),
        None => Either::Right(()),
    };
    view! { {view} {error} }
}
