//! Where the conversation is happening now: the network and whether the consumer last
//! wrote publicly or privately.

use leptos::prelude::*;
use social_api::{Source, Space};

use super::{message_item::space_class, source_icon::SourceIcon};

/// The kind of place a space is on a network, as the agent calls it.
pub fn place(source: Source, space: Space, on_post: bool) -> &'static str {
    match (source, space) {
        (Source::Facebook, Space::Public) if on_post => "Comment",
        (Source::Facebook, Space::Public) => "Post",
        (Source::Facebook, Space::Private) => "Messenger",
        (Source::X, Space::Public) => "Tweet",
        (Source::X, Space::Private) => "DM",
        (_, Space::Internal) => "Note",
    }
}

/// "Facebook — Public · Comment", with the network's mark.
#[component]
pub fn ChannelIndicator(
    /// The network.
    source: Source,
    /// Where the consumer last wrote; `None` before they wrote at all. Live: a consumer
    /// message arriving in the other space moves the indicator.
    #[prop(into)]
    space: Signal<Option<Space>>,
    /// Whether the conversation hangs on a post or tweet.
    on_post: bool,
) -> impl IntoView {
    let space = move || {
        space.get().map(|space| {
            let text = format!("{} · {}", space.label(), place(source, space, on_post));
            view! { <span class=space_class(space)>{text}</span> }
        })
    };
    view! {
        <p class="channel">
            <span class="channel__source">
                <SourceIcon source/>
                <span>{source.label()}</span>
            </span>
            {space}
        </p>
    }
}
