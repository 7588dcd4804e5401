//! The settings the server writes into the widget's page (`WidgetConfig`, a JSON data
//! element read before any request), and which origins may therefore host the widget.

use social_api::workspace::{WidgetConfig, CONFIG_ELEMENT_ID};

use crate::decode;

/// The page's config; the default (no host origin, no demo) when the page was not served by
/// social-server or the element does not parse.
pub fn read() -> WidgetConfig {
    let text = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(CONFIG_ELEMENT_ID))
        .and_then(|e| e.text_content());
    text.and_then(|text| js_sys::JSON::parse(&text).ok())
        .and_then(|value| decode::from_value(value).ok())
        .unwrap_or_default()
}

/// The origins a host may speak from: exact matches only (never a prefix, a substring or
/// `*`), and the widget's own origin when the server allows `'self'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostOrigins {
    exact: Vec<String>,
}

impl HostOrigins {
    /// The origins of `config`, the page's own being `own`.
    pub fn new(config: &WidgetConfig, own: &str) -> Self {
        let mut exact = config.host_origins.clone();
        if config.same_origin_host {
            exact.push(own.to_owned());
        }
        Self { exact }
    }

    /// Whether a message from `origin` may be read.
    pub fn allows(&self, origin: &str) -> bool {
        // `"null"` is the origin of sandboxed and `file:` pages: never a workspace.
        origin != "null" && self.exact.iter().any(|allowed| allowed == origin)
    }

    /// Every allowed origin.
    pub fn all(&self) -> &[String] {
        &self.exact
    }
}
