//! What the agent does to the draft: type, choose a space, switch to a note, pick the
//! message to answer, mention the consumer, prepare an invitation. Each edits the draft
//! through `social_api::compose` (which keeps a draft's space the agent's own choice);
//! what it allows is then derived by the model's memos.

use leptos::prelude::*;
use social_api::{
    actions::{dm_invite, insert_mention, mention_for},
    rules::ReplyTarget,
    MessageId, Space,
};

use super::{InvitePreview, OpenConversation};
use crate::state::Draft;

impl OpenConversation {
    pub(super) fn edit(&self, change: impl FnOnce(&mut Draft)) {
        self.drafts.update(self.id, change);
    }

    /// The space the draft goes to now.
    fn space(&self) -> Space {
        self.capabilities
            .with_untracked(|c| c.as_ref().map_or(Space::Internal, |c| c.space))
    }

    pub fn set_text(&self, text: String) {
        let space = self.space();
        self.edit(|d| d.compose.set_text(text, space));
    }

    /// The agent picked Public or Private.
    pub fn choose_space(&self, space: Space) {
        self.edit(|d| d.compose.choose_space(space));
    }

    /// The agent turned note mode on or off (a note answers nothing).
    pub fn set_internal(&self, internal: bool) {
        self.edit(|d| d.compose.set_note(internal));
    }

    /// Reply on `message`: it becomes the reply target, or stops being it. A draft with
    /// text keeps its space (a mismatch shows instead); the focus goes to the box.
    pub fn reply_to(&self, message: MessageId) {
        let Some(target) = self
            .conversation
            .with_untracked(|c| ReplyTarget::new(c, message).ok())
        else {
            return;
        };
        let toggle = self
            .capabilities
            .with_untracked(|c| c.as_ref().is_some_and(|c| c.toggle.is_some()));
        self.edit(|d| d.compose.toggle_reply(target, toggle));
        self.focus_composer();
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

    /// The consumer's mention, for the workspace's own reply input; `None` where the rules
    /// allow no mention.
    pub fn mention_text(&self) -> Option<String> {
        self.capabilities
            .with_untracked(|c| c.as_ref().map(|c| c.mention.is_ok()))
            .filter(|ok| *ok)?;
        let mention = self.conversation.with_untracked(mention_for)?;
        Some(format!("{mention} "))
    }

    /// Opens the Link to DM preview with the texts the invitation would send.
    pub fn open_invite(&self) {
        let reply_to = self.draft.with_untracked(|d| d.compose.reply_to);
        let now = self.now.get_untracked();
        let invite = self
            .conversation
            .with_untracked(|c| dm_invite(c, reply_to, now));
        self.invite_error.set(None);
        self.invite_preview.set(Some(InvitePreview {
            public_text: invite.public_text,
            private_text: invite.private_text,
        }));
    }

    /// Closes the preview; nothing is sent.
    pub fn close_invite(&self) {
        self.invite_preview.set(None);
    }

    /// The agent edited the preview's public or private text.
    pub fn edit_invite(&self, change: impl FnOnce(&mut InvitePreview)) {
        self.invite_preview.update(|preview| {
            if let Some(preview) = preview {
                change(preview);
            }
        });
    }
}
