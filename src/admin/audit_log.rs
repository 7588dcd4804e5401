//! The audit log as a table, newest first: when, who, what, on what, and each changed
//! field from before to after.

use leptos::prelude::*;
use social_api::admin::AuditEntry;

use crate::time;

/// What a field was and became; absent on one side: it did not exist there.
pub fn changes(entry: &AuditEntry) -> Vec<String> {
    let mut fields: Vec<&String> = entry.before.keys().chain(entry.after.keys()).collect();
    fields.sort();
    fields.dedup();
    fields
        .into_iter()
        .filter_map(|field| {
            let (before, after) = (entry.before.get(field), entry.after.get(field));
            match (before, after) {
                (Some(b), Some(a)) if b == a => None,
                (Some(b), Some(a)) => Some(format!("{field}: {b} → {a}")),
                (None, Some(a)) => Some(format!("{field}: {a}")),
                (Some(b), None) => Some(format!("{field}: {b} → (removed)")),
                (None, None) => None,
            }
        })
        .collect()
}

/// The entries as a table (or a sentence when there are none).
#[component]
pub fn AuditTable(#[prop(into)] entries: Signal<Vec<AuditEntry>>) -> impl IntoView {
    let row = |entry: AuditEntry| {
        let changed = changes(&entry);
        view! {
            <tr>
                <td><time datetime=time::iso(entry.at)>{time::format(entry.at)}</time></td>
                <td>{entry.actor}</td>
                <td>{entry.action.label()}</td>
                <td>{entry.target}</td>
                <td>
                    <ul class="audit__changes">
                        {changed.into_iter().map(|c| view! { <li>{c}</li> }).collect::<Vec<_>>()}
                    </ul>
                </td>
            </tr>
        }
    };
    let empty = Memo::new(move |_| entries.with(Vec::is_empty));
    move || {
        if empty.get() {
            return view! { <p class="empty">"No changes recorded."</p> }.into_any();
        }
        view! {
            <div class="audit__scroll">
                <table class="audit">
                    <caption class="visually-hidden">"Changes, newest first"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"When"</th>
                            <th scope="col">"Who"</th>
                            <th scope="col">"Action"</th>
                            <th scope="col">"Target"</th>
                            <th scope="col">"Changes"</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=move || entries.get() key=|entry| entry.id let:entry>
                            {row(entry)}
                        </For>
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    }
}
