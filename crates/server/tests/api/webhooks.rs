//! The webhook endpoints over real HTTP: the platforms' subscription checks against their
//! published vectors, signatures over the raw bytes, the size cap, every event kept once
//! however often (and however concurrently) it comes, events kept by a server that stopped
//! before applying them, and every platform fixture. Fixtures are read where they live
//! (`$SOCIAL_FIXTURES_DIR/platforms`, else the nearest `shared/fixtures/platforms` above
//! the workspace), never copied.

use crate::helpers::{Options, TestApp};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use reqwest::{header, Response, StatusCode};
use serde_json::{json, Value};
use sha2::Sha256;
use social_api::{Author, Message, Role, Source, Space};
use social_server::routes::webhooks::{BODY_LIMIT, META_SIGNATURE, X_SIGNATURE};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const FB_SECRET: &str = "test-app-secret";
const FB_VERIFY_TOKEN: &str = "test-verify-token";
const X_SECRET: &str = "test-consumer-secret";
/// A Page and an X account of the test brand.
const PAGE: &str = "900000000000001";
const X_BRAND: &str = "800000000000001";

// ---------------------------------------------------------------------------------------
// Fixtures and signing

fn fixtures(platform: &str) -> PathBuf {
    let tail = Path::new("platforms").join(platform);
    if let Some(dir) = std::env::var_os("SOCIAL_FIXTURES_DIR") {
        return PathBuf::from(dir).join(tail);
    }
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let here = here.canonicalize().unwrap_or(here);
    here.ancestors()
        .map(|dir| dir.join("shared/fixtures").join(&tail))
        .find(|dir| dir.is_dir())
        .unwrap_or_else(|| {
            panic!("no shared/fixtures/platforms/{platform} above the workspace; set SOCIAL_FIXTURES_DIR to the folder holding platforms/")
        })
}

fn bytes_of(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{} not readable: {e}", path.display()))
}

fn json_of(path: &Path) -> Value {
    serde_json::from_slice(&bytes_of(path))
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn vectors(platform: &str) -> Value {
    json_of(&fixtures(platform).join("vectors.json"))
}

fn text(value: &Value, what: &str) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {value}"))
        .to_owned()
}

/// The vectors' secrets for `Options`, which keeps `&'static str`s (tests only).
fn leak(value: String) -> &'static str {
    Box::leak(value.into_boxed_str())
}

fn hmac_sha256(secret: &str, body: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

/// `X-Hub-Signature-256` as Meta writes it.
fn meta_signature(secret: &str, body: &[u8]) -> String {
    format!("sha256={}", hex::encode(hmac_sha256(secret, body)))
}

/// `x-twitter-webhooks-signature` as X writes it.
fn x_signature(secret: &str, body: &[u8]) -> String {
    format!("sha256={}", STANDARD.encode(hmac_sha256(secret, body)))
}

// ---------------------------------------------------------------------------------------
// Requests and rows

async fn spawn() -> TestApp {
    TestApp::spawn_with(Options {
        facebook_keys: Some((FB_SECRET, FB_VERIFY_TOKEN)),
        x_consumer_secret: Some(X_SECRET),
        ..Options::default()
    })
    .await
}

async fn get(app: &TestApp, path_and_query: &str) -> Response {
    app.client
        .get(format!("{}{path_and_query}", app.base))
        .send()
        .await
        .expect("GET")
}

async fn post(
    app: &TestApp,
    path: &str,
    signature: Option<(&str, String)>,
    body: Vec<u8>,
) -> Response {
    let mut request = app
        .client
        .post(format!("{}{path}", app.base))
        .header(header::CONTENT_TYPE, "application/json")
        .body(body);
    if let Some((name, value)) = signature {
        request = request.header(name, value);
    }
    request.send().await.expect("POST")
}

/// A delivery to `/webhooks/facebook` signed with `secret`.
async fn post_facebook(app: &TestApp, secret: &str, body: &[u8]) -> Response {
    let signature = meta_signature(secret, body);
    post(
        app,
        "/webhooks/facebook",
        Some((META_SIGNATURE, signature)),
        body.to_vec(),
    )
    .await
}

/// A delivery to `/webhooks/x` signed with `secret`.
async fn post_x(app: &TestApp, secret: &str, body: &[u8]) -> Response {
    let signature = x_signature(secret, body);
    post(
        app,
        "/webhooks/x",
        Some((X_SIGNATURE, signature)),
        body.to_vec(),
    )
    .await
}

/// Connects a Page (`facebook`) or X account (`x`) to the test brand account `webhooks`,
/// made on first use; connecting twice changes nothing.
async fn connect(app: &TestApp, source: &str, platform_id: &str) {
    sqlx::query(
        "INSERT OR IGNORE INTO accounts (slug, name) VALUES ('webhooks', 'Webhook Test Brand')",
    )
    .execute(&app.pool)
    .await
    .expect("account");
    connect_to(app, "webhooks", source, platform_id).await;
}

/// Connects a Page or X account to the brand account `account`.
async fn connect_to(app: &TestApp, account: &str, source: &str, platform_id: &str) {
    let done = sqlx::query(
        "INSERT OR IGNORE INTO brand_channels (account_id, source, platform_id, name)
         SELECT id, ?, ?, 'Test channel ' || ? FROM accounts WHERE slug = ?",
    )
    .bind(source)
    .bind(platform_id)
    .bind(platform_id)
    .bind(account)
    .execute(&app.pool)
    .await
    .expect("brand channel");
    let (connected,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM brand_channels WHERE source = ? AND platform_id = ?")
            .bind(source)
            .bind(platform_id)
            .fetch_one(&app.pool)
            .await
            .expect("brand channel");
    assert!(
        done.rows_affected() <= 1 && connected == 1,
        "{source} {platform_id} connected"
    );
}

async fn kept(app: &TestApp) -> i64 {
    app.count("webhook_events").await
}

async fn states(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT state FROM webhook_events ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .expect("states")
}

/// A Messenger delivery: the consumer `psid` writes `text` to `page`.
fn messenger_message(page: &str, psid: &str, mid: &str, text: &str) -> Vec<u8> {
    let at = 1_760_000_000_000_i64;
    json!({
        "object": "page",
        "entry": [{
            "id": page,
            "time": at,
            "messaging": [{
                "sender": {"id": psid},
                "recipient": {"id": page},
                "timestamp": at,
                "message": {"mid": mid, "text": text}
            }]
        }]
    })
    .to_string()
    .into_bytes()
}

/// An Account Activity delivery: `sender` sends `text` to the brand `brand` in a DM.
fn x_direct_message(brand: &str, sender: &str, id: &str, text: &str) -> Vec<u8> {
    json!({
        "for_user_id": brand,
        "direct_message_events": [{
            "type": "message_create",
            "id": id,
            "created_timestamp": "1760000000000",
            "message_create": {
                "target": {"recipient_id": brand},
                "sender_id": sender,
                "message_data": {"text": text, "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []}}
            }
        }],
        "users": {
            sender: {"id": sender, "created_timestamp": "1500000000000", "name": "Casey Consumer", "screen_name": "casey", "protected": false, "verified": false, "followers_count": 3, "friends_count": 5, "statuses_count": 7, "profile_image_url_https": "https://pbs.twimg.com/profile_images/1/casey_normal.jpg"},
            brand: {"id": brand, "created_timestamp": "1400000000000", "name": "Test Brand", "screen_name": "testbrand", "protected": false, "verified": false, "followers_count": 100, "friends_count": 1, "statuses_count": 10, "profile_image_url_https": "https://pbs.twimg.com/profile_images/2/brand_normal.jpg"}
        }
    })
    .to_string()
    .into_bytes()
}

/// Waits until the applier has taken every kept event (applied, deferred or skipped).
async fn settled(app: &TestApp) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (waiting,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM webhook_events WHERE state = 'received'")
                .fetch_one(&app.pool)
                .await
                .expect("count");
        if waiting == 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the applier left {waiting} kept events unapplied for a minute"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

// ---------------------------------------------------------------------------------------
// Subscription checks

#[tokio::test]
async fn meta_subscription_check_answers_the_challenge_only_for_our_verify_token() {
    for vector in vectors("facebook")["verification_handshake_vectors"]
        .as_array()
        .expect("handshake vectors")
    {
        let token = leak(text(
            &vector["configured_verify_token"],
            "configured_verify_token",
        ));
        let app = TestApp::spawn_with(Options {
            facebook_keys: Some((FB_SECRET, token)),
            ..Options::default()
        })
        .await;
        let query = &vector["request_query"];
        let url = reqwest::Url::parse_with_params(
            &format!("{}/webhooks/facebook", app.base),
            query
                .as_object()
                .expect("request_query")
                .iter()
                .map(|(k, v)| (k.clone(), text(v, k))),
        )
        .expect("URL");
        let response = app.client.get(url).send().await.expect("GET");
        let expected = vector["expected_status"].as_u64().expect("status");
        assert_eq!(u64::from(response.status().as_u16()), expected, "{vector}");
        let challenge = text(&query["hub.challenge"], "hub.challenge");
        if expected == 200 {
            assert_eq!(
                response.headers()[header::CONTENT_TYPE],
                "text/plain; charset=utf-8"
            );
            assert_eq!(
                response.text().await.expect("body"),
                text(&vector["expected_body"], "expected_body")
            );
        } else {
            assert_ne!(response.text().await.expect("body"), challenge);
        }
    }
}

#[tokio::test]
async fn meta_subscription_check_needs_subscribe_our_token_and_a_challenge() {
    let app = spawn().await;
    let ok = get(
        &app,
        &format!("/webhooks/facebook?hub.mode=subscribe&hub.verify_token={FB_VERIFY_TOKEN}&hub.challenge=1158201444"),
    )
    .await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(ok.text().await.expect("body"), "1158201444");
    for refused in [
        format!("/webhooks/facebook?hub.mode=unsubscribe&hub.verify_token={FB_VERIFY_TOKEN}&hub.challenge=1"),
        "/webhooks/facebook?hub.mode=subscribe&hub.challenge=1".into(),
        format!("/webhooks/facebook?hub.mode=subscribe&hub.verify_token={FB_VERIFY_TOKEN}x&hub.challenge=1"),
        format!("/webhooks/facebook?hub.mode=subscribe&hub.verify_token={}&hub.challenge=1", &FB_VERIFY_TOKEN[1..]),
        format!("/webhooks/facebook?hub.mode=subscribe&hub.verify_token={FB_VERIFY_TOKEN}"),
        "/webhooks/facebook".into(),
    ] {
        assert_eq!(get(&app, &refused).await.status(), StatusCode::FORBIDDEN, "{refused}");
    }
}

#[tokio::test]
async fn x_crc_check_answers_as_the_published_vectors() {
    for vector in vectors("x")["crc_vectors"].as_array().expect("crc vectors") {
        let secret = leak(text(&vector["consumer_secret"], "consumer_secret"));
        let app = TestApp::spawn_with(Options {
            x_consumer_secret: Some(secret),
            ..Options::default()
        })
        .await;
        let mut params = vec![(
            "crc_token".to_owned(),
            text(&vector["crc_token"], "crc_token"),
        )];
        if let Some(other) = vector["other_query_params"].as_object() {
            params.extend(other.iter().map(|(k, v)| (k.clone(), text(v, k))));
        }
        let url = reqwest::Url::parse_with_params(&format!("{}/webhooks/x", app.base), params)
            .expect("URL");
        let response = app.client.get(url).send().await.expect("GET");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.json::<Value>().await.expect("JSON"),
            vector["expected_response"]
        );
        assert_eq!(
            get(&app, "/webhooks/x").await.status(),
            StatusCode::BAD_REQUEST,
            "no crc_token"
        );
    }
}

#[tokio::test]
async fn webhooks_of_a_platform_without_its_secret_are_not_there() {
    let none = TestApp::spawn().await;
    let only_x = TestApp::spawn_with(Options {
        x_consumer_secret: Some(X_SECRET),
        ..Options::default()
    })
    .await;
    let body = messenger_message(PAGE, "100", "m_1", "hello");
    for app in [&none, &only_x] {
        assert_eq!(
            get(app, &format!("/webhooks/facebook?hub.mode=subscribe&hub.verify_token={FB_VERIFY_TOKEN}&hub.challenge=1")).await.status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            post_facebook(app, FB_SECRET, &body).await.status(),
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        get(&none, "/webhooks/x?crc_token=t").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        post_x(&none, X_SECRET, b"{}").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&only_x, "/webhooks/x?crc_token=t").await.status(),
        StatusCode::OK
    );
}

// ---------------------------------------------------------------------------------------
// Signatures, limits, malformed bodies

#[tokio::test]
async fn a_wrong_or_missing_signature_is_refused_with_401_and_nothing_kept() {
    let app = spawn().await;
    connect(&app, "facebook", PAGE).await;
    connect(&app, "x", X_BRAND).await;
    let facebook = messenger_message(PAGE, "100", "m_signed", "hello");
    let x = x_direct_message(X_BRAND, "200", "1900000000000000001", "hello");
    let refused = [
        post(&app, "/webhooks/facebook", None, facebook.clone()).await,
        post_facebook(&app, "another-secret", &facebook).await,
        // X's signature format in Meta's header, with Meta's secret: still not Meta's.
        post(
            &app,
            "/webhooks/facebook",
            Some((META_SIGNATURE, x_signature(FB_SECRET, &facebook))),
            facebook.clone(),
        )
        .await,
        post(
            &app,
            "/webhooks/facebook",
            Some((META_SIGNATURE, "sha256=".into())),
            facebook.clone(),
        )
        .await,
        post(&app, "/webhooks/x", None, x.clone()).await,
        post_x(&app, "another-secret", &x).await,
        post(
            &app,
            "/webhooks/x",
            Some((X_SIGNATURE, meta_signature(X_SECRET, &x))),
            x.clone(),
        )
        .await,
        // Signed for another body.
        post(
            &app,
            "/webhooks/x",
            Some((X_SIGNATURE, x_signature(X_SECRET, b"{}"))),
            x.clone(),
        )
        .await,
    ];
    for response in refused {
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(response.headers().contains_key(header::WWW_AUTHENTICATE));
    }
    assert_eq!(kept(&app).await, 0, "a refused delivery keeps nothing");

    assert_eq!(
        post_facebook(&app, FB_SECRET, &facebook).await.status(),
        StatusCode::OK
    );
    assert_eq!(post_x(&app, X_SECRET, &x).await.status(), StatusCode::OK);
    assert_eq!(kept(&app).await, 2, "the same deliveries, signed, are kept");
}

#[tokio::test]
async fn the_published_meta_deliveries_verify_over_their_raw_bytes() {
    let folder = fixtures("facebook");
    let mut checked = 0;
    for vector in vectors("facebook")["signature_vectors"]
        .as_array()
        .expect("vectors")
    {
        let (Some(file), Some(signature)) = (
            vector["body_file"].as_str(),
            vector["derived_by_collector"]["X-Hub-Signature-256"].as_str(),
        ) else {
            continue;
        };
        let secret = leak(text(&vector["app_secret"], "app_secret"));
        let app = TestApp::spawn_with(Options {
            facebook_keys: Some((secret, FB_VERIFY_TOKEN)),
            ..Options::default()
        })
        .await;
        let body = bytes_of(&folder.join(file));
        for entry in json_of(&folder.join(file))["entry"]
            .as_array()
            .expect("entries")
        {
            connect(&app, "facebook", &text(&entry["id"], "entry id")).await;
        }
        let response = post(
            &app,
            "/webhooks/facebook",
            Some((META_SIGNATURE, signature.to_owned())),
            body,
        )
        .await;
        assert_eq!(response.status(), StatusCode::OK, "{file}");
        assert!(kept(&app).await >= 1, "{file}: its message is kept");
        checked += 1;
    }
    assert!(checked >= 2, "the vectors name the signed Meta bodies");
}

#[tokio::test]
async fn the_published_x_deliveries_verify_over_their_raw_bytes() {
    let folder = fixtures("x");
    let all = vectors("x");
    let vectors = all["full_payload_signature_vectors"]
        .as_array()
        .expect("vectors");
    let secret = leak(text(&vectors[0]["consumer_secret"], "consumer_secret"));
    let app = TestApp::spawn_with(Options {
        x_consumer_secret: Some(secret),
        ..Options::default()
    })
    .await;
    for vector in vectors {
        assert_eq!(text(&vector["consumer_secret"], "consumer_secret"), secret);
        let file = text(&vector["body_file"], "body_file");
        let body = bytes_of(&folder.join(&file));
        connect(
            &app,
            "x",
            &json_of(&folder.join(&file))["for_user_id"]
                .to_string()
                .replace('"', ""),
        )
        .await;
        let before = kept(&app).await;
        let signature = text(&vector["expected"], "expected");
        let response = post(&app, "/webhooks/x", Some((X_SIGNATURE, signature)), body).await;
        assert_eq!(response.status(), StatusCode::OK, "{file}");
        assert!(kept(&app).await > before, "{file}: its events are kept");
    }
    // X's small signature vectors: verified, nothing to keep, 200.
    for vector in all["signature_vectors"].as_array().expect("vectors") {
        if text(&vector["consumer_secret"], "consumer_secret") != secret {
            continue;
        }
        let body = text(&vector["body"], "body").into_bytes();
        let response = post(
            &app,
            "/webhooks/x",
            Some((X_SIGNATURE, text(&vector["expected"], "expected"))),
            body,
        )
        .await;
        assert_eq!(response.status(), StatusCode::OK, "{vector}");
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_with_413_and_nothing_kept() {
    let app = spawn().await;
    connect(&app, "facebook", PAGE).await;
    // A real delivery padded past the limit with whitespace JSON allows: without the limit
    // it would be read, verified and kept.
    let mut body = messenger_message(PAGE, "100", "m_big", "hello");
    body.resize(BODY_LIMIT + 1, b' ');
    let response = post_facebook(&app, FB_SECRET, &body).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(kept(&app).await, 0);
    body.truncate(BODY_LIMIT);
    assert_eq!(
        post_facebook(&app, FB_SECRET, &body).await.status(),
        StatusCode::OK,
        "at the limit"
    );
    assert_eq!(kept(&app).await, 1);
}

#[tokio::test]
async fn a_verified_body_we_cannot_use_is_answered_200_and_nothing_kept() {
    let app = spawn().await;
    connect(&app, "facebook", PAGE).await;
    connect(&app, "x", X_BRAND).await;
    let unusable: [&[u8]; 8] = [
        b"",
        b"not json",
        b"{\"object\":\"page\",\"entry\":",
        b"[]",
        b"{\"object\":\"instagram\",\"entry\":[]}",
        b"{\"object\":\"page\",\"entry\":\"nope\"}",
        b"{\"object\":\"page\",\"entry\":[{\"id\":900000000000001,\"messaging\":[{\"unknown\":true}]}]}",
        b"\xff\xfe\x00garbage",
    ];
    for body in unusable {
        let facebook = post_facebook(&app, FB_SECRET, body).await;
        assert_eq!(
            facebook.status(),
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(body)
        );
        let x = post_x(&app, X_SECRET, body).await;
        assert_eq!(
            x.status(),
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    assert_eq!(kept(&app).await, 0);
}

// ---------------------------------------------------------------------------------------
// Exactly once

#[tokio::test]
async fn one_delivery_sent_five_times_at_once_is_kept_once() {
    let app = spawn().await;
    connect(&app, "facebook", PAGE).await;
    connect(&app, "x", X_BRAND).await;
    let facebook = messenger_message(PAGE, "100", "m_five", "five times");
    let x = x_direct_message(X_BRAND, "200", "1900000000000000005", "five times");
    let answers = futures_util::future::join_all((0..5).flat_map(|_| {
        [
            futures_util::future::Either::Left(post_facebook(&app, FB_SECRET, &facebook)),
            futures_util::future::Either::Right(post_x(&app, X_SECRET, &x)),
        ]
    }))
    .await;
    for answer in answers {
        assert_eq!(answer.status(), StatusCode::OK);
    }
    let per_key: Vec<(String, i64)> = sqlx::query_as(
        "SELECT source, COUNT(*) FROM webhook_events GROUP BY source, key ORDER BY source",
    )
    .fetch_all(&app.pool)
    .await
    .expect("rows");
    assert_eq!(per_key, [("facebook".to_owned(), 1), ("x".to_owned(), 1)]);
}

#[tokio::test]
async fn events_of_a_channel_not_connected_are_answered_200_and_not_kept() {
    let app = spawn().await;
    connect(&app, "facebook", "another-page").await;
    let facebook = messenger_message(PAGE, "100", "m_elsewhere", "hello");
    let x = x_direct_message(X_BRAND, "200", "1900000000000000009", "hello");
    assert_eq!(
        post_facebook(&app, FB_SECRET, &facebook).await.status(),
        StatusCode::OK
    );
    assert_eq!(post_x(&app, X_SECRET, &x).await.status(), StatusCode::OK);
    assert_eq!(kept(&app).await, 0);

    // Once connected, the platform's retry of the same deliveries is kept.
    connect(&app, "facebook", PAGE).await;
    connect(&app, "x", X_BRAND).await;
    assert_eq!(
        post_facebook(&app, FB_SECRET, &facebook).await.status(),
        StatusCode::OK
    );
    assert_eq!(post_x(&app, X_SECRET, &x).await.status(), StatusCode::OK);
    assert_eq!(kept(&app).await, 2);
}

#[tokio::test]
async fn an_event_kept_by_a_server_that_stopped_before_applying_it_is_applied_after_the_restart() {
    let first = TestApp::spawn_with(Options {
        facebook_keys: Some((FB_SECRET, FB_VERIFY_TOKEN)),
        applier: false,
        ..Options::default()
    })
    .await;
    connect(&first, "facebook", PAGE).await;
    let body = messenger_message(PAGE, "100", "m_restart", "are you open on Sunday?");
    assert_eq!(
        post_facebook(&first, FB_SECRET, &body).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        states(&first).await,
        ["received"],
        "kept before the 200, not applied"
    );
    first.stop();

    let second = TestApp::spawn_with(Options {
        facebook_keys: Some((FB_SECRET, FB_VERIFY_TOKEN)),
        database_url: Some(first.database_url.clone()),
        ..Options::default()
    })
    .await;
    settled(&second).await;
    assert_eq!(states(&second).await, ["applied"]);
}

// ---------------------------------------------------------------------------------------
// Every fixture

/// A fixture as the platform would POST it, and the brand channel it belongs to.
struct Delivery {
    name: String,
    source: &'static str,
    brand: Option<String>,
    body: Vec<u8>,
    /// The signature header's value when the fixture comes with its real one.
    signature: Option<String>,
}

/// Meta's fixtures: full bodies as they are; one `messaging[]` or `changes[]` element
/// wrapped in the envelope Meta puts around it (see SOURCES.md), for the Page it names.
fn facebook_deliveries() -> Vec<Delivery> {
    let folder = fixtures("facebook");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .expect("the Facebook fixtures")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| {
            path.extension().is_some_and(|e| e == "json") && !path.ends_with("vectors.json")
        })
        .collect();
    files.sort();
    let elements: Vec<(PathBuf, Value)> = files
        .iter()
        .map(|path| (path.clone(), json_of(path)))
        .filter(|(_, json)| json.get("entry").is_none())
        .collect();
    // The Pages of the element fixtures: whom consumers write to, who echoes.
    let pages: Vec<String> = elements
        .iter()
        .filter_map(|(_, element)| {
            let message = element.get("message")?;
            let page = if message["is_echo"] == json!(true) {
                &element["sender"]["id"]
            } else {
                &element["recipient"]["id"]
            };
            page.as_str().map(str::to_owned)
        })
        .collect();
    files
        .into_iter()
        .map(|path| {
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            let json = json_of(&path);
            if let Some(entries) = json["entry"].as_array() {
                let brand = entries
                    .first()
                    .map(|entry| entry["id"].to_string().replace('"', ""));
                return Delivery {
                    name,
                    source: "facebook",
                    brand,
                    body: bytes_of(&path),
                    signature: None,
                };
            }
            let (page, key) = if json.get("field").is_some() {
                // A feed change: its post id is `{page id}_{post id}`.
                let page = json["value"]["post_id"]
                    .as_str()
                    .and_then(|post| post.split('_').next())
                    .unwrap_or(PAGE)
                    .to_owned();
                (page, "changes")
            } else {
                let ids = [&json["sender"]["id"], &json["recipient"]["id"]];
                let page = ids
                    .iter()
                    .filter_map(|id| id.as_str())
                    .find(|id| pages.iter().any(|page| page == id))
                    .or_else(|| json["recipient"]["id"].as_str())
                    .unwrap_or(PAGE)
                    .to_owned();
                (page, "messaging")
            };
            let time = json["timestamp"].as_i64().unwrap_or(1_700_000_000_000);
            let body =
                json!({"object": "page", "entry": [{"id": page, "time": time, key: [json]}]});
            Delivery {
                name,
                source: "facebook",
                brand: Some(page),
                body: body.to_string().into_bytes(),
                signature: None,
            }
        })
        .collect()
}

/// X's fixtures: every body as it is; the vector bodies with their real signatures.
fn x_deliveries(vectors: &Value) -> Vec<Delivery> {
    let folder = fixtures("x");
    let mut deliveries = Vec::new();
    for vector in vectors["full_payload_signature_vectors"]
        .as_array()
        .expect("vectors")
    {
        let file = text(&vector["body_file"], "body_file");
        let path = folder.join(&file);
        deliveries.push(Delivery {
            name: file,
            source: "x",
            brand: json_of(&path)["for_user_id"].as_str().map(str::to_owned),
            body: bytes_of(&path),
            signature: Some(text(&vector["expected"], "expected")),
        });
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .expect("the X fixtures")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| {
            path.extension().is_some_and(|e| e == "json") && !path.ends_with("vectors.json")
        })
        .collect();
    files.sort();
    for path in files {
        deliveries.push(Delivery {
            name: path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned(),
            source: "x",
            brand: json_of(&path)["for_user_id"].as_str().map(str::to_owned),
            body: bytes_of(&path),
            signature: None,
        });
    }
    deliveries
}

/// Rows of what a delivery can change.
async fn footprint(app: &TestApp) -> Vec<(&'static str, i64)> {
    let mut counts = Vec::new();
    for table in [
        "webhook_events",
        "consumers",
        "conversations",
        "messages",
        "events",
    ] {
        counts.push((table, app.count(table).await));
    }
    counts
}

#[tokio::test]
async fn every_platform_fixture_is_taken_without_a_5xx_and_replaying_them_changes_nothing() {
    let x_vectors = vectors("x");
    let x_secret = leak(text(
        &x_vectors["full_payload_signature_vectors"][0]["consumer_secret"],
        "consumer_secret",
    ));
    let app = TestApp::spawn_with(Options {
        facebook_keys: Some((FB_SECRET, FB_VERIFY_TOKEN)),
        x_consumer_secret: Some(x_secret),
        ..Options::default()
    })
    .await;
    let deliveries: Vec<Delivery> = facebook_deliveries()
        .into_iter()
        .chain(x_deliveries(&x_vectors))
        .collect();
    assert!(
        deliveries.len() > 60,
        "every fixture is read: {}",
        deliveries.len()
    );
    for delivery in &deliveries {
        if let Some(brand) = &delivery.brand {
            connect(&app, delivery.source, brand).await;
        }
    }
    let before = footprint(&app).await;
    let send = |delivery: &Delivery| {
        let (path, header, signature) = match delivery.source {
            "facebook" => (
                "/webhooks/facebook",
                META_SIGNATURE,
                meta_signature(FB_SECRET, &delivery.body),
            ),
            _ => (
                "/webhooks/x",
                X_SIGNATURE,
                x_signature(x_secret, &delivery.body),
            ),
        };
        let signature = delivery.signature.clone().unwrap_or(signature);
        post(&app, path, Some((header, signature)), delivery.body.clone())
    };

    for delivery in &deliveries {
        let status = send(delivery).await.status();
        assert_eq!(status, StatusCode::OK, "{}", delivery.name);
    }
    settled(&app).await;
    let once = footprint(&app).await;
    for (table, (_, count)) in ["webhook_events", "consumers", "conversations", "messages"]
        .iter()
        .zip(&once)
    {
        let was = before
            .iter()
            .find(|(t, _)| t == table)
            .map_or(0, |(_, n)| *n);
        assert!(
            *count > was,
            "the fixtures added no {table}: {before:?} -> {once:?}"
        );
    }

    for delivery in &deliveries {
        let status = send(delivery).await.status();
        assert_eq!(status, StatusCode::OK, "{} again", delivery.name);
    }
    settled(&app).await;
    assert_eq!(
        footprint(&app).await,
        once,
        "replaying every fixture changed something"
    );
}

// ---------------------------------------------------------------------------------------
// What agents see

/// Every message of every conversation the account's admin can read, with its source.
async fn everything_read(app: &TestApp, token: &str) -> Vec<(Source, Message)> {
    let mut all = Vec::new();
    for summary in app.list(token, Some("all")).await {
        let conversation = app.read(token, summary.id).await;
        all.extend(
            conversation
                .messages
                .into_iter()
                .map(|m| (conversation.source, m)),
        );
    }
    all
}

#[tokio::test]
async fn known_shapes_become_the_messages_agents_read() {
    let app = spawn().await;
    // The fixtures' Pages and X account, connected to the demo brand so its admin reads them.
    for (source, id) in [
        ("facebook", "404217156637689"),
        ("facebook", "137542570280222"),
        ("x", "2975699229"),
    ] {
        connect_to(&app, "demo", source, id).await;
    }
    let facebook = facebook_deliveries();
    for name in [
        "messenger_event_message_text.bottender.json",
        "messenger_event_message_echo_text.bottender.json",
        "feed_change_comment_add.bottender-facebook.json",
    ] {
        let delivery = facebook.iter().find(|d| d.name == name).expect(name);
        assert_eq!(
            post_facebook(&app, FB_SECRET, &delivery.body)
                .await
                .status(),
            StatusCode::OK,
            "{name}"
        );
    }
    let folder = fixtures("x");
    for name in [
        "tweet_create_events_mention.zammad.json",
        "direct_message_events_incoming.zammad.json",
    ] {
        let body = bytes_of(&folder.join(name));
        assert_eq!(
            post_x(&app, X_SECRET, &body).await.status(),
            StatusCode::OK,
            "{name}"
        );
    }
    settled(&app).await;

    let token = app.token("demo", Role::Admin).await;
    let read = everything_read(&app, &token).await;
    let expected = [
        (
            Source::Facebook,
            "Sharp tools make good work.",
            Space::Private,
            "consumer",
        ),
        (
            Source::Facebook,
            "Difficult the first time, easy the second.",
            Space::Private,
            "brand",
        ),
        (Source::Facebook, "Good", Space::Public, "consumer"),
        (
            Source::X,
            "@ScruffyMcG This is a test of Twitter API webhooks.",
            Space::Public,
            "consumer",
        ),
        (Source::X, "Yes, you are!", Space::Private, "consumer"),
    ];
    for (source, text, space, author) in expected {
        let found: Vec<&Message> = read
            .iter()
            .filter(|(s, m)| *s == source && m.text == text)
            .map(|(_, m)| m)
            .collect();
        assert_eq!(found.len(), 1, "{source:?} {text:?} once in {read:#?}");
        let message = found[0];
        assert_eq!(message.space, space, "{text}");
        let by = match message.author {
            Author::Consumer => "consumer",
            Author::Brand { .. } => "brand",
            _ => "someone else",
        };
        assert_eq!(by, author, "{text}");
        assert!(
            message.platform_id.is_some(),
            "{text} keeps its platform id"
        );
    }
}

#[tokio::test]
async fn a_kept_event_is_applied_at_once_and_told_to_the_open_streams() {
    let app = spawn().await;
    connect_to(&app, "demo", "facebook", PAGE).await;
    let mut live = app.state.events.subscribe();
    let body = messenger_message(PAGE, "100", "m_live", "are you open on Sunday?");
    assert_eq!(
        post_facebook(&app, FB_SECRET, &body).await.status(),
        StatusCode::OK
    );
    // No other delivery comes: the applier was woken by this one.
    let logged = tokio::time::timeout(Duration::from_secs(60), live.recv())
        .await
        .expect("a change is broadcast")
        .expect("the hub is open");
    let (demo,): (i64,) = sqlx::query_as("SELECT id FROM accounts WHERE slug = 'demo'")
        .fetch_one(&app.pool)
        .await
        .expect("the demo account");
    assert_eq!(logged.account_id, demo);
    assert!(
        logged.change.contains("are you open on Sunday?"),
        "{}",
        logged.change
    );
    assert_eq!(states(&app).await, ["applied"]);
}
