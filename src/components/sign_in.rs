//! Signing in inside a workspace that hands over no session: agent e-mail and password,
//! and in demo mode the demo agents, one press each. What the agent was doing (the
//! conversation in focus, the drafts) is outside the session and waits.

use leptos::prelude::*;
use social_api::{names::name_of, workspace::DemoAgent};

use super::handler;
use crate::{client, client::ApiError, host::HostAgent, session::Ended};

/// Words for a failed sign-in.
fn said(error: ApiError) -> String {
    match error {
        ApiError::Unauthorized => "The e-mail or password is not right.".to_owned(),
        // Too many attempts: the server says when to try again.
        ApiError::Server {
            status: 429,
            detail: Some(detail),
            ..
        } => detail,
        other => other.to_string(),
    }
}

/// The sign-in form; `on_signed_in` gets the new session's token.
#[component]
pub fn SignIn(
    /// Offer the demo agents (demo mode).
    demo: bool,
    /// The agent as the workspace names them, to greet.
    agent: Signal<Option<HostAgent>>,
    /// Why there is no session: an ended one is said so.
    ended: Signal<Ended>,
    on_signed_in: Callback<String>,
) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<String>);
    let sign_in = Action::new_local(move |&(): &()| {
        let (email, secret) = (email.get_untracked(), password.get_untracked());
        async move {
            match client::sign_in(email.trim(), &secret).await {
                Ok(session) => {
                    failure.set(None);
                    on_signed_in.run(session.token);
                }
                Err(error) => failure.set(Some(said(error))),
            }
        }
    });
    let pending = sign_in.pending();
    let heading = move || match agent.get() {
        Some(agent) => format!("Sign in to the social widget, {}", agent.name),
        None => "Sign in to the social widget".to_owned(),
    };
    let notice = move || match ended.get() {
        Ended::Expired => {
            Some("Your session ended. Sign in again: your draft and the conversation are kept.")
        }
        Ended::SignedOut => Some("You signed out."),
        Ended::Never => None,
    };
    view! {
        <section class="sign-in" aria-labelledby="sign-in-heading">
            <h2 id="sign-in-heading">{heading}</h2>
            {move || notice().map(|n| view! { <p class="sign-in__notice" role="status">{n}</p> })}
            <form
                class="sign-in__form"
                on:submit=handler(move |ev: web_sys::SubmitEvent| {
                    ev.prevent_default();
                    if !pending.get_untracked() {
                        sign_in.dispatch(());
                    }
                })
            >
                <label for="sign-in-email">"E-mail"</label>
                <input
                    id="sign-in-email"
                    type="email"
                    autocomplete="username"
                    required
                    prop:value=move || email.get()
                    on:input=handler(move |ev| email.set(event_target_value(&ev)))
                />
                <label for="sign-in-password">"Password"</label>
                <input
                    id="sign-in-password"
                    type="password"
                    autocomplete="current-password"
                    required
                    prop:value=move || password.get()
                    on:input=handler(move |ev| password.set(event_target_value(&ev)))
                />
                {move || failure.get().map(|f| view! { <p class="composer__error" role="alert">{f}</p> })}
                <button type="submit" class="button button--primary" aria-busy=move || pending.get().then_some("true")>
                    "Sign in"
                </button>
            </form>
            {demo.then(|| view! { <DemoAgents on_signed_in failure/> })}
        </section>
    }
}

/// The demo agents, each signing in with one press (demo mode only).
#[component]
fn DemoAgents(on_signed_in: Callback<String>, failure: RwSignal<Option<String>>) -> impl IntoView {
    let agents = LocalResource::new(client::demo_agents);
    let sign_in = Action::new_local(move |agent: &DemoAgent| {
        let (account, role) = (agent.account.clone(), agent.role);
        async move {
            match client::demo_session(&account, role).await {
                Ok(token) => on_signed_in.run(token),
                Err(error) => failure.set(Some(said(error))),
            }
        }
    });
    move || {
        let agents = agents.get()?.ok()?;
        Some(view! {
            <div class="sign-in__demo" role="group" aria-label="Demo agents">
                <p>"Demo mode: sign in as"</p>
                <ul>
                    {agents
                        .into_iter()
                        .map(|agent| {
                            let label = format!(
                                "{} ({}, {})",
                                agent.name,
                                agent.account_name,
                                name_of(&agent.role)
                            );
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="button"
                                        on:click=handler(move |_| {
                                            sign_in.dispatch(agent.clone());
                                        })
                                    >
                                        {label}
                                    </button>
                                </li>
                            }
                        })
                        .collect::<Vec<_>>()}
                </ul>
            </div>
        })
    }
}
