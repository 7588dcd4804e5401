//! The dev page's conversation list: "My" and "All" tabs, and one button per conversation.

use leptos::{either::Either, prelude::*};
use social_api::{ConversationId, ConversationSummary, ListView};

use super::{handler, message_item::space_class, source_icon::SourceIcon, status::EmptyState};
use crate::time;

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
    let list = move || {
        if empty.get() {
            Either::Left(view! { <EmptyState text="No conversations in this list."/> })
        } else {
            Either::Right(view! {
                <ul class="list" aria-label="Conversations">
                    <For each=ids key=|id| *id let:id>
                        <Row
                            row=Memo::new(move |_| rows.with(|rows| rows.iter().find(|r| r.id == id).cloned()))
                            selected
                            on_select
                            owners=move || view.get() == ListView::All
                        />
                    </For>
                </ul>
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
