//! What the agent is writing in each conversation, and how its last send went. Kept in one
//! map above the conversation view, so a draft survives a switch to another conversation,
//! and in the tab's `sessionStorage`, so it survives a reload. What the draft is (and the
//! request it becomes) is `social_api::compose`; this adds what only the widget knows.

use leptos::prelude::*;
use social_api::{compose::ComposerDraft, ConversationId};

/// One conversation's draft.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    /// Text, reply target, chosen space and note mode.
    pub compose: ComposerDraft,
    /// Why the last send failed, in words; cleared by the next attempt.
    pub error: Option<String>,
    /// A send of this draft is on its way. Kept here, not in the composer's action, so a
    /// switch away and back cannot offer Send again and post the reply twice.
    pub sending: bool,
}

/// Every conversation's draft. A list, not a map: an agent has a handful open, and a
/// hash map would add its code to the wasm.
#[derive(Clone, Copy)]
pub struct Drafts(RwSignal<Vec<(ConversationId, Draft)>>);

impl Default for Drafts {
    fn default() -> Self {
        Self::new()
    }
}

impl Drafts {
    pub fn new() -> Self {
        Self(RwSignal::new(Vec::new()))
    }

    /// The draft of `id` (empty when there is none), tracked.
    pub fn get(&self, id: ConversationId) -> Draft {
        self.0.with(|all| {
            all.iter()
                .find(|(of, _)| *of == id)
                .map(|(_, draft)| draft.clone())
                .unwrap_or_default()
        })
    }

    /// Brings back the draft of `id` that this tab kept before a reload, unless one is in
    /// memory already. Called when the conversation opens.
    pub fn restore(&self, id: ConversationId) {
        if self
            .0
            .with_untracked(|all| all.iter().any(|(of, _)| *of == id))
        {
            return;
        }
        if let Some(compose) = stored::read(id) {
            self.0.update(|all| {
                all.push((
                    id,
                    Draft {
                        compose,
                        ..Draft::default()
                    },
                ))
            });
        }
    }

    /// Changes the draft of `id`; an empty draft is dropped from the list. The tab keeps a
    /// copy of what the agent wrote (not the send's state).
    pub fn update(&self, id: ConversationId, change: impl FnOnce(&mut Draft)) {
        self.0.update(|all| {
            let at = match all.iter().position(|(of, _)| *of == id) {
                Some(at) => at,
                None => {
                    all.push((id, Draft::default()));
                    all.len() - 1
                }
            };
            let before = all[at].1.compose.clone();
            change(&mut all[at].1);
            if all[at].1.compose != before {
                stored::write(id, &all[at].1.compose);
            }
            if all[at].1 == Draft::default() {
                all.swap_remove(at);
            }
        });
    }
}

/// Forgets every draft this tab kept (at sign-out: the next agent must not find them).
pub fn forget_all() {
    stored::forget_all();
}

/// The drafts in `sessionStorage`: this tab only, gone when it closes, never sent anywhere.
mod stored {
    use social_api::{compose::ComposerDraft, ConversationId};

    fn key(id: ConversationId) -> String {
        format!("social-widget:draft:{id}")
    }

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.session_storage().ok()?
    }

    pub(super) fn forget_all() {
        let Some(storage) = storage() else { return };
        let keys: Vec<String> = (0..storage.length().unwrap_or(0))
            .filter_map(|i| storage.key(i).ok().flatten())
            .filter(|key| key.starts_with("social-widget:draft:"))
            .collect();
        for key in keys {
            let _ = storage.remove_item(&key);
        }
    }

    pub(super) fn read(id: ConversationId) -> Option<ComposerDraft> {
        let json = storage()?.get_item(&key(id)).ok()??;
        let value = js_sys::JSON::parse(&json).ok()?;
        crate::decode::from_value(value).ok()
    }

    /// Best effort: a full or disabled storage only loses the copy, never the draft.
    pub(super) fn write(id: ConversationId, draft: &ComposerDraft) {
        let Some(storage) = storage() else { return };
        if *draft == ComposerDraft::default() {
            let _ = storage.remove_item(&key(id));
        } else if let Ok(json) = serde_json::to_string(draft) {
            let _ = storage.set_item(&key(id), &json);
        }
    }
}

/// The char index of a caret given in UTF-16 code units (`selectionStart`).
pub fn caret_to_chars(text: &str, utf16: u32) -> usize {
    let mut units = 0;
    for (i, c) in text.chars().enumerate() {
        if units >= utf16 as usize {
            return i;
        }
        units += c.len_utf16();
    }
    text.chars().count()
}

/// The UTF-16 offset (`setSelectionRange`) of a caret given as a char index.
pub fn caret_to_utf16(text: &str, chars: usize) -> u32 {
    text.chars().take(chars).map(char::len_utf16).sum::<usize>() as u32
}
