//! Where the widget runs. Top-level, it is the standalone dev page; framed, it waits for
//! the agent workspace (the LivePerson/postMessage bridge will open conversations here).

pub mod standalone;

use leptos::prelude::*;

use crate::{client, components::conversation_panel::ConversationPanel, state::ConversationModel};

/// Whether the widget is the top-level page rather than framed by a workspace.
pub fn is_top_level() -> bool {
    let Some(window) = web_sys::window() else {
        return true;
    };
    match window.top() {
        Ok(Some(top)) => top == window,
        // Reading `top` can fail only when framed.
        _ => false,
    }
}

/// The framed widget. No conversation is open until the host bridge opens one.
#[component]
pub fn FramedHost() -> impl IntoView {
    // The bridge will give both the open conversation and the agent's token.
    let token = StoredValue::new(None::<String>);
    let model = ConversationModel::new(Signal::stored(None), move |id| {
        let token = token.get_value();
        async move {
            match token {
                Some(token) => client::conversation(&token, id).await,
                None => Err(client::ApiError::Unauthorized),
            }
        }
    });
    view! {
        <main class="framed">
            <h1 class="visually-hidden">"Social conversation"</h1>
            <ConversationPanel model idle="Waiting for the agent workspace to open a conversation."/>
        </main>
    }
}
