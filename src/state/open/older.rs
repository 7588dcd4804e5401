//! A transcript loaded a page at a time: older pages go first, and a message that arrives
//! or changes finds its place, or, older than the loaded page, only updates the copy the
//! facts keep of it (`social_api::facts`).

use leptos::prelude::*;
use social_api::{Conversation, Message, MessageId, MessagePage};

use super::OpenConversation;
use crate::client;
use crate::state::Failure;

/// A message of the model, loaded or kept by the facts, to change in place.
pub(super) fn message_mut(c: &mut Conversation, id: MessageId) -> Option<&mut Message> {
    match c.messages.iter().position(|m| m.id == id) {
        Some(at) => c.messages.get_mut(at),
        None => c.facts.public_target.as_mut().filter(|m| m.id == id),
    }
}

/// Puts the server's version of a message into the model: in place of the loaded one, in
/// time order among the loaded ones, or, older than the loaded page, nowhere but the
/// facts' copy (the page that holds it will bring it).
pub(super) fn place(c: &mut Conversation, message: Message) {
    if let Some(old) = message_mut(c, message.id) {
        *old = message;
        return;
    }
    let key = (message.sent_at, message.id);
    let before_page = c.has_older() && c.messages.first().is_some_and(|f| key < (f.sent_at, f.id));
    if before_page {
        return;
    }
    let at = c
        .messages
        .iter()
        .rposition(|m| (m.sent_at, m.id) <= key)
        .map_or(0, |i| i + 1);
    c.messages.insert(at, message);
}

/// Puts a page of older messages among the loaded ones, in time order, when it is the page
/// before them (`cursor` still the model's: a reading of the conversation meanwhile drops
/// it). The loaded ones may hold an older message already (the reply target a reading
/// brings along with the newest page): it is not added twice, and the page is not cut
/// at it.
pub fn prepend(c: &mut Conversation, cursor: &str, page: MessagePage) {
    if c.older_cursor.as_deref() != Some(cursor) {
        return;
    }
    for message in page.messages {
        if c.messages.iter().any(|m| m.id == message.id) {
            continue;
        }
        let key = (message.sent_at, message.id);
        let at = c
            .messages
            .iter()
            .rposition(|m| (m.sent_at, m.id) <= key)
            .map_or(0, |i| i + 1);
        c.messages.insert(at, message);
    }
    c.older_cursor = page.older_cursor;
}

impl OpenConversation {
    /// Reads the page of messages before the loaded ones and puts it first. Once at a
    /// time: while one reading is on its way, another does nothing.
    pub fn older_action(self) -> Action<(), ()> {
        Action::new_local(move |_: &()| {
            let cursor = self.conversation.with_untracked(|c| c.older_cursor.clone());
            let token = self.token();
            self.older_error.set(None);
            async move {
                let (Some(cursor), Some(token)) = (cursor, token) else {
                    return;
                };
                match client::older_messages(&token, self.id, &cursor).await {
                    Ok(page) => self.conversation.update(|c| prepend(c, &cursor, page)),
                    Err(error) => self.older_error.set(Some(format!(
                        "Older messages could not be loaded: {}",
                        Failure::from(error)
                    ))),
                }
            }
        })
    }
}
