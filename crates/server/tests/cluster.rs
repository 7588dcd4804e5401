//! Two `social-server` processes on one PostgreSQL behave as one: a key repeated on the
//! other instance gets the first one's answer, a webhook delivered to both is applied once,
//! a stream on one instance sees what the other did (in order, none twice, across a
//! reconnect to the other with `Last-Event-ID`), a job runs on one instance at a time, and
//! an instance killed in the middle of a burst loses nothing.
//!
//! Needs `SOCIAL_TEST_POSTGRES`, the admin URL of a running cluster (`scripts/test` starts
//! one with `scripts/postgres`); without it each test says so and passes.

use futures_util::StreamExt;
use hmac::{Hmac, Mac};
use reqwest::{Client, StatusCode};
use serde_json::json;
use sha2::Sha256;
use social_api::events::{Change, EventTicket};
use social_api::{DemoSessionRequest, NewSession, Role, SendMessage, Space};
use social_server::platforms::RecordedCall;
use social_server::store::Job;
use sqlx::{Connection, PgConnection};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

#[path = "support/process.rs"]
mod support_process;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use support_process::{free_port, kill, server_command, start_and_wait};
use tokio::sync::mpsc;

const APP_SECRET: &str = "cluster-test-facebook-app-secret";
/// The demo's Facebook Page (Acme Outdoor).
const PAGE_ID: &str = "104857600012345";

/// The cluster's admin URL, or `None` (and a line saying the test is skipped).
fn admin_url(test: &str) -> Option<String> {
    let url = std::env::var("SOCIAL_TEST_POSTGRES").ok();
    if url.is_none() {
        eprintln!(
            "{test}: skipped, SOCIAL_TEST_POSTGRES names no PostgreSQL (scripts/test starts one)"
        );
    }
    url
}

/// A new, empty database on the cluster; its URL.
async fn fresh_database(admin: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "cluster_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    let mut connection = PgConnection::connect(admin).await.expect("the cluster");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut connection)
        .await
        .expect("a database");
    let (base, _) = admin.rsplit_once('/').expect("a URL with a database");
    format!("{base}/{name}")
}

/// One server process, restartable on its port.
struct Instance {
    name: &'static str,
    port: u16,
    database_url: String,
    dir: PathBuf,
    child: Option<Child>,
}

impl Instance {
    async fn start(name: &'static str, database_url: &str, dir: &Path) -> Self {
        let mut instance = Instance {
            name,
            port: free_port(),
            database_url: database_url.to_owned(),
            dir: dir.to_owned(),
            child: None,
        };
        instance.restart().await;
        instance
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn calls_file(&self) -> PathBuf {
        self.dir.join(format!("calls-{}.jsonl", self.name))
    }

    async fn restart(&mut self) {
        std::fs::create_dir_all(self.dir.join("dist")).expect("dist");
        let log = std::fs::File::create(self.dir.join(format!("{}.log", self.name))).expect("log");
        let mut command = server_command();
        command
            .args(["--demo", "--host", "127.0.0.1", "--port"])
            .arg(self.port.to_string())
            .arg("--database-url")
            .arg(&self.database_url)
            .arg("--static-dir")
            .arg(self.dir.join("dist"))
            .arg("--record-calls")
            .arg(self.calls_file())
            .args(["--facebook-app-secret", APP_SECRET])
            .args(["--facebook-verify-token", "cluster-verify-token"])
            .args(["--sweep-interval", "1s", "--sweep-after", "4s"])
            .args(["--idempotency-claim-timeout", "5s"])
            .args(["--platform-timeout", "1s", "--platform-max-wait", "1s"])
            .env("RUST_LOG", "social_server=warn")
            .stdout(Stdio::null())
            .stderr(log);
        let (child, up) = start_and_wait(command, &self.base()).await;
        self.child = Some(child);
        if up {
            return;
        }
        let log = std::fs::read_to_string(self.dir.join(format!("{}.log", self.name)));
        panic!("instance {} did not come up: {log:?}", self.name);
    }

    fn kill(&mut self) {
        kill(&mut self.child);
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
    }
}

async fn json<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> T {
    let status = response.status();
    let text = response.text().await.expect("a body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{status} {e}: {text}"))
}

async fn session(client: &Client, base: &str) -> String {
    let session: NewSession = json(
        client
            .post(format!("{base}/api/demo/session"))
            .json(&DemoSessionRequest {
                account: "demo".into(),
                // The conversations the tests start are nobody's: an admin acts in them.
                role: Role::Admin,
            })
            .send()
            .await
            .expect("a session"),
    )
    .await;
    session.token
}

/// POSTs a Messenger message of `psid` to the demo Page, signed as Meta signs it.
async fn deliver_dm(client: &Client, base: &str, psid: &str, mid: &str, text: &str) {
    // Now: Messenger's reply window runs from the consumer's last message.
    let at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let body = json!({
        "object": "page",
        "entry": [{
            "id": PAGE_ID,
            "time": at,
            "messaging": [{
                "sender": {"id": psid},
                "recipient": {"id": PAGE_ID},
                "timestamp": at,
                "message": {"mid": mid, "text": text}
            }]
        }]
    })
    .to_string();
    let mut mac = Hmac::<Sha256>::new_from_slice(APP_SECRET.as_bytes()).expect("a key");
    mac.update(body.as_bytes());
    let signature = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    let response = client
        .post(format!("{base}/webhooks/facebook"))
        .header("content-type", "application/json")
        .header("x-hub-signature-256", signature)
        .body(body)
        .send()
        .await
        .expect("a delivery");
    assert_eq!(response.status(), StatusCode::OK, "delivery to {base}");
}

/// The conversation of the consumer `psid`, once an instance applied their first message.
async fn conversation_of(db: &mut PgConnection, psid: &str) -> i64 {
    for _ in 0..400 {
        let found: Option<(i64,)> = sqlx::query_as(
            "SELECT c.id FROM conversations c JOIN consumers co ON co.id = c.consumer_id
             WHERE co.platform_id = $1",
        )
        .bind(psid)
        .fetch_optional(&mut *db)
        .await
        .expect("conversations");
        if let Some((id,)) = found {
            return id;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{psid}'s conversation never appeared");
}

/// One `change` of a stream.
#[derive(Debug, Clone)]
struct Seen {
    id: i64,
    change: Change,
}

/// Opens the stream of `conversation` on `base` and forwards its changes; a `reset` fails
/// the test (nothing here should make a stream read again).
async fn open_stream(
    client: &Client,
    base: &str,
    token: &str,
    conversation: i64,
    last_event_id: Option<i64>,
) -> (mpsc::UnboundedReceiver<Seen>, tokio::task::AbortHandle) {
    let ticket: EventTicket = json(
        client
            .post(format!("{base}/api/events/ticket"))
            .bearer_auth(token)
            .send()
            .await
            .expect("a ticket"),
    )
    .await;
    let mut request = client.get(format!(
        "{base}/api/conversations/{conversation}/events?ticket={}",
        ticket.ticket
    ));
    if let Some(id) = last_event_id {
        request = request.header("last-event-id", id.to_string());
    }
    let response = request.send().await.expect("a stream");
    assert_eq!(response.status(), StatusCode::OK);
    let (sender, receiver) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        let mut bytes = response.bytes_stream();
        let mut buffer = String::new();
        while let Some(Ok(chunk)) = bytes.next().await {
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buffer.find("\n\n") {
                let frame: String = buffer.drain(..end + 2).collect();
                let (mut id, mut event, mut data) = (None, None, String::new());
                for line in frame.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        id = v.trim().parse::<i64>().ok();
                    } else if let Some(v) = line.strip_prefix("event:") {
                        event = Some(v.trim().to_owned());
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.strip_prefix(' ').unwrap_or(v));
                    }
                }
                match event.as_deref() {
                    Some("change") => {
                        let change = serde_json::from_str(&data).expect("a change");
                        let id = id.expect("a change has an id");
                        if sender.send(Seen { id, change }).is_err() {
                            return;
                        }
                    }
                    Some(other) => panic!("unexpected {other} event: {data}"),
                    None => {}
                }
            }
        }
    });
    (receiver, task.abort_handle())
}

/// Reads `stream` until `done` says the seen changes are complete.
async fn read_until(
    stream: &mut mpsc::UnboundedReceiver<Seen>,
    seen: &mut Vec<Seen>,
    done: impl Fn(&[Seen]) -> bool,
) {
    let waited = tokio::time::timeout(Duration::from_secs(60), async {
        while !done(seen) {
            match stream.recv().await {
                Some(next) => seen.push(next),
                None => panic!("the stream ended"),
            }
        }
    })
    .await;
    assert!(
        waited.is_ok(),
        "the stream did not bring everything: {seen:#?}"
    );
}

fn texts(seen: &[Seen]) -> HashSet<String> {
    seen.iter()
        .filter_map(|s| match &s.change {
            Change::Message(m) if m.delivery.state() != social_api::DeliveryState::Pending => {
                Some(m.text.clone())
            }
            _ => None,
        })
        .collect()
}

/// Sends `text` in the private space of `conversation` on `base` under `key`, until a
/// final answer (a 409 means the first is still being handled).
async fn send(
    client: &Client,
    base: &str,
    token: &str,
    conversation: i64,
    key: &str,
    text: &str,
) -> Result<(StatusCode, String, bool), reqwest::Error> {
    loop {
        let response = client
            .post(format!("{base}/api/conversations/{conversation}/messages"))
            .bearer_auth(token)
            .header("idempotency-key", key)
            .json(&SendMessage {
                text: text.to_owned(),
                space: Space::Private,
                reply_to: None,
                mention: false,
                attachments: Vec::new(),
            })
            .send()
            .await?;
        let status = response.status();
        let replayed = response
            .headers()
            .get("idempotent-replayed")
            .is_some_and(|v| v == "true");
        let body = response.text().await?;
        if status != StatusCode::CONFLICT {
            return Ok((status, body, replayed));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn calls(instances: &[&Instance]) -> Vec<RecordedCall> {
    instances
        .iter()
        .flat_map(|i| {
            std::fs::read_to_string(i.calls_file())
                .unwrap_or_default()
                .lines()
                .filter_map(|line| serde_json::from_str(line).ok())
                .collect::<Vec<RecordedCall>>()
        })
        .collect()
}

/// Event ids strictly increasing: in order, none twice.
fn assert_in_order(seen: &[Seen]) {
    for pair in seen.windows(2) {
        assert!(
            pair[0].id < pair[1].id,
            "event {} came after {}: {seen:#?}",
            pair[1].id,
            pair[0].id
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_webhooks_and_streams_span_two_instances() {
    let Some(admin) = admin_url("keys_webhooks_and_streams_span_two_instances") else {
        return;
    };
    let url = fresh_database(&admin).await;
    let mut db = PgConnection::connect(&url).await.expect("the database");
    let dir = tempfile::tempdir().expect("temp dir");
    // One after the other: the first migrates and seeds, the second finds it done.
    let a = Instance::start("a", &url, dir.path()).await;
    let b = Instance::start("b", &url, dir.path()).await;
    let (a_base, b_base) = (a.base(), b.base());
    let client = Client::new();
    let token = session(&client, &a_base).await;

    // Someone new writes, delivered to both: one conversation, one message.
    let psid = "6230000000000001";
    deliver_dm(&client, &a_base, psid, "m_cluster_0", "hello 0").await;
    deliver_dm(&client, &b_base, psid, "m_cluster_0", "hello 0").await;
    let conversation = conversation_of(&mut db, psid).await;

    // A stream on B, then a burst spread over both instances.
    let (mut stream, first_task) = open_stream(&client, &b_base, &token, conversation, None).await;
    let mut expected = HashSet::new();
    let mut seen = Vec::new();
    let mut replays = 0;
    for round in 1..=20 {
        let (here, there) = if round % 2 == 0 {
            (&a_base, &b_base)
        } else {
            (&b_base, &a_base)
        };
        let text = format!("reply {round}");
        let key = format!("cluster-key-{round}");
        let (status, body, replayed) = send(&client, here, &token, conversation, &key, &text)
            .await
            .expect("an answer");
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert!(!replayed);
        if round % 3 == 0 {
            // The same key on the other instance: the first answer, nothing sent again.
            let (again, again_body, replayed) =
                send(&client, there, &token, conversation, &key, &text)
                    .await
                    .expect("an answer");
            assert_eq!((again, replayed), (status, true));
            assert_eq!(again_body, body);
            replays += 1;
        }
        expected.insert(text);
        let mid = format!("m_cluster_{round}");
        let text = format!("hello {round}");
        deliver_dm(&client, here, psid, &mid, &text).await;
        deliver_dm(&client, there, psid, &mid, &text).await;
        expected.insert(text);
        if round == 10 {
            // Half way: everything so far on B's stream, then B's stream is dropped.
            let wanted = expected.clone();
            read_until(&mut stream, &mut seen, |s| texts(s).is_superset(&wanted)).await;
            first_task.abort();
        }
    }
    assert_eq!(replays, 6);
    // The rest on a stream of A, resumed from the last id B's stream gave.
    let last = seen.last().expect("changes seen").id;
    let (mut resumed, _task) =
        open_stream(&client, &a_base, &token, conversation, Some(last)).await;
    let wanted = expected.clone();
    read_until(&mut resumed, &mut seen, |s| texts(s).is_superset(&wanted)).await;
    assert_in_order(&seen);

    // Each message once in the database, each send once on the platform.
    let stored: Vec<(String, i64)> = sqlx::query_as(
        "SELECT text, COUNT(*) FROM messages WHERE conversation_id = $1 GROUP BY text",
    )
    .bind(conversation)
    .fetch_all(&mut db)
    .await
    .expect("messages");
    let stored: HashMap<String, i64> = stored.into_iter().collect();
    for text in &expected {
        assert_eq!(stored.get(text), Some(&1), "{text} stored once: {stored:?}");
    }
    let mut sent: HashMap<String, usize> = HashMap::new();
    for call in calls(&[&a, &b]) {
        *sent.entry(call.text.unwrap_or_default()).or_default() += 1;
    }
    for round in 1..=20 {
        let text = format!("reply {round}");
        assert_eq!(sent.get(&text), Some(&1), "{text} sent once: {sent:?}");
    }
}

#[tokio::test]
async fn a_job_runs_on_one_instance_at_a_time() {
    let Some(admin) = admin_url("a_job_runs_on_one_instance_at_a_time") else {
        return;
    };
    let url = fresh_database(&admin).await;
    let first = social_server::store::connect(&url).await.expect("a store");
    let second = social_server::store::connect(&url).await.expect("a store");

    let lease = first.job_lease(Job::Sweeper).await.expect("asked");
    let lease = lease.expect("the first takes the sweeper");
    assert!(second
        .job_lease(Job::Sweeper)
        .await
        .expect("asked")
        .is_none());
    // Another job is another lease.
    let purge = second.job_lease(Job::Purge).await.expect("asked");
    assert!(purge.is_some());
    lease.release().await;
    let taken = second.job_lease(Job::Sweeper).await.expect("asked");
    assert!(taken.is_some(), "free once released");

    // A lease whose holder vanished without releasing (a killed process) is free again.
    drop(taken);
    let mut freed = false;
    for _ in 0..100 {
        if let Some(lease) = first.job_lease(Job::Sweeper).await.expect("asked") {
            lease.release().await;
            freed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(freed, "a dropped lease is freed with its connection");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_killed_in_a_burst_loses_nothing() {
    let Some(admin) = admin_url("an_instance_killed_in_a_burst_loses_nothing") else {
        return;
    };
    let url = fresh_database(&admin).await;
    let mut db = PgConnection::connect(&url).await.expect("the database");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut a = Instance::start("a", &url, dir.path()).await;
    let b = Instance::start("b", &url, dir.path()).await;
    let (a_base, b_base) = (a.base(), b.base());
    let client = Client::new();
    let token = session(&client, &b_base).await;
    let psid = "6230000000000002";
    deliver_dm(&client, &b_base, psid, "m_burst_0", "anyone there?").await;
    let conversation = conversation_of(&mut db, psid).await;

    // Four clients, each sending through A first and, when A does not answer, through B
    // with the same key (what a load balancer does); A is killed a third of the way in.
    const EACH: usize = 15;
    let sent = AtomicUsize::new(0);
    let clients = (0..4).map(|c| {
        let (client, token, a_base, b_base, sent) = (&client, &token, &a_base, &b_base, &sent);
        async move {
            let mut answered = Vec::new();
            for i in 0..EACH {
                let text = format!("burst {c}-{i}");
                let key = format!("burst-key-{c}-{i}");
                let first = if i % 2 == 0 { a_base } else { b_base };
                let answer = match send(client, first, token, conversation, &key, &text).await {
                    Ok(answer) => answer,
                    Err(_) => send(client, b_base, token, conversation, &key, &text)
                        .await
                        .expect("B answers"),
                };
                sent.fetch_add(1, Ordering::Relaxed);
                answered.push((text, answer.0));
            }
            answered
        }
    });
    let burst = futures_util::future::join_all(clients);
    let kill = async {
        while sent.load(Ordering::Relaxed) < 4 * EACH / 3 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        a.kill();
    };
    let (answered, ()) = tokio::join!(burst, kill);
    a.restart().await;

    // The sweeper (on whichever instance holds its lease) settles what A left pending.
    let mut pending = i64::MAX;
    for _ in 0..300 {
        let (count,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM messages WHERE delivery = 'pending' AND conversation_id = $1",
        )
        .bind(conversation)
        .fetch_one(&mut db)
        .await
        .expect("pending");
        pending = count;
        if pending == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(pending, 0, "nothing left pending");
    let (claims,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM idempotency_keys WHERE response_status IS NULL")
            .fetch_one(&mut db)
            .await
            .expect("claims");
    assert_eq!(claims, 0, "no claim left in progress");

    let stored: Vec<(String, i64)> = sqlx::query_as(
        "SELECT text, COUNT(*) FROM messages WHERE conversation_id = $1 GROUP BY text",
    )
    .bind(conversation)
    .fetch_all(&mut db)
    .await
    .expect("messages");
    let stored: HashMap<String, i64> = stored.into_iter().collect();
    let mut on_platform: HashMap<String, usize> = HashMap::new();
    for call in calls(&[&a, &b]) {
        *on_platform
            .entry(call.text.unwrap_or_default())
            .or_default() += 1;
    }
    let mut ok = 0;
    for (text, status) in answered.into_iter().flatten() {
        if status.is_success() {
            ok += 1;
            assert_eq!(stored.get(&text), Some(&1), "{text} stored once");
            assert_eq!(on_platform.get(&text), Some(&1), "{text} sent once");
        } else {
            assert!(
                stored.get(&text).is_none_or(|n| *n <= 1),
                "{text} at most once"
            );
            assert!(
                on_platform.get(&text).is_none_or(|n| *n <= 1),
                "{text} at most once"
            );
        }
    }
    assert!(ok >= 4 * EACH / 2, "most sends answered 2xx: {ok}");
}
