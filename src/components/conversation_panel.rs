//! The open conversation, loaded for its id: loading, failure with retry, or the widget.
//! Each id (and each retry) gets a fresh subtree, so nothing of another conversation stays:
//! not its data, not its event stream. A stream that cannot replay what was missed reads
//! the conversation again, as a retry does.

use leptos::{
    either::{Either, EitherOf3},
    prelude::*,
};
use social_api::ConversationId;

use super::{
    status::{EmptyState, ErrorState, Loading},
    widget::Widget,
};
use crate::state::{ConversationModel, Failure};

/// The conversation the model has open, or `idle` when none is.
#[component]
pub fn ConversationPanel(
    /// The open conversation.
    model: ConversationModel,
    /// What to say while no conversation is open.
    idle: &'static str,
) -> impl IntoView {
    view! {
        <div class="panel">
            {move || match model.id.get() {
                None => Either::Left(view! { <EmptyState text=idle/> }),
                Some(id) => Either::Right(loaded(model, id)),
            }}
        </div>
    }
}

/// One conversation's resource and view; re-created on retry.
fn loaded(model: ConversationModel, id: ConversationId) -> impl IntoView {
    let attempt = RwSignal::new(0u32);
    let on_retry = Callback::new(move |()| attempt.update(|n| *n += 1));
    move || {
        attempt.track();
        let conversation = model.load(id);
        move || match conversation.get() {
            // An aborted load belongs to a conversation no longer shown.
            None | Some(Err(Failure::Superseded)) => {
                EitherOf3::A(view! { <Loading label="Loading the conversation…"/> })
            }
            Some(Ok(conversation)) => {
                let state = model.open(conversation);
                if let Some(token) = model.live_token() {
                    // Stops with this view: a switch leaves no stream of the last one.
                    crate::live::use_events(state, token, on_retry);
                }
                EitherOf3::B(view! { <Widget state/> })
            }
            Some(Err(error)) => EitherOf3::C(view! {
                <ErrorState what="Could not load the conversation." error on_retry/>
            }),
        }
    }
}
