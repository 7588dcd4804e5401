//! The original post or tweet a public conversation hangs on; DM-only conversations have none.

use leptos::prelude::*;
use social_api::{PostContext, Source};

use crate::{links::safe_url, time};

/// The post's author, time, text and links to it on the platform.
#[component]
pub fn OriginalPost(
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
    view! {
        <section class="post" aria-labelledby="post-heading">
            <h2 id="post-heading">{format!("Original {noun}")}</h2>
            <p class="meta">
                <span class="post__author">{post.author}</span>
                " · "
                <time datetime=time::iso(post.posted_at)>{time::format(post.posted_at)}</time>
            </p>
            <p class="post__text">{post.text}</p>
            <p class="post__links">{permalink}{attachment}</p>
        </section>
    }
}
