//! Signatures over the raw bytes, the size cap, and verified bodies we cannot use.

use super::*;

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
