//! The fault test: 1,000 action requests (sends, likes and unlikes, Link to DM
//! invitations) from 20 concurrent clients, some repeating their key, some hanging up
//! early, while the real `social-server` process is killed with SIGKILL three times and
//! restarted on the same SQLite file, and SQLite triggers make the store fail now and then.
//!
//! The platform is the demo's recording one with `--record-calls`: each call is appended
//! to a JSONL file before it is answered and read back at start, so it outlives the
//! process and this test reads every call made. Clients behave as the widget does: an
//! attempt without an answer, or a 409, is repeated with the same key until a final
//! answer comes.
//!
//! Afterwards: every request whose 2xx a client saw is in the database once; on the
//! platform once if it was delivered, never twice; nothing is left pending past the
//! sweeper's bound; no idempotency claim is stuck. The counts are printed.
//!
//! SQLite only, whatever `SOCIAL_TEST_POSTGRES` says: its fault triggers and file are
//! SQLite's. On PostgreSQL, `tests/cluster.rs` kills an instance mid-burst instead.

use reqwest::{Client, Method, StatusCode};
use social_api::actions::dm_link;
use social_api::{
    Conversation, ConversationSummary, Delivery, DemoSessionRequest, DmInviteRequest, Message,
    MessageId, NewSession, Role, SendMessage, Space,
};
use social_server::platforms::RecordedCall;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

#[path = "support/process.rs"]
mod support_process;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support_process::{free_port, kill, server_command, start_and_wait};

const CLIENTS: usize = 20;
const SENDS: usize = 500;
const INVITES: usize = 200;
/// Each a like and then an unlike of its own consumer comment: two requests.
const LIKE_PAIRS: usize = 150;
const KILLS: usize = 3;
/// `--sweep-after` and `--idempotency-claim-timeout`, short for the test.
const SWEEP_AFTER: &str = "4s";
const CLAIM_TIMEOUT: Duration = Duration::from_secs(5);

/// The server process, restarted on the same files.
struct Server {
    port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl Server {
    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn database_url(&self) -> String {
        format!("sqlite://{}?mode=rwc", self.dir.join("social.db").display())
    }

    fn calls_file(&self) -> PathBuf {
        self.dir.join("calls.jsonl")
    }

    async fn start(&mut self) {
        let mut command = server_command();
        command
            .args(["--demo", "--host", "127.0.0.1", "--port"])
            .arg(self.port.to_string())
            .arg("--database-url")
            .arg(self.database_url())
            .arg("--static-dir")
            .arg(self.dir.join("dist"))
            .arg("--record-calls")
            .arg(self.calls_file())
            .args(["--platform-timeout", "1s", "--platform-max-wait", "1s"])
            .args(["--sweep-interval", "1s", "--sweep-after", SWEEP_AFTER])
            .args(["--idempotency-claim-timeout", "5s"])
            .env("RUST_LOG", "social_server=error")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let (child, up) = start_and_wait(command, &self.base()).await;
        self.child = Some(child);
        assert!(up, "social-server did not come up");
    }

    fn kill(&mut self) {
        kill(&mut self.child);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A small deterministic generator, so a failing run can be repeated.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

#[derive(Debug, Clone)]
enum Op {
    Send { text: String },
    Invite { text: String },
    Like { target: MessageId, liked: bool },
}

/// One request to make until it gets a final answer.
#[derive(Debug, Clone)]
struct Request {
    op: Op,
    key: String,
    /// Repeated with the same key once it got its answer.
    repeat: bool,
    /// The first attempt is dropped after this long (the client hangs up).
    hang_up: Option<Duration>,
}

/// What a request ended with.
#[derive(Debug)]
struct Outcome {
    op: Op,
    key: String,
    status: StatusCode,
    body: Vec<u8>,
    attempts: usize,
    /// Sent again under a new key after a 5xx.
    resent: usize,
}

struct Setup {
    token: String,
    james: i64,
    mallory: i64,
    maria: i64,
}

async fn json<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> T {
    response.json().await.expect("JSON")
}

fn path_of(op: &Op, setup: &Setup) -> (Method, String, Option<String>) {
    match op {
        Op::Send { text } => (
            Method::POST,
            format!("/api/conversations/{}/messages", setup.james),
            Some(
                serde_json::to_string(&SendMessage {
                    text: text.clone(),
                    space: Space::Private,
                    reply_to: None,
                    mention: false,
                    attachments: Vec::new(),
                })
                .expect("JSON"),
            ),
        ),
        Op::Invite { text } => (
            Method::POST,
            format!("/api/conversations/{}/dm-invite", setup.mallory),
            Some(
                serde_json::to_string(&DmInviteRequest {
                    reply_to: None,
                    public_text: Some(text.clone()),
                    private_text: None,
                })
                .expect("JSON"),
            ),
        ),
        Op::Like { target, liked } => (
            if *liked { Method::POST } else { Method::DELETE },
            format!("/api/messages/{target}/like"),
            None,
        ),
    }
}

async fn attempt(
    client: &Client,
    base: &str,
    setup: &Setup,
    request: &Request,
) -> Result<(StatusCode, Vec<u8>), reqwest::Error> {
    let (method, path, body) = path_of(&request.op, setup);
    let mut builder = client
        .request(method, format!("{base}{path}"))
        .bearer_auth(&setup.token)
        .header("idempotency-key", &request.key);
    if let Some(body) = body {
        builder = builder
            .header("content-type", "application/json")
            .body(body);
    }
    let response = builder.send().await?;
    let status = response.status();
    let body = response.bytes().await?.to_vec();
    Ok((status, body))
}

/// Attempts until a final answer: no answer and 409 are repeated with the same key.
async fn until_answered(
    client: &Client,
    base: &str,
    setup: &Setup,
    request: &Request,
) -> (StatusCode, Vec<u8>, usize) {
    let mut attempts = 0;
    if let Some(after) = request.hang_up {
        attempts += 1;
        // Dropping the future closes the connection mid-request.
        let _ = tokio::time::timeout(after, attempt(client, base, setup, request)).await;
    }
    loop {
        attempts += 1;
        assert!(attempts < 500, "no final answer for {request:?}");
        match attempt(client, base, setup, request).await {
            Ok((StatusCode::CONFLICT, _)) | Err(_) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Ok((status, body)) => return (status, body, attempts),
        }
    }
}

async fn setup(server: &Server) -> Setup {
    let client = Client::new();
    let session: NewSession = json(
        client
            .post(format!("{}/api/demo/session", server.base()))
            .json(&DemoSessionRequest {
                account: "demo".into(),
                role: Role::Agent,
            })
            .send()
            .await
            .expect("a session"),
    )
    .await;
    let token = session.token;
    let list: Vec<ConversationSummary> = json(
        client
            .get(format!("{}/api/conversations?view=all", server.base()))
            .bearer_auth(&token)
            .send()
            .await
            .expect("the list"),
    )
    .await;
    let id = |name: &str| {
        list.iter()
            .find(|c| c.consumer_name.starts_with(name))
            .unwrap_or_else(|| panic!("{name} is listed"))
            .id
            .0
    };
    Setup {
        james: id("James"),
        mallory: id("Mallory"),
        maria: id("Maria"),
        token,
    }
}

/// The store fails now and then: outcomes of sends, answers kept under keys, new messages.
const FAULTS: &str = "
CREATE TRIGGER fault_delivery BEFORE UPDATE OF delivery ON messages
  WHEN NEW.delivery <> 'pending' AND abs(random()) % 12 = 0
  BEGIN SELECT RAISE(ABORT, 'injected fault'); END;
CREATE TRIGGER fault_keep BEFORE UPDATE OF response_status ON idempotency_keys
  WHEN abs(random()) % 12 = 0
  BEGIN SELECT RAISE(ABORT, 'injected fault'); END;
CREATE TRIGGER fault_insert BEFORE INSERT ON messages
  WHEN NEW.author_kind <> 'consumer' AND abs(random()) % 25 = 0
  BEGIN SELECT RAISE(ABORT, 'injected fault'); END;
CREATE TRIGGER fault_like BEFORE UPDATE OF liked_by_brand ON messages
  WHEN abs(random()) % 12 = 0
  BEGIN SELECT RAISE(ABORT, 'injected fault'); END;
";

const HEAL: &str = "DROP TRIGGER fault_delivery; DROP TRIGGER fault_keep;
DROP TRIGGER fault_insert; DROP TRIGGER fault_like;";

fn read_calls(path: &Path) -> Vec<RecordedCall> {
    std::fs::read_to_string(path)
        .expect("the calls file")
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_actions_survive_kills_and_store_faults() {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("dist")).expect("dist");
    let port = free_port();
    let mut server = Server {
        port,
        dir: dir.path().to_owned(),
        child: None,
    };
    server.start().await;
    let setup = Arc::new(setup(&server).await);
    let client = Client::new();
    let base = server.base();

    // Fresh consumer comments to like, one per pair.
    let mut targets = Vec::new();
    for n in 0..LIKE_PAIRS {
        let message: Message = json(
            client
                .post(format!(
                    "{base}/api/demo/conversations/{}/consumer-messages",
                    setup.maria
                ))
                .bearer_auth(&setup.token)
                .json(&social_api::DemoConsumerMessage {
                    text: format!("Comment {n} to like"),
                    space: Space::Public,
                })
                .send()
                .await
                .expect("a comment"),
        )
        .await;
        targets.push(message.id);
    }
    let mallory: Conversation = json(
        client
            .get(format!("{base}/api/conversations/{}", setup.mallory))
            .bearer_auth(&setup.token)
            .send()
            .await
            .expect("Mallory"),
    )
    .await;
    let link = dm_link(&mallory);

    // The work, dealt to the clients; a like and its unlike stay in order in one client.
    let mut rng = Lcg(0x5eed);
    let mut plans: Vec<Vec<Request>> = vec![Vec::new(); CLIENTS];
    let request = |op: Op, rng: &mut Lcg| Request {
        op,
        key: social_server::auth::new_token(),
        repeat: rng.below(5) == 0,
        hang_up: (rng.below(7) == 0).then(|| Duration::from_millis(1 + rng.below(30))),
    };
    for n in 0..SENDS {
        let op = Op::Send {
            text: format!("Fault test send {n}"),
        };
        plans[n % CLIENTS].push(request(op, &mut rng));
    }
    for n in 0..INVITES {
        let op = Op::Invite {
            text: format!("Invitation {n}: {link}"),
        };
        plans[(n + 7) % CLIENTS].push(request(op, &mut rng));
    }
    for (n, target) in targets.iter().enumerate() {
        for liked in [true, false] {
            let op = Op::Like {
                target: *target,
                liked,
            };
            plans[(n + 13) % CLIENTS].push(request(op, &mut rng));
        }
    }
    let total: usize = plans.iter().map(Vec::len).sum();
    assert_eq!(total, 1000);
    for plan in &mut plans {
        // Interleave kinds, keeping each like before its unlike.
        let mut likes: Vec<Request> = Vec::new();
        let mut others: Vec<Request> = Vec::new();
        for r in plan.drain(..) {
            if matches!(r.op, Op::Like { .. }) {
                likes.push(r);
            } else {
                others.push(r);
            }
        }
        let mut likes = likes.into_iter();
        for (i, r) in others.into_iter().enumerate() {
            plan.push(r);
            if i % 3 == 0 {
                plan.extend(likes.next());
            }
        }
        plan.extend(likes);
    }

    let pool = SqlitePool::connect_with(
        SqliteConnectOptions::from_str(&server.database_url())
            .expect("URL")
            .busy_timeout(Duration::from_secs(5)),
    )
    .await
    .expect("the database");
    sqlx::raw_sql(FAULTS).execute(&pool).await.expect("faults");

    let done = Arc::new(AtomicUsize::new(0));
    let outcomes = Arc::new(Mutex::new(Vec::new()));
    let mut clients = Vec::new();
    for plan in plans {
        let (setup, done, outcomes, base) =
            (setup.clone(), done.clone(), outcomes.clone(), base.clone());
        clients.push(tokio::spawn(async move {
            let client = Client::new();
            for request in plan {
                let (mut status, mut body, mut attempts) =
                    until_answered(&client, &base, &setup, &request).await;
                if request.repeat {
                    let again = Request {
                        hang_up: None,
                        ..request.clone()
                    };
                    let (s, b, a) = until_answered(&client, &base, &setup, &again).await;
                    attempts += a;
                    // A 2xx the client saw counts, whichever answer it came in.
                    if !status.is_success() {
                        (status, body) = (s, b);
                    }
                }
                // A 5xx drops the key, as the widget does: the agent's next Send is a new
                // request. So a 5xx must mean nothing reached the platform (checked below:
                // never twice).
                let mut resent = 0;
                while status.is_server_error()
                    && resent < 3
                    && !matches!(request.op, Op::Like { .. })
                {
                    resent += 1;
                    let again = Request {
                        key: social_server::auth::new_token(),
                        hang_up: None,
                        repeat: false,
                        ..request.clone()
                    };
                    let (s, b, a) = until_answered(&client, &base, &setup, &again).await;
                    attempts += a;
                    (status, body) = (s, b);
                }
                outcomes.lock().expect("lock").push(Outcome {
                    op: request.op,
                    key: request.key,
                    status,
                    body,
                    attempts,
                    resent,
                });
                done.fetch_add(1, Ordering::SeqCst);
            }
        }));
    }
    // SIGKILL at a quarter, a half and three quarters of the work.
    for kill in 1..=KILLS {
        while done.load(Ordering::SeqCst) < total * kill / (KILLS + 1) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        server.kill();
        server.start().await;
    }
    for client in clients {
        client.await.expect("a client");
    }
    let requests_done = started.elapsed();

    // The faults stop; the sweeper settles what the kills and faults left pending.
    sqlx::raw_sql(HEAL).execute(&pool).await.expect("healed");
    let mut pending = i64::MAX;
    for _ in 0..600 {
        (pending,) = sqlx::query_as("SELECT COUNT(*) FROM messages WHERE delivery = 'pending'")
            .fetch_one(&pool)
            .await
            .expect("pending");
        if pending == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(pending, 0, "messages left pending past the sweeper's bound");

    // A claim left without an answer is taken over by the next request with its key.
    tokio::time::sleep(CLAIM_TIMEOUT).await;
    let outcomes = std::mem::take(&mut *outcomes.lock().expect("lock"));
    let unanswered: Vec<(String,)> =
        sqlx::query_as("SELECT key FROM idempotency_keys WHERE response_status IS NULL")
            .fetch_all(&pool)
            .await
            .expect("claims");
    let mut retaken = 0;
    for (key,) in &unanswered {
        if let Some(outcome) = outcomes.iter().find(|o| &o.key == key) {
            let request = Request {
                op: outcome.op.clone(),
                key: key.clone(),
                repeat: false,
                hang_up: None,
            };
            let (status, _) = attempt(&client, &base, &setup, &request)
                .await
                .expect("an answer");
            assert_ne!(status, StatusCode::CONFLICT, "a stuck claim");
            retaken += 1;
        }
    }
    server.kill();

    // What the database and the platform hold.
    let calls = read_calls(&server.calls_file());
    let mut platform_texts: HashMap<(String, String), usize> = HashMap::new();
    for call in &calls {
        let key = (call.call.clone(), call.text.clone().unwrap_or_default());
        *platform_texts.entry(key).or_default() += 1;
    }
    let mut like_calls: HashMap<(String, String), usize> = HashMap::new();
    for call in &calls {
        if call.call == "like" || call.call == "unlike" {
            let key = (
                call.call.clone(),
                call.target_id.clone().unwrap_or_default(),
            );
            *like_calls.entry(key).or_default() += 1;
        }
    }
    let stored: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT text, space, delivery, platform_id FROM messages WHERE author_kind = 'agent'",
    )
    .fetch_all(&pool)
    .await
    .expect("messages");
    let comments: HashMap<i64, (Option<String>, bool)> =
        sqlx::query_as::<_, (i64, Option<String>, bool)>(
            "SELECT id, platform_id, liked_by_brand FROM messages WHERE author_kind = 'consumer'",
        )
        .fetch_all(&pool)
        .await
        .expect("comments")
        .into_iter()
        .map(|(id, platform_id, liked)| (id, (platform_id, liked)))
        .collect();

    let (mut ok, mut delivered, mut failed_delivery, mut refused) = (0, 0, 0, 0);
    let mut repeated_likes = 0;
    let mut attempts = 0;
    for outcome in &outcomes {
        attempts += outcome.attempts;
        if !outcome.status.is_success() {
            refused += 1;
            continue;
        }
        ok += 1;
        match &outcome.op {
            Op::Send { text } | Op::Invite { text } => {
                let (call, space) = match outcome.op {
                    Op::Send { .. } => ("send_private", "private"),
                    _ => ("reply_public", "public"),
                };
                let rows: Vec<_> = stored
                    .iter()
                    .filter(|(t, s, _, _)| t == text && s == space)
                    .collect();
                assert_eq!(rows.len(), 1, "{text:?} stored once");
                let on_platform = platform_texts
                    .get(&(call.to_owned(), text.clone()))
                    .copied()
                    .unwrap_or(0);
                if rows[0].2 == "sent" {
                    delivered += 1;
                    assert_eq!(on_platform, 1, "{text:?} on the platform once");
                } else {
                    // Settled as not sent (the process died before the platform call): the
                    // agent sees it failed, with Retry.
                    failed_delivery += 1;
                    assert_eq!(rows[0].2, "failed");
                    assert_eq!(on_platform, 0, "{text:?} failed but on the platform");
                }
            }
            Op::Like { target, liked } => {
                let (platform_id, _) = comments.get(&target.0).expect("the comment");
                let platform_id = platform_id.clone().unwrap_or_default();
                let call = if *liked { "like" } else { "unlike" };
                let n = like_calls
                    .get(&(call.to_owned(), platform_id.clone()))
                    .copied()
                    .unwrap_or(0);
                // A like sets a state on the platform: asking again changes nothing
                // there. A request cut by SIGKILL between the platform's answer and our
                // write is asked again when it is taken over, so "once" is "at least
                // once, and the platform ends as we say" (checked below).
                assert!(n >= 1, "{call} of {target} never reached the platform");
                repeated_likes += n - 1;
                delivered += 1;
            }
        }
    }
    // Each comment ends on the platform as the database says: its last like call wins.
    let mut last_like: HashMap<String, bool> = HashMap::new();
    for call in &calls {
        if call.call == "like" || call.call == "unlike" {
            last_like.insert(
                call.target_id.clone().unwrap_or_default(),
                call.call == "like",
            );
        }
    }
    for (platform_id, liked) in comments.values() {
        if let Some(on_platform) = platform_id.as_ref().and_then(|id| last_like.get(id)) {
            assert_eq!(
                on_platform, liked,
                "{platform_id:?}: the platform and the database disagree"
            );
        }
    }
    // Never twice, whatever the client saw.
    for ((call, text), n) in &platform_texts {
        if call != "like" && call != "unlike" {
            assert_eq!(*n, 1, "{call} {text:?} reached the platform {n} times");
        }
    }
    for outcome in &outcomes {
        if let Op::Send { text } | Op::Invite { text } = &outcome.op {
            let n = stored.iter().filter(|(t, _, _, _)| t == text).count();
            assert!(n <= 1, "{text:?} stored {n} times");
        }
    }
    let (claims,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM idempotency_keys WHERE response_status IS NULL")
            .fetch_one(&pool)
            .await
            .expect("claims");
    let pending_answers = outcomes
        .iter()
        .filter(|o| {
            o.status.is_success()
                && serde_json::from_slice::<Message>(&o.body)
                    .is_ok_and(|m| m.delivery == Delivery::Pending)
        })
        .count();
    println!(
        "fault test: {} requests from {CLIENTS} clients, {KILLS} SIGKILLs, {} attempts; \
         2xx {ok} (delivered {delivered}, settled as not sent {failed_delivery}, answered \
         pending {pending_answers}), other answers {refused}, sent again under a new key after \
         a 5xx {}; platform calls {} (likes asked \
         again after a kill {repeated_likes}); claims \
         without an answer {} taken over {retaken}, left {claims}; requests took {:.1?}, \
         all {:.1?}",
        outcomes.len(),
        attempts,
        outcomes.iter().map(|o| o.resent).sum::<usize>(),
        calls.len(),
        unanswered.len(),
        requests_done,
        started.elapsed()
    );
    assert_eq!(outcomes.len(), total);
}
