//! "Disconnect…": a confirmation that says what disconnecting does and needs an explicit
//! yes. Until then nothing is sent; Cancel closes it and sends nothing.

use leptos::{html, prelude::*};
use social_api::{admin::SourceView, Source};

use crate::components::handler;

/// "page" or "X account": what the admin calls the source.
pub fn kind(platform: Source) -> &'static str {
    match platform {
        Source::Facebook => "Facebook page",
        Source::X => "X account",
    }
}

/// The Disconnect… button and, once pressed, the confirmation in place.
#[component]
pub fn Disconnect(
    /// The source as shown now.
    #[prop(into)]
    source: Signal<SourceView>,
    /// Runs once per confirmation, with the source as it was read.
    on_disconnect: Callback<SourceView>,
    /// A change of this source is on its way.
    #[prop(optional, into)]
    busy: Signal<bool>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let id = source.with_untracked(|s| s.id.0);
    let heading = format!("source-{id}-disconnect-heading");
    let opener = NodeRef::<html::Button>::new();
    let cancel = NodeRef::<html::Button>::new();
    // The confirmation takes the focus when it opens, so a keyboard user reads it first.
    Effect::new(move |_| {
        if let Some(button) = cancel.get() {
            let _ = button.focus();
        }
    });
    let close = move || {
        open.set(false);
        if let Some(button) = opener.get_untracked() {
            let _ = button.focus();
        }
    };
    let confirmation = move || {
        open.get().then(|| {
            let (name, what) = source.with_untracked(|s| (s.name.clone(), kind(s.platform)));
            view! {
                <div class="confirm" role="group" aria-labelledby=heading.clone()>
                    <h4 id=heading.clone()>{format!("Disconnect the {what} {name}?")}</h4>
                    <ul>
                        <li>"Its existing conversations stay readable."</li>
                        <li>"Nothing new comes in from it: no comments, mentions or messages."</li>
                        <li>"Replies, likes and other actions in its conversations are disabled."</li>
                    </ul>
                    <p>"You can connect it again later with its id and a token."</p>
                    <div class="confirm__actions">
                        <button
                            type="button"
                            class="button button--danger"
                            aria-disabled=move || busy.get().then_some("true")
                            on:click=handler(move |_| {
                                if busy.get_untracked() {
                                    return;
                                }
                                open.set(false);
                                on_disconnect.run(source.get_untracked());
                            })
                        >
                            "Yes, disconnect"
                        </button>
                        <button
                            type="button"
                            class="button"
                            node_ref=cancel
                            on:click=handler(move |_| close())
                        >
                            "Cancel"
                        </button>
                    </div>
                </div>
            }
        })
    };
    view! {
        <button
            type="button"
            class="button button--danger"
            node_ref=opener
            aria-expanded=move || open.get().to_string()
            on:click=handler(move |_| open.update(|o| *o = !*o))
        >
            "Disconnect…"
        </button>
        {confirmation}
    }
}
