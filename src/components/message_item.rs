//! One message of the transcript: where it is visible, who wrote it, when, and whether the
//! brand liked it or it is still on its way.

use leptos::prelude::*;
use social_api::{Author, Delivery, Message, Space};

use crate::time;

/// The marker an agent reads for a space: text, not only colour.
pub fn marker(space: Space) -> &'static str {
    match space {
        Space::Public => "Public",
        Space::Private => "Private (DM)",
        Space::Internal => "Internal note",
    }
}

/// Who wrote a message, by name.
pub fn author_name(author: &Author, consumer_name: &str) -> String {
    match author {
        Author::Consumer => consumer_name.to_owned(),
        Author::Agent { name, .. } => name.clone(),
        Author::Bot { name } => format!("{name} (bot)"),
        Author::System => "System".to_owned(),
    }
}

/// The start of a text, cut at a word where it can be.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        None => text.to_owned(),
        Some((cut, _)) => {
            // `get` rather than indexing: no panic path (and its formatting code) in the wasm.
            let head = text.get(..cut).unwrap_or(text);
            let head = head.rsplit_once(' ').map_or(head, |(words, _)| words);
            format!("{}…", head.trim_end())
        }
    }
}

/// What a reply answers: its author's name and the start of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub author: String,
    pub text: String,
}

/// One message.
#[component]
pub fn MessageItem(
    /// The message.
    message: Message,
    /// The consumer's display name, for the consumer's messages.
    consumer_name: String,
    /// The brand page or account name, for "Liked by".
    brand_name: String,
    /// What this message answers, when it is a reply.
    quote: Option<Quote>,
) -> impl IntoView {
    let Message {
        author,
        space,
        text,
        sent_at,
        liked_by_brand,
        delivery,
        ..
    } = message;
    let space_class = space.as_str();
    let quote = quote.map(|q| {
        let text = match q.text.is_empty() {
            true => format!("Replying to {}", q.author),
            false => format!("Replying to {}: {}", q.author, q.text),
        };
        view! { <blockquote class="msg__quote">{text}</blockquote> }
    });
    let delivery = match delivery {
        Delivery::Sent => None,
        Delivery::Pending => Some((
            "msg__delivery msg__delivery--pending",
            "Sending…".to_owned(),
        )),
        Delivery::Failed { reason } => Some((
            "msg__delivery msg__delivery--failed",
            format!("Not delivered: {reason}"),
        )),
    }
    .map(|(class, text)| view! { <p class=class>{text}</p> });
    let who = if author.is_consumer() {
        "consumer"
    } else {
        "brand"
    };
    view! {
        <li class=format!("msg msg--{space_class} msg--{who}")>
            <p class="meta">
                <span class=format!("marker marker--{space_class}")>{marker(space)}</span>
                <span class="msg__author">{author_name(&author, &consumer_name)}</span>
                <time datetime=time::iso(sent_at)>{time::format(sent_at)}</time>
            </p>
            {quote}
            <p class="msg__text">{text}</p>
            {liked_by_brand.then(|| view! { <p class="msg__liked">{format!("Liked by {brand_name}")}</p> })}
            {delivery}
        </li>
    }
}
