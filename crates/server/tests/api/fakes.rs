//! Fake Facebook Graph and X API servers on loopback: they record every request exactly
//! (method, path, query, JSON body, `Authorization`), keep what was written so look-ups
//! find it, and answer scripted failures: errors, 429s with reset headers, 5xx, answers
//! too late, dropped connections.

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// Which API a fake plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    Graph,
    X,
}

/// One request as received.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub method: Method,
    /// Without the fake's base path (`/v21.0` for Graph).
    pub path: String,
    /// Decoded, in order.
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
    pub authorization: Option<String>,
}

/// What the fake does with the next request of a method, instead of its normal answer.
#[derive(Debug, Clone)]
pub enum Step {
    /// Answers this, writes nothing.
    Answer {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Value,
    },
    /// Writes nothing and answers only after `Duration` (longer than the client waits).
    Hang(Duration),
    /// Writes the message, then answers only after `Duration`: "it arrived, the answer
    /// did not".
    WriteThenHang(Duration),
    /// Writes the message, then answers 500.
    WriteThen500,
}

/// Something written on the fake platform.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    pub id: String,
    /// `comment`, `message` (Messenger), `tweet` or `dm`.
    pub kind: &'static str,
    /// The commented object, the Messenger recipient (a person or a comment), the tweet
    /// replied to, or the DM participant.
    pub parent: String,
    pub text: String,
    /// RFC 3339, as the platform writes it.
    pub created: String,
}

struct State {
    api: Api,
    /// The Page or X account the fake writes as.
    brand: String,
    requests: Mutex<Vec<Recorded>>,
    /// When each request arrived.
    received: Mutex<Vec<SystemTime>>,
    scripts: Mutex<HashMap<Method, VecDeque<Step>>>,
    written: Mutex<Vec<Written>>,
    profiles: Mutex<HashMap<String, (u16, Value)>>,
    next_id: AtomicU64,
}

/// A running fake.
#[derive(Clone)]
pub struct Fake {
    /// The base URL to configure (`--graph-api-url` or `--x-api-url`).
    pub url: String,
    state: Arc<State>,
}

/// The base path of the fake Graph API.
const GRAPH_VERSION: &str = "/v21.0";

impl Fake {
    pub async fn graph(page_id: &str) -> Fake {
        Self::start(Api::Graph, page_id).await
    }

    pub async fn x(user_id: &str) -> Fake {
        Self::start(Api::X, user_id).await
    }

    async fn start(api: Api, brand: &str) -> Fake {
        let state = Arc::new(State {
            api,
            brand: brand.to_owned(),
            requests: Mutex::default(),
            received: Mutex::default(),
            scripts: Mutex::default(),
            written: Mutex::default(),
            profiles: Mutex::default(),
            next_id: AtomicU64::new(1),
        });
        let shared = state.clone();
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let state = shared.clone();
                async move { handle(&state, method, uri, headers, body).await }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a fake");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, app).await });
        let url = match api {
            Api::Graph => format!("http://{addr}{GRAPH_VERSION}"),
            Api::X => format!("http://{addr}"),
        };
        Fake { url, state }
    }

    /// Every request so far, oldest first.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.requests.lock().expect("lock").clone()
    }

    /// When the `n`th request (from 0) arrived.
    pub fn received_at(&self, n: usize) -> SystemTime {
        self.state.received.lock().expect("lock")[n]
    }

    /// The requests with this method.
    pub fn requests_of(&self, method: Method) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == method)
            .collect()
    }

    /// What is on the platform, oldest first.
    pub fn written(&self) -> Vec<Written> {
        self.state.written.lock().expect("lock").clone()
    }

    /// The next request with `method` gets `step` (steps queue up per method).
    pub fn script(&self, method: Method, step: Step) {
        self.state
            .scripts
            .lock()
            .expect("lock")
            .entry(method)
            .or_default()
            .push_back(step);
    }

    /// The next request with `method` is answered `status` with `body` and `headers`.
    pub fn answer(
        &self,
        method: Method,
        status: u16,
        headers: &[(&'static str, String)],
        body: Value,
    ) {
        self.script(
            method,
            Step::Answer {
                status,
                headers: headers.to_vec(),
                body,
            },
        );
    }

    /// Puts a message on the platform as if the brand had written it (`created` now).
    pub fn put(&self, kind: &'static str, parent: &str, text: &str) -> String {
        write(&self.state, kind, parent, text)
    }

    /// What a profile look-up of `id` answers.
    pub fn set_profile(&self, id: &str, status: u16, body: Value) {
        self.state
            .profiles
            .lock()
            .expect("lock")
            .insert(id.to_owned(), (status, body));
    }
}

fn write(state: &State, kind: &'static str, parent: &str, text: &str) -> String {
    let n = state.next_id.fetch_add(1, Ordering::SeqCst);
    let id = match (state.api, kind) {
        (Api::Graph, "comment") => format!("{parent}_9{n:05}"),
        (Api::Graph, _) => format!("m_fake_{n}"),
        (Api::X, _) => format!("19000000000000{n:05}"),
    };
    let now = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    let created = match state.api {
        Api::Graph => now.replace('Z', "+0000"),
        Api::X => now.replace('Z', ".000Z"),
    };
    state.written.lock().expect("lock").push(Written {
        id: id.clone(),
        kind,
        parent: parent.to_owned(),
        text: text.to_owned(),
        created,
    });
    id
}

async fn handle(
    state: &State,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = match state.api {
        Api::Graph => uri
            .path()
            .strip_prefix(GRAPH_VERSION)
            .unwrap_or(uri.path())
            .to_owned(),
        Api::X => uri.path().to_owned(),
    };
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let body: Option<Value> =
        (!body.is_empty()).then(|| serde_json::from_slice(&body).unwrap_or(Value::Null));
    let recorded = Recorded {
        method: method.clone(),
        path: path.clone(),
        query,
        body: body.clone(),
        authorization: headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    {
        // One lock around both: the nth time belongs to the nth request.
        let mut requests = state.requests.lock().expect("lock");
        requests.push(recorded.clone());
        state.received.lock().expect("lock").push(SystemTime::now());
    }
    let step = state
        .scripts
        .lock()
        .expect("lock")
        .get_mut(&method)
        .and_then(VecDeque::pop_front);
    match step {
        None => normal(state, &recorded),
        Some(Step::Answer {
            status,
            headers,
            body,
        }) => {
            let mut response = (status_of(status), axum::Json(body)).into_response();
            for (name, value) in headers {
                response
                    .headers_mut()
                    .insert(name, value.parse().expect("a header value"));
            }
            response
        }
        Some(Step::Hang(delay)) => {
            tokio::time::sleep(delay).await;
            (StatusCode::GATEWAY_TIMEOUT, "late").into_response()
        }
        Some(Step::WriteThenHang(delay)) => {
            let answer = normal(state, &recorded);
            tokio::time::sleep(delay).await;
            answer
        }
        Some(Step::WriteThen500) => {
            drop(normal(state, &recorded));
            let error = json!({"error": {"message": "An unknown error occurred", "code": 1, "is_transient": true}});
            (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(error)).into_response()
        }
    }
}

fn status_of(status: u16) -> StatusCode {
    StatusCode::from_u16(status).expect("a status")
}

/// The platform's normal answer: writes what a write asks, lists what a look-up asks.
fn normal(state: &State, request: &Recorded) -> Response {
    let segments: Vec<&str> = request.path.trim_start_matches('/').split('/').collect();
    let body = request.body.clone().unwrap_or(Value::Null);
    let text = |pointer: &str| {
        body.pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let json = |value: Value| axum::Json(value).into_response();
    let method = &request.method;
    match (state.api, segments.as_slice()) {
        (Api::Graph, [object, "comments"]) if method == Method::POST => {
            json(json!({"id": write(state, "comment", object, &text("/message"))}))
        }
        (Api::Graph, [object, "comments"]) => {
            json(json!({"data": listed(state, "comment", object)}))
        }
        (Api::Graph, [_, "messages"]) => {
            let recipient = body
                .pointer("/recipient/id")
                .or_else(|| body.pointer("/recipient/comment_id"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            let id = write(state, "message", &recipient, &text("/message/text"));
            json(json!({"recipient_id": recipient, "message_id": id}))
        }
        (Api::Graph, [_, "conversations"]) => {
            let user = request
                .query
                .iter()
                .find(|(k, _)| k == "user_id")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            // A private reply lands in the conversation with the comment's author: this
            // fake has one person per test, so it lists those too.
            let messages: Vec<Value> = state
                .written
                .lock()
                .expect("lock")
                .iter()
                .rev()
                .filter(|w| w.kind == "message" && (w.parent == user || w.parent.contains('_')))
                .map(|w| json!({"id": w.id, "message": w.text, "from": {"id": state.brand}, "created_time": w.created}))
                .collect();
            json(json!({"data": [{"id": "t_fake", "messages": {"data": messages}}]}))
        }
        (Api::Graph, [_, "likes"]) => json(json!({"success": true})),
        (Api::Graph, [person]) => profile(state, person),
        (Api::X, ["2", "tweets"]) => {
            let parent = text("/reply/in_reply_to_tweet_id");
            let id = write(state, "tweet", &parent, &text("/text"));
            json(json!({"data": {"id": id, "text": text("/text"), "edit_history_tweet_ids": [id]}}))
        }
        (Api::X, ["2", "dm_conversations", "with", participant, "messages"]) => {
            let id = write(state, "dm", participant, &text("/text"));
            json(
                json!({"data": {"dm_conversation_id": format!("{participant}-{}", state.brand), "dm_event_id": id}}),
            )
        }
        (Api::X, ["2", "dm_conversations", "with", participant, "dm_events"]) => {
            let events: Vec<Value> = state
                .written
                .lock()
                .expect("lock")
                .iter()
                .rev()
                .filter(|w| w.kind == "dm" && w.parent == *participant)
                .map(|w| json!({"id": w.id, "event_type": "MessageCreate", "text": w.text, "sender_id": state.brand, "created_at": w.created}))
                .collect();
            json(json!({"data": events, "meta": {"result_count": events.len()}}))
        }
        (Api::X, ["2", "users", _, "tweets"]) => {
            let tweets: Vec<Value> = state
                .written
                .lock()
                .expect("lock")
                .iter()
                .rev()
                .filter(|w| w.kind == "tweet")
                .map(|w| {
                    json!({"id": w.id, "text": w.text, "created_at": w.created,
                    "referenced_tweets": [{"type": "replied_to", "id": w.parent}]})
                })
                .collect();
            json(json!({"data": tweets, "meta": {"result_count": tweets.len()}}))
        }
        (Api::X, ["2", "users", _, "likes"]) => json(json!({"data": {"liked": true}})),
        (Api::X, ["2", "users", _, "likes", _]) => json(json!({"data": {"liked": false}})),
        (Api::X, ["2", "users", user]) => profile(state, user),
        _ => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"error": {"message": "no such fake path", "code": 803}})),
        )
            .into_response(),
    }
}

/// Comments under `parent`, newest first, as Graph lists them.
fn listed(state: &State, kind: &str, parent: &str) -> Vec<Value> {
    state
        .written
        .lock()
        .expect("lock")
        .iter()
        .rev()
        .filter(|w| w.kind == kind && w.parent == parent)
        .map(|w| json!({"id": w.id, "message": w.text, "from": {"id": state.brand, "name": "Acme Outdoor"}, "created_time": w.created}))
        .collect()
}

fn profile(state: &State, id: &str) -> Response {
    match state.profiles.lock().expect("lock").get(id) {
        Some((status, body)) => (status_of(*status), axum::Json(body.clone())).into_response(),
        None => (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": {"message": "Unsupported get request.", "code": 100}})),
        )
            .into_response(),
    }
}

/// A TCP server that accepts connections and closes them at once, counting them: a
/// network failure after the request went out.
pub struct Dropper {
    pub url: String,
    accepted: Arc<AtomicUsize>,
}

impl Dropper {
    pub async fn start() -> Dropper {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = accepted.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                // Read the request first, so it has surely gone out, then hang up.
                let mut buffer = [0u8; 4096];
                if socket.readable().await.is_ok() {
                    let _ = socket.try_read(&mut buffer);
                }
                drop(socket);
            }
        });
        Dropper {
            url: format!("http://{addr}"),
            accepted,
        }
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

/// A loopback URL where nothing listens: the connection is refused.
pub async fn closed_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}")
}
