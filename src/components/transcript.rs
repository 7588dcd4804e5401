//! The conversation's messages, oldest first, replies quoting what they answer.

use leptos::prelude::*;
use social_api::Conversation;

use super::message_item::{author_name, excerpt, MessageItem, Quote};

/// How much of an answered message a reply quotes.
const QUOTE_CHARS: usize = 80;

/// Every message of one conversation.
#[component]
pub fn Transcript(
    /// The conversation whose messages to show.
    conversation: Conversation,
) -> impl IntoView {
    let consumer_name = conversation.consumer.profile.display_name().to_owned();
    let brand_name = conversation.brand.name.clone();
    let items = conversation
        .messages
        .iter()
        .map(|message| {
            let quote = message.reply_to.map(|id| match conversation.message(id) {
                Some(answered) => Quote {
                    author: author_name(&answered.author, &consumer_name),
                    text: excerpt(&answered.text, QUOTE_CHARS),
                },
                None => Quote {
                    author: "an earlier message".into(),
                    text: String::new(),
                },
            });
            view! {
                <MessageItem
                    message=message.clone()
                    consumer_name=consumer_name.clone()
                    brand_name=brand_name.clone()
                    quote
                />
            }
        })
        .collect_view();
    let empty = conversation
        .messages
        .is_empty()
        .then(|| view! { <p class="empty">"No messages yet."</p> });
    view! {
        <section class="transcript" aria-labelledby="transcript-heading">
            <h2 id="transcript-heading">"Messages"</h2>
            {empty}
            <ol class="transcript__list">{items}</ol>
        </section>
    }
}
