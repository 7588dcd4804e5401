//! The original post or tweet a public conversation hangs on; DM-only conversations have none.
//! A consumer's post can be liked as the brand, as a consumer's message can. A post known
//! only by its id (a comment names nothing more) says so rather than show made-up text.

use leptos::prelude::*;
use social_api::{rules::LikeTarget, PostContext, Source};

use super::like_button::{like_button_for, liked_note, notice};
use crate::{links::safe_url, state::OpenConversation, time};

/// The post's author, time, text, links to it on the platform, and the brand's like.
#[component]
pub fn OriginalPost(
    /// The open conversation, for the like.
    state: OpenConversation,
    /// The post or tweet.
    post: PostContext,
    /// The network, for "post" or "tweet" and the link text.
    source: Source,
) -> impl IntoView {
    let noun = match source {
        Source::Facebook => "post",
        Source::X => "tweet",
    };
    let permalink = safe_url(&post.permalink).map(|href| {
        view! {
            <a href=href.to_owned() target="_blank" rel="noopener noreferrer">
                {format!("Open {noun} on {}", source.label())}
            </a>
        }
    });
    let attachment = post.attachment_url.as_deref().and_then(safe_url).map(|href| {
        view! {
            <a href=href.to_owned() target="_blank" rel="noopener noreferrer">"Open attachment"</a>
        }
    });
    let target = LikeTarget::Post;
    let actions = state.can_act().then(|| {
        let name = format!(
            "Like {}'s {noun} of {}",
            post.author,
            time::format(post.posted_at)
        );
        view! {
            <div class="post__actions">
                {like_button_for(state, target, name)}
                {liked_note(state, target, "post__liked")}
            </div>
        }
    });
    // Without its text, the post's time is only when we first heard of it: not shown.
    let known = !post.text.is_empty();
    let meta = known.then(|| {
        view! {
            <p class="meta">
                <span class="post__author" dir="auto">{post.author}</span>
                " · "
                <time datetime=time::iso(post.posted_at)>{time::format(post.posted_at)}</time>
            </p>
        }
    });
    let text = if known {
        post.text
    } else {
        format!("{} did not send this {noun}'s text.", source.label())
    };
    let deleted = post.deleted.then(|| {
        view! { <p class="post__deleted">{format!("Deleted on {}.", source.label())}</p> }
    });
    view! {
        <section class="post" aria-labelledby="post-heading">
            <h2 id="post-heading">{format!("Original {noun}")}</h2>
            {meta}
            {deleted}
            <p dir="auto" class=if known { "post__text" } else { "post__text post__text--unknown" }>{text}</p>
            <p class="post__links">{permalink}{attachment}</p>
            {actions}
            {(!state.can_act()).then(|| liked_note(state, target, "post__liked"))}
            {notice(state, target, "post__notice")}
        </section>
    }
}
