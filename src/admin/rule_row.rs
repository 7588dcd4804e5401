//! One rule in the editor: what it matches (platform, page or account, space), where it
//! sends (skill, and on X an engagement), its problems beneath it, and moving or removing it.

use leptos::prelude::*;
use social_api::{
    admin::SourceView,
    names::{name_of, parse_name},
    Source, Space,
};

use super::disconnect::kind;
use super::rule_draft::RuleDraft;
use crate::components::handler;

/// A `<select>` of "Any" and `options`, bound to `value`.
fn choice<T>(
    id: String,
    label: &'static str,
    value: RwSignal<Option<T>>,
    options: Vec<(T, &'static str)>,
) -> impl IntoView
where
    T: serde::Serialize + serde::de::DeserializeOwned + Copy + PartialEq + Send + Sync + 'static,
{
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select
                id=id
                on:change=handler(move |ev| value.set(parse_name(&event_target_value(&ev))))
            >
                <option value="" prop:selected=move || value.get().is_none()>"Any"</option>
                {options
                    .into_iter()
                    .map(|(option, text)| {
                        view! {
                            <option value=name_of(&option) prop:selected=move || value.get() == Some(option)>
                                {text}
                            </option>
                        }
                    })
                    .collect::<Vec<_>>()}
            </select>
        </div>
    }
}

/// One editable rule.
#[component]
pub fn RuleRow(
    draft: RuleDraft,
    /// Its place in the list, from 1.
    #[prop(into)]
    number: Signal<usize>,
    /// How many rules there are (the last cannot move down).
    #[prop(into)]
    count: Signal<usize>,
    /// The account's connected sources.
    #[prop(into)]
    sources: Signal<Vec<SourceView>>,
    /// This rule's problems, in words.
    #[prop(into)]
    problems: Signal<Vec<String>>,
    /// Moves the rule with this key up (-1) or down (+1).
    on_move: Callback<(u32, isize)>,
    on_remove: Callback<u32>,
) -> impl IntoView {
    let key = draft.key;
    let id = move |field: &str| format!("rule-{key}-{field}");
    let heading = id("heading");
    let problems_id = id("problems");
    // The pages and accounts a rule may name: the connected ones of its platform, and the
    // one it names now even if it is gone (so the admin sees it, and its problem).
    let brands = move || {
        let platform = draft.source.get();
        let current = draft.brand.get();
        let mut options: Vec<(String, String)> = sources.with(|all| {
            all.iter()
                .filter(|s| s.connected() && platform.is_none_or(|p| p == s.platform))
                .map(|s| {
                    (
                        s.platform_id.clone(),
                        format!("{} ({})", s.name, kind(s.platform)),
                    )
                })
                .collect()
        });
        if let Some(current) = current.filter(|c| !options.iter().any(|(id, _)| id == c)) {
            let known = sources.with(|all| {
                all.iter()
                    .any(|s| s.connected() && s.platform_id == current)
            });
            let text = match known {
                true => format!("id {current} (on the other platform)"),
                false => format!("id {current} (not connected)"),
            };
            options.push((current, text));
        }
        options
            .into_iter()
            .map(|(value, text)| {
                let selected = value.clone();
                view! {
                    <option value=value prop:selected=move || draft.brand.get().as_deref() == Some(selected.as_str())>
                        {text}
                    </option>
                }
            })
            .collect::<Vec<_>>()
    };
    let is_x = Memo::new(move |_| sources.with(|all| draft.platform(all)) == Some(Source::X));
    let label = move |what: &'static str| move || format!("{what} rule {}", number.get());
    let first = move || number.get() <= 1;
    let last = move || number.get() >= count.get();
    let disabled = |yes: bool| yes.then_some("true");
    let labelled_by = heading.clone();
    view! {
        <li class="rule" aria-labelledby=labelled_by>
            <h3 id=heading>{move || format!("Rule {}", number.get())}</h3>
            <div class="rule__fields">
                {choice(id("platform"), "Platform", draft.source, vec![
                    (Source::Facebook, "Facebook"),
                    (Source::X, "X"),
                ])}
                <div class="field">
                    <label for=id("brand")>"Page or account"</label>
                    <select
                        id=id("brand")
                        on:change=handler(move |ev| {
                            let value = event_target_value(&ev);
                            draft.brand.set((!value.is_empty()).then_some(value));
                        })
                    >
                        <option value="" prop:selected=move || draft.brand.get().is_none()>"Any"</option>
                        {brands}
                    </select>
                </div>
                {choice(id("space"), "Space", draft.space, vec![
                    (Space::Public, "Public"),
                    (Space::Private, "Private"),
                ])}
                <div class="field">
                    <label for=id("skill")>"Skill"</label>
                    <input
                        id=id("skill")
                        type="text"
                        autocomplete="off"
                        aria-describedby=problems_id.clone()
                        prop:value=move || draft.skill.get()
                        on:input=handler(move |ev| draft.skill.set(event_target_value(&ev)))
                    />
                </div>
                {move || is_x.get().then(|| view! {
                    <div class="field">
                        <label for=id("engagement")>"Engagement"</label>
                        <input
                            id=id("engagement")
                            type="text"
                            autocomplete="off"
                            placeholder="none"
                            prop:value=move || draft.engagement.get()
                            on:input=handler(move |ev| draft.engagement.set(event_target_value(&ev)))
                        />
                    </div>
                })}
            </div>
            <ul class="rule__problems" id=problems_id>
                {move || problems.get().into_iter().map(|p| view! { <li>{p}</li> }).collect::<Vec<_>>()}
            </ul>
            <div class="rule__actions">
                <button
                    type="button"
                    class="button button--small"
                    aria-label=label("Move up")
                    aria-disabled=move || disabled(first())
                    on:click=handler(move |_| if !first() { on_move.run((key, -1)) })
                >
                    "Move up"
                </button>
                <button
                    type="button"
                    class="button button--small"
                    aria-label=label("Move down")
                    aria-disabled=move || disabled(last())
                    on:click=handler(move |_| if !last() { on_move.run((key, 1)) })
                >
                    "Move down"
                </button>
                <button
                    type="button"
                    class="button button--small"
                    aria-label=label("Remove")
                    on:click=handler(move |_| on_remove.run(key))
                >
                    "Remove"
                </button>
            </div>
        </li>
    }
}
