//! What an operator sees: a request id on every response and in the request's log lines,
//! JSON logs, and `/metrics` on a listener of its own.

use crate::helpers::*;
use crate::support_process::{free_port, kill, server_command, start_and_wait};
use reqwest::StatusCode;
use social_api::Role;
use std::collections::HashSet;

#[tokio::test]
async fn every_response_carries_a_request_id_and_a_proxys_id_is_kept() {
    let app = TestApp::spawn().await;
    let mut seen = HashSet::new();
    for response in [
        app.healthz().await,
        app.get("/", None).await,
        app.get("/api/nope", None).await,
        app.me(None).await,
    ] {
        let id = header_of(&response, "x-request-id")
            .expect("a request id")
            .to_owned();
        assert_eq!(id.len(), 36, "a UUID: {id}");
        assert!(seen.insert(id), "each request its own id");
    }
    let response = app
        .get_with("/healthz", "x-request-id", "from-the-proxy-42")
        .await;
    assert_eq!(
        header_of(&response, "x-request-id"),
        Some("from-the-proxy-42")
    );
    // Too long or with spaces: a new id, never the client's text in every log line.
    let long = "a".repeat(social_server::app::REQUEST_ID_MAX + 1);
    for unfit in [long.as_str(), "two words"] {
        let response = app.get_with("/healthz", "x-request-id", unfit).await;
        let id = header_of(&response, "x-request-id").expect("a request id");
        assert_eq!(id.len(), 36, "a new UUID instead of {unfit:?}: {id}");
    }
    let longest = "b".repeat(social_server::app::REQUEST_ID_MAX);
    let response = app.get_with("/healthz", "x-request-id", &longest).await;
    assert_eq!(header_of(&response, "x-request-id"), Some(longest.as_str()));
}

/// Run as the real process, as an operator runs it: its standard output is JSON lines
/// only (a subscriber set for one test thread would race with the other tests' spans).
#[tokio::test]
async fn json_log_lines_parse_and_carry_the_request_id() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let mut command = server_command();
    command
        .args([
            "--demo",
            "--host",
            "127.0.0.1",
            "--log-format",
            "json",
            "--port",
        ])
        .arg(port.to_string())
        .arg("--database-url")
        .arg(format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("db.sqlite").display()
        ))
        .arg("--static-dir")
        .arg(dir.path().join("dist"))
        .env("RUST_LOG", "social_server=info")
        .stdout(log)
        .stderr(std::process::Stdio::null());
    let base = format!("http://127.0.0.1:{port}");
    let (server, up) = start_and_wait(command, &base).await;
    let mut server = Some(server);
    let client = reqwest::Client::new();
    let response = client
        .post(format!("{base}/api/demo/session"))
        .json(&social_api::DemoSessionRequest {
            account: "demo".into(),
            role: Role::Agent,
        })
        .send()
        .await;
    kill(&mut server);
    let text = std::fs::read_to_string(&log_path).expect("the log");
    assert!(up, "social-server did not come up: {text}");
    let response = response.expect("POST");
    assert_eq!(response.status(), StatusCode::OK);
    let id = header_of(&response, "x-request-id")
        .expect("a request id")
        .to_owned();

    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let opened = lines
        .iter()
        .find(|line| line["fields"]["message"] == "demo session opened")
        .unwrap_or_else(|| panic!("the handler's line: {text}"));
    assert_eq!(opened["span"]["request_id"], id.as_str(), "{opened}");
    assert_eq!(opened["span"]["path"], "/api/demo/session", "{opened}");
    assert!(!text.contains(&json::<social_api::NewSession>(response).await.token));
}

/// The value of the series `name{labels}` in `text`; 0 when it is not there yet.
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| {
            line.strip_prefix(series)?
                .trim()
                .split(' ')
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or(0.0)
}

async fn scrape(base: &str) -> String {
    let response = reqwest::get(format!("{base}/metrics")).await.expect("GET");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header_of(&response, "content-type")
        .is_some_and(|t| t.starts_with("application/openmetrics-text")));
    response.text().await.expect("body")
}

#[tokio::test]
async fn metrics_count_requests_by_route_replays_and_open_streams() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let metrics = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, social_server::metrics::router()).await });
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let james = app.conversation_id(&dana, "James").await;
    let route =
        r#"social_http_requests_total{method="GET",route="/api/conversations/{id}",status="200"}"#;
    let missing =
        r#"social_http_requests_total{method="GET",route="/api/conversations/{id}",status="404"}"#;
    let timed = r#"social_http_request_duration_seconds_count{method="GET",route="/api/conversations/{id}"}"#;
    let replays = "social_idempotency_replays_total";
    let streams = "social_open_event_streams";
    let before = scrape(&metrics).await;

    for _ in 0..3 {
        assert_eq!(
            app.conversation(&dana, &james.to_string()).await.status(),
            StatusCode::OK
        );
    }
    app.conversation(&dana, "999999").await;
    let key = new_key();
    let body = text_in(social_api::Space::Internal, "a note for metrics");
    for _ in 0..2 {
        let sent = app.send_message_with(&dana, james, &body, &key).await;
        assert!(sent.status().is_success(), "{}", sent.status());
    }
    let ticket: social_api::events::EventTicket = json(
        app.client
            .post(format!("{}/api/events/ticket", app.base))
            .bearer_auth(&dana)
            .send()
            .await
            .expect("POST"),
    )
    .await;
    let stream = app
        .client
        .get(format!(
            "{}/api/conversations/{james}/events?ticket={}",
            app.base, ticket.ticket
        ))
        .send()
        .await
        .expect("GET");
    assert_eq!(stream.status(), StatusCode::OK);

    let after = scrape(&metrics).await;
    assert!(
        sample(&after, route) >= sample(&before, route) + 3.0,
        "{after}"
    );
    assert!(
        sample(&after, missing) >= sample(&before, missing) + 1.0,
        "{after}"
    );
    assert!(
        sample(&after, timed) >= sample(&before, timed) + 4.0,
        "{after}"
    );
    assert!(
        sample(&after, replays) >= sample(&before, replays) + 1.0,
        "{after}"
    );
    assert!(sample(&after, streams) >= 1.0, "{after}");
    assert!(
        !after.contains(&format!("/api/conversations/{james}\"")),
        "ids are not labels"
    );

    // Not on the public listener.
    let public = app.get("/metrics", None).await.text().await.expect("body");
    assert!(!public.contains("social_http_requests_total"));
}
