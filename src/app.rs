//! The top component: picks where the widget runs (standalone dev page or framed in the
//! agent workspace) and hands over to that host.

use leptos::{either::Either, prelude::*};

use crate::host::{self, standalone::StandalonePage, FramedHost};

/// The whole widget: the standalone dev page when it is the top-level page, otherwise the
/// framed widget waiting for its host.
#[component]
pub fn App() -> impl IntoView {
    if host::is_top_level() {
        Either::Left(view! { <StandalonePage/> })
    } else {
        Either::Right(view! { <FramedHost/> })
    }
}
