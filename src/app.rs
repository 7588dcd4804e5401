//! The top component of the framed widget's bundle: the widget as the agent workspace
//! frames it, or, opened as a page of its own, a pointer to the standalone dev page (its
//! own bundle, which the workspace never downloads).

use leptos::{either::Either, prelude::*};

use crate::{framed::FramedHost, host};

/// The framed widget, or a pointer to the dev page when it is the top-level page.
#[component]
pub fn App() -> impl IntoView {
    if host::is_top_level() {
        Either::Left(view! {
            <main class="framed">
                <h1>"Social widget"</h1>
                <p>
                    "This page is the widget that the agent workspace shows in a frame. "
                    <a href="dev/">"Open the standalone dev page"</a>
                    " to try it with the demo data."
                </p>
            </main>
        })
    } else {
        Either::Right(view! { <FramedHost/> })
    }
}
