//! A 2,000-message conversation read a page at a time (prints numbers, asserts nothing):
//! the real router in this process on a temporary SQLite file with the demo data, one of
//! whose conversations gets 2,000 more messages. Reports p50/p99 of
//! `GET /api/conversations/{id}` (its newest 50 messages and the facts) over HTTP, and,
//! in process, the store's work and JSON of that page against the whole transcript, which
//! is what the endpoint read before pagination. Then the account grows by 2,000
//! conversations of 50 messages each, and reports p50/p99 of the list's first page
//! (`GET /api/conversations`), which must not cost the account's whole history.
//!
//! `cargo run --release -p social-server --example bench_pages [-- --requests 300]`

use std::time::{Duration, Instant};

use clap::Parser;
use social_api::{ConversationSummary, Role};
use social_server::app::{router, AppState};
use social_server::config::Config;
use social_server::store::SqliteStore;

#[derive(Parser)]
struct Args {
    /// Requests (and in-process reads) per measure.
    #[arg(long, default_value_t = 300)]
    requests: u32,
    /// Messages added to the conversation.
    #[arg(long, default_value_t = 2000)]
    messages: u32,
    /// Conversations added to the account before the list is measured.
    #[arg(long, default_value_t = 2000)]
    conversations: u32,
    /// Messages in each added conversation.
    #[arg(long, default_value_t = 50)]
    conversation_messages: u32,
}

/// p50/p99 of `requests` GETs of `url`, over HTTP.
async fn measure_get(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    requests: u32,
) -> Vec<Duration> {
    let mut times = Vec::new();
    for _ in 0..requests {
        let started = Instant::now();
        let body = http
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .expect("GET")
            .bytes()
            .await
            .expect("body");
        times.push(started.elapsed());
        assert!(!body.is_empty());
    }
    times
}

fn report(what: &str, mut times: Vec<Duration>) {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{what:<58} p50 {:>8.2} ms   p99 {:>8.2} ms",
        at(0.50).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3
    );
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let config = Config::try_parse_from([
        "social-server",
        "--demo",
        "--port",
        &port.to_string(),
        "--database-url",
        &database_url,
        "--static-dir",
        &dir.path().join("dist").display().to_string(),
    ])
    .expect("config");
    let state = AppState::from_config(&config).await.expect("state");
    let app = router(state.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let token: serde_json::Value = http
        .post(format!("{base}/api/demo/session"))
        .json(&serde_json::json!({"account": "demo", "role": "agent"}))
        .send()
        .await
        .expect("demo session")
        .json()
        .await
        .expect("token");
    let token = token["token"].as_str().expect("a token").to_owned();
    let rows: Vec<ConversationSummary> = http
        .get(format!("{base}/api/conversations?view=all"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("rows");
    let id = rows.first().expect("a conversation").id;

    let pool = SqliteStore::connect(&database_url)
        .await
        .expect("second connection")
        .pool()
        .clone();
    let mut tx = pool.begin().await.expect("transaction");
    for i in 0..i64::from(args.messages) {
        sqlx::query(
            "INSERT INTO messages (conversation_id, platform_id, author_kind, space, text, sent_at)
             VALUES (?, ?, 'consumer', 'public', ?, ?)",
        )
        .bind(id.0)
        .bind(format!("bench-{i}"))
        .bind(format!(
            "Comment {i}: does the tent come with pegs, and are they steel or aluminium?"
        ))
        .bind(1_600_000_000_000 + i * 1000)
        .execute(&mut *tx)
        .await
        .expect("a message");
    }
    tx.commit().await.expect("commit");
    println!(
        "bench-pages: conversation {id} with {} messages, {} requests each",
        args.messages, args.requests
    );

    let url = format!("{base}/api/conversations/{id}");
    let times = measure_get(&http, &url, &token, args.requests).await;
    report(
        "HTTP GET /api/conversations/{id} (newest 50 + facts)",
        times,
    );

    let session = state
        .store
        .human_agent("demo", Role::Agent)
        .await
        .expect("store")
        .expect("the demo agent");
    let mut page = Vec::new();
    let mut whole = Vec::new();
    for _ in 0..args.requests {
        let started = Instant::now();
        let c = state
            .store
            .conversation_page(&session, id, 50, &[])
            .await
            .expect("page")
            .expect("found");
        let json = serde_json::to_vec(&c).expect("json");
        page.push(started.elapsed());
        assert!(!json.is_empty());
        let started = Instant::now();
        let c = state
            .store
            .conversation(&session, id)
            .await
            .expect("whole")
            .expect("found");
        let json = serde_json::to_vec(&c).expect("json");
        whole.push(started.elapsed());
        assert!(!json.is_empty());
    }
    report("in process: newest 50 + facts, read and JSON (after)", page);
    report(
        "in process: whole transcript, read and JSON (before)",
        whole,
    );

    // The list, on an account of many conversations with some history each: copies of the
    // first conversation (same channel, consumer and agent), messages spread over time.
    let mut tx = pool.begin().await.expect("transaction");
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
         INSERT INTO conversations (account_id, brand_channel_id, consumer_id, assigned_agent_id)
         SELECT c.account_id, c.brand_channel_id, c.consumer_id, c.assigned_agent_id
         FROM n, conversations c WHERE c.id = ?2",
    )
    .bind(i64::from(args.conversations))
    .bind(id.0)
    .execute(&mut *tx)
    .await
    .expect("conversations");
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
         INSERT INTO messages (conversation_id, author_kind, space, text, sent_at)
         SELECT c.id, 'consumer', 'private', 'Message ' || n.i || ': is it in stock?',
                1500000000000 + n.i * 60000 + c.id
         FROM n, conversations c
         WHERE c.account_id = (SELECT account_id FROM conversations WHERE id = ?2) AND c.id > ?2",
    )
    .bind(i64::from(args.conversation_messages))
    .bind(id.0)
    .execute(&mut *tx)
    .await
    .expect("messages");
    tx.commit().await.expect("commit");
    println!(
        "bench-pages: the account grew by {} conversations of {} messages",
        args.conversations, args.conversation_messages
    );
    for view in ["all", "mine"] {
        let url = format!("{base}/api/conversations?view={view}");
        let times = measure_get(&http, &url, &token, args.requests).await;
        report(
            &format!("HTTP GET /api/conversations?view={view} (first 50)"),
            times,
        );
    }
}
