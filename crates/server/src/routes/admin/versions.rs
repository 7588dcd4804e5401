//! Versions as HTTP entity tags: what is read carries `ETag: "<version>"`, an edit sends
//! it back in `If-Match` (RFC 9110: strong comparison; `*` matches whatever is there).

use axum::http::header::{ETAG, IF_MATCH};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::error::ApiError;

/// What an edit's `If-Match` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// `*`: whatever version is there.
    Any,
    Version(i64),
}

impl Expected {
    pub fn version(self) -> Option<i64> {
        match self {
            Expected::Any => None,
            Expected::Version(v) => Some(v),
        }
    }
}

/// The request's `If-Match`: `None` when absent; 400 when it is not one version tag.
pub fn if_match(headers: &HeaderMap) -> Result<Option<Expected>, ApiError> {
    let Some(value) = headers.get(IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    if text == "*" {
        return Ok(Some(Expected::Any));
    }
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .and_then(|t| t.parse::<i64>().ok())
        .map(|v| Some(Expected::Version(v)))
        .ok_or_else(|| {
            ApiError::BadRequest(
                "If-Match must be one version as its ETag gave it, like \"3\" (quotes included)."
                    .into(),
            )
        })
}

/// The request's `If-Match`, which this edit requires (428 without).
pub fn required(headers: &HeaderMap) -> Result<Expected, ApiError> {
    if_match(headers)?.ok_or(ApiError::IfMatchRequired)
}

/// `body` as JSON with its version as the ETag.
pub fn tagged<T: Serialize>(version: i64, body: T) -> Response {
    let mut response = Json(body).into_response();
    // Digits in quotes are always a valid header value.
    if let Ok(tag) = HeaderValue::from_str(&format!("\"{version}\"")) {
        response.headers_mut().insert(ETAG, tag);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(IF_MATCH, HeaderValue::from_str(value).expect("a header"));
        headers
    }

    #[test]
    fn a_quoted_version_a_star_or_nothing() {
        assert_eq!(
            if_match(&headers("\"7\"")).ok(),
            Some(Some(Expected::Version(7)))
        );
        assert_eq!(if_match(&headers(" * ")).ok(), Some(Some(Expected::Any)));
        assert_eq!(if_match(&HeaderMap::new()).ok(), Some(None));
        for bad in ["7", "W/\"7\"", "\"seven\"", "\"7\", \"8\""] {
            assert!(if_match(&headers(bad)).is_err(), "{bad} is refused");
        }
        assert!(matches!(
            required(&HeaderMap::new()),
            Err(ApiError::IfMatchRequired)
        ));
    }
}
