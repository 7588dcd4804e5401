//! The composer's tools beside the message box: Mention and Link to DM.

use leptos::{html, prelude::*};

use super::{link_to_dm::LinkToDmButton, mention_button::MentionButton};
use crate::state::OpenConversation;

/// The tools, each enabled and explained by the model's capabilities.
#[component]
pub fn ActionBar(
    /// The open conversation.
    state: OpenConversation,
    /// The message box, where a mention goes.
    input: NodeRef<html::Textarea>,
) -> impl IntoView {
    view! {
        <div class="action-bar" role="group" aria-label="Message tools">
            <MentionButton state input/>
            <LinkToDmButton state/>
        </div>
    }
}
