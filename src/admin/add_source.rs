//! Connecting a Facebook page or X account: platform, id, name, handle, token, spaces.
//! Checked as the server checks before it is sent; a refusal is said in words and what
//! the admin typed stays.

use leptos::prelude::*;
use social_api::{
    admin::NewSource,
    names::{name_of, parse_name},
    Source,
};

use crate::components::handler;

/// The form; `add` sends it and answers `Err` with the reason when it was not connected.
#[component]
pub fn AddSource(add: Action<NewSource, Result<(), String>>) -> impl IntoView {
    let platform = RwSignal::new(Source::Facebook);
    let platform_id = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let handle = RwSignal::new(String::new());
    let token = RwSignal::new(String::new());
    let public = RwSignal::new(true);
    let private = RwSignal::new(true);
    let problem = RwSignal::new(None::<String>);
    let pending = add.pending();
    // Connected: the form empties for the next one. Refused: the reason, input kept.
    Effect::new(move |_| match add.value().get() {
        Some(Ok(())) => {
            for field in [platform_id, name, handle, token] {
                field.set(String::new());
            }
            problem.set(None);
        }
        Some(Err(why)) => problem.set(Some(why)),
        None => {}
    });
    let optional = |text: String| {
        let text = text.trim().to_owned();
        (!text.is_empty()).then_some(text)
    };
    let submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let new = NewSource {
            platform: platform.get_untracked(),
            platform_id: platform_id.get_untracked().trim().to_owned(),
            name: name.get_untracked().trim().to_owned(),
            handle: optional(handle.get_untracked()).map(|h| h.trim_start_matches('@').to_owned()),
            access_token: optional(token.get_untracked()),
            public_enabled: public.get_untracked(),
            private_enabled: private.get_untracked(),
        };
        match new.check() {
            Ok(()) => {
                problem.set(None);
                add.dispatch_local(new);
            }
            Err(why) => problem.set(Some(why.to_string())),
        }
    };
    let text_field = move |id: &'static str,
                           label: &'static str,
                           value: RwSignal<String>,
                           kind: &'static str| {
        view! {
            <label for=id>{label}</label>
            <input
                id=id
                type=kind
                autocomplete=if kind == "password" { "new-password" } else { "off" }
                aria-describedby="add-source-problem"
                prop:value=move || value.get()
                on:input=handler(move |ev| value.set(event_target_value(&ev)))
            />
        }
    };
    let check_field = move |id: &'static str, label: &'static str, value: RwSignal<bool>| {
        view! {
            <label class="add-source__check" for=id>
                <input
                    id=id
                    type="checkbox"
                    prop:checked=move || value.get()
                    on:change=handler(move |ev| value.set(event_target_checked(&ev)))
                />
                {label}
            </label>
        }
    };
    view! {
        <form class="add-source" aria-labelledby="add-source-heading" on:submit=handler(submit)>
            <h3 id="add-source-heading">"Connect a source"</h3>
            <div class="add-source__fields">
                <label for="add-source-platform">"Platform"</label>
                <select
                    id="add-source-platform"
                    on:change=handler(move |ev| {
                        if let Some(picked) = parse_name(&event_target_value(&ev)) {
                            platform.set(picked);
                        }
                    })
                >
                    {[Source::Facebook, Source::X]
                        .map(|source| {
                            view! {
                                <option
                                    value=name_of(&source)
                                    prop:selected=move || platform.get() == source
                                >
                                    {source.label()}
                                </option>
                            }
                        })}
                </select>
                {text_field("add-source-id", "Page or account id", platform_id, "text")}
                {text_field("add-source-name", "Name", name, "text")}
                {text_field("add-source-handle", "Handle (optional)", handle, "text")}
                {text_field("add-source-token", "Access token (optional)", token, "password")}
            </div>
            <div class="add-source__checks">
                {check_field("add-source-public", "Public space", public)}
                {check_field("add-source-private", "Private space", private)}
            </div>
            <p id="add-source-problem" class="admin-problem" role="alert">{move || problem.get()}</p>
            <button
                type="submit"
                class="button button--primary"
                aria-busy=move || pending.get().then_some("true")
            >
                "Connect source"
            </button>
        </form>
    }
}
