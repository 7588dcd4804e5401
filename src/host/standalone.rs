//! The standalone dev page: a demo session, the agent's conversation list, and the widget
//! beside it at iframe width, so the widget can be worked on without a workspace.

use leptos::{either::EitherOf3, prelude::*};
use social_api::{
    names::{name_of, parse_name},
    ListView, Me, Role,
};

use super::play_consumer::PlayConsumer;
use crate::{
    client,
    client::ListPage,
    components::{
        conversation_list::{ConversationList, More},
        conversation_panel::ConversationPanel,
        handler,
        status::{ErrorState, Loading},
    },
    state::{Actor, ConversationModel, Failure},
};

/// The dev page: account and role pickers, then a session for them.
#[component]
pub fn StandalonePage() -> impl IntoView {
    let account = RwSignal::new("demo".to_owned());
    let role = RwSignal::new(Role::Agent);
    view! {
        <div class="dev">
            <header class="dev__bar">
                <h1>"Social widget"</h1>
                <label for="account">"Account"</label>
                <select
                    id="account"
                    prop:value=move || account.get()
                    on:change=handler(move |ev| account.set(event_target_value(&ev)))
                >
                    <option value="demo">"demo"</option>
                    <option value="other">"other"</option>
                </select>
                <label for="role">"Role"</label>
                <select
                    id="role"
                    prop:value=move || name_of(&role.get())
                    on:change=handler(move |ev| {
                        if let Some(picked) = parse_name(&event_target_value(&ev)) {
                            role.set(picked);
                        }
                    })
                >
                    <option value="agent">"agent"</option>
                    <option value="admin">"admin"</option>
                </select>
            </header>
            // A new account or role starts from nothing: new session, list and selection.
            {move || view! { <DemoSession account=account.get() role=role.get()/> }}
        </div>
    }
}

/// What the dev page loads at start for one account and role.
#[derive(Clone)]
struct Session {
    /// Kept in memory only.
    token: String,
    me: Me,
    /// The first page of each list.
    mine: ListPage,
    all: ListPage,
}

/// Signs in to the demo account and loads both lists.
#[component]
fn DemoSession(account: String, role: Role) -> impl IntoView {
    // One resource for all four calls: each resource adds kilobytes to the wasm, and the
    // lists are small.
    let session = LocalResource::new(move || {
        let account = account.clone();
        async move {
            let token = client::demo_session(&account, role).await?;
            let me = client::me(&token).await?;
            let mine = client::conversations(&token, ListView::Mine, 0).await?;
            let all = client::conversations(&token, ListView::All, 0).await?;
            Ok::<_, Failure>(Session {
                token,
                me,
                mine,
                all,
            })
        }
    });
    let on_retry = Callback::new(move |()| session.refetch());
    move || match session.get() {
        None => EitherOf3::A(view! { <Loading label="Starting a demo session…"/> }),
        Some(Ok(session)) => EitherOf3::B(view! { <Workspace session/> }),
        Some(Err(error)) => EitherOf3::C(view! {
            <main class="dev__failed">
                <ErrorState what="Could not start a demo session." error on_retry/>
            </main>
        }),
    }
}

/// Both lists as far as they were read.
#[derive(Clone)]
struct Lists {
    mine: ListPage,
    all: ListPage,
}

impl Lists {
    fn of(&self, view: ListView) -> &ListPage {
        match view {
            ListView::Mine => &self.mine,
            ListView::All => &self.all,
        }
    }

    fn of_mut(&mut self, view: ListView) -> &mut ListPage {
        match view {
            ListView::Mine => &mut self.mine,
            ListView::All => &mut self.all,
        }
    }
}

/// The list beside the widget, for one session.
#[component]
fn Workspace(session: Session) -> impl IntoView {
    let Session {
        token,
        me,
        mine,
        all,
    } = session;
    let token = StoredValue::new(token);
    // Moves on after each change the widget made (a send, an open conversation read):
    // the lists read again, so previews, order, unread and undelivered marks follow.
    let revision = RwSignal::new(0u64);
    let first = mine.rows.first().map(|row| row.id);
    let lists = RwSignal::new(Lists { mine, all });
    // Each list read again as far as it was shown; a failed re-read keeps the rows.
    let reread = LocalResource::new(move || {
        let (revision, token) = (revision.get(), token.get_value());
        let shown = lists.with_untracked(|l| (l.mine.rows.len(), l.all.rows.len()));
        async move {
            if revision == 0 {
                return None;
            }
            let mine = client::conversations(&token, ListView::Mine, shown.0).await;
            let all = client::conversations(&token, ListView::All, shown.1).await;
            Some(Lists {
                mine: mine.ok()?,
                all: all.ok()?,
            })
        }
    });
    Effect::new(move |_| {
        if let Some(Some(read)) = reread.get() {
            lists.set(read);
        }
    });
    let view = RwSignal::new(ListView::Mine);
    let rows = Signal::derive(move || lists.with(|l| l.of(view.get()).rows.clone()));
    // The next page of a list, appended to it: keyed rows, so those shown stay as they are.
    let read_more = Action::new_local(move |(list, next): &(ListView, String)| {
        let (list, next, token) = (*list, next.clone(), token.get_value());
        async move {
            // The list whose page failed: it says so, the other does not.
            let page = client::conversations_at(&token, &next)
                .await
                .map_err(|_| list)?;
            lists.update(|l| {
                let shown = l.of_mut(list);
                // Unless the list was read again meanwhile, from its first page.
                if shown.next.as_deref() != Some(next.as_str()) {
                    return;
                }
                let new: Vec<_> = page
                    .rows
                    .into_iter()
                    .filter(|row| !shown.rows.iter().any(|r| r.id == row.id))
                    .collect();
                shown.rows.extend(new);
                shown.next = page.next;
            });
            Ok::<_, ListView>(())
        }
    });
    let more = Signal::derive(move || {
        let view = view.get();
        let reading = read_more.input().with(|i| i.as_ref().map(|(v, _)| *v));
        if lists.with(|l| l.of(view).next.is_none()) {
            More::Nothing
        } else if reading == Some(view) {
            More::Loading
        } else if read_more.value().with(|v| v == &Some(Err(view))) {
            More::Failed
        } else {
            More::Available
        }
    });
    let on_more = Callback::new(move |()| {
        let view = view.get_untracked();
        if let Some(next) = lists.with_untracked(|l| l.of(view).next.clone()) {
            read_more.dispatch((view, next));
        }
    });
    // The first of my list at first; it stays open while the list reorders around it.
    let picked = RwSignal::new(first);
    // The picked conversation while the list shows it, otherwise the list's first.
    let open = Signal::derive(move || {
        rows.with(|rows| {
            let picked = picked
                .get()
                .filter(|id| rows.iter().any(|row| row.id == *id));
            picked.or_else(|| rows.first().map(|row| row.id))
        })
    });
    // The agent from `/api/me`: the rules need its kind and role.
    let actor = Actor {
        agent: me.agent.clone(),
        token: token.get_value(),
    };
    let model = ConversationModel::new(open, move |id| {
        let token = token.get_value();
        async move {
            let conversation = client::conversation(&token, id)
                .await
                .map_err(Failure::from)?;
            // Opened is read, for this agent, on the server.
            if client::mark_read(&token, id).await.is_ok() {
                revision.update(|n| *n += 1);
            }
            Ok(conversation)
        }
    })
    .acting_as(Signal::stored(Some(actor)))
    .revising(revision)
    .following_live();
    let signed_in = format!(
        "Signed in as {} ({}, account {})",
        me.agent.name,
        name_of(&me.agent.role),
        me.account
    );
    view! {
        <nav class="dev__list" aria-label="Conversations">
            <p class="dev__who">{signed_in}</p>
            <ConversationList
                view
                on_view=Callback::new(move |v| view.set(v))
                rows
                selected=open
                on_select=Callback::new(move |id| picked.set(Some(id)))
                more
                on_more
            />
            <PlayConsumer open token on_sent=Callback::new(move |()| revision.update(|n| *n += 1))/>
        </nav>
        <main class="dev__widget" aria-label="Widget">
            <ConversationPanel model idle="No conversation is open."/>
        </main>
    }
}
