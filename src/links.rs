//! Which platform-given URLs may become links or images: only `https:` and `http:`, so a
//! `javascript:` or `data:` URL in user content can never run.

/// The URL itself when it is safe to put in `href` or `src`, otherwise `None`.
pub fn safe_url(url: &str) -> Option<&str> {
    let url = url.trim();
    let (scheme, _) = url.split_once(':')?;
    (scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")).then_some(url)
}
