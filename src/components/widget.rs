//! The conversation view: channel, whose it is, consumer, original post, transcript and
//! composer of one conversation.

use leptos::prelude::*;

use super::{
    assignment::AssignmentNote, channel_indicator::ChannelIndicator, composer::Composer,
    post_context::OriginalPost, profile_card::ProfileCard, transcript::Transcript,
};
use crate::state::OpenConversation;

/// Everything the agent sees about one conversation, and the composer when someone acts.
#[component]
pub fn Widget(
    /// The open conversation's model.
    state: OpenConversation,
) -> impl IntoView {
    let conversation = state.conversation.get_untracked();
    let source = conversation.source;
    let label = format!(
        "Conversation with {} on {}",
        conversation.consumer.profile.display_name(),
        source.label()
    );
    let conversation_now = state.conversation;
    let space = Memo::new(move |_| conversation_now.with(|c| c.current_space()));
    let post = conversation.post;
    let consumer = conversation.consumer;
    let acting = state.can_act();
    // Past the profile, the post and the whole transcript in one key press.
    let skip = acting.then(|| {
        view! {
            <a class="skip-link" href=format!("#composer-{}-message", state.id)>
                "Skip to the reply box"
            </a>
        }
    });
    view! {
        <article class="conversation" aria-label=label>
            {skip}
            <ChannelIndicator source space on_post=post.is_some()/>
            <AssignmentNote state/>
            <ProfileCard consumer source/>
            {post.map(|post| view! { <OriginalPost state post source/> })}
            <Transcript state/>
            {acting.then(|| view! { <Composer state/> })}
        </article>
    }
}
