//! The Facebook or X mark, decorative: a text label always goes beside it.

use leptos::prelude::*;
use social_api::Source;

/// The source's mark as inline SVG, hidden from assistive technology.
#[component]
pub fn SourceIcon(
    /// Which network's mark.
    source: Source,
) -> impl IntoView {
    let (class, mark) = match source {
        Source::Facebook => ("icon icon--facebook", "M13.5 21v-7.5H16l.5-3h-3V8.6c0-.9.3-1.6 1.6-1.6h1.5V4.3A20 20 0 0 0 14.3 4c-2.3 0-3.8 1.4-3.8 4v2.5H8v3h2.5V21z"),
        Source::X => ("icon icon--x", "M17.8 3h3.1l-6.8 7.8L22 21h-6.2l-4.9-6.4L5.3 21H2.2l7.3-8.3L1.9 3h6.4l4.4 5.8zm-1.1 16.2h1.7L7.4 4.7H5.5z"),
    };
    view! {
        <svg
            class=class
            viewBox="0 0 24 24"
            width="16"
            height="16"
            fill="currentColor"
            aria-hidden="true"
            focusable="false"
        >
            <path d=mark fill-rule="evenodd"/>
        </svg>
    }
}
