//! The admin settings page: sign-in (the widget's own), then, for an admin, the account's
//! data sources, routing rules and audit log; anyone else reads why there is nothing.

use leptos::{
    either::{Either, EitherOf4},
    prelude::*,
};
use social_api::{admin::SourceView, Me};

use super::audit_panel::AuditPanel;
use super::routing_panel::RoutingPanel;
use super::sources_panel::SourcesPanel;
use crate::client::{
    self,
    admin::{self as api, AdminError, ADMIN_ONLY},
    ApiError,
};
use crate::components::{
    handler,
    sign_in::SignIn,
    status::{ErrorState, Loading},
};
use crate::session::Session;
use crate::state::Failure;

/// The page: sign-in until there is a session, then the settings.
#[component]
pub fn AdminPage() -> impl IntoView {
    let session = Session::start();
    let token = session.token();
    view! {
        <div class="admin">
            <header class="admin__bar">
                <h1>"Social widget: admin settings"</h1>
            </header>
            {move || match token.get() {
                None => Either::Left(view! {
                    <main class="admin__main">
                        // The server offers the demo agents only in demo mode; elsewhere the
                        // list stays away and the e-mail form is all there is.
                        <SignIn
                            demo=true
                            agent=Signal::stored(None)
                            ended=session.ended.into()
                            on_signed_in=Callback::new(move |token| session.begin(token))
                        />
                    </main>
                }),
                Some(token) => Either::Right(view! { <SignedIn session token/> }),
            }}
        </div>
    }
}

/// Who is signed in, and whether they may see the settings at all.
#[component]
fn SignedIn(session: Session, token: String) -> impl IntoView {
    let loaded = {
        let token = token.clone();
        LocalResource::new(move || {
            let token = token.clone();
            async move {
                let me = client::me(&token).await?;
                let sources = api::sources(&token).await?;
                Ok::<_, AdminError>((me, sources))
            }
        })
    };
    let on_retry = Callback::new(move |()| loaded.refetch());
    let sign_out = move || {
        view! {
            <button type="button" class="button" on:click=handler(move |_| session.sign_out())>
                "Sign out"
            </button>
        }
    };
    move || match loaded.get() {
        None => EitherOf4::A(
            view! { <main class="admin__main"><Loading label="Reading the settings…"/></main> },
        ),
        Some(Ok((me, sources))) => EitherOf4::B(view! {
            <Settings token=token.clone() me sources/>
            <footer class="admin__session">{sign_out()}</footer>
        }),
        Some(Err(AdminError::AdminOnly)) => EitherOf4::C(view! {
            <main class="admin__main">
                <p class="admin-refused" role="alert">{ADMIN_ONLY}</p>
                {sign_out()}
            </main>
        }),
        Some(Err(error)) => EitherOf4::D(view! {
            <main class="admin__main">
                <ErrorState
                    what="Could not read the settings."
                    error=match error {
                        AdminError::Api(ApiError::Aborted) => Failure::Superseded,
                        other => Failure::Said(other.to_string()),
                    }
                    on_retry
                />
            </main>
        }),
    }
}

/// The three sections, sharing the account's sources.
#[component]
fn Settings(token: String, me: Me, sources: Vec<SourceView>) -> impl IntoView {
    let sources = RwSignal::new(sources);
    // Moves on after every accepted change, so the audit log shows it.
    let revision = RwSignal::new(0u64);
    let on_changed = Callback::new(move |()| revision.update(|n| *n += 1));
    let who = format!("Signed in as {} (account {})", me.agent.name, me.account);
    view! {
        <nav class="admin__nav" aria-label="Sections">
            <p class="admin__who">{who}</p>
            <a href="#sources-heading">"Data sources"</a>
            <a href="#routing-heading">"Routing rules"</a>
            <a href="#audit-heading">"Audit log"</a>
        </nav>
        <main class="admin__main">
            <section class="admin__section" aria-labelledby="sources-heading">
                <h2 id="sources-heading">"Data sources"</h2>
                <SourcesPanel token=token.clone() sources on_changed/>
            </section>
            <section class="admin__section" aria-labelledby="routing-heading">
                <h2 id="routing-heading">"Routing rules"</h2>
                <RoutingPanel token=token.clone() sources on_changed/>
            </section>
            <section class="admin__section" aria-labelledby="audit-heading">
                <h2 id="audit-heading">"Audit log"</h2>
                <AuditPanel token revision/>
            </section>
        </main>
    }
}
