//! Which of our conversations the workspace's focus names: a resource keyed on the focused
//! id, so an answer for an id the agent already left is dropped (A → B → A quickly shows
//! A), and what is shown is always what the current focus resolved to. Only "found" is
//! remembered: a conversation that is not social yet (its mapping may arrive later) is
//! asked about again each time it is focused.

use leptos::prelude::*;
use social_api::ConversationId;

use crate::{
    client::{self, ApiError},
    host::{Host, WorkspaceId},
};

/// What the focus resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    Finding,
    Found(ConversationId),
    /// Not a Facebook or X conversation (web chat, e-mail, …), or not this account's.
    NotSocial,
    Failed(String),
}

/// The focused conversation, resolved.
#[derive(Clone, Copy)]
pub struct Focus {
    /// `None` while the workspace focuses nothing.
    pub current: Memo<Option<Resolution>>,
    /// Our id of the focused conversation, once found.
    pub conversation: Memo<Option<ConversationId>>,
    resolving: LocalResource<Option<(WorkspaceId, Resolution)>>,
}

impl Focus {
    /// Follows `host`'s focus, resolving each id with `token`.
    pub fn follow(host: Host, token: String) -> Self {
        let found = StoredValue::new(Vec::<(WorkspaceId, ConversationId)>::new());
        let workspace = host.workspace;
        let resolving = LocalResource::new(move || {
            let (focused, token) = (host.focused.get(), token.clone());
            async move {
                let id = focused?;
                let known = found.with_value(|f| f.iter().find(|(of, _)| *of == id).map(|f| f.1));
                let resolution = match known {
                    Some(conversation) => Resolution::Found(conversation),
                    None => match client::resolve(&token, workspace, &id.0).await {
                        Ok(conversation) => {
                            found.update_value(|f| f.push((id.clone(), conversation)));
                            Resolution::Found(conversation)
                        }
                        Err(ApiError::NotFound) => Resolution::NotSocial,
                        Err(error) => Resolution::Failed(error.to_string()),
                    },
                };
                Some((id, resolution))
            }
        });
        let current = Memo::new(move |_| {
            let focused = host.focused.get()?;
            // The resource keeps its last answer while it asks about a new id: that answer
            // belongs to the previous focus, and is never shown for this one.
            Some(match resolving.get().flatten() {
                Some((id, resolution)) if id == focused => resolution,
                _ => Resolution::Finding,
            })
        });
        let conversation = Memo::new(move |_| match current.get() {
            Some(Resolution::Found(id)) => Some(id),
            _ => None,
        });
        Self {
            current,
            conversation,
            resolving,
        }
    }

    /// Asks again about the focused id (after a failure).
    pub fn retry(&self) {
        self.resolving.refetch();
    }
}
