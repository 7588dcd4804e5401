//! Where the widget runs. Top-level, it is the standalone dev page; framed, it waits for
//! the agent workspace (the LivePerson/postMessage bridge will open conversations here).

mod play_consumer;
pub mod standalone;

use leptos::prelude::*;

use crate::components::status::EmptyState;

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

/// The framed widget. Until the host bridge exists nothing opens a conversation here, so
/// it says so and makes no calls.
#[component]
pub fn FramedHost() -> impl IntoView {
    view! {
        <main class="framed">
            <h1 class="visually-hidden">"Social conversation"</h1>
            <div class="panel">
                <EmptyState text="Waiting for the agent workspace to open a conversation."/>
            </div>
        </main>
    }
}
