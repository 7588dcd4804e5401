//! The routing rules section wired to the server: the stored rules into the editor, Save
//! with `If-Match`, the server's refusals beside the editor's own, a stale save reloaded.

use leptos::prelude::*;
use social_api::admin::{RoutingRules, SourceView};
use social_api::routing::Routing;

use super::notice::{Notice, NoticeLine};
use super::rule_editor::RuleEditor;
use crate::client::admin::{self as api, AdminError};
use crate::client::ApiError;
use crate::components::status::Loading;

/// The rules editor for the account's stored rules.
#[component]
pub fn RoutingPanel(
    token: String,
    #[prop(into)] sources: Signal<Vec<SourceView>>,
    /// Runs after every save the server accepted.
    on_changed: Callback<()>,
) -> impl IntoView {
    let token = StoredValue::new(token);
    // The rules as stored (and their version), and a count of loads: a (re)load starts
    // the editor again from what is stored, a save keeps what the admin sees.
    let stored = RwSignal::new(None::<RoutingRules>);
    let loads = RwSignal::new(0u32);
    let notice = RwSignal::new(None::<Notice>);
    let server_problems = RwSignal::new(Vec::new());
    let saving = RwSignal::new(false);
    let load = Action::new_local(move |(): &()| async move {
        match api::routing_rules(&token.get_value()).await {
            Ok(rules) => {
                stored.set(Some(rules));
                loads.update(|n| *n += 1);
            }
            Err(AdminError::Api(ApiError::Aborted)) => {}
            Err(error) => notice.set(Some(Notice::alert(format!(
                "Could not read the routing rules. {error}"
            )))),
        }
    });
    load.dispatch_local(());
    let pending = load.pending();
    let on_save = Callback::new(move |routing: Routing| {
        let Some(version) = stored.with_untracked(|s| s.as_ref().map(|s| s.version)) else {
            return;
        };
        saving.set(true);
        notice.set(None);
        leptos::task::spawn_local(async move {
            match api::save_routing(&token.get_value(), version, &routing).await {
                Ok(saved) => {
                    stored.set(Some(saved));
                    notice.set(Some(Notice::status("The routing rules are saved.")));
                    on_changed.run(());
                }
                Err(AdminError::Stale) => {
                    notice.set(Some(Notice::alert(
                        "Someone else changed the routing rules; they have been reloaded. Your changes were not saved.",
                    )));
                    load.dispatch_local(());
                }
                Err(AdminError::RoutingInvalid(problems)) => server_problems.set(problems),
                Err(error) => notice.set(Some(Notice::alert(format!(
                    "The rules were not saved. {error}"
                )))),
            }
            saving.set(false);
        });
    });
    let saved = Signal::derive(move || {
        stored.with(|s| s.as_ref().map(|s| s.routing.clone()).unwrap_or_default())
    });
    view! {
        <NoticeLine notice/>
        {move || match loads.get() {
            0 => pending.get().then(|| view! { <Loading label="Reading the routing rules…"/> }.into_any()),
            _ => Some(view! {
                <RuleEditor
                    sources
                    initial=saved.get_untracked()
                    saved
                    on_save
                    saving
                    server_problems
                />
            }.into_any()),
        }}
    }
}
