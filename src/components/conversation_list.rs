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
    let list = move || {
        let rows = rows.get();
        if rows.is_empty() {
            Either::Left(view! { <EmptyState text="No conversations in this list."/> })
        } else {
            Either::Right(view! {
                <ul class="list" aria-label="Conversations">
                    {rows.into_iter().map(|row| view! { <Row row selected on_select/> }).collect_view()}
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

#[component]
fn Row(
    row: ConversationSummary,
    selected: Signal<Option<ConversationId>>,
    on_select: Callback<ConversationId>,
) -> impl IntoView {
    let ConversationSummary {
        id,
        source,
        space,
        consumer_name,
        last_message_preview,
        last_message_at,
        unread_count,
    } = row;
    let current = move || (selected.get() == Some(id)).then_some("true");
    let unread = (unread_count > 0).then(|| {
        view! {
            <span class="badge">
                {unread_count}
                <span class="visually-hidden">" unread"</span>
            </span>
        }
    });
    view! {
        <li>
            <button type="button" class="row" aria-current=current on:click=handler(move |_| on_select.run(id))>
                <span class="row__top">
                    <span class="row__source">
                        <SourceIcon source/>
                        {source.label()}
                    </span>
                    <span class=space_class(space)>{space.label()}</span>
                    <time class="row__time" datetime=time::iso(last_message_at)>{time::format(last_message_at)}</time>
                    {unread}
                </span>
                <span class="row__name">{consumer_name}</span>
                <span class="row__preview">{last_message_preview}</span>
            </button>
        </li>
    }
}
