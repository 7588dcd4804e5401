//! Webhook ingest under load (prints numbers, asserts nothing): the real router and applier
//! in this process on a temporary SQLite file, fed signed Messenger deliveries at a fixed
//! rate with a share of duplicates (the platforms' retries). Reports the latency to the
//! 200, then whether every distinct message was applied exactly once, then a short step-up
//! search (on a fresh database) for the highest rate whose p99 stays within the target.
//!
//! `scripts/bench-webhooks [--rate 2000] [--seconds 30] [--duplicates 20] [--no-search]`

use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;
use social_server::app::{router, AppState};
use social_server::config::Config;
use social_server::ingest;
use social_server::routes::webhooks::META_SIGNATURE;
use social_server::store::SqliteStore;
use sqlx::SqlitePool;
use tokio::task::JoinSet;

const APP_SECRET: &str = "bench-app-secret";
const PAGE: &str = "910000000000001";
/// Distinct consumers writing: conversations are reused, as in real traffic.
const CONSUMERS: u32 = 500;

#[derive(Parser)]
struct Args {
    /// Deliveries per second of the main run.
    #[arg(long, default_value_t = 2000)]
    rate: u32,
    /// Length of the main run.
    #[arg(long, default_value_t = 30)]
    seconds: u32,
    /// Share of deliveries that repeat an earlier one, in percent.
    #[arg(long, default_value_t = 20)]
    duplicates: u32,
    /// The p99 latency the step-up search must hold, in milliseconds.
    #[arg(long, default_value_t = 5.0)]
    target_p99_ms: f64,
    /// Length of each step of the search.
    #[arg(long, default_value_t = 5)]
    step_seconds: u32,
    /// Skip the step-up search.
    #[arg(long)]
    no_search: bool,
    /// Start the applier only after the main run: the latency of keeping deliveries alone,
    /// without the applier's writes in between (then no search).
    #[arg(long)]
    apply_after: bool,
}

struct Server {
    base: String,
    state: AppState,
    pool: SqlitePool,
    _dir: tempfile::TempDir,
}

async fn start(applier: bool) -> Server {
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
        "--port",
        &port.to_string(),
        "--database-url",
        &database_url,
        "--static-dir",
        &dir.path().join("dist").display().to_string(),
        "--facebook-app-secret",
        APP_SECRET,
        "--facebook-verify-token",
        "bench-verify-token",
    ])
    .expect("config");
    let state = AppState::from_config(&config).await.expect("state");
    if applier {
        ingest::spawn(state.clone());
    }
    let app = router(state.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let pool = SqliteStore::connect(&database_url)
        .await
        .expect("second connection")
        .pool()
        .clone();
    sqlx::query("INSERT INTO accounts (slug, name) VALUES ('bench', 'Bench Brand')")
        .execute(&pool)
        .await
        .expect("account");
    sqlx::query(
        "INSERT INTO brand_channels (account_id, source, platform_id, name)
         SELECT id, 'facebook', ?, 'Bench Page' FROM accounts WHERE slug = 'bench'",
    )
    .bind(PAGE)
    .execute(&pool)
    .await
    .expect("channel");
    Server {
        base: format!("http://127.0.0.1:{port}"),
        state,
        pool,
        _dir: dir,
    }
}

/// A signed Messenger delivery of message `n` (its `mid` is unique to `n`).
fn delivery(run: &str, n: u64) -> (Vec<u8>, String) {
    let at = 1_760_000_000_000 + i64::try_from(n).unwrap_or(0);
    let psid = 1_000_000 + n % u64::from(CONSUMERS);
    let body = serde_json::json!({
        "object": "page",
        "entry": [{
            "id": PAGE,
            "time": at,
            "messaging": [{
                "sender": {"id": psid.to_string()},
                "recipient": {"id": PAGE},
                "timestamp": at,
                "message": {"mid": format!("m_bench_{run}_{n}"), "text": format!("message {n} of the benchmark")}
            }]
        }]
    })
    .to_string()
    .into_bytes();
    let mut mac = Hmac::<Sha256>::new_from_slice(APP_SECRET.as_bytes()).expect("any key length");
    mac.update(&body);
    let signature = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    (body, signature)
}

/// What one run measured.
struct Run {
    sent: usize,
    distinct: u64,
    failed: usize,
    latencies: Vec<Duration>,
    elapsed: Duration,
}

impl Run {
    fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * (self.latencies.len() - 1) as f64).round() as usize;
        self.latencies[rank.min(self.latencies.len() - 1)]
    }

    fn achieved(&self) -> f64 {
        self.sent as f64 / self.elapsed.as_secs_f64()
    }

    fn print(&self, label: &str, rate: u32) {
        println!(
            "{label}: target {rate}/s, sent {} in {:.1} s ({:.0}/s), {} distinct, {} not 200; \
             latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            self.sent,
            self.elapsed.as_secs_f64(),
            self.achieved(),
            self.distinct,
            self.failed,
            ms(self.percentile(50.0)),
            ms(self.percentile(99.0)),
            ms(self.latencies.last().copied().unwrap_or_default()),
        );
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Sends `rate` deliveries a second for `seconds`, open loop (each at its time, whether or
/// not the earlier ones were answered), `duplicates`% of them repeats of earlier ones.
async fn run(server: &Server, run: &str, rate: u32, seconds: u32, duplicates: u32) -> Run {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1024)
        .build()
        .expect("client");
    let total = u64::from(rate) * u64::from(seconds);
    let interval = Duration::from_secs_f64(1.0 / f64::from(rate.max(1)));
    let mut tasks = JoinSet::new();
    let mut rng = rand::rng();
    let mut distinct: u64 = 0;
    let url: Arc<str> = format!("{}/webhooks/facebook", server.base).into();
    let start = Instant::now();
    for i in 0..total {
        let due = start + interval.mul_f64(i as f64);
        tokio::time::sleep_until(due.into()).await;
        let n = if distinct > 0 && rng.random_range(0..100) < duplicates {
            rng.random_range(0..distinct)
        } else {
            distinct += 1;
            distinct - 1
        };
        let (body, signature) = delivery(run, n);
        let client = client.clone();
        let url = url.clone();
        tasks.spawn(async move {
            let sent = Instant::now();
            let answer = client
                .post(&*url)
                .header(META_SIGNATURE, signature)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await;
            let ok = matches!(&answer, Ok(response) if response.status() == 200);
            (sent.elapsed(), ok)
        });
    }
    let mut latencies = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
    let mut failed = 0;
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok((latency, true)) => latencies.push(latency),
            _ => failed += 1,
        }
    }
    let elapsed = start.elapsed();
    latencies.sort_unstable();
    Run {
        sent: usize::try_from(total).unwrap_or(usize::MAX),
        distinct,
        failed,
        latencies,
        elapsed,
    }
}

/// Waits for the applier to take every kept event; how long that took.
async fn drained(server: &Server) -> Duration {
    let start = Instant::now();
    loop {
        let waiting: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM webhook_events WHERE state = 'received'")
                .fetch_one(&server.pool)
                .await
                .expect("count");
        if waiting == 0 || start.elapsed() > Duration::from_secs(300) {
            return start.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Messages of run `run` applied, and how many of them more than once.
async fn applied(server: &Server, run: &str) -> (i64, i64, i64) {
    let prefix = format!("m_bench_{run}_%");
    let (rows, distinct): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT platform_id) FROM messages WHERE platform_id LIKE ?",
    )
    .bind(&prefix)
    .fetch_one(&server.pool)
    .await
    .expect("messages");
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhook_events WHERE key LIKE ?")
        .bind(format!("%m_bench_{run}_%"))
        .fetch_one(&server.pool)
        .await
        .expect("events");
    (rows, distinct, kept)
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    println!(
        "bench-webhooks: in-process server and client on {} cores (shared machine: numbers vary \
         with what else runs), SQLite in a temporary folder",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let server = start(!args.apply_after).await;

    let main = run(&server, "main", args.rate, args.seconds, args.duplicates).await;
    main.print("main run", args.rate);
    if args.apply_after {
        println!("(the applier starts now)");
        ingest::spawn(server.state.clone());
    }
    let waited = drained(&server).await;
    let (rows, distinct_rows, kept) = applied(&server, "main").await;
    let distinct = i64::try_from(main.distinct).unwrap_or(i64::MAX);
    println!(
        "applied: {distinct_rows} of {distinct} distinct messages ({} lost, {} doubled), {kept} \
         events kept; the applier finished {:.1} s after the last delivery",
        distinct - distinct_rows,
        rows - distinct_rows,
        waited.as_secs_f64()
    );

    if args.no_search || args.apply_after {
        return;
    }
    // A server of its own: the main run's rows would make every step slower.
    let server = start(true).await;
    // Steps up until the server clearly cannot keep up; on a shared machine one step can
    // miss by noise, so a single miss does not end the search.
    let mut held = None;
    for (step, rate) in [250, 500, 1000, 1500, 2000, 3000, 4000, 6000, 8000]
        .into_iter()
        .enumerate()
    {
        let label = format!("step{step}");
        let result = run(&server, &label, rate, args.step_seconds, args.duplicates).await;
        result.print(&format!("search {rate}/s"), rate);
        drained(&server).await;
        let p99 = ms(result.percentile(99.0));
        let kept_up = result.achieved() >= f64::from(rate) * 0.9 && result.failed == 0;
        if p99 <= args.target_p99_ms && kept_up {
            held = Some(rate);
        }
        if !kept_up || p99 > 4.0 * args.target_p99_ms {
            break;
        }
    }
    match held {
        Some(rate) => println!(
            "highest rate held with p99 <= {} ms: {rate}/s",
            args.target_p99_ms
        ),
        None => println!("no step held p99 <= {} ms", args.target_p99_ms),
    }
}
