//! One message of the transcript: where it is visible, who wrote it, when, whether the
//! brand liked it or it is still on its way, what the platform says happened to it since
//! (edited, deleted, the consumer's reaction), and the agent's actions on it.

use leptos::{either::EitherOf3, html, prelude::*};
use social_api::{
    delivery::{self, Status},
    rules::LikeTarget,
    Author, Message, MessageId, Source, Space,
};

use super::{
    like_button::{like_button_for, liked_note, notice},
    rule_button::RuleButton,
    Sentence,
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
        Author::Brand { name } => format!("{name} (outside the widget)"),
    }
}

/// "Maria liked this", "❤️ Maria reacted": the consumer's reaction in words. Facebook
/// names its reactions, Messenger sends the emoji itself, X has only the like. The name and
/// a sent emoji are theirs (see [`Sentence`]): neither can reorder the words after them.
pub fn reaction_line(reaction: &str, who: String) -> Sentence {
    let emoji = match reaction {
        "like" => {
            return Sentence {
                theirs: who,
                between: " liked this".into(),
                ..Sentence::default()
            }
        }
        "love" => "❤️",
        "haha" => "😆",
        "wow" => "😮",
        "sad" => "😢",
        "angry" => "😠",
        "care" => "🥰",
        // A name we do not know is said as a word; anything else is the emoji itself.
        word if word.chars().all(|c| c.is_ascii_alphabetic()) => {
            return Sentence {
                theirs: who,
                between: format!(" reacted: {word}"),
                ..Sentence::default()
            };
        }
        emoji => emoji,
    };
    Sentence {
        theirs: emoji.into(),
        between: " ".into(),
        theirs_too: who,
        after: " reacted".into(),
        ..Sentence::default()
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

/// "Replying to Jane: <start of her message>", or the author alone for a message not shown;
/// the name and the quote are theirs (see [`Sentence`]), so neither can reorder the other.
pub fn quote_of(state: &OpenConversation, answered: MessageId) -> Sentence {
    state.conversation.with_untracked(|c| {
        let consumer = c.consumer.profile.display_name();
        match c.message(answered) {
            Some(m) => Sentence {
                before: "Replying to ".into(),
                theirs: author_name(&m.author, consumer),
                between: ": ".into(),
                theirs_too: excerpt(&m.text, QUOTE_CHARS),
                ..Sentence::default()
            },
            None => Sentence {
                before: "Replying to an earlier message".into(),
                ..Sentence::default()
            },
        }
    })
}

/// What the agent calls a consumer's message in a sentence: "comment", "tweet", "message".
pub fn noun(source: Source, space: Space) -> &'static str {
    match (source, space) {
        (Source::Facebook, Space::Public) => "comment",
        (Source::X, Space::Public) => "tweet",
        (_, Space::Private) => "message",
        (_, Space::Internal) => "note",
    }
}

/// The delivery line of a message of the brand: on its way, sent (after a retry),
/// refused (in plain words, the platform's own in a disclosure), or of unknown outcome.
fn delivery_line(state: OpenConversation, message: Memo<Option<Message>>) -> impl IntoView {
    let source = state.conversation.with_untracked(|c| c.source);
    move || {
        let now = state.now.get();
        message.with(|m| {
            let m = m.as_ref()?;
            if state.retrying.with(|all| all.contains(&m.id)) {
                return Some(EitherOf3::A("Sending…"));
            }
            match delivery::status(m, source, now) {
                Status::Sent => state
                    .resent
                    .with(|all| all.contains(&m.id))
                    .then_some(EitherOf3::A("Sent")),
                Status::Sending => Some(EitherOf3::A("Sending…")),
                Status::Unknown => Some(EitherOf3::B(format!(
                    "Outcome unknown: it may or may not have reached {}. Check there before sending it again.",
                    source.label()
                ))),
                Status::NotDelivered(why) => {
                    let said = format!("Not delivered. {} {}", why.summary, why.next_step);
                    let raw = why.raw.to_owned();
                    Some(EitherOf3::C(view! {
                        <strong>{said}</strong>
                        <details class="msg__raw">
                            <summary>"The platform's own words"</summary>
                            <span>{raw}</span>
                        </details>
                    }))
                }
            }
        })
    }
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
        sent_at,
        reply_to,
        ..
    } = message.get_untracked()?;
    let (consumer_name, source) = state
        .conversation
        .with_untracked(|c| (c.consumer.profile.display_name().to_owned(), c.source));
    // What the platform reports later changes the row in place.
    let edited = move || {
        message
            .with(|m| m.as_ref().is_some_and(|m| m.edited))
            .then(|| view! { <span class="msg__edited">"edited"</span> })
    };
    let deleted = move || message.with(|m| m.as_ref().is_some_and(|m| m.deleted));
    let deleted_note = move || {
        deleted().then(|| {
            view! {
                <p class="msg__deleted">
                    {format!("Deleted on {}. Only agents still see the text.", source.label())}
                </p>
            }
        })
    };
    let reacted = {
        let who = consumer_name.clone();
        move || {
            message.with(|m| {
                let reaction = m.as_ref()?.consumer_reaction.as_deref()?;
                let line = reaction_line(reaction, who.clone()).view();
                Some(view! { <p class="msg__reaction">{line}</p> })
            })
        }
    };
    let target = LikeTarget::Message(id);
    let quote = reply_to
        .map(|answered| view! { <blockquote class="msg__quote">{quote_of(&state, answered).view()}</blockquote> });
    let consumer = author.is_consumer();
    let who = author_name(&author, &consumer_name);
    // "Maria Gonzalez's comment of 12 Mar, 04:47": what every button of the row acts on.
    let what = format!(
        "{who}'s {} of {}",
        noun(source, space),
        time::format(sent_at)
    );
    // Where the focus goes after Retry, which leaves its button behind.
    let status = NodeRef::<html::P>::new();
    let actions = state.can_act().then(|| {
        let retry = state.retry_action(id);
        let yours = format!(
            "Retry the {} of {}",
            noun(source, space),
            time::format(sent_at)
        );
        view! {
            <div class="msg__actions">
                {like_button_for(state, target, format!("Like {what}"))}
                <RuleButton
                    offered=state.reply_control(id)
                    pressed=Signal::derive(move || {
                        state.reply_target.with(|t| t.is_some_and(|t| t.message() == id))
                    })
                    on_press=Callback::new(move |()| state.reply_to(id))
                    label="Reply"
                    name=format!("Reply to {what}")
                    reason_id=format!("reply-reason-{id}")
                />
                <RuleButton
                    offered=state.retry_control(id)
                    pending=retry.pending()
                    on_press=Callback::new(move |()| {
                        retry.dispatch(());
                        if let Some(status) = status.get_untracked() {
                            let _ = status.focus();
                        }
                    })
                    label="Retry"
                    name=yours
                    reason_id=format!("retry-reason-{id}")
                />
                {liked_note(state, target, "msg__liked")}
            </div>
        }
    });
    Some(view! {
        <li class=row_class(space, consumer)>
            <p class="meta">
                <span class=marker_class(space)>{marker(space)}</span>
                <span class="msg__author" dir="auto">{who}</span>
                <time datetime=time::iso(sent_at)>{time::format(sent_at)}</time>
                {edited}
            </p>
            {quote}
            {deleted_note}
            <p dir="auto" class=move || if deleted() { "msg__text msg__text--deleted" } else { "msg__text" }>
                {move || message.with(|m| m.as_ref().map(|m| m.text.clone()))}
            </p>
            {reacted}
            <p class="msg__delivery" tabindex="-1" node_ref=status aria-live="polite">
                {delivery_line(state, message)}
            </p>
            {actions}
            {(!state.can_act()).then(|| liked_note(state, target, "msg__liked"))}
            {notice(state, target, "msg__notice")}
        </li>
    })
}
