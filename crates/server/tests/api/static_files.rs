//! The built widget: compression, cache headers, CSP, and the answer when it is missing.

use crate::helpers::*;
use reqwest::StatusCode;

#[tokio::test]
async fn a_hashed_asset_is_immutable_and_served_precompressed_as_brotli() {
    let app = TestApp::spawn().await;

    let response = app.get_with(WASM, "accept-encoding", "br, gzip").await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header_of(&response, "content-encoding"), Some("br"));
    assert_eq!(header_of(&response, "vary"), Some("accept-encoding"));
    assert_eq!(
        header_of(&response, "content-type"),
        Some("application/wasm")
    );
    assert_eq!(
        header_of(&response, "cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(
        header_of(&response, "x-content-type-options"),
        Some("nosniff")
    );
    assert_eq!(
        header_of(&response, "content-security-policy"),
        None,
        "not HTML"
    );
    assert_eq!(
        response.bytes().await.expect("body").as_ref(),
        WASM_BR_BYTES
    );
}

#[tokio::test]
async fn a_client_without_brotli_gets_the_plain_file() {
    let app = TestApp::spawn().await;
    let response = app.get(WASM, None).await;
    assert_eq!(header_of(&response, "content-encoding"), None);
    assert_eq!(
        header_of(&response, "cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(response.bytes().await.expect("body").as_ref(), WASM_BYTES);
}

#[tokio::test]
async fn files_without_a_precompressed_sibling_are_compressed_on_the_fly() {
    let app = TestApp::spawn().await;
    let response = app.get_with(CSS, "accept-encoding", "gzip").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header_of(&response, "content-encoding"), Some("gzip"));
    assert_eq!(
        header_of(&response, "cache-control"),
        Some("public, max-age=31536000, immutable")
    );
}

#[tokio::test]
async fn the_index_is_not_cached_and_carries_the_csp() {
    let app = TestApp::spawn().await;

    let response = app.get("/", None).await;

    assert_eq!(response.status(), StatusCode::OK);
    assert!(header_of(&response, "content-type").is_some_and(|t| t.starts_with("text/html")));
    assert_eq!(header_of(&response, "cache-control"), Some("no-cache"));
    assert_eq!(
        header_of(&response, "x-content-type-options"),
        Some("nosniff")
    );
    assert_eq!(header_of(&response, "referrer-policy"), Some("no-referrer"));
    let csp = header_of(&response, "content-security-policy")
        .expect("a CSP")
        .to_owned();
    assert!(
        csp.contains(&format!("frame-ancestors {FRAME_ANCESTORS}")),
        "{csp}"
    );
    assert!(csp.contains(&format!("'{INLINE_SCRIPT_SHA256}'")), "{csp}");
    assert!(csp.contains(&format!("'{SECOND_SCRIPT_SHA256}'")), "{csp}");
    assert_eq!(
        csp.matches("'sha256-").count(),
        3,
        "two inline scripts here, one on the dev page; the src script needs no hash: {csp}"
    );
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval' "),
        "{csp}"
    );
    assert!(
        csp.contains("object-src 'none'") && csp.contains("base-uri 'none'"),
        "{csp}"
    );
    let body = response.text().await.expect("body");
    assert!(body.contains(INLINE_SCRIPT));
}

#[tokio::test]
async fn unknown_page_paths_get_the_index_and_never_as_immutable() {
    let app = TestApp::spawn().await;
    for path in ["/conversations/3", "/social-widget-ffffffffffffffff.js"] {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(
            header_of(&response, "cache-control"),
            Some("no-cache"),
            "{path}"
        );
        assert!(
            header_of(&response, "content-security-policy").is_some(),
            "{path}"
        );
        assert!(response.text().await.expect("body").contains(INLINE_SCRIPT));
    }
}

#[tokio::test]
async fn unknown_api_paths_are_404_problems_not_the_index() {
    let app = TestApp::spawn().await;
    for path in ["/api/nope", "/api/conversations/1/nope", "/api"] {
        let response = app.get(path, None).await;
        assert_eq!(
            header_of(&response, "cache-control"),
            Some("no-store"),
            "{path}"
        );
        problem(response, StatusCode::NOT_FOUND).await;
    }
}

#[tokio::test]
async fn without_a_built_widget_pages_say_how_to_build_it_and_the_api_still_works() {
    let app = TestApp::spawn_with(Options {
        widget_built: false,
        ..Options::default()
    })
    .await;

    let p = problem(app.get("/", None).await, StatusCode::SERVICE_UNAVAILABLE).await;
    assert!(p.detail.is_some_and(|d| d.contains("scripts/build-widget")));

    let health = app.healthz().await;
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(health.text().await.expect("body"), "ok");
    let dana = app.token("demo", social_api::Role::Agent).await;
    assert_eq!(app.list(&dana, None).await.len(), 8);
}

#[tokio::test]
async fn health_answers_ok_with_security_headers() {
    let app = TestApp::spawn().await;
    let response = app.healthz().await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header_of(&response, "x-content-type-options"),
        Some("nosniff")
    );
    assert_eq!(response.text().await.expect("body"), "ok");
}

#[tokio::test]
async fn the_dev_page_is_served_under_dev_with_its_script_allowed() {
    let app = TestApp::spawn().await;
    let response = app.get("/dev/", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let csp = header_of(&response, "content-security-policy")
        .expect("a CSP on the dev page")
        .to_owned();
    let body = response.text().await.expect("body");
    assert!(body.contains(DEV_SCRIPT), "the dev page itself");
    // base64(sha256(DEV_SCRIPT)), and the framed widget's script on the same policy.
    use base64::Engine as _;
    use sha2::Digest as _;
    let dev_hash =
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(DEV_SCRIPT));
    assert!(csp.contains(&format!("'sha256-{dev_hash}'")), "{csp}");
    assert!(csp.contains(INLINE_SCRIPT_SHA256), "{csp}");
}
