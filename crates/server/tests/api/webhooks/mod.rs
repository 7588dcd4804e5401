//! The webhook endpoints over real HTTP: the platforms' subscription checks against their
//! published vectors (`checks`), signatures over the raw bytes, the size cap and unusable
//! bodies (`delivery`), every event kept once however often (and however concurrently) it
//! comes and applied once, also after a restart (`exactly_once`), and every platform
//! fixture (`fixtures`). This module holds what they share. Fixtures are read where they
//! live (`$SOCIAL_FIXTURES_DIR/platforms`, else the nearest `shared/fixtures/platforms`
//! above the workspace), never copied.
mod checks;
mod delivery;
mod exactly_once;
mod fixtures;
mod sources;

use crate::helpers::{Options, TestApp};
use crate::support_fixtures::platform_fixtures as fixtures;
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
        "INSERT INTO accounts (slug, name) VALUES ('webhooks', 'Webhook Test Brand')
         ON CONFLICT DO NOTHING",
    )
    .execute(&app.pool)
    .await
    .expect("account");
    connect_to(app, "webhooks", source, platform_id).await;
}

/// Connects a Page or X account to the brand account `account`.
async fn connect_to(app: &TestApp, account: &str, source: &str, platform_id: &str) {
    let done = sqlx::query(
        "INSERT INTO brand_channels (account_id, source, platform_id, name)
         SELECT id, $1, $2, 'Test channel ' || $3 FROM accounts WHERE slug = $4
         ON CONFLICT DO NOTHING",
    )
    .bind(source)
    .bind(platform_id)
    .bind(platform_id)
    .bind(account)
    .execute(&app.pool)
    .await
    .expect("brand channel");
    let (connected,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM brand_channels WHERE source = $1 AND platform_id = $2",
    )
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
