//! The agent's session inside a workspace: the bearer token, from the workspace (`auth`) or
//! the widget's own sign-in, kept in memory and in the tab's `sessionStorage` (third-party
//! cookies are blocked in frames; a token never goes in a URL). A 401 to any call that
//! used the token ends it, which brings the sign-in back; the conversation in focus and
//! the drafts are not part of the session and stay.

use leptos::prelude::*;

use crate::client;

const KEY: &str = "social-widget:session";

/// Why there is no session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// Nobody signed in in this tab yet.
    Never,
    /// The server answered 401: expired, revoked, or signed out elsewhere.
    Expired,
    /// The agent signed out here.
    SignedOut,
}

/// The session, shared by everything that calls the server.
#[derive(Clone, Copy)]
pub struct Session {
    token: RwSignal<Option<String>>,
    /// Why the token is `None`.
    pub ended: RwSignal<Ended>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

impl Session {
    /// The tab's session, if it kept one; a token the workspace hands over (`offered`)
    /// replaces it. Ends on any 401 to a call that carried it.
    pub fn start(offered: RwSignal<Option<String>>) -> Self {
        let kept = storage().and_then(|s| s.get_item(KEY).ok().flatten());
        let session = Self {
            token: RwSignal::new(kept),
            ended: RwSignal::new(Ended::Never),
        };
        Effect::new(move |_| {
            if let Some(token) = offered.get() {
                session.begin(token);
            }
        });
        client::on_unauthorized(move |token| session.end_if_current(token, Ended::Expired));
        session
    }

    /// The token, while signed in (tracked; changes only when the token does).
    pub fn token(&self) -> Memo<Option<String>> {
        let token = self.token;
        Memo::new(move |_| token.get())
    }

    /// Signed in with `token`.
    pub fn begin(&self, token: String) {
        if let Some(storage) = storage() {
            let _ = storage.set_item(KEY, &token);
        }
        self.token.set(Some(token));
    }

    /// Ends the session if `token` is still its token (a late 401 of an older session
    /// must not end a newer one).
    fn end_if_current(&self, token: &str, why: Ended) {
        if self.token.with_untracked(|t| t.as_deref() == Some(token)) {
            self.end(why);
        }
    }

    fn end(&self, why: Ended) {
        if let Some(storage) = storage() {
            let _ = storage.remove_item(KEY);
        }
        self.ended.set(why);
        self.token.set(None);
    }

    /// Signs out: the server forgets the token, and so does the tab.
    pub fn sign_out(&self) {
        let Some(token) = self.token.get_untracked() else {
            return;
        };
        self.end(Ended::SignedOut);
        leptos::task::spawn_local(async move {
            // Signed out here either way; the server's session then ends on its own.
            let _ = client::sign_out(&token).await;
        });
    }
}
