//! The conversation view: channel, consumer, original post and transcript of one conversation.

use leptos::prelude::*;
use social_api::Conversation;

use super::{
    channel_indicator::ChannelIndicator, post_context::OriginalPost, profile_card::ProfileCard,
    transcript::Transcript,
};

/// Everything the agent sees about one conversation.
#[component]
pub fn Widget(
    /// The conversation to show.
    conversation: Conversation,
) -> impl IntoView {
    let source = conversation.source;
    let label = format!(
        "Conversation with {} on {}",
        conversation.consumer.profile.display_name(),
        source.label()
    );
    let space = conversation.current_space();
    let post = conversation.post.clone();
    let consumer = conversation.consumer.clone();
    view! {
        <article class="conversation" aria-label=label>
            <ChannelIndicator source space on_post=post.is_some()/>
            <ProfileCard consumer source/>
            {post.map(|post| view! { <OriginalPost post source/> })}
            <Transcript conversation/>
        </article>
    }
}
