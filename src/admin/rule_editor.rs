//! The routing rules editor: the ordered rules, the default skill, their problems as the
//! admin types (`check_routing`, the server's own check, against the connected sources),
//! a preview of where a first message would go, and Save while nothing is wrong.

use leptos::prelude::*;
use social_api::admin::{check_routing, RuleProblem, SourceView};
use social_api::routing::{Routing, RoutingRule};

use super::preview::RoutePreview;
use super::rule_draft::{known_brands, rule_of, RuleDraft};
use super::rule_row::RuleRow;
use crate::components::handler;

/// The editor for `initial`; `on_save` gets the rule list to store.
#[component]
pub fn RuleEditor(
    /// Every source of the account (the rules may name the connected ones).
    #[prop(into)]
    sources: Signal<Vec<SourceView>>,
    /// The rules as stored.
    initial: Routing,
    on_save: Callback<Routing>,
    /// The rules as stored now, to tell whether there is anything to save (`initial` if
    /// not given).
    #[prop(optional, into)]
    saved: Option<Signal<Routing>>,
    /// A save is on its way.
    #[prop(optional, into)]
    saving: Signal<bool>,
    /// What the server refused in the last save; cleared by the next edit.
    #[prop(optional)]
    server_problems: Option<RwSignal<Vec<RuleProblem>>>,
) -> impl IntoView {
    let server_problems = server_problems.unwrap_or_else(|| RwSignal::new(Vec::new()));
    let next_key = StoredValue::new(initial.rules.len() as u32);
    let rules = RwSignal::new(
        initial
            .rules
            .iter()
            .enumerate()
            .map(|(key, rule)| RuleDraft::new(key as u32, rule))
            .collect::<Vec<_>>(),
    );
    let default_skill = RwSignal::new(initial.default_skill.clone().unwrap_or_default());
    let routing = Memo::new(move |_| {
        sources.with(|all| Routing {
            rules: rules.get().iter().map(|draft| draft.rule(all)).collect(),
            default_skill: default_skill.with(|skill| (!skill.is_empty()).then(|| skill.clone())),
        })
    });
    let problems = Memo::new(move |_| {
        sources.with(|all| routing.with(|routing| check_routing(routing, &known_brands(all))))
    });
    let saved = saved.unwrap_or_else(|| Signal::stored(initial.clone()));
    let unchanged = Memo::new(move |_| saved.with(|saved| routing.with(|r| r == saved)));
    // Any edit makes the server's last answer about an older list.
    Effect::new(move |first: Option<()>| {
        routing.track();
        if first.is_some() {
            server_problems.update(|p| p.clear());
        }
    });

    let add = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        let rule = RoutingRule {
            when: Default::default(),
            skill: String::new(),
            engagement: None,
        };
        rules.update(|all| all.push(RuleDraft::new(key, &rule)));
    };
    let on_move = Callback::new(move |(key, by): (u32, isize)| {
        rules.update(|all| {
            let Some(at) = all.iter().position(|d| d.key == key) else {
                return;
            };
            let to = at as isize + by;
            if (0..all.len() as isize).contains(&to) {
                all.swap(at, to as usize);
            }
        });
    });
    let on_remove = Callback::new(move |key: u32| rules.update(|all| all.retain(|d| d.key != key)));
    let count = Signal::derive(move || rules.with(Vec::len));
    let row = move |draft: RuleDraft| {
        let number = Memo::new(move |_| {
            rules.with(|all| {
                all.iter()
                    .position(|d| d.key == draft.key)
                    .map_or(0, |i| i + 1)
            })
        });
        let problems = Signal::derive(move || {
            let number = number.get();
            problems.with(|all| {
                all.iter()
                    .filter(|p| rule_of(p) == Some(number))
                    .map(ToString::to_string)
                    .collect()
            })
        });
        view! { <RuleRow draft number count sources problems on_move on_remove/> }
    };
    let list_problems = move || {
        problems.with(|all| {
            all.iter()
                .filter(|p| rule_of(p).is_none())
                .map(|p| view! { <li>{p.to_string()}</li> })
                .collect::<Vec<_>>()
        })
    };
    let blocked = Memo::new(move |_| {
        let count = problems.with(Vec::len);
        if count > 0 {
            Some(match count {
                1 => "There is 1 problem to fix before saving.".to_owned(),
                n => format!("There are {n} problems to fix before saving."),
            })
        } else if unchanged.get() {
            Some("Nothing has changed since the rules were loaded.".to_owned())
        } else {
            None
        }
    });
    let save = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        if blocked.get_untracked().is_none() && !saving.get_untracked() {
            on_save.run(routing.get_untracked());
        }
    };
    let refused = move || {
        let refused = server_problems.get();
        (!refused.is_empty()).then(|| {
            view! {
                <div class="admin-problems" role="alert">
                    <p>"The server refused these rules:"</p>
                    <ul>
                        {refused.into_iter().map(|p| view! { <li>{p.to_string()}</li> }).collect::<Vec<_>>()}
                    </ul>
                </div>
            }
        })
    };
    view! {
        <form class="rules" aria-label="Routing rules" on:submit=handler(save)>
            <p class="hint">"The first rule that matches a new conversation decides its skill."</p>
            {move || rules.with(Vec::is_empty).then(|| view! {
                <p class="empty">"No rules: every new conversation goes to the default skill."</p>
            })}
            <ol class="rules__list">
                <For each=move || rules.get() key=|draft| draft.key let:draft>
                    {row(draft)}
                </For>
            </ol>
            <button type="button" class="button" on:click=handler(add)>"Add rule"</button>
            <div class="field rules__default">
                <label for="rules-default-skill">"Default skill (when no rule matches; empty for none)"</label>
                <input
                    id="rules-default-skill"
                    type="text"
                    autocomplete="off"
                    prop:value=move || default_skill.get()
                    on:input=handler(move |ev| default_skill.set(event_target_value(&ev)))
                />
            </div>
            <ul class="rule__problems">{list_problems}</ul>
            {refused}
            <div class="rules__save">
                <button
                    type="submit"
                    class="button button--primary"
                    aria-describedby="rules-save-reason"
                    aria-disabled=move || (blocked.get().is_some() || saving.get()).then_some("true")
                    aria-busy=move || saving.get().then_some("true")
                >
                    "Save rules"
                </button>
                <p id="rules-save-reason" class="hint">{move || blocked.get()}</p>
            </div>
        </form>
        <RoutePreview routing=Signal::from(routing) sources/>
    }
}
