//! Serves the built widget from `--static-dir`: precompressed `.br`/`.gz` siblings,
//! `immutable` caching for trunk's hashed file names, and a Content-Security-Policy on
//! HTML computed once from the pages (the framed widget's `index.html` and, when built,
//! the dev page's `dev/index.html`), with a hash for each of their inline scripts.

use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, VARY};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

use crate::error::ApiError;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const NO_CACHE: &str = "no-cache";
/// The standalone dev page, a bundle of its own under `dev/`.
pub const DEV_PAGE: &str = "dev/index.html";

/// The built widget, as found at start.
#[derive(Debug, Clone)]
pub enum Site {
    /// `index.html` was read; its CSP is ready.
    Built {
        dir: std::path::PathBuf,
        csp: HeaderValue,
    },
    /// No `index.html`: the API works, pages answer 503.
    Missing,
}

impl Site {
    /// Reads `dir/index.html` (and `dir/dev/index.html`, when the dev page is built) once;
    /// a missing widget is logged, not fatal.
    pub fn load(dir: &Path, frame_ancestors: &str) -> Site {
        let index = dir.join("index.html");
        let html = match std::fs::read_to_string(&index) {
            Ok(html) => html,
            Err(error) => {
                tracing::warn!(path = %index.display(), %error,
                    "no built widget: pages answer 503 until `scripts/build-widget` and a restart");
                return Site::Missing;
            }
        };
        let dev = std::fs::read_to_string(dir.join(DEV_PAGE)).unwrap_or_default();
        match HeaderValue::from_str(&content_security_policy(&[&html, &dev], frame_ancestors)) {
            Ok(csp) => Site::Built {
                dir: dir.to_path_buf(),
                csp,
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
            Site::Built { dir, csp } => {
                let index = ServeFile::new(dir.join("index.html"))
                    .precompressed_br()
                    .precompressed_gzip();
                let files = ServeDir::new(dir)
                    .precompressed_br()
                    .precompressed_gzip()
                    .fallback(index);
                Router::new()
                    .fallback_service(files)
                    .layer(middleware::from_fn_with_state(csp.clone(), site_headers))
            }
            Site::Missing => Router::new().fallback(not_built),
        }
    }
}

async fn not_built() -> Response {
    ApiError::Unavailable(
        "The widget is not built: run `scripts/build-widget` in the workspace root, then restart the server.",
    )
    .into_response()
}

/// Cache-Control by file name, CSP on HTML.
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
    if is_html {
        headers.insert(CONTENT_SECURITY_POLICY, csp);
    }
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

/// The policy for the widget's HTML: only our own scripts, the wasm, and the inline
/// scripts of `pages` by hash; framed only by `frame_ancestors`.
pub fn content_security_policy(pages: &[&str], frame_ancestors: &str) -> String {
    let mut hashes: Vec<String> = pages
        .iter()
        .flat_map(|page| inline_scripts(page))
        // Browsers hash the text after HTML's newline normalisation (CRLF and CR to LF).
        .map(|body| body.replace("\r\n", "\n").replace('\r', "\n"))
        .map(|body| format!("'sha256-{}'", STANDARD.encode(Sha256::digest(body))))
        .collect();
    hashes.sort();
    hashes.dedup();
    let mut script_src = String::from("'self' 'wasm-unsafe-eval'");
    for hash in &hashes {
        script_src.push(' ');
        script_src.push_str(hash);
    }
    format!(
        "default-src 'self'; script-src {script_src}; style-src 'self'; \
         img-src 'self' https: data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; frame-ancestors {frame_ancestors}"
    )
}

/// The bodies of the `<script>` elements without a `src`, exactly as written.
pub fn inline_scripts(html: &str) -> Vec<&str> {
    // ASCII lowercasing keeps every byte offset, so offsets found in `lower` slice `html`.
    let lower = html.to_ascii_lowercase();
    let mut bodies = Vec::new();
    let mut at = 0;
    while let Some(found) = lower[at..].find("<script") {
        let name_end = at + found + "<script".len();
        let boundary = lower[name_end..].chars().next();
        if !boundary.is_some_and(|c| c == '>' || c == '/' || c.is_ascii_whitespace()) {
            at = name_end; // `<scripts>` or similar: not a script element
            continue;
        }
        let Some(tag_len) = lower[name_end..].find('>') else {
            break;
        };
        let body_start = name_end + tag_len + 1;
        let Some(body_len) = lower[body_start..].find("</script") else {
            break;
        };
        let body_end = body_start + body_len;
        if !has_src(&lower[name_end..name_end + tag_len]) {
            bodies.push(&html[body_start..body_end]);
        }
        at = body_end;
    }
    bodies
}

/// Whether a (lowercased) start tag's attributes include `src`.
fn has_src(attributes: &str) -> bool {
    attributes.match_indices("src").any(|(i, _)| {
        let before = attributes[..i].chars().next_back();
        let after = attributes[i + 3..].trim_start().chars().next();
        before.is_some_and(|c| c.is_ascii_whitespace()) && matches!(after, Some('=') | None)
    })
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
        let csp = content_security_policy(&["<script>one()</script>"], "'self' https://a.example");
        let expected = "'sha256-HR7iaask9daLMRRskMI++QeJtjWDOjyPA6lGzYGzKW4='";
        assert!(csp.contains(&format!("script-src 'self' 'wasm-unsafe-eval' {expected};")));
        assert!(csp.ends_with("frame-ancestors 'self' https://a.example"));
    }

    #[test]
    fn the_hash_is_of_the_text_after_newline_normalisation() {
        let lf = content_security_policy(&["<script>a()\nb()</script>"], "'none'");
        let crlf = content_security_policy(&["<script>a()\r\nb()</script>"], "'none'");
        assert_eq!(lf, crlf);
        assert_ne!(
            lf,
            content_security_policy(&["<script>a() b()</script>"], "'none'")
        );
    }

    #[test]
    fn every_pages_inline_scripts_are_allowed() {
        let csp = content_security_policy(
            &["<script>one()</script>", "<script>two()</script>"],
            "'none'",
        );
        let one = content_security_policy(&["<script>one()</script>"], "'none'");
        let two = content_security_policy(&["<script>two()</script>"], "'none'");
        let hash = |policy: &str| {
            let found = policy.split(' ').find(|p| p.starts_with("'sha256-"));
            found.map(|p| p.trim_end_matches(';').to_owned())
        };
        assert!(csp.contains(&hash(&one).expect("a hash")));
        assert!(csp.contains(&hash(&two).expect("a hash")));
    }
}
