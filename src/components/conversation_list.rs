//! The dev page's conversation list: "My" and "All" tabs, one button per conversation, and
//! "Show more" while the server has more pages.

use leptos::{either::Either, prelude::*};
use social_api::{ConversationId, ConversationSummary, ListView};
use wasm_bindgen::JsCast;

use super::{handler, message_item::space_class, source_icon::SourceIcon, status::EmptyState};
use crate::time;

/// Whether the list has more rows than it shows, and how reading them goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum More {
    /// Every row is shown.
    #[default]
    Nothing,
    /// The server has more: "Show more" reads them.
    Available,
    /// The next page is being read.
    Loading,
    /// Reading the next page failed; "Show more" tries again.
    Failed,
}

/// Tabs to choose the view, then the rows of that view.
#[component]
pub fn ConversationList(
    /// The view shown: mine or all.
    #[prop(into)]
    view: Signal<ListView>,
    /// Runs when the agent picks a view.
    on_view: Callback<ListView>,
    /// The rows of the chosen view.
    #[prop(into)]
    rows: Signal<Vec<ConversationSummary>>,
    /// The conversation open in the widget.
    #[prop(into)]
    selected: Signal<Option<ConversationId>>,
    /// Runs when the agent opens a conversation.
    on_select: Callback<ConversationId>,
    /// Whether the server has more rows for this view.
    #[prop(optional, into)]
    more: Signal<More>,
    /// Runs when the agent asks for more rows (the next page is appended to `rows`).
    #[prop(optional)]
    on_more: Option<Callback<()>>,
) -> impl IntoView {
    let tab = move |this: ListView, label: &'static str| {
        view! {
            <button
                type="button"
                class="tab"
                aria-pressed=move || if view.get() == this { "true" } else { "false" }
                on:click=handler(move |_| on_view.run(this))
            >
                {label}
            </button>
        }
    };
    let empty = Memo::new(move |_| rows.with(Vec::is_empty));
    // Rows keyed by conversation: a row that changes (its preview, its unread count)
    // updates in place, so the row the agent is on keeps the focus when the list reads again.
    let ids = move || rows.with(|rows| rows.iter().map(|r| r.id).collect::<Vec<_>>());
    let list_ref = NodeRef::<leptos::html::Ul>::new();
    // The first row the pending "Show more" adds: when the last page came and the button
    // went away with the focus on it, the focus goes on to that row.
    let resume = StoredValue::new(None::<usize>);
    Effect::new(move |_| {
        let more = more.get();
        let shown = rows.with(Vec::len);
        if more == More::Loading {
            return;
        }
        let Some(first_new) = resume.get_value() else {
            return;
        };
        resume.set_value(None);
        let lost = document()
            .active_element()
            .is_none_or(|focused| focused.tag_name().eq_ignore_ascii_case("body"));
        if more != More::Nothing || shown <= first_new || !lost {
            return;
        }
        let selector = format!(":scope > li:nth-child({}) > button", first_new + 1);
        let row = list_ref
            .get_untracked()
            .and_then(|list| list.query_selector(&selector).ok().flatten());
        if let Some(row) = row.and_then(|r| r.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = row.focus();
        }
    });
    let show_more = move || {
        let state = more.get();
        (state != More::Nothing).then(|| {
            let loading = state == More::Loading;
            view! {
                {(state == More::Failed).then(|| view! {
                    <p class="list__failed" role="alert">"Could not load more conversations."</p>
                })}
                <button
                    type="button"
                    class="list__more"
                    // Not `disabled`: the focus stays on it while the page loads.
                    aria-disabled=loading.then_some("true")
                    on:click=handler(move |_| {
                        if more.get_untracked() == More::Loading {
                            return;
                        }
                        resume.set_value(Some(rows.with_untracked(Vec::len)));
                        if let Some(on_more) = on_more {
                            on_more.run(());
                        }
                    })
                >
                    {if loading { "Loading more…" } else { "Show more" }}
                </button>
            }
        })
    };
    let list = move || {
        if empty.get() {
            Either::Left(view! { <EmptyState text="No conversations in this list."/> })
        } else {
            Either::Right(view! {
                <ul class="list" aria-label="Conversations" node_ref=list_ref>
                    <For each=ids key=|id| *id let:id>
                        <Row
                            row=Memo::new(move |_| rows.with(|rows| rows.iter().find(|r| r.id == id).cloned()))
                            selected
                            on_select
                            owners=move || view.get() == ListView::All
                        />
                    </For>
                </ul>
                {show_more}
            })
        }
    };
    view! {
        <div class="tabs" role="group" aria-label="Conversation lists">
            {tab(ListView::Mine, "My conversations")}
            {tab(ListView::All, "All conversations")}
        </div>
        {list}
    }
}

/// One conversation: network, space, time, unread and undelivered counts, consumer, the
/// start of the last message, its skill, and (in "All") whose it is; it follows its summary.
#[component]
fn Row(
    row: Memo<Option<ConversationSummary>>,
    selected: Signal<Option<ConversationId>>,
    on_select: Callback<ConversationId>,
    /// Whether to say whose each conversation is.
    #[prop(into)]
    owners: Signal<bool>,
) -> impl IntoView {
    let first = row.get_untracked()?;
    let (id, source) = (first.id, first.source);
    let field = move |read: fn(&ConversationSummary) -> String| {
        move || row.with(|r| r.as_ref().map(read).unwrap_or_default())
    };
    let current = move || (selected.get() == Some(id)).then_some("true");
    let unread = move || {
        let count = row.with(|r| r.as_ref().map_or(0, |r| r.unread_count));
        (count > 0).then(|| {
            view! {
                <span class="badge">
                    {count}
                    <span class="visually-hidden">" unread"</span>
                </span>
            }
        })
    };
    let undelivered = move || {
        row.with(|r| r.as_ref().is_some_and(|r| r.undelivered_count > 0))
            .then(|| view! { <span class="row__failed">"Not delivered"</span> })
    };
    let owner = move || {
        owners.get().then(|| {
            let owner = row.with(|r| match r.as_ref().and_then(|r| r.assigned_to.clone()) {
                Some(name) => format!("Assigned to {name}"),
                None => "Unassigned".to_owned(),
            });
            view! { <span class="row__owner">{owner}</span> }
        })
    };
    let skill = move || {
        row.with(|r| r.as_ref().and_then(|r| r.skill.clone()))
            .map(|skill| {
                view! {
                    <span class="row__skill">
                        <span class="visually-hidden">"Skill: "</span>
                        {skill}
                    </span>
                }
            })
    };
    let space = move || {
        let space = row.with(|r| r.as_ref().map_or(first.space, |r| r.space));
        view! { <span class=space_class(space)>{space.label()}</span> }
    };
    let when = move || {
        row.with(|r| {
            r.as_ref()
                .map_or(first.last_message_at, |r| r.last_message_at)
        })
    };
    Some(view! {
        <li>
            <button type="button" class="row" aria-current=current on:click=handler(move |_| on_select.run(id))>
                <span class="row__top">
                    <span class="row__source">
                        <SourceIcon source/>
                        {source.label()}
                    </span>
                    {space}
                    <time class="row__time" datetime=move || time::iso(when())>{move || time::format(when())}</time>
                    {unread}
                </span>
                // Consumers' words isolated: a direction control in them (U+202E) ends
                // with them, and cannot reorder "Not delivered" or anything after.
                <span class="row__name"><bdi>{field(|r| r.consumer_name.clone())}</bdi>{undelivered}</span>
                <span class="row__preview" dir="auto">{field(|r| r.last_message_preview.clone())}</span>
                {skill}
                {owner}
            </button>
        </li>
    })
}
