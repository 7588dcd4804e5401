//! Benchmark of server instances on one database (prints numbers; never fails on them).
//!
//!   bench_cluster ingest <facebook app secret> <base URL> [<second base URL>]
//!       signed Messenger deliveries at rising fixed rates, spread over the instances:
//!       p50/p99 at each rate and the highest with p99 <= 5 ms;
//!   bench_cluster crossing <first base URL> <second base URL>
//!       messages sent through the first, timed until a stream open on the second shows
//!       them sent: p50/p95/max.
//!
//! `scripts/bench-cluster` starts PostgreSQL and the instances and runs both.

use futures_util::StreamExt;
use hmac::{Hmac, Mac};
use reqwest::Client;
use serde_json::json;
use sha2::Sha256;
use social_api::events::{Change, EventTicket};
use social_api::{ConversationSummary, DemoSessionRequest, NewSession, Role, SendMessage, Space};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// The demo's Facebook Page (Acme Outdoor).
const PAGE_ID: &str = "104857600012345";
/// Seconds at each ingest rate.
const SECONDS: u64 = 5;
const RATES: [u32; 6] = [100, 200, 400, 800, 1600, 3200];
/// Messages timed from one instance to the other's stream.
const CROSSINGS: usize = 200;
const USAGE: &str =
    "usage: bench_cluster ingest <facebook app secret> <base URL> [<second base URL>]
       bench_cluster crossing <first base URL> <second base URL>";

type Failure = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let client = Client::builder().pool_max_idle_per_host(64).build()?;
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["ingest", secret, bases @ ..] if (1..=2).contains(&bases.len()) => {
            let bases: Vec<String> = bases.iter().map(|b| (*b).to_owned()).collect();
            println!(
                "{:<44} {:>10} {:>10} {:>10}",
                "webhook ingest", "p50 ms", "p99 ms", "2xx/total"
            );
            let mut best = None;
            for rate in RATES {
                let (p50, p99, ok, total) = ingest(&client, secret, &bases, rate).await;
                println!(
                    "{:<44} {p50:>10.2} {p99:>10.2} {:>10}",
                    format!("{rate}/s over {} instance(s)", bases.len()),
                    format!("{ok}/{total}")
                );
                if p99 <= 5.0 && ok == total {
                    best = Some(rate);
                }
            }
            match best {
                Some(rate) => println!("highest rate tried with p99 <= 5 ms: {rate}/s"),
                None => println!("no rate tried had p99 <= 5 ms"),
            }
        }
        ["crossing", a, b] => {
            let (p50, p95, max) = crossing(&client, a, b).await?;
            println!(
                "a send on one instance seen on the other's stream ({CROSSINGS} messages): \
                 p50 {p50:.1} ms, p95 {p95:.1} ms, max {max:.1} ms"
            );
        }
        _ => return Err(USAGE.into()),
    }
    Ok(())
}

/// One signed Messenger delivery of a new message.
fn delivery(secret: &str, n: u64) -> (String, String) {
    // Now: Messenger's reply window runs from the consumer's last message.
    let at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    // Fifty consumers, so most deliveries add to a conversation rather than start one.
    let psid = format!("62399000000{:05}", n % 50);
    let body = json!({
        "object": "page",
        "entry": [{
            "id": PAGE_ID,
            "time": at,
            "messaging": [{
                "sender": {"id": psid},
                "recipient": {"id": PAGE_ID},
                "timestamp": at,
                "message": {"mid": format!("m_bench_{}_{n}", std::process::id()), "text": format!("bench {n}")}
            }]
        }]
    })
    .to_string();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body.as_bytes());
    (
        body,
        format!("sha256={}", hex::encode(mac.finalize().into_bytes())),
    )
}

/// Deliveries at `rate` per second for [`SECONDS`], each on its own schedule (a slow
/// answer does not hold the next one back); p50, p99 in ms, 2xx and total.
async fn ingest(
    client: &Client,
    secret: &str,
    bases: &[String],
    rate: u32,
) -> (f64, f64, usize, usize) {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let total = u64::from(rate) * SECONDS;
    let interval = Duration::from_secs(1) / rate;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..total {
        let at = started + interval * u32::try_from(i).unwrap_or(u32::MAX);
        tokio::time::sleep_until(at.into()).await;
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (body, signature) = delivery(secret, n);
        let url = format!("{}/webhooks/facebook", bases[(n as usize) % bases.len()]);
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let sent = Instant::now();
            let ok = client
                .post(url)
                .header("content-type", "application/json")
                .header("x-hub-signature-256", signature)
                .body(body)
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            (sent.elapsed(), ok)
        }));
    }
    let mut latencies = Vec::new();
    let mut ok = 0;
    for task in tasks {
        if let Ok((took, fine)) = task.await {
            latencies.push(took.as_secs_f64() * 1000.0);
            ok += usize::from(fine);
        }
    }
    let count = latencies.len();
    (
        percentile(&mut latencies, 0.50),
        percentile(&mut latencies, 0.99),
        ok,
        count,
    )
}

fn percentile(values: &mut [f64], p: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let rank = ((values.len() as f64) * p).ceil() as usize;
    values[rank.clamp(1, values.len()) - 1]
}

/// Sends through `a` and times each message's arrival on a stream open on `b`: from the
/// send's start to the stream's change showing it sent; p50, p95, max in ms.
async fn crossing(client: &Client, a: &str, b: &str) -> Result<(f64, f64, f64), Failure> {
    let session: NewSession = client
        .post(format!("{a}/api/demo/session"))
        .json(&DemoSessionRequest {
            account: "demo".into(),
            role: Role::Agent,
        })
        .send()
        .await?
        .json()
        .await?;
    let token = session.token;
    let list: Vec<ConversationSummary> = client
        .get(format!("{b}/api/conversations?view=all"))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    let james = list
        .iter()
        .find(|c| c.consumer_name.starts_with("James"))
        .ok_or("the demo's James is not listed")?
        .id
        .0;
    let ticket: EventTicket = client
        .post(format!("{b}/api/events/ticket"))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    let stream = client
        .get(format!(
            "{b}/api/conversations/{james}/events?ticket={}",
            ticket.ticket
        ))
        .send()
        .await?;
    let (sender, mut arrivals) = mpsc::unbounded_channel::<(String, Instant)>();
    tokio::spawn(async move {
        let mut bytes = stream.bytes_stream();
        let mut buffer = String::new();
        while let Some(Ok(chunk)) = bytes.next().await {
            let now = Instant::now();
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buffer.find("\n\n") {
                let frame: String = buffer.drain(..end + 2).collect();
                let data: String = frame
                    .lines()
                    .filter_map(|l| l.strip_prefix("data:"))
                    .map(|d| d.strip_prefix(' ').unwrap_or(d))
                    .collect();
                if let Ok(Change::Message(message)) = serde_json::from_str::<Change>(&data) {
                    if message.delivery.state() == social_api::DeliveryState::Sent
                        && sender.send((message.text, now)).is_err()
                    {
                        return;
                    }
                }
            }
        }
    });
    let mut latencies = Vec::new();
    for i in 0..CROSSINGS {
        let text = format!("crossing {} {i}", std::process::id());
        let start = Instant::now();
        let sent = client
            .post(format!("{a}/api/conversations/{james}/messages"))
            .bearer_auth(&token)
            .header(
                "idempotency-key",
                format!("crossing-{}-{i}", std::process::id()),
            )
            .json(&SendMessage {
                text: text.clone(),
                space: Space::Private,
                reply_to: None,
                mention: false,
                attachments: Vec::new(),
            })
            .send()
            .await?;
        if !sent.status().is_success() {
            return Err(format!("a send answered {}", sent.status()).into());
        }
        loop {
            let (seen, at) = tokio::time::timeout(Duration::from_secs(10), arrivals.recv())
                .await?
                .ok_or("the stream ended")?;
            if seen == text {
                latencies.push(at.duration_since(start).as_secs_f64() * 1000.0);
                break;
            }
        }
    }
    let max = latencies.iter().copied().fold(0.0, f64::max);
    Ok((
        percentile(&mut latencies, 0.50),
        percentile(&mut latencies, 0.95),
        max,
    ))
}
