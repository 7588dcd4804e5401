//! Which of our conversations the workspace's focus names. Each workspace id is resolved
//! once per session and remembered, and what is shown always derives from the focus now:
//! an answer for an id the agent already left is only remembered, never shown (A → B → A
//! quickly shows A, and loads nothing of B).

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
    known: RwSignal<Vec<(WorkspaceId, Resolution)>>,
}

impl Focus {
    /// Follows `host`'s focus, resolving each new id with `token`.
    pub fn follow(host: Host, token: String) -> Self {
        let known = RwSignal::new(Vec::<(WorkspaceId, Resolution)>::new());
        let lookup = move |id: &WorkspaceId| {
            known.with(|known| {
                known
                    .iter()
                    .find(|(of, _)| of == id)
                    .map(|(_, r)| r.clone())
            })
        };
        let workspace = host.workspace;
        Effect::new(move |_| {
            let Some(id) = host.focused.get() else { return };
            if known.with_untracked(|k| k.iter().any(|(of, _)| *of == id)) {
                return;
            }
            known.update(|k| k.push((id.clone(), Resolution::Finding)));
            let token = token.clone();
            leptos::task::spawn_local(async move {
                let resolution = match client::resolve(&token, workspace, &id.0).await {
                    Ok(conversation) => Resolution::Found(conversation),
                    Err(ApiError::NotFound) => Resolution::NotSocial,
                    Err(error) => Resolution::Failed(error.to_string()),
                };
                known.update(|k| {
                    if let Some(entry) = k.iter_mut().find(|(of, _)| *of == id) {
                        entry.1 = resolution;
                    }
                });
            });
        });
        let current = Memo::new(move |_| {
            let id = host.focused.get()?;
            Some(lookup(&id).unwrap_or(Resolution::Finding))
        });
        let conversation = Memo::new(move |_| match current.get() {
            Some(Resolution::Found(id)) => Some(id),
            _ => None,
        });
        Self {
            current,
            conversation,
            known,
        }
    }

    /// Forgets a failed resolution of the focused id, so it is asked again.
    pub fn retry(&self, host: Host) {
        let Some(id) = host.focused.get_untracked() else {
            return;
        };
        self.known
            .update(|k| k.retain(|(of, r)| *of != id || !matches!(r, Resolution::Failed(_))));
        // Re-run the effect: the focus is "new" again.
        host.focused.set(Some(id));
    }
}
