//! One message of the transcript: where it is visible, who wrote it, when, whether the
//! brand liked it or it is still on its way, and the agent's actions on it.

use leptos::prelude::*;
use social_api::{rules::LikeTarget, Author, Delivery, Message, MessageId, Space};

use super::{
    like_button::{like_button_for, liked_note, notice},
    reply_button::ReplyButton,
    retry_button::RetryButton,
};
use crate::{state::OpenConversation, time};

/// How much of an answered message a reply quotes.
pub const QUOTE_CHARS: usize = 80;

/// The marker an agent reads for a space: text, not only colour.
pub fn marker(space: Space) -> &'static str {
    match space {
        Space::Public => "Public",
        Space::Private => "Private (DM)",
        Space::Internal => "Internal note",
    }
}

/// The marker's classes for a space. Whole static strings rather than `format!`: the
/// widget's class attributes are then all `&'static str` (docs/size.md).
pub fn marker_class(space: Space) -> &'static str {
    match space {
        Space::Public => "marker marker--public",
        Space::Private => "marker marker--private",
        Space::Internal => "marker marker--internal",
    }
}

/// The space badge's classes (channel indicator, conversation list).
pub fn space_class(space: Space) -> &'static str {
    match space {
        Space::Public => "space space--public",
        Space::Private => "space space--private",
        Space::Internal => "space space--internal",
    }
}

/// A message row's classes: where it is visible and who wrote it.
fn row_class(space: Space, consumer: bool) -> &'static str {
    match (space, consumer) {
        (Space::Public, true) => "msg msg--public msg--consumer",
        (Space::Public, false) => "msg msg--public msg--brand",
        (Space::Private, true) => "msg msg--private msg--consumer",
        (Space::Private, false) => "msg msg--private msg--brand",
        (Space::Internal, true) => "msg msg--internal msg--consumer",
        (Space::Internal, false) => "msg msg--internal msg--brand",
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

/// "Replying to Jane: <start of her message>", or the author alone for a message not shown.
pub fn quote_of(state: &OpenConversation, answered: MessageId) -> String {
    state.conversation.with_untracked(|c| {
        let consumer = c.consumer.profile.display_name();
        match c.message(answered) {
            Some(m) => format!(
                "Replying to {}: {}",
                author_name(&m.author, consumer),
                excerpt(&m.text, QUOTE_CHARS)
            ),
            None => "Replying to an earlier message".to_owned(),
        }
    })
}

/// One message of the open conversation.
#[component]
pub fn MessageItem(
    /// The open conversation.
    state: OpenConversation,
    /// Which of its messages.
    id: MessageId,
) -> impl IntoView {
    let message = Memo::new(move |_| state.conversation.with(|c| c.message(id).cloned()));
    let Message {
        author,
        space,
        text,
        sent_at,
        reply_to,
        ..
    } = message.get_untracked()?;
    let consumer_name = state
        .conversation
        .with_untracked(|c| c.consumer.profile.display_name().to_owned());
    let target = LikeTarget::Message(id);
    let quote = reply_to
        .map(|answered| view! { <blockquote class="msg__quote">{quote_of(&state, answered)}</blockquote> });
    let delivery = move || {
        let (class, text) = match message.with(|m| m.as_ref().map(|m| m.delivery.clone()))? {
            Delivery::Sent => return None,
            Delivery::Pending => (
                "msg__delivery msg__delivery--pending",
                "Sending…".to_owned(),
            ),
            Delivery::Failed { reason } => (
                "msg__delivery msg__delivery--failed",
                format!("Not delivered: {reason}"),
            ),
        };
        Some(view! { <p class=class>{text}</p> })
    };
    let consumer = author.is_consumer();
    let actions = state.can_act().then(|| {
        let retry = state.retry_action(id);
        view! {
            <div class="msg__actions">
                {like_button_for(state, target)}
                <ReplyButton
                    control=state.reply_control(id)
                    pressed=Signal::derive(move || {
                        state.reply_target.with(|t| t.is_some_and(|t| t.message() == id))
                    })
                    on_reply=Callback::new(move |()| state.reply_to(id))
                    reason_id=format!("reply-reason-{id}")
                />
                <RetryButton
                    control=state.retry_control(id)
                    pending=retry.pending()
                    on_retry=Callback::new(move |()| {
                        retry.dispatch(());
                    })
                    reason_id=format!("retry-reason-{id}")
                />
            </div>
        }
    });
    Some(view! {
        <li class=row_class(space, consumer)>
            <p class="meta">
                <span class=marker_class(space)>{marker(space)}</span>
                <span class="msg__author">{author_name(&author, &consumer_name)}</span>
                <time datetime=time::iso(sent_at)>{time::format(sent_at)}</time>
            </p>
            {quote}
            <p class="msg__text">{text}</p>
            {liked_note(state, target, "msg__liked")}
            {delivery}
            {actions}
            {notice(state, target, "msg__notice")}
        </li>
    })
}
