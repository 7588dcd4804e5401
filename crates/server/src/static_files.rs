//! Serves the built widget from `--static-dir`: precompressed `.br`/`.gz` siblings,
//! `immutable` caching for trunk's hashed file names, and a Content-Security-Policy on
//! HTML computed once from the pages (the framed widget's `index.html` and, when built,
//! the dev page's `dev/index.html` and the admin page's `admin/index.html`), with a hash
//! for each of their inline scripts and inline `<style>` elements. The
//! framed widget's page is served from memory, with what [`Embedding`] writes into it.

use axum::extract::{Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;
use tower_http::services::ServeDir;

use crate::embedding::Embedding;
use crate::error::ApiError;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const NO_CACHE: &str = "no-cache";
/// The standalone dev page, a bundle of its own under `dev/`.
pub const DEV_PAGE: &str = "dev/index.html";
/// The admin settings page, a bundle of its own under `admin/`.
pub const ADMIN_PAGE: &str = "admin/index.html";

/// The built widget, as found at start.
#[derive(Debug, Clone)]
pub enum Site {
    /// `index.html` was read; its CSP is ready.
    Built {
        dir: std::path::PathBuf,
        csp: HeaderValue,
        index: Arc<Page>,
    },
    /// No `index.html`: the API works, pages answer 503.
    Missing,
}

/// The framed widget's page as served: `index.html` with the config and the SDK written in.
#[derive(Debug)]
pub struct Page {
    html: String,
    etag: HeaderValue,
}

impl Page {
    fn new(html: String) -> Self {
        let digest = hex::encode(Sha256::digest(html.as_bytes()));
        // A hex string in quotes is always a valid header value.
        let etag = HeaderValue::from_str(&format!("\"{}\"", &digest[..32]))
            .unwrap_or_else(|_| HeaderValue::from_static("\"index\""));
        Self { html, etag }
    }
}

impl Site {
    /// Reads `dir/index.html` (and `dir/dev/index.html`, when the dev page is built) once;
    /// a missing widget is logged, not fatal.
    pub fn load(dir: &Path, embedding: &Embedding) -> Site {
        let index = dir.join("index.html");
        let html = match std::fs::read_to_string(&index) {
            Ok(html) => embedding.page(&html),
            Err(error) => {
                tracing::warn!(path = %index.display(), %error,
                    "no built widget: pages answer 503 until `scripts/build-widget` and a restart");
                return Site::Missing;
            }
        };
        let dev = std::fs::read_to_string(dir.join(DEV_PAGE)).unwrap_or_default();
        let admin = std::fs::read_to_string(dir.join(ADMIN_PAGE)).unwrap_or_default();
        let policy = content_security_policy(
            &[&html, &dev, &admin],
            &embedding.script_sources(),
            &embedding.frame_ancestors,
        );
        match HeaderValue::from_str(&policy) {
            Ok(csp) => Site::Built {
                dir: dir.to_path_buf(),
                csp,
                index: Arc::new(Page::new(html)),
            },
            Err(error) => {
                tracing::error!(%error, "the CSP is not a valid header value");
                Site::Missing
            }
        }
    }

    /// The service for every path that no route claims.
    pub fn router(&self) -> Router {
        match self {
            Site::Built { dir, csp, index } => {
                // The page on disk (and its `.br`/`.gz`) lacks what the embedding adds:
                // every way to the framed widget's page leads to the one in memory.
                let page = {
                    let index = index.clone();
                    get(move |headers: HeaderMap| serve_page(index.clone(), headers))
                };
                // A path naming a file that is not there (`/missing.js`, the wasm of an
                // older build) is 404: answering it with the page breaks the browser
                // holding an old page. Other paths are the widget's own and get the page.
                let missing_or_page = {
                    let index = index.clone();
                    get(move |uri: Uri, headers: HeaderMap| {
                        missing_or_page(index.clone(), uri, headers)
                    })
                };
                let files = ServeDir::new(dir)
                    .precompressed_br()
                    .precompressed_gzip()
                    .fallback(missing_or_page);
                Router::new()
                    .route("/", page.clone())
                    .route("/index.html", page)
                    // Browsers ask for it unprompted; the widget has none, and a 404 here
                    // would be an error in every console.
                    .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
                    .fallback_service(files)
                    .layer(middleware::from_fn_with_state(csp.clone(), site_headers))
            }
            Site::Missing => Router::new().fallback(not_built),
        }
    }
}

/// The framed widget's page, or 304 when the client has this version.
async fn serve_page(page: Arc<Page>, headers: HeaderMap) -> Response {
    let fresh = headers
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .any(|tag| tag.trim() == "*" || tag.trim().as_bytes() == page.etag.as_bytes())
        });
    if fresh {
        return (StatusCode::NOT_MODIFIED, [(ETAG, page.etag.clone())]).into_response();
    }
    (
        [
            // The header's charset: the config element may push `<meta charset>` past the
            // first 1024 bytes, where browsers stop looking for it.
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (ETAG, page.etag.clone()),
        ],
        page.html.clone(),
    )
        .into_response()
}

async fn missing_or_page(page: Arc<Page>, uri: Uri, headers: HeaderMap) -> Response {
    if names_a_file(uri.path()) {
        return ApiError::NotFound("There is no such file.").into_response();
    }
    serve_page(page, headers).await
}

/// Whether a path's last segment has a file extension (`app.js`, `x_bg.wasm`), as the
/// widget's own paths never do.
pub fn names_a_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    name.rsplit_once('.')
        .is_some_and(|(stem, ext)| !stem.is_empty() && !ext.is_empty())
}

async fn not_built() -> Response {
    ApiError::Unavailable(
        "The widget is not built: run `scripts/build-widget` in the workspace root, then restart the server.",
    )
    .into_response()
}

/// Cache-Control by file name; the CSP on every response (a script or a 404 carries it
/// too: a browser opening one directly must not run anything else).
async fn site_headers(State(csp): State<HeaderValue>, request: Request, next: Next) -> Response {
    let hashed = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    let is_html = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    let stored = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    // index.html answers for unknown paths too: never let a cache keep it as immutable.
    let cache = if hashed && stored && !is_html {
        IMMUTABLE
    } else {
        NO_CACHE
    };
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    // Any file may have a `.br`/`.gz` sibling: caches must key on Accept-Encoding.
    if !headers.contains_key(VARY) {
        headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    }
    headers.insert(CONTENT_SECURITY_POLICY, csp);
    response
}

/// Whether a path names a file trunk hashed: `name-<hash>.ext`, `name-<hash>_bg.wasm`
/// or `<hash>-name.ext`. Trunk 0.21 writes the 64-bit seahash as `{:x}`, without
/// leading zeros, so a hash has up to 16 hex digits; 12 or more is required here.
pub fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let is_hash = |s: &str| {
        (12..=16).contains(&s.len()) && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    };
    let Some((stem, _ext)) = name.split_once('.') else {
        return false;
    };
    if let Some((first, _)) = stem.split_once('-') {
        if is_hash(first) {
            return true;
        }
    }
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, last)| is_hash(last))
}

/// Where consumers' pictures come from: Facebook's CDN and its profile-picture host, X's
/// image hosts. Any other https host could learn each agent's IP address from a picture URL
/// a consumer controls.
pub const IMAGE_HOSTS: &str = "https://*.fbcdn.net https://platform-lookaside.fbsbx.com \
     https://pbs.twimg.com https://abs.twimg.com";

/// The policy for the widget's HTML: only our own scripts (and `script_sources`, such as
/// LivePerson's SDK), the wasm, and the inline scripts of `pages` by hash; only our own
/// style sheets and the inline `<style>` elements of `pages` by hash (never a `style`
/// attribute, nor a `<style>` something else adds); framed only by `frame_ancestors`.
pub fn content_security_policy(
    pages: &[&str],
    script_sources: &[String],
    frame_ancestors: &str,
) -> String {
    let mut script_src = String::from("'self' 'wasm-unsafe-eval'");
    for source in script_sources
        .iter()
        .chain(&hashes(pages.iter().flat_map(|page| inline_scripts(page))))
    {
        script_src.push(' ');
        script_src.push_str(source);
    }
    let mut style_src = String::from("'self'");
    for hash in hashes(pages.iter().flat_map(|page| inline_styles(page))) {
        style_src.push(' ');
        style_src.push_str(&hash);
    }
    format!(
        "default-src 'self'; script-src {script_src}; style-src {style_src}; \
         img-src 'self' data: {IMAGE_HOSTS}; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; frame-ancestors {frame_ancestors}"
    )
}

/// CSP hash sources (`'sha256-…'`) of the bodies, sorted, each once.
fn hashes<'a>(bodies: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut hashes: Vec<String> = bodies
        // Browsers hash the text after HTML's newline normalisation (CRLF and CR to LF).
        .map(|body| body.replace("\r\n", "\n").replace('\r', "\n"))
        .map(|body| format!("'sha256-{}'", STANDARD.encode(Sha256::digest(body))))
        .collect();
    hashes.sort();
    hashes.dedup();
    hashes
}

/// The bodies of the `<script>` elements a browser runs from the page's own text: without
/// a `src`, and not data blocks (such as the widget's `application/json` config, which
/// the CSP does not govern).
pub fn inline_scripts(html: &str) -> Vec<&str> {
    raw_text_elements(html, "script")
        .into_iter()
        .filter(|(attributes, _)| {
            let has_src = attributes.iter().any(|(name, _)| *name == "src");
            let data_block = attributes
                .iter()
                .find(|(name, _)| *name == "type")
                .is_some_and(|(_, value)| !runs_as_script(value));
            !has_src && !data_block
        })
        .map(|(_, body)| body)
        .collect()
}

/// The bodies of the page's `<style>` elements. Every one is hashed, whatever its `media`
/// or `type`: allowing one that never applies is harmless, leaving out one that does is not.
pub fn inline_styles(html: &str) -> Vec<&str> {
    raw_text_elements(html, "style")
        .into_iter()
        .map(|(_, body)| body)
        .collect()
}

/// The `<name>` elements of the page (a raw text element: `script` or `style`, whose body
/// ends at the first `</name`), each as its (lowercased) attributes and its body.
fn raw_text_elements<'a>(html: &'a str, name: &str) -> Vec<(Vec<(String, String)>, &'a str)> {
    // ASCII lowercasing keeps every byte offset, so offsets found in `lower` slice `html`.
    let lower = html.to_ascii_lowercase();
    let open = format!("<{name}");
    let close = format!("</{name}");
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(start) = lower[at..].find(&open) {
        let name_end = at + start + open.len();
        let boundary = lower[name_end..].chars().next();
        if !boundary.is_some_and(|c| c == '>' || c == '/' || c.is_ascii_whitespace()) {
            at = name_end; // `<scripts>` or similar: not this element
            continue;
        }
        let Some(tag_len) = lower[name_end..].find('>') else {
            break;
        };
        let body_start = name_end + tag_len + 1;
        let Some(body_len) = lower[body_start..].find(&close) else {
            break;
        };
        let body_end = body_start + body_len;
        let attributes = attributes(&lower[name_end..name_end + tag_len])
            .into_iter()
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect();
        found.push((attributes, &html[body_start..body_end]));
        at = body_end;
    }
    found
}

/// The attributes of a start tag (the text between its name and `>`): name and value,
/// the first of a name counting, as HTML reads them.
fn attributes(tag: &str) -> Vec<(&str, &str)> {
    let mut found: Vec<(&str, &str)> = Vec::new();
    let mut rest = tag;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if rest.is_empty() {
            return found;
        }
        let name_len = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len())
            .max(1);
        let name = &rest[..name_len];
        rest = rest[name_len..].trim_start_matches(|c: char| c.is_ascii_whitespace());
        let mut value = "";
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start_matches(|c: char| c.is_ascii_whitespace());
            let (v, remaining) = match after.chars().next() {
                Some(quote @ ('"' | '\'')) => {
                    let inner = &after[1..];
                    let end = inner.find(quote).unwrap_or(inner.len());
                    (&inner[..end], inner.get(end + 1..).unwrap_or(""))
                }
                _ => {
                    let end = after
                        .find(|c: char| c.is_ascii_whitespace())
                        .unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            value = v;
            rest = remaining;
        }
        if !found.iter().any(|(n, _)| *n == name) {
            found.push((name, value));
        }
    }
}

/// Whether a (lowercased) `type` makes a script the browser runs. Anything else is a data
/// block. A type with parameters counts as a script: hashing a data block is harmless,
/// leaving out a script that runs is not.
fn runs_as_script(kind: &str) -> bool {
    const JAVASCRIPT: [&str; 16] = [
        "application/ecmascript",
        "application/javascript",
        "application/x-ecmascript",
        "application/x-javascript",
        "text/ecmascript",
        "text/javascript",
        "text/javascript1.0",
        "text/javascript1.1",
        "text/javascript1.2",
        "text/javascript1.3",
        "text/javascript1.4",
        "text/javascript1.5",
        "text/jscript",
        "text/livescript",
        "text/x-ecmascript",
        "text/x-javascript",
    ];
    let essence = kind.split(';').next().unwrap_or_default().trim();
    essence.is_empty()
        || JAVASCRIPT.contains(&essence)
        || matches!(essence, "module" | "importmap" | "speculationrules")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_hashed_names_are_recognised() {
        assert!(is_hashed_asset("/social-widget-3f2a9c1d4e5b6a78_bg.wasm"));
        assert!(is_hashed_asset("/social-widget-3f2a9c1d4e5b6a78.js"));
        assert!(is_hashed_asset("/style-0a1b2c3d4e5f6071.css"));
        assert!(is_hashed_asset("/f2a9c1d4e5b6a78-initializer.js"));
        assert!(is_hashed_asset("/a2a9c1d4e5b6a7-x.js"));
    }

    #[test]
    fn file_names_are_told_from_the_widgets_own_paths() {
        for file in [
            "/missing.js",
            "/social-widget-0123456789abcdef_bg.wasm",
            "/a/b.css",
            "/x.y.z",
        ] {
            assert!(names_a_file(file), "{file}");
        }
        for page in [
            "/",
            "/conversations/42",
            "/dev/",
            "/.well-known/",
            "/.hidden",
            "/trailing.",
        ] {
            assert!(!names_a_file(page), "{page}");
        }
    }

    #[test]
    fn pictures_come_only_from_the_platforms_image_hosts() {
        let csp = content_security_policy(&[], &[], "'self'");
        let img = csp
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("img-src "))
            .expect("an img-src");
        let sources: Vec<&str> = img.split_whitespace().skip(1).collect();
        assert_eq!(
            sources,
            [
                "'self'",
                "data:",
                "https://*.fbcdn.net",
                "https://platform-lookaside.fbsbx.com",
                "https://pbs.twimg.com",
                "https://abs.twimg.com"
            ]
        );
    }

    #[test]
    fn plain_names_are_not_hashed() {
        assert!(!is_hashed_asset("/"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/social-widget.js"));
        assert!(!is_hashed_asset("/favicon.ico"));
        assert!(!is_hashed_asset("/style-ABCDEF0123456789.css"));
        assert!(!is_hashed_asset("/social-widget-3f2a9c1d4e5b6a78"));
    }

    #[test]
    fn inline_scripts_are_found_and_src_scripts_skipped() {
        let html = r#"<html><head><SCRIPT>one()</SCRIPT>
            <script src="/a.js"></script><script type="module" data-src="x">two()</script>
            <scripts>no</scripts></head></html>"#;
        assert_eq!(inline_scripts(html), vec!["one()", "two()"]);
    }

    #[test]
    fn the_policy_hashes_each_inline_script() {
        // printf 'one()' | openssl dgst -sha256 -binary | base64
        let csp =
            content_security_policy(&["<script>one()</script>"], &[], "'self' https://a.example");
        let expected = "'sha256-HR7iaask9daLMRRskMI++QeJtjWDOjyPA6lGzYGzKW4='";
        assert!(csp.contains(&format!("script-src 'self' 'wasm-unsafe-eval' {expected};")));
        assert!(csp.ends_with("frame-ancestors 'self' https://a.example"));
    }

    #[test]
    fn the_hash_is_of_the_text_after_newline_normalisation() {
        let lf = content_security_policy(&["<script>a()\nb()</script>"], &[], "'none'");
        let crlf = content_security_policy(&["<script>a()\r\nb()</script>"], &[], "'none'");
        assert_eq!(lf, crlf);
        assert_ne!(
            lf,
            content_security_policy(&["<script>a() b()</script>"], &[], "'none'")
        );
    }

    #[test]
    fn every_pages_inline_scripts_are_allowed() {
        let csp = content_security_policy(
            &["<script>one()</script>", "<script>two()</script>"],
            &[],
            "'none'",
        );
        let one = content_security_policy(&["<script>one()</script>"], &[], "'none'");
        let two = content_security_policy(&["<script>two()</script>"], &[], "'none'");
        let hash = |policy: &str| {
            let found = policy.split(' ').find(|p| p.starts_with("'sha256-"));
            found.map(|p| p.trim_end_matches(';').to_owned())
        };
        assert!(csp.contains(&hash(&one).expect("a hash")));
        assert!(csp.contains(&hash(&two).expect("a hash")));
    }

    #[test]
    fn data_blocks_are_not_hashed_and_scripts_of_any_javascript_type_are() {
        let html = r#"<script type="application/json" id="social-widget-config">{"demo":true}</script>
            <script type=application/ld+json>{}</script>
            <script type='text/javascript'>classic()</script>
            <script type="module">module()</script>
            <script type="text/javascript; charset=utf-8">maybe()</script>
            <script type="">empty()</script>
            <script id="x" type="importmap">{"imports":{}}</script>
            <script data-type="application/json">data_attribute()</script>
            <script type="text/plain" src="/a.js"></script>"#;
        assert_eq!(
            inline_scripts(html),
            vec![
                "classic()",
                "module()",
                "maybe()",
                "empty()",
                r#"{"imports":{}}"#,
                "data_attribute()"
            ]
        );
    }

    #[test]
    fn the_config_element_leaves_the_policy_as_it_was() {
        let page = "<head><script>boot()</script></head>";
        let embedding = crate::embedding::Embedding {
            frame_ancestors: "'self'".into(),
            config: social_api::workspace::WidgetConfig {
                host_origins: vec!["https://a.example".into()],
                same_origin_host: true,
                demo: true,
            },
            sdk: None,
        };
        let with_config = embedding.page(page);
        assert!(with_config.contains("social-widget-config"));
        assert_eq!(
            content_security_policy(&[&with_config], &[], "'self'"),
            content_security_policy(&[page], &[], "'self'")
        );
    }

    #[test]
    fn extra_script_sources_join_script_src() {
        let csp = content_security_policy(&[], &["https://cdn.example/sdk.js".into()], "'self'");
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval' https://cdn.example/sdk.js;"),
            "{csp}"
        );
    }

    /// The sources of one directive of `csp`, after its name.
    fn directive<'a>(csp: &'a str, name: &str) -> Vec<&'a str> {
        let found = csp
            .split(';')
            .map(str::trim)
            .find(|d| d.split_whitespace().next() == Some(name));
        found
            .expect("the directive")
            .split_whitespace()
            .skip(1)
            .collect()
    }

    #[test]
    fn inline_styles_are_found_and_style_attributes_are_not() {
        let html = r#"<html><head><STYLE>.a{}</STYLE><style media="(prefers-color-scheme: dark)">.b{}</style>
            <link rel="stylesheet" href="/main.css"><styles>no</styles></head>
            <body><div style="color: red"></div><script>var style = 1;</script></body></html>"#;
        assert_eq!(inline_styles(html), vec![".a{}", ".b{}"]);
    }

    #[test]
    fn the_policy_hashes_each_inline_style_in_style_src_only() {
        // printf '.a{color:red}' | openssl dgst -sha256 -binary | base64
        let csp = content_security_policy(
            &["<style>.a{color:red}</style><script>one()</script>"],
            &[],
            "'self'",
        );
        assert_eq!(
            directive(&csp, "style-src"),
            [
                "'self'",
                "'sha256-AYkV/wUaXEz1i9pndN1veIXFHZVFTj4Ojce2rMK7bSc='"
            ]
        );
        // printf 'one()' | openssl dgst -sha256 -binary | base64: the script's hash is the
        // only one in script-src.
        assert_eq!(
            directive(&csp, "script-src"),
            [
                "'self'",
                "'wasm-unsafe-eval'",
                "'sha256-HR7iaask9daLMRRskMI++QeJtjWDOjyPA6lGzYGzKW4='"
            ]
        );
    }

    #[test]
    fn without_inline_styles_only_the_sites_own_style_sheets_are_allowed() {
        let csp = content_security_policy(
            &[r#"<div style="color: red"></div><script>one()</script>"#],
            &[],
            "'self'",
        );
        assert_eq!(directive(&csp, "style-src"), ["'self'"]);
        assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-hashes"));
    }

    #[test]
    fn the_style_hash_is_of_the_text_after_newline_normalisation() {
        let lf = content_security_policy(&["<style>.a{}\n.b{}</style>"], &[], "'none'");
        let crlf = content_security_policy(&["<style>.a{}\r\n.b{}</style>"], &[], "'none'");
        let cr = content_security_policy(&["<style>.a{}\r.b{}</style>"], &[], "'none'");
        assert_eq!(lf, crlf);
        assert_eq!(lf, cr);
        assert_ne!(
            lf,
            content_security_policy(&["<style>.a{} .b{}</style>"], &[], "'none'")
        );
    }

    #[test]
    fn every_pages_inline_styles_are_allowed_each_once() {
        let csp = content_security_policy(
            &[
                "<style>.a{}</style>",
                "<style>.b{}</style><style>.a{}</style>",
            ],
            &[],
            "'none'",
        );
        let style_src = directive(&csp, "style-src");
        assert_eq!(style_src.len(), 3, "{csp}");
        let only = |page: &str| {
            let csp = content_security_policy(&[page], &[], "'none'");
            directive(&csp, "style-src")[1].to_owned()
        };
        assert!(style_src.contains(&only("<style>.a{}</style>").as_str()));
        assert!(style_src.contains(&only("<style>.b{}</style>").as_str()));
    }

    #[test]
    fn attributes_are_read_as_html_reads_them() {
        assert_eq!(
            attributes(r#" type="module" data-src='x' async src = /a.js defer"#),
            vec![
                ("type", "module"),
                ("data-src", "x"),
                ("async", ""),
                ("src", "/a.js"),
                ("defer", "")
            ]
        );
        assert_eq!(attributes(" src"), vec![("src", "")]);
        assert_eq!(attributes(r#" type="a" type="b""#), vec![("type", "a")]);
        assert_eq!(attributes(" /"), vec![]);
    }
}
