//! The widget as a workspace frames it: the host bridge the page offers (LivePerson's SDK,
//! else the postMessage protocol), the agent's session, and the conversation the workspace
//! has in focus, followed live.

mod focus;

use leptos::{
    either::{EitherOf3, EitherOf5},
    prelude::*,
};
use social_api::Me;

use crate::{
    client,
    components::{
        conversation_panel::ConversationPanel,
        handler,
        sign_in::SignIn,
        status::{EmptyState, ErrorState, Loading},
    },
    host::{config, use_host, Host},
    session::Session,
    state::{Actor, ConversationModel, Failure},
};
use focus::{Focus, Resolution};

/// The framed widget: sign-in until there is a session (once the workspace has had its
/// chance to hand one over), then the focused conversation.
#[component]
pub fn FramedHost() -> impl IntoView {
    let config = config::read();
    let host = use_host(&config);
    let demo = config.demo;
    host.apply_theme();
    if let Some(input) = host.workspace_input() {
        provide_context(input);
    }
    let session = Session::start();
    host.on_token(move |token| session.offer(token));
    let token = session.token();
    view! {
        <main class="framed">
            <h1 class="visually-hidden">"Social conversation"</h1>
            {move || match token.get() {
                None if host.session_pending() => EitherOf3::A(view! {
                    <Loading label="Waiting for the workspace…"/>
                }),
                None => EitherOf3::B(view! {
                    <SignIn
                        demo
                        agent=host.agent.into()
                        ended=session.ended.into()
                        on_signed_in=Callback::new(move |token| session.begin(token))
                    />
                }),
                Some(token) => EitherOf3::C(view! { <SignedIn host session token/> }),
            }}
        </main>
    }
}

/// Who signed in (the rules need the agent's kind and role), then the workspace's focus.
#[component]
fn SignedIn(host: Host, session: Session, token: String) -> impl IntoView {
    // Resolved while the session is read, not after: two round trips at start-up become one.
    let focus = Focus::follow(host, token.clone());
    let me = {
        let token = token.clone();
        LocalResource::new(move || {
            let token = token.clone();
            async move { client::me(&token).await.map_err(Failure::from) }
        })
    };
    let on_retry = Callback::new(move |()| me.refetch());
    move || match me.get() {
        None => EitherOf3::A(view! { <Loading label="Signing in…"/> }),
        Some(Ok(me)) => {
            EitherOf3::B(view! { <Focused host session focus me token=token.clone()/> })
        }
        Some(Err(error)) => EitherOf3::C(view! {
            <ErrorState what="Could not start the session." error on_retry/>
        }),
    }
}

/// The conversation the workspace focuses, or why there is none to show.
#[component]
fn Focused(host: Host, session: Session, focus: Focus, me: Me, token: String) -> impl IntoView {
    let actor = Actor {
        agent: me.agent.clone(),
        token: token.clone(),
    };
    let model = ConversationModel::new(focus.conversation.into(), move |id| {
        let token = token.clone();
        async move {
            let conversation = client::conversation(&token, id)
                .await
                .map_err(Failure::from)?;
            // Opened is read, for this agent; not awaited: the agent waits for nothing, and
            // a failure to say so costs nothing shown.
            leptos::task::spawn_local(async move {
                let _ = client::mark_read(&token, id).await;
            });
            Ok(conversation)
        }
    })
    .acting_as(Signal::stored(Some(actor)))
    .following_live();
    // The view changes with the kind of state only: moving from one found conversation to
    // another keeps the panel, which switches by itself.
    let shown = Memo::new(move |_| match focus.current.get() {
        None => 0u8,
        Some(Resolution::Finding) => 1,
        Some(Resolution::NotSocial) => 2,
        Some(Resolution::Failed(_)) => 3,
        Some(Resolution::Found(_)) => 4,
    });
    Effect::new(move |_| {
        if let Some(Resolution::Failed(why)) = focus.current.get() {
            host.report_error(&format!("Could not find the conversation: {why}"));
        }
    });
    let signed_in = format!("Signed in as {}", me.agent.name);
    view! {
        {move || match shown.get() {
            0 => EitherOf5::A(view! {
                <EmptyState text="Waiting for the workspace to focus a conversation."/>
            }),
            1 => EitherOf5::B(view! { <Loading label="Finding the conversation…"/> }),
            2 => EitherOf5::C(view! {
                <EmptyState text="This conversation is not a Facebook or X conversation: the social widget has nothing to show for it."/>
            }),
            3 => EitherOf5::D(view! {
                <ErrorState
                    what="Could not find the conversation."
                    error=match focus.current.get_untracked() {
                        Some(Resolution::Failed(why)) => Failure::Said(why),
                        _ => Failure::Said(String::new()),
                    }
                    on_retry=Callback::new(move |()| focus.retry())
                />
            }),
            _ => EitherOf5::E(view! { <ConversationPanel model idle="Opening the conversation…"/> }),
        }}
        <footer class="framed__session">
            <span>{signed_in}</span>
            <button type="button" class="button button--small" on:click=handler(move |_| session.sign_out())>
                "Sign out"
            </button>
        </footer>
    }
}
