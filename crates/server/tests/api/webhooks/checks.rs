//! Meta's verify-token handshake and X's CRC check, against their published vectors.

use super::*;

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
