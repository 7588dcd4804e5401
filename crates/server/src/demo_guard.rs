//! Demo mode signs anyone in, so it answers only on loopback and only to requests that
//! name a loopback host: a page of another site whose name was made to resolve to
//! 127.0.0.1 (DNS rebinding) sends its own name in `Host` and `Origin`, and gets 403.

use axum::extract::Request;
use axum::http::header::{HOST, ORIGIN};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// Whether `host` (a name or an address, with or without `[]`) is this machine only.
pub fn is_loopback(host: &str) -> bool {
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if host.eq_ignore_ascii_case("localhost") || host.to_ascii_lowercase().ends_with(".localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// The host of a `Host` header value (`name`, `name:port`, `[v6]:port`).
fn host_of_authority(authority: &str) -> &str {
    if authority.starts_with('[') {
        return authority
            .find(']')
            .map_or(authority, |end| &authority[..=end]);
    }
    authority
        .rsplit_once(':')
        .map_or(authority, |(host, _port)| host)
}

/// Middleware for demo mode: 403 unless `Host` (or the URI's authority) and `Origin`, when
/// present, name a loopback host.
pub async fn only_loopback(request: Request, next: Next) -> Response {
    let host = request.uri().host().map(str::to_owned).or_else(|| {
        request
            .headers()
            .get(HOST)
            .and_then(|v| v.to_str().ok())
            .map(|v| host_of_authority(v.trim()).to_owned())
    });
    let host_ok = host.as_deref().is_some_and(is_loopback);
    let origin_ok = match request.headers().get(ORIGIN) {
        None => true,
        Some(origin) => origin
            .to_str()
            .ok()
            .and_then(|o| url::Url::parse(o).ok())
            .and_then(|url| url.host_str().map(str::to_owned))
            .is_some_and(|h| is_loopback(&h)),
    };
    if host_ok && origin_ok {
        return next.run(request).await;
    }
    tracing::warn!(
        host = host.as_deref().unwrap_or(""),
        "demo mode refused a request naming another host (DNS rebinding?)"
    );
    ApiError::DemoElsewhere.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_and_addresses() {
        for host in [
            "localhost",
            "LOCALHOST",
            "dev.localhost",
            "127.0.0.1",
            "127.1.2.3",
            "::1",
            "[::1]",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in [
            "0.0.0.0",
            "::",
            "10.0.0.1",
            "example.com",
            "localhost.example.com",
            "",
            "127.0.0.1.nip.io",
        ] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    #[test]
    fn the_port_is_not_part_of_the_host() {
        assert_eq!(host_of_authority("localhost:8080"), "localhost");
        assert_eq!(host_of_authority("[::1]:8080"), "[::1]");
        assert_eq!(host_of_authority("evil.example"), "evil.example");
    }
}
