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
    /// Tokens the server refused (401): a workspace offering one again is not believed.
    refused: StoredValue<Vec<String>>,
    /// The last token the workspace offered: offering it again changes nothing, so a
    /// workspace that resends its state cannot replace a session the agent signed in to.
    offered: StoredValue<Option<String>>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

impl Session {
    /// The tab's session, if it kept one. Ends on any 401 to a call that carried it.
    pub fn start() -> Self {
        let kept = storage().and_then(|s| s.get_item(KEY).ok().flatten());
        let session = Self {
            token: RwSignal::new(kept),
            ended: RwSignal::new(Ended::Never),
            refused: StoredValue::new(Vec::new()),
            offered: StoredValue::new(None),
        };
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

    /// A token the workspace handed over: it replaces the session, unless it is the one
    /// the workspace offered last, or one the server has refused.
    pub fn offer(&self, token: String) {
        let again = self
            .offered
            .with_value(|last| last.as_deref() == Some(token.as_str()));
        let refused = self.refused.with_value(|r| r.contains(&token));
        if again || refused {
            return;
        }
        self.offered.set_value(Some(token.clone()));
        self.begin(token);
    }

    /// Ends the session if `token` is still its token (a late 401 of an older session
    /// must not end a newer one).
    fn end_if_current(&self, token: &str, why: Ended) {
        self.refused.update_value(|r| {
            if !r.iter().any(|t| t == token) {
                r.push(token.to_owned());
            }
        });
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
        // The next person in this tab must not find this agent's drafts.
        crate::state::draft::forget_all();
        leptos::task::spawn_local(async move {
            // Signed out here either way; the server's session then ends on its own.
            let _ = client::sign_out(&token).await;
        });
    }
}
