//! The built widget: compression, cache headers, CSP, and the answer when it is missing;
//! which API answers are compressed.

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
    assert!(
        header_of(&response, "content-security-policy")
            .is_some_and(|csp| csp.contains("frame-ancestors")),
        "the site's policy on every file, not only HTML"
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
        4,
        "two inline scripts here, one on the dev page, one on the admin page; the src script needs no hash: {csp}"
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
    for path in ["/conversations/3", "/workspace/conversation"] {
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

#[tokio::test]
async fn the_admin_page_is_served_under_admin_with_its_script_allowed() {
    let app = TestApp::spawn().await;
    let response = app.get("/admin/", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let csp = header_of(&response, "content-security-policy")
        .expect("a CSP on the admin page")
        .to_owned();
    let body = response.text().await.expect("body");
    assert!(body.contains(ADMIN_SCRIPT), "the admin page itself");
    use base64::Engine as _;
    use sha2::Digest as _;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(ADMIN_SCRIPT));
    assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
    // The framed widget's page never names the admin bundle.
    let framed = app.get("/", None).await.text().await.expect("body");
    assert!(!framed.contains("/admin/"), "{framed}");
}

#[tokio::test]
async fn the_framed_widget_gets_its_config_before_any_script_on_every_path() {
    let app = TestApp::spawn().await;
    for path in ["/", "/index.html", "/conversations/3"] {
        let page = app.get(path, None).await;
        assert_eq!(
            header_of(&page, "content-type"),
            Some("text/html; charset=utf-8"),
            "{path}"
        );
        let body = page.text().await.expect("body");
        let config = widget_config(&body);
        assert_eq!(
            config,
            social_api::workspace::WidgetConfig {
                host_origins: vec!["https://z1.le.liveperson.example".into()],
                same_origin_host: true,
                demo: true,
            },
            "{path}"
        );
        let head = body.find("<head>").expect("a head") + "<head>".len();
        assert!(
            body[head..]
                .starts_with(r#"<script type="application/json" id="social-widget-config">"#),
            "{path}: {body}"
        );
        assert!(body.contains(INLINE_SCRIPT), "{path}");
    }
}

#[tokio::test]
async fn the_config_element_needs_no_hash_and_the_policy_still_allows_every_script() {
    let app = TestApp::spawn().await;
    let page = app.get("/", None).await;
    let csp = header_of(&page, "content-security-policy")
        .expect("a CSP")
        .to_owned();
    let body = page.text().await.expect("body");
    assert!(body.contains("social-widget-config"));
    assert_eq!(csp.matches("'sha256-").count(), 4, "{csp}");
    assert!(csp.contains(INLINE_SCRIPT_SHA256) && csp.contains(SECOND_SCRIPT_SHA256));
    // Hashing the page as served finds exactly the scripts the file had.
    assert_eq!(
        social_server::static_files::inline_scripts(&body),
        vec!["window.lpBuffer = [];", INLINE_SCRIPT]
    );
}

#[tokio::test]
async fn only_exact_frame_ancestors_become_host_origins() {
    let app = TestApp::spawn_with(Options {
        frame_ancestors:
            "https://*.liveperson.net HTTPS://Z1.Example:443/ https: https://b.example:8443",
        demo: false,
        ..Options::default()
    })
    .await;
    let page = app.get("/", None).await;
    let csp = header_of(&page, "content-security-policy")
        .expect("a CSP")
        .to_owned();
    assert!(
        csp.ends_with("frame-ancestors https://*.liveperson.net HTTPS://Z1.Example:443/ https: https://b.example:8443"),
        "the CSP keeps every source: {csp}"
    );
    let config = widget_config(&page.text().await.expect("body"));
    assert_eq!(
        config.host_origins,
        ["https://z1.example", "https://b.example:8443"]
    );
    assert!(!config.same_origin_host && !config.demo);
}

#[tokio::test]
async fn livepersons_sdk_loads_right_after_the_config_and_the_policy_allows_it() {
    let app = TestApp::spawn_with(Options {
        liveperson_sdk: Some("https://lpcdn.lpsnmedia.example/webagent/client-SDK.min.js"),
        ..Options::default()
    })
    .await;
    let page = app.get("/", None).await;
    let csp = header_of(&page, "content-security-policy")
        .expect("a CSP")
        .to_owned();
    let body = page.text().await.expect("body");
    let sdk =
        r#"<script src="https://lpcdn.lpsnmedia.example/webagent/client-SDK.min.js"></script>"#;
    let config_end = body.find("</script>").expect("the config element") + "</script>".len();
    assert!(body[config_end..].starts_with(sdk), "{body}");
    let first_other = body
        .find("<script>window.lpBuffer")
        .expect("the page's own script");
    assert!(config_end < first_other);
    assert!(
        csp.contains(
            "script-src 'self' 'wasm-unsafe-eval' https://lpcdn.lpsnmedia.example/webagent/client-SDK.min.js '"
        ),
        "{csp}"
    );
}

#[tokio::test]
async fn an_sdk_on_this_server_needs_nothing_more_in_the_policy() {
    let app = TestApp::spawn_with(Options {
        liveperson_sdk: Some("/dev-workspace/lp-agent-sdk-standin.js"),
        ..Options::default()
    })
    .await;
    let page = app.get("/", None).await;
    let csp = header_of(&page, "content-security-policy")
        .expect("a CSP")
        .to_owned();
    let body = page.text().await.expect("body");
    assert!(body.contains(r#"<script src="/dev-workspace/lp-agent-sdk-standin.js"></script>"#));
    let script_src = csp
        .split("; ")
        .find(|d| d.starts_with("script-src "))
        .expect("script-src");
    assert!(
        script_src
            .split(' ')
            .skip(1)
            .all(|s| s == "'self'" || s == "'wasm-unsafe-eval'" || s.starts_with("'sha256-")),
        "{script_src}"
    );
    let standin = app
        .get("/dev-workspace/lp-agent-sdk-standin.js", None)
        .await;
    assert_eq!(standin.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_unchanged_page_answers_304_to_its_etag() {
    let app = TestApp::spawn().await;
    let first = app.get("/", None).await;
    let etag = header_of(&first, "etag").expect("an ETag").to_owned();
    let again = app.get_with("/", "if-none-match", &etag).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let other = app.get_with("/", "if-none-match", "\"other\"").await;
    assert_eq!(other.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_favicon_browsers_ask_for_is_no_content_not_an_error() {
    let app = TestApp::spawn().await;
    let response = app.get("/favicon.ico", None).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let missing = app.get("/missing.ico", None).await;
    assert_eq!(
        missing.status(),
        StatusCode::NOT_FOUND,
        "other files stay 404"
    );
}

#[tokio::test]
async fn small_answers_go_uncompressed_and_larger_ones_compressed() {
    let app = TestApp::spawn().await;
    let token = app.token("demo", social_api::Role::Admin).await;
    let list = app
        .client
        .get(format!("{}/api/conversations?view=all", app.base))
        .bearer_auth(&token)
        .header("accept-encoding", "br")
        .send()
        .await
        .expect("list");
    assert_eq!(list.status(), StatusCode::OK);
    assert_eq!(header_of(&list, "content-encoding"), Some("br"));
    assert!(list.bytes().await.expect("body").len() > 100);

    let refused = app
        .get_with("/api/conversations", "accept-encoding", "br")
        .await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(header_of(&refused, "content-encoding"), None);
    let body = refused.text().await.expect("body");
    assert!(
        body.len() < 1024,
        "a problem is small: {} bytes",
        body.len()
    );
    assert!(body.contains("\"status\":401"), "{body}");
}
