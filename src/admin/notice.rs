//! A line telling the admin what happened: a status (polite) or an alert (a failure).

use leptos::prelude::*;

/// What happened, in words, and whether it is a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    /// A failure (announced at once, danger colours) rather than news.
    pub alert: bool,
}

impl Notice {
    pub fn status(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            alert: false,
        }
    }

    pub fn alert(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            alert: true,
        }
    }
}

/// The notice: news in a status region that is always there (so it is announced when its
/// text changes), a failure as an alert. Text only, never markup.
#[component]
pub fn NoticeLine(#[prop(into)] notice: Signal<Option<Notice>>) -> impl IntoView {
    let text = move |alert: bool| {
        notice
            .get()
            .filter(|n| n.alert == alert)
            .map(|n| n.text)
            .unwrap_or_default()
    };
    view! {
        <p class="admin-notice" role="status">{move || text(false)}</p>
        <p class="admin-notice admin-notice--alert" role="alert">{move || text(true)}</p>
    }
}
