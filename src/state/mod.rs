//! The reactive conversation model: the open conversation's id comes in as a signal, and
//! each id gets its own resource, so a switch leaves nothing of the previous one behind.
//! What outlives a switch (the drafts, who is acting) lives here, above the per-conversation
//! model of [`open::OpenConversation`].

pub mod draft;
pub mod open;

use std::{future::Future, pin::Pin, rc::Rc};

use leptos::prelude::*;
use social_api::{Agent, Conversation, ConversationId};

use crate::client::ApiError;
pub use draft::{Draft, Drafts};
pub use open::{OpenConversation, Target};

/// What loads one conversation: the HTTP client in the app, fixtures in tests.
type Fetch =
    Rc<dyn Fn(ConversationId) -> Pin<Box<dyn Future<Output = Result<Conversation, ApiError>>>>>;

/// Who acts in the widget: the signed-in agent (the rules need its kind) and the bearer
/// token the action calls carry.
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
    fetch: StoredValue<Fetch, LocalStorage>,
}

impl ConversationModel {
    /// A model following `id`, loading each conversation with `fetch`. Read-only until
    /// [`ConversationModel::acting_as`] names who acts.
    pub fn new<F, Fut>(id: Signal<Option<ConversationId>>, fetch: F) -> Self
    where
        F: Fn(ConversationId) -> Fut + 'static,
        Fut: Future<Output = Result<Conversation, ApiError>> + 'static,
    {
        let fetch: Fetch = Rc::new(move |id| Box::pin(fetch(id)));
        Self {
            // A memo, so that setting the same id again does not reload.
            id: Memo::new(move |_| id.get()),
            actor: Signal::stored(None),
            drafts: Drafts::new(),
            fetch: StoredValue::new_local(fetch),
        }
    }

    /// The same model with `actor` acting: the agent's controls appear.
    pub fn acting_as(self, actor: Signal<Option<Actor>>) -> Self {
        Self { actor, ..self }
    }

    /// The resource of one conversation. Create it inside the view keyed on `id`: a switch
    /// then disposes it, which aborts its request (see `client`) and drops a late answer.
    pub fn load(&self, id: ConversationId) -> LocalResource<Result<Conversation, ApiError>> {
        let fetch = self.fetch;
        LocalResource::new(move || fetch.with_value(|fetch| fetch(id)))
    }

    /// The per-conversation model of a loaded conversation.
    pub fn open(&self, conversation: Conversation) -> OpenConversation {
        OpenConversation::new(conversation, self.actor, self.drafts)
    }
}
