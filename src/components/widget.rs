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
    let conversation = state.conversation;
    let source = conversation.with_untracked(|c| c.source);
    // The profile and the post re-render when the live stream changes them. The post's own
    // like is read by its Like button: a like must not re-render the post (and move focus).
    let consumer = Memo::new(move |_| conversation.with(|c| c.consumer.clone()));
    let post = Memo::new(move |_| {
        conversation.with(|c| {
            c.post.clone().map(|mut post| {
                post.liked_by_brand = false;
                post
            })
        })
    });
    let label = move || {
        format!(
            "Conversation with {} on {}",
            consumer.with(|c| c.profile.display_name().to_owned()),
            source.label()
        )
    };
    let space = Memo::new(move |_| conversation.with(|c| c.current_space()));
    let on_post = conversation.with_untracked(|c| c.post.is_some());
    // Where routing sent the conversation when it started: it does not change.
    let routed =
        conversation.with_untracked(|c| routed(c.skill.as_deref(), c.engagement.as_deref()));
    let routed = routed.map(|text| view! { <p class="routed">{text}</p> });
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
            <ChannelIndicator source space on_post/>
            {routed}
            <AssignmentNote state/>
            {source_note(state)}
            {move || view! { <ProfileCard consumer=consumer.get() source/> }}
            {move || post.get().map(|post| view! { <OriginalPost state post source/> })}
            <Transcript state/>
            {acting.then(|| view! { <Composer state/> })}
        </article>
    }
}

/// The rules' own words while an admin has disconnected the conversation's Page or X
/// account (every control gives the same reason); gone when it is connected again.
fn source_note(state: OpenConversation) -> impl IntoView {
    move || {
        state.conversation.with(|c| {
            c.brand.disconnected.then(|| {
                let reason = social_api::rules::Denied::SourceDisconnected {
                    name: c.brand.name.clone(),
                };
                view! { <p class="source-note" role="note">{reason.to_string()}</p> }
            })
        })
    }
}

/// "Skill: social-x · Engagement: x-care"; `None` for a conversation routed nowhere.
pub fn routed(skill: Option<&str>, engagement: Option<&str>) -> Option<String> {
    match (skill, engagement) {
        (None, None) => None,
        (Some(skill), None) => Some(format!("Skill: {skill}")),
        (None, Some(engagement)) => Some(format!("Engagement: {engagement}")),
        (Some(skill), Some(engagement)) => {
            Some(format!("Skill: {skill} · Engagement: {engagement}"))
        }
    }
}
