//! The data sources section wired to the server: each change goes out with the version it
//! was based on; a stale one reloads the source and says so; failures are said per source.

use leptos::prelude::*;
use social_api::admin::{NewSource, SourceId, SourcePatch, SourceView};

use super::add_source::AddSource;
use super::notice::Notice;
use super::sources_list::SourcesList;
use crate::client::admin::{self as api, AdminError};

/// What the admin reads when their change met a newer version.
pub const STALE_SOURCE: &str =
    "Someone else changed this source; it has been reloaded. Your change was not made: check it and try again.";

/// The list of sources and the form to connect one.
#[component]
pub fn SourcesPanel(
    token: String,
    /// Shared with the routing rules, which may name the connected ones.
    sources: RwSignal<Vec<SourceView>>,
    /// Runs after every change the server accepted.
    on_changed: Callback<()>,
) -> impl IntoView {
    let token = StoredValue::new(token);
    let notices = RwSignal::new(Vec::<(SourceId, Notice)>::new());
    let busy = RwSignal::new(Vec::<SourceId>::new());
    let set_notice = move |id: SourceId, notice: Option<Notice>| {
        notices.update(|all| {
            all.retain(|(s, _)| *s != id);
            all.extend(notice.map(|n| (id, n)));
        });
    };
    let replace = move |source: SourceView| {
        sources.update(|all| match all.iter_mut().find(|s| s.id == source.id) {
            Some(old) => *old = source,
            None => all.push(source),
        });
    };
    // A patch, or with `None` a disconnection, of `source` as it was read.
    let change = move |source: SourceView, patch: Option<SourcePatch>| {
        let id = source.id;
        if busy.with_untracked(|b| b.contains(&id)) {
            return;
        }
        busy.update(|b| b.push(id));
        set_notice(id, None);
        leptos::task::spawn_local(async move {
            let token = token.get_value();
            let answer = match &patch {
                Some(patch) => api::change_source(&token, &source, patch).await,
                None => api::disconnect_source(&token, &source).await,
            };
            let notice = match answer {
                Ok(updated) => {
                    replace(updated);
                    on_changed.run(());
                    Notice::status(match patch {
                        Some(_) => "Saved.",
                        None => "Disconnected.",
                    })
                }
                Err(AdminError::Stale) => match api::source(&token, id).await {
                    Ok(fresh) => {
                        replace(fresh);
                        Notice::alert(STALE_SOURCE)
                    }
                    Err(error) => Notice::alert(format!(
                        "Someone else changed this source, and reading it again failed: {error}"
                    )),
                },
                Err(error) => Notice::alert(format!("Not changed. {error}")),
            };
            busy.update(|b| b.retain(|b| *b != id));
            set_notice(id, Some(notice));
        });
    };
    let add = Action::new_local(move |new: &NewSource| {
        let new = new.clone();
        async move {
            match api::add_source(&token.get_value(), &new).await {
                Ok(source) => {
                    replace(source);
                    on_changed.run(());
                    Ok(())
                }
                Err(error) => Err(format!("Not connected. {error}")),
            }
        }
    });
    view! {
        <SourcesList
            sources
            on_patch=Callback::new(move |(source, patch)| change(source, Some(patch)))
            on_disconnect=Callback::new(move |source| change(source, None))
            notices
            busy
        />
        <AddSource add/>
    }
}
