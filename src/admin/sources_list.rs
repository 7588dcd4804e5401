//! Every data source of the account, one [`SourceRow`] each, in the order the server gives.

use leptos::prelude::*;
use social_api::admin::{SourceId, SourcePatch, SourceView};

use super::notice::Notice;
use super::source_row::SourceRow;

/// The list of sources; changes go to the callbacks, the rows follow `sources`.
#[component]
pub fn SourcesList(
    #[prop(into)] sources: Signal<Vec<SourceView>>,
    on_patch: Callback<(SourceView, SourcePatch)>,
    on_disconnect: Callback<SourceView>,
    /// What happened to a source's last change, by source.
    #[prop(optional, into)]
    notices: Signal<Vec<(SourceId, Notice)>>,
    /// Sources with a change on its way.
    #[prop(optional, into)]
    busy: Signal<Vec<SourceId>>,
) -> impl IntoView {
    let ids = Memo::new(move |_| sources.with(|all| all.iter().map(|s| s.id).collect::<Vec<_>>()));
    let row = move |id: SourceId| {
        let first = sources.with_untracked(|all| all.iter().find(|s| s.id == id).cloned())?;
        // Keeps the last value while the row is on its way out.
        let source = Memo::new(move |last: Option<&SourceView>| {
            sources
                .with(|all| all.iter().find(|s| s.id == id).cloned())
                .or_else(|| last.cloned())
                .unwrap_or_else(|| first.clone())
        });
        let notice = Signal::derive(move || {
            notices.with(|all| all.iter().find(|(s, _)| *s == id).map(|(_, n)| n.clone()))
        });
        let busy = Signal::derive(move || busy.with(|all| all.contains(&id)));
        Some(view! {
            <li>
                <SourceRow source on_patch on_disconnect notice busy/>
            </li>
        })
    };
    // Rebuilt only when the list turns empty or stops being so; rows come and go in `For`.
    let empty = Memo::new(move |_| ids.with(Vec::is_empty));
    move || {
        if empty.get() {
            return view! {
                <p class="empty">"No data sources yet: connect a Facebook page or an X account below."</p>
            }
            .into_any();
        }
        view! {
            <ul class="sources">
                <For each=move || ids.get() key=|id| *id let:id>
                    {row(id)}
                </For>
            </ul>
        }
        .into_any()
    }
}
