//! The audit log read from the server: filters by action and actor, "Older" for the next
//! page, and a fresh first page after every change made on this page.

use leptos::prelude::*;
use social_api::admin::{AuditAction, AuditEntry, AuditPage};
use social_api::names::{name_of, parse_name};

use super::audit_log::AuditTable;
use crate::client::admin::{self as api, AdminError, AuditQuery};
use crate::client::ApiError;
use crate::components::handler;

/// Entries per page.
const PAGE: u32 = 50;

/// The audit log section's content.
#[component]
pub fn AuditPanel(
    token: String,
    /// Moves on after every change made on this page.
    #[prop(into)]
    revision: Signal<u64>,
) -> impl IntoView {
    let token = StoredValue::new(token);
    let entries = RwSignal::new(Vec::<AuditEntry>::new());
    let next = RwSignal::new(None::<i64>);
    let failure = RwSignal::new(None::<String>);
    // The filters as typed, and as applied to what is shown.
    let action = RwSignal::new(None::<AuditAction>);
    let actor = RwSignal::new(String::new());
    let applied = RwSignal::new((None::<AuditAction>, String::new()));
    // Counts first-page loads, so an older page that arrives after new filters is dropped.
    let generation = StoredValue::new(0u64);
    let load = Action::new_local(move |(query, append): &(AuditQuery, bool)| {
        let (query, append) = (query.clone(), *append);
        if !append {
            generation.update_value(|g| *g += 1);
        }
        let started = generation.get_value();
        async move {
            let answer: Result<AuditPage, AdminError> =
                api::audit(&token.get_value(), &query).await;
            if generation.get_value() != started {
                return;
            }
            match answer {
                Ok(page) => {
                    failure.set(None);
                    next.set(page.next);
                    match append {
                        true => entries.update(|all| all.extend(page.entries)),
                        false => entries.set(page.entries),
                    }
                }
                Err(AdminError::Api(ApiError::Aborted)) => {}
                Err(error) => failure.set(Some(format!("Could not read the audit log. {error}"))),
            }
        }
    });
    let query = move |before: Option<i64>| {
        let (action, actor) = applied.get_untracked();
        AuditQuery {
            action,
            actor,
            source: None,
            before,
            limit: Some(PAGE),
        }
    };
    Effect::new(move |_| {
        revision.track();
        applied.track();
        load.dispatch_local((query(None), false));
    });
    let pending = load.pending();
    view! {
        <form
            class="audit__filters"
            aria-label="Audit log filters"
            on:submit=handler(move |ev: web_sys::SubmitEvent| {
                ev.prevent_default();
                applied.set((action.get_untracked(), actor.get_untracked().trim().to_owned()));
            })
        >
            <div class="field">
                <label for="audit-action">"Action"</label>
                <select
                    id="audit-action"
                    on:change=handler(move |ev| action.set(parse_name(&event_target_value(&ev))))
                >
                    <option value="" prop:selected=move || action.get().is_none()>"All actions"</option>
                    {AuditAction::ALL
                        .map(|option| {
                            view! {
                                <option value=name_of(&option) prop:selected=move || action.get() == Some(option)>
                                    {option.label()}
                                </option>
                            }
                        })}
                </select>
            </div>
            <div class="field">
                <label for="audit-actor">"Who"</label>
                <input
                    id="audit-actor"
                    type="search"
                    autocomplete="off"
                    prop:value=move || actor.get()
                    on:input=handler(move |ev| actor.set(event_target_value(&ev)))
                />
            </div>
            <button type="submit" class="button">"Filter"</button>
        </form>
        <p class="admin-notice admin-notice--alert" role="alert">{move || failure.get()}</p>
        <AuditTable entries/>
        {move || next.get().map(|before| view! {
            <button
                type="button"
                class="button"
                aria-busy=move || pending.get().then_some("true")
                on:click=handler(move |_| {
                    if !pending.get_untracked() {
                        load.dispatch_local((query(Some(before)), true));
                    }
                })
            >
                "Older"
            </button>
        })}
    }
}
