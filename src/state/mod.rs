//! The reactive conversation model: the open conversation's id comes in as a signal, and
//! each id gets its own resource, so a switch leaves nothing of the previous one behind.
//! What outlives a switch (the drafts, who is acting, the clock) lives here, above the
//! per-conversation model of [`open::OpenConversation`].

pub mod draft;
pub mod open;

use std::{fmt, future::Future, pin::Pin, rc::Rc};

use leptos::prelude::*;
use social_api::{Agent, Conversation, ConversationId, Timestamp};

use crate::client::ApiError;
pub use draft::{Draft, Drafts};
pub use open::OpenConversation;

/// Why something the widget asked for did not happen: what components show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Replaced by a newer request (the agent moved on); never shown.
    Superseded,
    /// In words the agent can act on.
    Said(String),
}

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::Aborted => Failure::Superseded,
            other => Failure::Said(other.to_string()),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Superseded => f.write_str("Replaced by a newer request."),
            Failure::Said(words) => f.write_str(words),
        }
    }
}

/// What loads one conversation: the HTTP client in the app, fixtures in tests.
type Fetch =
    Rc<dyn Fn(ConversationId) -> Pin<Box<dyn Future<Output = Result<Conversation, Failure>>>>>;

/// Who acts in the widget: the signed-in agent (the rules need its kind and role) and the
/// bearer token the action calls carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub agent: Agent,
    pub token: String,
}

/// The conversation the widget shows.
#[derive(Clone, Copy)]
pub struct ConversationModel {
    /// Which conversation is open; `None` until the host opens one.
    pub id: Memo<Option<ConversationId>>,
    /// Who acts; `None` (read-only, no controls) until the host says.
    pub actor: Signal<Option<Actor>>,
    /// Every conversation's draft, kept while the agent switches between them.
    pub drafts: Drafts,
    /// "Now", for the rules' time windows.
    pub now: Signal<Timestamp>,
    /// Moves on after every change the agent made on the server (a send, a retry, an
    /// invitation): what shows conversations elsewhere (the lists) reads again.
    pub revision: RwSignal<u64>,
    /// Whether an open conversation follows its event stream (not in component tests).
    live: bool,
    fetch: StoredValue<Fetch, LocalStorage>,
}

impl ConversationModel {
    /// A model following `id`, loading each conversation with `fetch`, on the browser's
    /// clock. Read-only until [`ConversationModel::acting_as`] names who acts.
    pub fn new<F, Fut>(id: Signal<Option<ConversationId>>, fetch: F) -> Self
    where
        F: Fn(ConversationId) -> Fut + 'static,
        Fut: Future<Output = Result<Conversation, Failure>> + 'static,
    {
        let fetch: Fetch = Rc::new(move |id| Box::pin(fetch(id)));
        Self {
            // A memo, so that setting the same id again does not reload.
            id: Memo::new(move |_| id.get()),
            actor: Signal::stored(None),
            drafts: Drafts::new(),
            now: crate::time::live_clock(),
            revision: RwSignal::new(0),
            live: false,
            fetch: StoredValue::new_local(fetch),
        }
    }

    /// The same model with `actor` acting: the agent's controls appear.
    pub fn acting_as(self, actor: Signal<Option<Actor>>) -> Self {
        Self { actor, ..self }
    }

    /// The same model, telling `revision` (instead of its own) about every change.
    pub fn revising(self, revision: RwSignal<u64>) -> Self {
        Self { revision, ..self }
    }

    /// The same model, following each open conversation's event stream as the acting agent.
    pub fn following_live(self) -> Self {
        Self { live: true, ..self }
    }

    /// The token to follow an open conversation live with, when the model follows and
    /// someone is signed in.
    pub fn live_token(&self) -> Option<String> {
        if !self.live {
            return None;
        }
        self.actor
            .with_untracked(|actor| actor.as_ref().map(|actor| actor.token.clone()))
    }

    /// The same model on another clock (tests fix the time).
    pub fn at(self, now: Signal<Timestamp>) -> Self {
        Self { now, ..self }
    }

    /// The resource of one conversation. Create it inside the view keyed on `id`: a switch
    /// then disposes it, which aborts its request (see `client`) and drops a late answer.
    pub fn load(&self, id: ConversationId) -> LocalResource<Result<Conversation, Failure>> {
        let fetch = self.fetch;
        LocalResource::new(move || fetch.with_value(|fetch| fetch(id)))
    }

    /// The per-conversation model of a loaded conversation.
    pub fn open(&self, conversation: Conversation) -> OpenConversation {
        self.drafts.restore(conversation.id);
        OpenConversation::new(conversation, self.actor, self.drafts, self.now)
            .notifying(self.revision)
    }
}
