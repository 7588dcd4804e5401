//! Slow and hostile clients: half-sent heads and bodies are cut off, a flood of them does
//! not stop anyone else, connections are capped, oversized bodies are 413, missing files
//! 404, every response carries a CSP, and demo mode answers only loopback names.

use crate::helpers::*;
use reqwest::StatusCode;
use social_api::Role;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How much later than its bound a connection may close on a slow, shared machine.
const MARGIN: Duration = Duration::from_secs(10);

fn addr_of(app: &TestApp) -> String {
    app.base.trim_start_matches("http://").to_owned()
}

/// Everything the server sends until it closes the connection; panics if it is still open
/// after `within`.
async fn until_closed(stream: &mut TcpStream, within: Duration) -> String {
    String::from_utf8_lossy(&bytes_until_closed(stream, within).await).into_owned()
}

/// [`until_closed`] as bytes, for HTTP/2's frames.
async fn bytes_until_closed(stream: &mut TcpStream, within: Duration) -> Vec<u8> {
    let mut received = Vec::new();
    let read = async {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    };
    tokio::time::timeout(within, read)
        .await
        .expect("the server closed the connection in time");
    received
}

fn with_timeouts(header: Duration, body: Duration) -> Options {
    Options {
        header_timeout: header,
        body_timeout: body,
        ..Options::default()
    }
}

#[tokio::test]
async fn a_half_sent_request_head_is_cut_off_after_the_header_timeout() {
    let timeout = Duration::from_secs(1);
    let app = TestApp::spawn_with(with_timeouts(timeout, Duration::from_secs(30))).await;
    let mut stream = TcpStream::connect(addr_of(&app)).await.expect("connect");
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .await
        .expect("write");

    let started = Instant::now();
    let answer = until_closed(&mut stream, timeout + MARGIN).await;
    println!("a half-sent head was closed after {:?}", started.elapsed());
    assert!(!answer.contains("200 OK"), "{answer}");
}

/// What an HTTP/2 client sends first, before any frame (RFC 9113, 3.4).
const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// An HTTP/2 frame: its 9-byte header (length, type, flags, stream) and `payload`.
fn h2_frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
    let length = u32::try_from(payload.len())
        .expect("a small frame")
        .to_be_bytes();
    let mut frame = length[1..].to_vec();
    frame.extend([kind, flags]);
    frame.extend(stream.to_be_bytes());
    frame.extend(payload);
    frame
}

/// The frames in `bytes` as (type, flags, stream, payload), up to the first incomplete one.
fn h2_frames(mut bytes: &[u8]) -> Vec<(u8, u8, u32, Vec<u8>)> {
    let mut frames = Vec::new();
    while let Some((head, rest)) = bytes.split_first_chunk::<9>() {
        let length = usize::from(head[0]) << 16 | usize::from(head[1]) << 8 | usize::from(head[2]);
        let stream = u32::from_be_bytes([head[5], head[6], head[7], head[8]]) & 0x7fff_ffff;
        let Some((payload, rest)) = rest.split_at_checked(length) else {
            break;
        };
        frames.push((head[3], head[4], stream, payload.to_vec()));
        bytes = rest;
    }
    frames
}

const SETTINGS: u8 = 0x4;
const HEADERS: u8 = 0x1;
const PING: u8 = 0x6;

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed_after_the_header_timeout() {
    let timeout = Duration::from_secs(1);
    let app = TestApp::spawn_with(with_timeouts(timeout, Duration::from_secs(30))).await;
    let mut stream = TcpStream::connect(addr_of(&app)).await.expect("connect");

    let started = Instant::now();
    let answer = until_closed(&mut stream, timeout + MARGIN).await;
    println!(
        "a silent connection was closed after {:?}",
        started.elapsed()
    );
    assert_eq!(answer, "", "nothing asked, nothing answered");
}

#[tokio::test]
async fn an_http2_connection_cut_off_mid_frame_is_closed_after_the_header_timeout() {
    let timeout = Duration::from_secs(1);
    let app = TestApp::spawn_with(with_timeouts(timeout, Duration::from_secs(30))).await;
    for (what, sent) in [
        ("part of the preface", H2_PREFACE[..10].to_vec()),
        ("the preface and part of a frame", {
            let mut sent = H2_PREFACE.to_vec();
            sent.extend(&h2_frame(SETTINGS, 0, 0, &[])[..5]);
            sent
        }),
    ] {
        let mut stream = TcpStream::connect(addr_of(&app)).await.expect("connect");
        stream.write_all(&sent).await.expect("write");

        let started = Instant::now();
        let answer = bytes_until_closed(&mut stream, timeout + MARGIN).await;
        println!("{what}: closed after {:?}", started.elapsed());
        assert!(
            !h2_frames(&answer).iter().any(|f| f.0 == HEADERS),
            "{what}: no answer to no request"
        );
    }
}

#[tokio::test]
async fn an_http2_client_that_stops_answering_pings_is_closed() {
    let timeout = Duration::from_secs(1);
    let app = TestApp::spawn_with(with_timeouts(timeout, Duration::from_secs(30))).await;
    let mut stream = TcpStream::connect(addr_of(&app)).await.expect("connect");
    stream.write_all(&h2_get_healthz()).await.expect("write");

    // Answered, then pinged, and never acknowledging closes it.
    let started = Instant::now();
    let answer = bytes_until_closed(&mut stream, 2 * timeout + MARGIN).await;
    println!(
        "a peer deaf to pings was closed after {:?}",
        started.elapsed()
    );
    let frames = h2_frames(&answer);
    assert!(
        frames
            .iter()
            .any(|(kind, _, stream, payload)| *kind == HEADERS
                && *stream == 1
                // :status 200, the static table's 8th entry.
                && payload.first() == Some(&0x88)),
        "the request was answered 200: {frames:?}"
    );
    assert!(
        frames
            .iter()
            .any(|(kind, flags, _, _)| *kind == PING && flags & 1 == 0),
        "pinged: {frames:?}"
    );
}

/// `GET /healthz` on stream 1, with prior knowledge: HPACK's static table names :method
/// GET (2), :scheme http (6) and :authority (1) and :path (4) with literal values.
fn h2_get_healthz() -> Vec<u8> {
    let mut head = vec![0x82, 0x86, 0x41, 9];
    head.extend(b"127.0.0.1");
    head.extend([0x44, 8]);
    head.extend(b"/healthz");
    let mut sent = H2_PREFACE.to_vec();
    sent.extend(h2_frame(SETTINGS, 0, 0, &[]));
    // END_STREAM | END_HEADERS.
    sent.extend(h2_frame(HEADERS, 0x5, 1, &head));
    sent
}

const GOAWAY: u8 = 0x7;

#[tokio::test]
async fn an_idle_http2_client_that_answers_every_ping_is_still_closed() {
    let timeout = Duration::from_secs(1);
    let app = TestApp::spawn_with(with_timeouts(timeout, Duration::from_secs(30))).await;
    let mut stream = TcpStream::connect(addr_of(&app)).await.expect("connect");
    stream.write_all(&h2_get_healthz()).await.expect("write");

    // A polite peer: it acknowledges the server's settings and every ping, and asks
    // nothing more.
    let started = Instant::now();
    let mut received = Vec::new();
    let mut answered = 0;
    let polite = async {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
            let frames = h2_frames(&received);
            for (kind, flags, _, payload) in frames.iter().skip(answered) {
                let ack = match (*kind, flags & 1) {
                    (SETTINGS, 0) => h2_frame(SETTINGS, 1, 0, &[]),
                    (PING, 0) => h2_frame(PING, 1, 0, payload),
                    _ => continue,
                };
                if stream.write_all(&ack).await.is_err() {
                    break;
                }
            }
            answered = frames.len();
        }
    };
    tokio::time::timeout(3 * timeout + MARGIN, polite)
        .await
        .expect("the server closed the idle connection in time");
    println!(
        "an idle HTTP/2 peer was closed after {:?}",
        started.elapsed()
    );
    let frames = h2_frames(&received);
    assert!(
        frames
            .iter()
            .any(|(kind, _, stream, _)| *kind == HEADERS && *stream == 1),
        "the request was answered: {frames:?}"
    );
    assert!(
        frames.iter().any(|(kind, _, _, _)| *kind == GOAWAY),
        "told to go away, not cut off: {frames:?}"
    );
}

#[tokio::test]
async fn a_body_that_never_arrives_is_a_408_problem_after_the_body_timeout() {
    let timeout = Duration::from_secs(1);
    let app = TestApp::spawn_with(with_timeouts(Duration::from_secs(10), timeout)).await;
    let dana = app.token("demo", Role::Agent).await;
    let james = app.conversation_id(&dana, "James").await;
    for (path, extra) in [
        ("/api/demo/session".to_owned(), String::new()),
        // The actions read their body in the idempotency layer.
        (
            format!("/api/conversations/{james}/messages"),
            format!(
                "Authorization: Bearer {dana}\r\nIdempotency-Key: {}\r\n",
                new_key()
            ),
        ),
    ] {
        let mut stream = TcpStream::connect(addr_of(&app)).await.expect("connect");
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
             Content-Length: 1000\r\n{extra}\r\n{{"
        );
        stream.write_all(head.as_bytes()).await.expect("write");

        let answer = until_closed(&mut stream, timeout + MARGIN).await;
        assert!(answer.starts_with("HTTP/1.1 408"), "{path}: {answer}");
        assert!(
            answer
                .to_ascii_lowercase()
                .contains("content-type: application/problem+json"),
            "{path}: {answer}"
        );
        assert!(answer.contains("request-timeout"), "{path}: {answer}");
    }
}

/// The issue's slow-client test: 500 connections that never finish their head do not stop a
/// normal client, and are all closed within the header timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_half_open_connections_do_not_stop_a_normal_client() {
    let timeout = Duration::from_secs(3);
    let app = TestApp::spawn_with(with_timeouts(timeout, Duration::from_secs(30))).await;
    let dana = app.token("demo", Role::Agent).await;
    let baseline = Instant::now();
    assert_eq!(
        app.conversations(&dana, None).await.status(),
        StatusCode::OK
    );
    let usual = baseline.elapsed();

    let mut slow = Vec::new();
    for _ in 0..500 {
        let mut stream = TcpStream::connect(addr_of(&app)).await.expect("connect");
        stream
            .write_all(b"GET /api/conversations HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            .await
            .expect("write");
        slow.push(stream);
    }
    let opened = Instant::now();

    // A new connection of its own, as a fresh browser would open.
    let fresh = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    let started = Instant::now();
    let response = fresh
        .get(format!("{}/api/conversations", app.base))
        .bearer_auth(&dana)
        .send()
        .await
        .expect("GET");
    let latency = started.elapsed();
    assert_eq!(response.status(), StatusCode::OK);
    println!("normal client: {usual:?} alone, {latency:?} beside 500 half-open connections");

    let closing = slow
        .iter_mut()
        .map(|stream| until_closed(stream, timeout + MARGIN));
    let answers = futures_util::future::join_all(closing).await;
    println!(
        "500 half-open connections closed {:?} after they were opened (header timeout {timeout:?})",
        opened.elapsed()
    );
    assert!(answers.iter().all(|a| !a.contains("200 OK")));
}

#[tokio::test]
async fn a_connection_over_the_cap_is_a_503_problem() {
    let app = TestApp::spawn_with(Options {
        max_connections: 2,
        header_timeout: Duration::from_secs(2),
        ..Options::default()
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut stream = TcpStream::connect(addr_of(&app)).await.expect("connect");
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\n")
            .await
            .expect("write");
        held.push(stream);
    }
    let mut third = TcpStream::connect(addr_of(&app)).await.expect("connect");
    third
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .expect("write");

    let answer = until_closed(&mut third, MARGIN).await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    let lower = answer.to_ascii_lowercase();
    assert!(
        lower.contains("content-type: application/problem+json"),
        "{answer}"
    );
    assert!(lower.contains("retry-after: 1"), "{answer}");

    // Once the held ones are cut off, there is room again.
    for stream in &mut held {
        until_closed(stream, Duration::from_secs(2) + MARGIN).await;
    }
    let fresh = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    let response = fresh
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_event_stream_outlives_the_request_timeout() {
    let app = TestApp::spawn_with(Options {
        request_timeout: Duration::from_secs(1),
        ..Options::default()
    })
    .await;
    let dana = app.token("demo", Role::Agent).await;
    let james = app.conversation_id(&dana, "James").await;
    let ticket: social_api::events::EventTicket = json(
        app.client
            .post(format!("{}/api/events/ticket", app.base))
            .bearer_auth(&dana)
            .send()
            .await
            .expect("POST"),
    )
    .await;
    let mut stream = app
        .client
        .get(format!(
            "{}/api/conversations/{james}/events?ticket={}",
            app.base, ticket.ticket
        ))
        .send()
        .await
        .expect("GET");
    assert_eq!(stream.status(), StatusCode::OK);

    tokio::time::sleep(Duration::from_millis(1500)).await;
    let played = app
        .client
        .post(format!(
            "{}/api/demo/conversations/{james}/consumer-messages",
            app.base
        ))
        .bearer_auth(&dana)
        .json(&social_api::DemoConsumerMessage {
            text: "still there?".into(),
            space: social_api::Space::Private,
        })
        .send()
        .await
        .expect("POST");
    assert_eq!(played.status(), StatusCode::CREATED);

    let mut seen = String::new();
    let read = async {
        while !seen.contains("still there?") {
            match stream.chunk().await.expect("the stream stays open") {
                Some(chunk) => seen.push_str(&String::from_utf8_lossy(&chunk)),
                None => panic!("the stream ended: {seen}"),
            }
        }
    };
    tokio::time::timeout(MARGIN, read)
        .await
        .expect("the change arrives");
}

#[tokio::test]
async fn an_oversized_demo_sign_in_is_413_as_everywhere() {
    let app = TestApp::spawn().await;
    let body = format!(
        r#"{{"account": "demo", "role": "agent", "x": "{}"}}"#,
        "a".repeat(3 << 20)
    );
    let response = app.post_demo_session_raw("application/json", &body).await;
    problem(response, StatusCode::PAYLOAD_TOO_LARGE).await;
}

#[tokio::test]
async fn missing_files_are_404_and_the_widgets_paths_still_get_the_page() {
    let app = TestApp::spawn().await;
    for path in [
        "/missing.js",
        "/social-widget-ffffffffffffffff_bg.wasm",
        "/social-widget-ffffffffffffffff.js",
        "/dev/missing.css",
    ] {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            header_of(&response, "cache-control"),
            Some("no-cache"),
            "{path}"
        );
        assert!(
            header_of(&response, "content-security-policy").is_some(),
            "{path}"
        );
    }
    for path in ["/conversations/3", "/some/deep/route"] {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(
            response.text().await.expect("body").contains(INLINE_SCRIPT),
            "{path}"
        );
    }
}

#[tokio::test]
async fn every_response_carries_a_content_security_policy() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let site_policy = header_of(&app.get("/", None).await, "content-security-policy")
        .expect("the page's CSP")
        .to_owned();
    // The widget's files: its own policy.
    for path in [WASM, CSS, "/missing.js"] {
        let response = app.get(path, None).await;
        assert_eq!(
            header_of(&response, "content-security-policy"),
            Some(site_policy.as_str()),
            "{path}"
        );
    }
    // Everything else: nothing may run, load or frame it.
    let answers = [
        app.conversations(&dana, None).await,
        app.get("/api/nope", None).await,
        app.me(None).await,
        app.healthz().await,
    ];
    for response in answers {
        assert_eq!(
            header_of(&response, "content-security-policy"),
            Some("default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
            "{}",
            response.url()
        );
    }
}

#[tokio::test]
async fn demo_mode_refuses_requests_naming_another_host() {
    let app = TestApp::spawn().await;
    let port = app.base.rsplit(':').next().expect("a port").to_owned();
    let evil_host = format!("rebound.example:{port}");
    let refused = [
        app.get_with("/api/demo/agents", "host", &evil_host).await,
        app.get_with("/api/demo/agents", "origin", "http://rebound.example")
            .await,
        app.get_with("/", "host", "10.0.0.7").await,
    ];
    for response in refused {
        let p = problem(response, StatusCode::FORBIDDEN).await;
        assert_eq!(p.kind, "urn:social-widget:demo-loopback-only");
    }
    for (name, value) in [
        ("host", format!("localhost:{port}")),
        ("host", format!("[::1]:{port}")),
        ("origin", format!("http://localhost:{port}")),
        ("origin", "http://127.0.0.1:8090".to_owned()),
    ] {
        let response = app.get_with("/api/demo/agents", name, &value).await;
        assert_eq!(response.status(), StatusCode::OK, "{name}: {value}");
    }
}

#[tokio::test]
async fn outside_demo_mode_any_host_is_served() {
    let app = TestApp::spawn_with(Options {
        demo: false,
        ..Options::default()
    })
    .await;
    let response = app.get_with("/healthz", "host", "social.example.com").await;
    assert_eq!(response.status(), StatusCode::OK);
}
