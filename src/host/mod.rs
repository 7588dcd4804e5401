//! Where the widget runs, behind one [`Host`]: the agent workspace that frames it says which
//! conversation is in focus, who the agent is and which theme to use, and may take text
//! into its own reply input. Three bridges give the same [`Host`]:
//!
//! - [`liveperson`]: LivePerson's `lpTag.agentSDK`, started by the page's inline script;
//! - [`post_message`]: the widget's own versioned postMessage protocol, for any workspace;
//! - [`standalone`]: no workspace, the dev page (its own bundle).

pub mod bootstrap;
pub mod config;
pub mod liveperson;
mod play_consumer;
pub mod post_message;
pub mod protocol;
pub mod standalone;

use std::rc::Rc;

use leptos::prelude::*;
use social_api::workspace::Workspace;

/// The workspace's own id of the conversation in focus.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WorkspaceId(pub String);

/// The agent as the workspace knows them (shown when signing in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostAgent {
    pub id: String,
    pub name: String,
}

/// The workspace's theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    /// The theme named `name` (`light` or `dark`, any case).
    pub fn parse(name: &str) -> Option<Theme> {
        match name.trim().to_ascii_lowercase().as_str() {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// What a workspace tells the widget, as signals, and what the widget may ask of it.
#[derive(Clone, Copy)]
pub struct Host {
    /// Whose ids [`Host::focused`] are.
    pub workspace: Workspace,
    /// The conversation in focus; `None` while there is none.
    pub focused: RwSignal<Option<WorkspaceId>>,
    pub agent: RwSignal<Option<HostAgent>>,
    pub theme: RwSignal<Option<Theme>>,
    /// The workspace may still hand over a session (`auth`): until it has spoken, the
    /// widget waits rather than showing a sign-in form the agent never needed.
    session_pending: RwSignal<bool>,
    /// Session tokens the workspace hands over (`auth`), for whoever takes them.
    auth: StoredValue<Auth, LocalStorage>,
    write: StoredValue<Option<TextSink>, LocalStorage>,
    report: StoredValue<Option<TextSink>, LocalStorage>,
}

/// Tokens from the workspace: the last one, kept until someone takes them.
#[derive(Default)]
struct Auth {
    waiting: Option<String>,
    taker: Option<TextSink>,
}

/// Where a bridge sends text: the workspace's input, or its error log.
pub type TextSink = Rc<dyn Fn(String)>;

impl Host {
    /// A host of `workspace` with nothing known yet; `write` puts text into its reply input,
    /// `report` tells it of a failure.
    pub fn new(workspace: Workspace, write: Option<TextSink>, report: Option<TextSink>) -> Self {
        Self {
            workspace,
            focused: RwSignal::new(None),
            agent: RwSignal::new(None),
            theme: RwSignal::new(None),
            session_pending: RwSignal::new(false),
            auth: StoredValue::new_local(Auth::default()),
            write: StoredValue::new_local(write),
            report: StoredValue::new_local(report),
        }
    }

    /// Whether the workspace may still hand over a session (tracked).
    pub fn session_pending(&self) -> bool {
        self.session_pending.get()
    }

    /// The workspace may hand over a session: the widget waits for it.
    fn await_session(&self) {
        self.session_pending.set(true);
    }

    /// The workspace has had its chance to hand over a session. Said on every `focus` and
    /// when the wait runs out; only the first time notifies, so nothing is built again
    /// for a repeat (a sign-in form would lose what the agent typed).
    fn end_session_wait(&self) {
        if self.session_pending.get_untracked() {
            self.session_pending.set(false);
        }
    }

    /// The workspace handed over a session token (`auth`).
    pub fn offer_token(&self, token: String) {
        let taker = self.auth.with_value(|auth| auth.taker.clone());
        match taker {
            Some(take) => take(token),
            None => self.auth.update_value(|auth| auth.waiting = Some(token)),
        }
    }

    /// Hands every token the workspace offers to `take`, starting with one it offered
    /// before anyone listened (messages that arrived before the widget started).
    pub fn on_token(&self, take: impl Fn(String) + 'static) {
        let take: TextSink = Rc::new(take);
        let waiting = self.auth.try_update_value(|auth| {
            auth.taker = Some(take.clone());
            auth.waiting.take()
        });
        if let Some(token) = waiting.flatten() {
            take(token);
        }
    }

    /// Tells the workspace of a failure the agent sees in the widget, where it listens.
    pub fn report_error(&self, message: &str) {
        self.report.with_value(|report| {
            if let Some(report) = report {
                report(message.to_owned());
            }
        });
    }

    /// The workspace's reply input, when it has one the widget may write into.
    pub fn workspace_input(&self) -> Option<WorkspaceInput> {
        let write = self.write;
        write.with_value(Option::is_some).then(|| {
            WorkspaceInput(Callback::new(move |text: String| {
                write.with_value(|write| {
                    if let Some(write) = write {
                        write(text);
                    }
                });
            }))
        })
    }

    /// Keeps the page's theme on the workspace's (the system's until it says).
    pub fn apply_theme(&self) {
        let theme = self.theme;
        Effect::new(move |_| {
            let Some(root) = document().document_element() else {
                return;
            };
            let _ = match theme.get() {
                Some(theme) => root.set_attribute("data-theme", theme.name()),
                None => root.remove_attribute("data-theme"),
            };
        });
    }
}

/// The host bridge this page was given at start-up: LivePerson's when its SDK is on the
/// page (the inline script initialised it), else the postMessage protocol. Call once.
pub fn use_host(config: &social_api::workspace::WidgetConfig) -> Host {
    let bootstrap = bootstrap::Bootstrap::find();
    let sdk = bootstrap
        .as_ref()
        .and_then(bootstrap::Bootstrap::liveperson_sdk);
    match (bootstrap.clone(), sdk) {
        (Some(bootstrap), Some(sdk)) => liveperson::start(bootstrap, sdk),
        _ => post_message::start(config, bootstrap.as_ref()),
    }
}

/// "Write in the workspace": puts text into the workspace's own reply input, for agents who
/// send from there. In context where the host has such an input.
#[derive(Clone, Copy)]
pub struct WorkspaceInput(pub Callback<String>);

/// Whether the widget is the top-level page rather than framed by a workspace.
pub fn is_top_level() -> bool {
    let Some(window) = web_sys::window() else {
        return true;
    };
    match window.top() {
        Ok(Some(top)) => top == window,
        // Reading `top` can fail only when framed.
        _ => false,
    }
}
