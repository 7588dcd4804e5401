//! Where a first message would go under the rules as edited (not yet saved): a connected
//! source and a space in, the sentence of `social_api::admin::preview` out, computed here
//! with the function the server routes with.

use leptos::prelude::*;
use social_api::admin::{preview, SourceId, SourceView};
use social_api::names::{name_of, parse_name};
use social_api::routing::{Arrival, Routing};
use social_api::Space;

use super::disconnect::kind;
use crate::components::handler;

/// The preview form and its sentence.
#[component]
pub fn RoutePreview(
    #[prop(into)] routing: Signal<Routing>,
    #[prop(into)] sources: Signal<Vec<SourceView>>,
) -> impl IntoView {
    let connected = Memo::new(move |_| {
        sources.with(|all| {
            all.iter()
                .filter(|s| s.connected())
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let picked = RwSignal::new(None::<SourceId>);
    let space = RwSignal::new(Space::Public);
    // The picked source while it is connected, else the first connected one.
    let source = Memo::new(move |_| {
        connected.with(|all| {
            let picked = picked.get();
            all.iter()
                .find(|s| Some(s.id) == picked)
                .or_else(|| all.first())
                .cloned()
        })
    });
    let sentence = move || match source.get() {
        None => "Connect a source to preview where its messages go.".to_owned(),
        Some(source) => {
            let arrival = Arrival {
                source: source.platform,
                brand: &source.platform_id,
                space: space.get(),
            };
            routing.with(|routing| preview(routing, &arrival, &source.name).sentence)
        }
    };
    let options = move || {
        connected
            .get()
            .into_iter()
            .map(|s| {
                let id = s.id;
                view! {
                    <option
                        value=id.0.to_string()
                        prop:selected=move || source.with(|p| p.as_ref().map(|p| p.id)) == Some(id)
                    >
                        {format!("{} ({})", s.name, kind(s.platform))}
                    </option>
                }
            })
            .collect::<Vec<_>>()
    };
    view! {
        <section class="preview" aria-labelledby="preview-heading">
            <h3 id="preview-heading">"Preview"</h3>
            <div class="preview__fields">
                <div class="field">
                    <label for="preview-source">"A first message for"</label>
                    <select
                        id="preview-source"
                        on:change=handler(move |ev| {
                            picked.set(event_target_value(&ev).parse().ok().map(SourceId));
                        })
                    >
                        {options}
                    </select>
                </div>
                <div class="field">
                    <label for="preview-space">"In the space"</label>
                    <select
                        id="preview-space"
                        on:change=handler(move |ev| {
                            if let Some(picked) = parse_name(&event_target_value(&ev)) {
                                space.set(picked);
                            }
                        })
                    >
                        {[Space::Public, Space::Private]
                            .map(|option| {
                                view! {
                                    <option value=name_of(&option) prop:selected=move || space.get() == option>
                                        {option.label()}
                                    </option>
                                }
                            })}
                    </select>
                </div>
            </div>
            <p class="preview__sentence" role="status">{sentence}</p>
        </section>
    }
}
