//! What the agent does to the draft: type, choose a space, switch to a note, pick the
//! message to answer, mention the consumer. Each edits the draft only; what it allows is
//! then derived by the model's memos.

use leptos::prelude::*;
use social_api::{
    actions::{insert_mention, mention_for},
    rules::ReplyTarget,
    MessageId, Space,
};

use super::OpenConversation;
use crate::state::Draft;

impl OpenConversation {
    pub(super) fn edit(&self, change: impl FnOnce(&mut Draft)) {
        self.drafts.update(self.id, change);
    }

    pub fn set_text(&self, text: String) {
        self.edit(|d| d.compose.text = text);
    }

    /// The agent picked Public or Private on the toggle.
    pub fn choose_space(&self, space: Space) {
        self.edit(|d| d.compose.space = Some(space));
    }

    pub fn set_internal(&self, internal: bool) {
        self.edit(|d| d.compose.internal = internal);
    }

    /// Answers `message`; a target in the other space moves the draft there when the
    /// toggle offers that space.
    pub fn reply_to(&self, message: MessageId) {
        let Some(target) = self
            .conversation
            .with_untracked(|c| ReplyTarget::new(c, message).ok())
        else {
            return;
        };
        let offered = self
            .capabilities
            .with_untracked(|c| c.as_ref().is_some_and(|c| c.toggle.is_some()));
        self.edit(|d| {
            d.compose.reply_to = Some(target.message());
            if offered && target.space() != Space::Internal {
                d.compose.space = Some(target.space());
            }
        });
    }

    pub fn clear_reply(&self) {
        self.edit(|d| d.compose.reply_to = None);
    }

    /// Inserts the consumer's mention at `caret` (a char index), once. Returns the new
    /// text and the caret after the mention, or `None` when mentioning is not possible.
    pub fn mention(&self, caret: usize) -> Option<(String, usize)> {
        self.capabilities
            .with_untracked(|c| c.as_ref().map(|c| c.mention.is_ok()))
            .filter(|ok| *ok)?;
        let mention = self.conversation.with_untracked(mention_for)?;
        let (text, caret) = self
            .draft
            .with_untracked(|d| insert_mention(&d.compose.text, caret, &mention));
        self.set_text(text.clone());
        Some((text, caret))
    }
}
