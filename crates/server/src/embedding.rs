//! What the framed widget's page learns about the workspace that hosts it: the
//! [`WidgetConfig`] element and LivePerson's SDK script, both written into `index.html`
//! ahead of every other script, and the exact origins postMessage may accept, taken from
//! `--frame-ancestors`.

use social_api::workspace::{WidgetConfig, CONFIG_ELEMENT_ID};

use crate::config::{Config, ScriptSource};

/// How the framed widget's page is set up, computed once at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embedding {
    /// The CSP `frame-ancestors` sources: `--frame-ancestors`, plus the dev workspace.
    pub frame_ancestors: String,
    pub config: WidgetConfig,
    /// LivePerson's SDK script, loaded first.
    pub sdk: Option<ScriptSource>,
}

impl Embedding {
    /// From the configuration; `dev_workspace` is the dev workspace's origin when it runs.
    /// Logs, once, the sources postMessage will not accept.
    pub fn new(config: &Config, dev_workspace: Option<&str>) -> Self {
        let frame_ancestors = match dev_workspace {
            Some(origin) => {
                tracing::info!(%origin, "the dev workspace may frame the widget (added to frame-ancestors)");
                with_source(&config.frame_ancestors, origin)
            }
            None => config.frame_ancestors.clone(),
        };
        let hosts = host_origins(&frame_ancestors);
        if !hosts.left_out.is_empty() {
            tracing::warn!(
                sources = %hosts.left_out.join(" "),
                "postMessage will not accept these --frame-ancestors sources: the widget \
                 accepts messages only from exact origins (scheme://host[:port])"
            );
        }
        Self {
            frame_ancestors,
            config: WidgetConfig {
                host_origins: hosts.origins,
                same_origin_host: hosts.same_origin,
                demo: config.demo,
            },
            sdk: config.liveperson_sdk.clone(),
        }
    }

    /// `script-src` sources besides `'self'` and the inline scripts' hashes.
    pub fn script_sources(&self) -> Vec<String> {
        self.sdk
            .iter()
            .filter_map(ScriptSource::csp_source)
            .collect()
    }

    /// The framed widget's page: the config element at the start of `<head>`, then the
    /// SDK's script, so both come before every script the page had.
    pub fn page(&self, html: &str) -> String {
        let mut insert = config_element(&self.config);
        if let Some(sdk) = &self.sdk {
            insert.push_str(&format!("<script src=\"{}\"></script>", sdk.src()));
        }
        let at = head_start(html);
        format!("{}{insert}{}", &html[..at], &html[at..])
    }
}

/// `sources` with `origin` added (once); `'none'` goes, since it cannot stand with others.
fn with_source(sources: &str, origin: &str) -> String {
    let mut list: Vec<&str> = sources
        .split_ascii_whitespace()
        .filter(|s| !s.eq_ignore_ascii_case("'none'"))
        .collect();
    if !list.iter().any(|s| s.eq_ignore_ascii_case(origin)) {
        list.push(origin);
    }
    list.join(" ")
}

/// The `<script type="application/json">` element carrying `config`. Its JSON has `<`,
/// `>` and `&` as `\u003c`, `\u003e`, `\u0026` (the same JSON to a parser), so no value
/// can close the element or open a comment.
pub fn config_element(config: &WidgetConfig) -> String {
    // Serialising strings and booleans cannot fail; `{}` would still be valid JSON.
    let json = serde_json::to_string(config).unwrap_or_else(|_| "{}".into());
    let safe = json
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    format!(r#"<script type="application/json" id="{CONFIG_ELEMENT_ID}">{safe}</script>"#)
}

/// Where the inside of `<head>` starts: after its start tag; without one, after `<html>`'s
/// or the doctype (the parser opens the head there), or at the very start.
fn head_start(html: &str) -> usize {
    let lower = html.to_ascii_lowercase();
    for tag in ["<head", "<html", "<!doctype"] {
        let mut from = 0;
        while let Some(found) = lower[from..].find(tag) {
            let name_end = from + found + tag.len();
            let boundary = lower[name_end..].chars().next();
            if boundary.is_some_and(|c| c == '>' || c.is_ascii_whitespace()) {
                if let Some(close) = lower[name_end..].find('>') {
                    return name_end + close + 1;
                }
            }
            from = name_end; // `<header>` and the like
        }
    }
    0
}

/// What `frame-ancestors` says about postMessage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostOrigins {
    /// Exact origins, normalised as browsers write `MessageEvent.origin`.
    pub origins: Vec<String>,
    /// `'self'` is listed.
    pub same_origin: bool,
    /// Sources that name no single origin (wildcards, schemes, hosts without a scheme).
    pub left_out: Vec<String>,
}

/// Reads CSP `frame-ancestors` sources: `https://Host:443/` gives `https://host`.
pub fn host_origins(frame_ancestors: &str) -> HostOrigins {
    let mut hosts = HostOrigins::default();
    for source in frame_ancestors.split_ascii_whitespace() {
        if source.eq_ignore_ascii_case("'self'") {
            hosts.same_origin = true;
            continue;
        }
        if source.eq_ignore_ascii_case("'none'") {
            continue;
        }
        match exact_origin(source) {
            Some(origin) => {
                if !hosts.origins.contains(&origin) {
                    hosts.origins.push(origin);
                }
            }
            None => hosts.left_out.push(source.to_owned()),
        }
    }
    hosts
}

/// The origin of an `http(s)://host[:port][/path]` source without wildcards.
fn exact_origin(source: &str) -> Option<String> {
    if source.contains('*') || source.starts_with('\'') {
        return None;
    }
    let (scheme, _) = source.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    let url = url::Url::parse(source).ok()?;
    let origin = url.origin();
    origin.is_tuple().then(|| origin.ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_origins_are_normalised_and_the_rest_left_out() {
        let hosts = host_origins(
            "'self' HTTPS://Z1.LE.LivePerson.NET:443/ https://a.example:8443 http://b.example:80 \
             https://*.liveperson.net https: *.example.com example.org 'none' \
             https://a.example:8443/path http://[::1]:9000 https://c.example:*",
        );
        assert!(hosts.same_origin);
        assert_eq!(
            hosts.origins,
            [
                "https://z1.le.liveperson.net",
                "https://a.example:8443",
                "http://b.example",
                "http://[::1]:9000",
            ]
        );
        assert_eq!(
            hosts.left_out,
            [
                "https://*.liveperson.net",
                "https:",
                "*.example.com",
                "example.org",
                "https://c.example:*"
            ]
        );
        assert!(!host_origins("'none'").same_origin);
        assert_eq!(host_origins("'none'"), HostOrigins::default());
    }

    #[test]
    fn the_config_cannot_close_its_element() {
        let config = WidgetConfig {
            host_origins: vec!["https://a.example/</script><script>alert(1)</script>&".into()],
            same_origin_host: true,
            demo: false,
        };
        let element = config_element(&config);
        let body = element
            .strip_prefix(r#"<script type="application/json" id="social-widget-config">"#)
            .and_then(|rest| rest.strip_suffix("</script>"))
            .expect("one element");
        assert!(
            !body.contains('<') && !body.contains('>') && !body.contains('&'),
            "{body}"
        );
        let read: WidgetConfig = serde_json::from_str(body).expect("still JSON");
        assert_eq!(read, config);
    }

    fn embedding(sdk: Option<ScriptSource>) -> Embedding {
        Embedding {
            frame_ancestors: "'self'".into(),
            config: WidgetConfig::default(),
            sdk,
        }
    }

    #[test]
    fn the_config_and_the_sdk_come_first_in_the_head() {
        let sdk = ScriptSource::Url(url::Url::parse("https://cdn.example/sdk.js").expect("url"));
        let html = "<!doctype html><html><HEAD lang=x><meta charset=utf-8><script>boot()</script></head></html>";
        let page = embedding(Some(sdk)).page(html);
        let config_at = page.find(r#"id="social-widget-config""#).expect("config");
        let sdk_at = page
            .find(r#"<script src="https://cdn.example/sdk.js"></script>"#)
            .expect("sdk");
        let boot_at = page.find("boot()").expect("bootstrap");
        assert!(page.find("<HEAD lang=x>").expect("head") < config_at);
        assert!(config_at < sdk_at && sdk_at < boot_at, "{page}");
        assert!(
            page.starts_with("<!doctype html><html><HEAD lang=x><script type=\"application/json\"")
        );
    }

    #[test]
    fn without_a_head_the_config_goes_where_the_parser_opens_one() {
        let page = embedding(None).page("<!DOCTYPE html><header>x</header>");
        assert!(
            page.starts_with("<!DOCTYPE html><script type=\"application/json\""),
            "{page}"
        );
        assert!(embedding(None).page("<p>").starts_with("<script"));
        // Trunk's minified output leaves out the optional `<head>` tag.
        let minified = embedding(None).page("<!doctype html><html lang=en><meta charset=utf-8>");
        assert!(
            minified.starts_with("<!doctype html><html lang=en><script type=\"application/json\""),
            "{minified}"
        );
        let path = ScriptSource::Path("/lp.js".into());
        let page = embedding(Some(path)).page("<head></head>");
        assert!(
            page.contains(r#"<script src="/lp.js"></script></head>"#),
            "{page}"
        );
    }

    #[test]
    fn the_dev_workspace_joins_the_frame_ancestors_once() {
        assert_eq!(
            with_source("'self' https://a.example", "http://127.0.0.1:8090"),
            "'self' https://a.example http://127.0.0.1:8090"
        );
        assert_eq!(
            with_source("'none'", "http://127.0.0.1:8090"),
            "http://127.0.0.1:8090"
        );
        assert_eq!(
            with_source("http://127.0.0.1:8090", "http://127.0.0.1:8090"),
            "http://127.0.0.1:8090"
        );
    }
}
