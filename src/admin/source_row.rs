//! One data source as an admin sees it: its states, and for a connected one the switches
//! (public space, private space, subscribed), its name, a new token and Disconnect…. Every
//! control asks through a callback; what it shows comes from the source as read.

use leptos::prelude::*;
use social_api::admin::{SourcePatch, SourceView};

use super::disconnect::{kind, Disconnect};
use super::notice::{Notice, NoticeLine};
use crate::components::{handler, source_icon::SourceIcon};
use crate::time;

fn on_off(on: bool) -> &'static str {
    if on {
        "on"
    } else {
        "off"
    }
}

/// A state as a badge: text always, the colour only repeats it.
fn badge(text: &'static str, good: bool) -> impl IntoView {
    let class = if good {
        "state state--on"
    } else {
        "state state--off"
    };
    view! { <span class=class>{text}</span> }
}

/// One source: facts and, while connected, its controls.
#[component]
pub fn SourceRow(
    /// The source as read last.
    #[prop(into)]
    source: Signal<SourceView>,
    /// A change, with the source it was based on (its version goes in `If-Match`).
    on_patch: Callback<(SourceView, SourcePatch)>,
    /// Disconnecting, confirmed.
    on_disconnect: Callback<SourceView>,
    /// What happened to this source's last change.
    #[prop(optional, into)]
    notice: Signal<Option<Notice>>,
    /// A change of this source is on its way.
    #[prop(optional, into)]
    busy: Signal<bool>,
) -> impl IntoView {
    let (id, platform) = source.with_untracked(|s| (s.id.0, s.platform));
    let heading = format!("source-{id}-name");
    let connected = Memo::new(move |_| source.with(SourceView::connected));
    let name = Memo::new(move |_| source.with(|s| s.name.clone()));
    let facts = move || {
        let s = source.get();
        let connection = match s.disconnected_at {
            None => badge("connected", true).into_any(),
            Some(at) => view! {
                <span class="state state--off">"disconnected "
                    <time datetime=time::iso(at)>{time::format(at)}</time>
                </span>
            }
            .into_any(),
        };
        let last_event = match s.last_event_at {
            Some(at) => view! { <time datetime=time::iso(at)>{time::format(at)}</time> }.into_any(),
            None => "none yet".into_any(),
        };
        view! {
            <dl class="source__facts">
                <div><dt>"Platform"</dt><dd>{kind(s.platform)}</dd></div>
                <div><dt>"Handle"</dt><dd>{s.handle.map(|h| format!("@{h}")).unwrap_or_else(|| "none".into())}</dd></div>
                <div><dt>"Platform id"</dt><dd class="source__id">{s.platform_id}</dd></div>
                <div><dt>"Connection"</dt><dd>{connection}</dd></div>
                <div><dt>"Events"</dt><dd>{badge(if s.subscribed { "subscribed" } else { "not subscribed" }, s.subscribed)}</dd></div>
                <div><dt>"Public space"</dt><dd>{badge(on_off(s.public_enabled), s.public_enabled)}</dd></div>
                <div><dt>"Private space"</dt><dd>{badge(on_off(s.private_enabled), s.private_enabled)}</dd></div>
                <div><dt>"Access token"</dt><dd>{badge(if s.token_set { "set" } else { "not set" }, s.token_set)}</dd></div>
                <div><dt>"Last event"</dt><dd>{last_event}</dd></div>
                <div><dt>"Last error"</dt><dd class="source__error">{s.last_error.unwrap_or_else(|| "none".into())}</dd></div>
            </dl>
        }
    };
    let labelled_by = heading.clone();
    view! {
        <article class="source" aria-labelledby=labelled_by>
            <h3 id=heading class="source__name">
                <SourceIcon source=platform/>
                {move || name.get()}
            </h3>
            {facts}
            <NoticeLine notice/>
            {move || {
                connected
                    .get()
                    .then(|| view! { <SourceControls source on_patch on_disconnect busy/> })
            }}
        </article>
    }
}

/// A connected source's controls.
#[component]
fn SourceControls(
    source: Signal<SourceView>,
    on_patch: Callback<(SourceView, SourcePatch)>,
    on_disconnect: Callback<SourceView>,
    busy: Signal<bool>,
) -> impl IntoView {
    let id = source.with_untracked(|s| s.id.0);
    let send = move |patch: SourcePatch| {
        if !busy.get_untracked() {
            on_patch.run((source.get_untracked(), patch));
        }
    };
    let busy_attr = move || busy.get().then_some("true");
    // A switch: pressed is the state as read; pressing asks for the other one.
    let switch =
        move |label: &'static str, on: fn(&SourceView) -> bool, patch: fn(bool) -> SourcePatch| {
            let state = Memo::new(move |_| source.with(on));
            view! {
                <button
                    type="button"
                    class="button button--toggle"
                    aria-pressed=move || state.get().to_string()
                    aria-disabled=busy_attr
                    on:click=handler(move |_| send(patch(!state.get_untracked())))
                >
                    {label}
                </button>
            }
        };

    // The name as typed; `None` until the admin edits it.
    let name_draft = RwSignal::new(None::<String>);
    let token_draft = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let stored_name = Memo::new(move |_| source.with(|s| s.name.clone()));
    // Once the source holds the typed name, the field follows the source again.
    Effect::new(move |_| {
        let stored = stored_name.get();
        if name_draft.with_untracked(|d| d.as_deref() == Some(stored.as_str())) {
            name_draft.set(None);
        }
    });
    // A token is never kept longer than it takes to store it: a new version clears it.
    let version = Memo::new(move |_| source.with(|s| s.version));
    Effect::new(move |previous: Option<i64>| {
        let now = version.get();
        if previous.is_some_and(|p| p != now) {
            token_draft.set(String::new());
        }
        now
    });
    let name_value = move || name_draft.get().unwrap_or_else(|| stored_name.get());
    let name_changed =
        move || name_draft.with(|d| d.as_ref().is_some_and(|d| *d != stored_name.get()));
    let checked = move |patch: SourcePatch| {
        let result = source.with_untracked(|s| patch.check(s));
        match result {
            Ok(()) => {
                problem.set(None);
                send(patch);
            }
            Err(why) => problem.set(Some(why.to_string())),
        }
    };
    let name_id = format!("source-{id}-name-input");
    let token_id = format!("source-{id}-token");
    let problem_id = format!("source-{id}-problem");
    view! {
        <div class="source__switches" role="group" aria-label="Switches">
            {switch("Public space", |s| s.public_enabled, |on| SourcePatch {
                public_enabled: Some(on),
                ..SourcePatch::default()
            })}
            {switch("Private space", |s| s.private_enabled, |on| SourcePatch {
                private_enabled: Some(on),
                ..SourcePatch::default()
            })}
            {switch("Subscribed to events", |s| s.subscribed, |on| SourcePatch {
                subscribed: Some(on),
                ..SourcePatch::default()
            })}
        </div>
        <form
            class="source__edit"
            on:submit=handler(move |ev: web_sys::SubmitEvent| {
                ev.prevent_default();
                if name_changed() {
                    checked(SourcePatch {
                        name: name_draft.get_untracked(),
                        ..SourcePatch::default()
                    });
                }
            })
        >
            <label for=name_id.clone()>"Name"</label>
            <input
                id=name_id
                type="text"
                autocomplete="off"
                prop:value=name_value
                aria-describedby=problem_id.clone()
                on:input=handler(move |ev| name_draft.set(Some(event_target_value(&ev))))
            />
            <button
                type="submit"
                class="button"
                aria-disabled=move || (!name_changed() || busy.get()).then_some("true")
            >
                "Save name"
            </button>
        </form>
        <form
            class="source__edit"
            on:submit=handler(move |ev: web_sys::SubmitEvent| {
                ev.prevent_default();
                if !token_draft.with_untracked(String::is_empty) {
                    checked(SourcePatch {
                        access_token: Some(token_draft.get_untracked()),
                        ..SourcePatch::default()
                    });
                }
            })
        >
            <label for=token_id.clone()>"New access token"</label>
            <input
                id=token_id
                type="password"
                autocomplete="new-password"
                spellcheck="false"
                prop:value=move || token_draft.get()
                aria-describedby=problem_id.clone()
                on:input=handler(move |ev| token_draft.set(event_target_value(&ev)))
            />
            <button
                type="submit"
                class="button"
                aria-disabled=move || (token_draft.with(String::is_empty) || busy.get()).then_some("true")
            >
                "Replace token"
            </button>
        </form>
        <p id=problem_id class="admin-problem" role="alert">{move || problem.get()}</p>
        <div class="source__danger">
            <Disconnect source on_disconnect busy/>
        </div>
    }
}
