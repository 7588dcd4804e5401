//! "Link to DM": invites the consumer, publicly, to a private conversation. It opens a
//! preview of everything the invitation sends; only the preview's Send sends.

use leptos::prelude::*;
use social_api::rules::LinkToDm;

use super::{handler, link_to_dm_preview::LinkToDmPreview};
use crate::{state::OpenConversation, time};

/// Hidden for a private-only conversation; disabled with the reason where the rules say
/// no; otherwise it opens the preview. After an invitation it says when it went out.
#[component]
pub fn LinkToDmButton(
    /// The open conversation.
    state: OpenConversation,
) -> impl IntoView {
    let hint_id = format!("link-to-dm-hint-{}", state.id);
    let preview_id = format!("link-to-dm-preview-{}", state.id);
    let open = move || state.invite_preview.with(Option::is_some);
    let region_id = preview_id.clone();
    let view = move || {
        let reason = match state.link_to_dm.get() {
            LinkToDm::Hidden => return None,
            LinkToDm::Shown(Ok(())) => None,
            LinkToDm::Shown(Err(denied)) => Some(denied.to_string()),
        };
        let enabled = reason.is_none();
        let invited = state
            .invited_at
            .get()
            .map(|at| format!("Invited at {}", time::format(at)));
        let hint = reason.or(invited);
        let (hint_id, preview_id) = (hint_id.clone(), preview_id.clone());
        Some(view! {
            <button
                type="button"
                class="button button--small"
                aria-describedby=hint.is_some().then(|| hint_id.clone())
                aria-disabled=(!enabled).then_some("true")
                aria-expanded=move || if open() { "true" } else { "false" }
                aria-controls=preview_id
                on:click=handler(move |_| {
                    if !enabled {
                        return;
                    }
                    if open() {
                        state.close_invite();
                    } else {
                        state.open_invite();
                    }
                })
            >
                "Link to DM"
            </button>
            {hint.map(|hint| view! { <span class="hint" id=hint_id>{hint}</span> })}
        })
    };
    view! { {view} <LinkToDmPreview state id=region_id/> }
}
