//! The framework's floor (`scripts/size-floor`): the smallest Leptos app that uses what the
//! framed widget uses from it (signals, a memo, an effect, a local resource under
//! `Suspense`, `Show`, a keyed `For`, context, bound properties, classes and events). Its
//! size is what any framed widget built on Leptos downloads before a line of ours
//! (docs/size.md, "What the goal needs"). Never served.

use leptos::prelude::*;

#[derive(Clone, PartialEq)]
struct Row {
    id: u32,
    text: String,
}

async fn rows(count: u32) -> Vec<Row> {
    (0..count)
        .map(|id| Row {
            id,
            text: format!("row {id}"),
        })
        .collect()
}

#[derive(Clone, Copy)]
struct Selection(RwSignal<Option<u32>>);

#[component]
fn Rows(rows: Memo<Vec<Row>>) -> impl IntoView {
    let Selection(selected) = expect_context();
    view! {
        <ul>
            <For each=move || rows.get() key=|row| row.id let(row)>
                <li
                    class:selected=move || selected.get() == Some(row.id)
                    on:click=move |_| selected.set(Some(row.id))
                >
                    {row.text.clone()}
                </li>
            </For>
        </ul>
    }
}

#[component]
fn Floor() -> impl IntoView {
    let count = RwSignal::new(3u32);
    let selected = RwSignal::new(None);
    let draft = RwSignal::new(String::new());
    provide_context(Selection(selected));
    let loaded = LocalResource::new(move || rows(count.get()));
    let shown = Memo::new(move |_| loaded.get().unwrap_or_default());
    Effect::new(move |_| document().set_title(&format!("{} rows", count.get())));
    view! {
        <button on:click=move |_| count.update(|count| *count += 1)>"More"</button>
        <Show when=move || selected.get().is_some() fallback=|| view! { <p>"None selected"</p> }>
            <p>"Selected"</p>
        </Show>
        <textarea
            prop:value=move || draft.get()
            on:input=move |event| draft.set(event_target_value(&event))
        ></textarea>
        <Suspense fallback=|| view! { <p>"Loading"</p> }>
            <Rows rows=shown />
        </Suspense>
    }
}

fn main() {
    mount_to_body(Floor);
}
