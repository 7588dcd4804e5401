//! The reactive conversation model: the open conversation's id comes in as a signal, and
//! each id gets its own resource, so a switch leaves nothing of the previous one behind.

use std::{future::Future, pin::Pin, rc::Rc};

use leptos::prelude::*;
use social_api::{Conversation, ConversationId};

use crate::client::ApiError;

/// What loads one conversation: the HTTP client in the app, fixtures in tests.
type Fetch =
    Rc<dyn Fn(ConversationId) -> Pin<Box<dyn Future<Output = Result<Conversation, ApiError>>>>>;

/// The conversation the widget shows.
#[derive(Clone, Copy)]
pub struct ConversationModel {
    /// Which conversation is open; `None` until the host opens one.
    pub id: Memo<Option<ConversationId>>,
    fetch: StoredValue<Fetch, LocalStorage>,
}

impl ConversationModel {
    /// A model following `id`, loading each conversation with `fetch`.
    pub fn new<F, Fut>(id: Signal<Option<ConversationId>>, fetch: F) -> Self
    where
        F: Fn(ConversationId) -> Fut + 'static,
        Fut: Future<Output = Result<Conversation, ApiError>> + 'static,
    {
        let fetch: Fetch = Rc::new(move |id| Box::pin(fetch(id)));
        Self {
            // A memo, so that setting the same id again does not reload.
            id: Memo::new(move |_| id.get()),
            fetch: StoredValue::new_local(fetch),
        }
    }

    /// The resource of one conversation. Create it inside the view keyed on `id`: a switch
    /// then disposes it, which aborts its request (see `client`) and drops a late answer.
    pub fn load(&self, id: ConversationId) -> LocalResource<Result<Conversation, ApiError>> {
        let fetch = self.fetch;
        LocalResource::new(move || fetch.with_value(|fetch| fetch(id)))
    }
}
