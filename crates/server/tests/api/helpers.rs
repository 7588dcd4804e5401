//! `TestApp`: a server on 127.0.0.1:0 over a temporary SQLite file, one method per endpoint.

use reqwest::{header, Response, StatusCode};
use serde::de::DeserializeOwned;
use social_api::{ConversationSummary, DemoSessionRequest, Problem, Role, SessionToken};
use social_server::app::{router, AppState};
use social_server::config::Config;
use social_server::store::SqliteStore;
use sqlx::SqlitePool;
use std::path::PathBuf;
use tempfile::TempDir;

/// The inline script of the fixture `index.html`, as trunk writes one.
pub const INLINE_SCRIPT: &str = "import init from '/social-widget-0123456789abcdef.js'; await init({ module_or_path: '/social-widget-0123456789abcdef_bg.wasm' });";
/// `base64(sha256(INLINE_SCRIPT))`, computed outside Rust.
pub const INLINE_SCRIPT_SHA256: &str = "sha256-sWSmRBR93ZdntLYPnv2JdOaRhiTYkU9QVbPCAMtRwqg=";
/// A second inline script: `window.lpBuffer = [];`.
pub const SECOND_SCRIPT_SHA256: &str = "sha256-EvkdvLr9kJwmKaBdAYOINTx5a0veZW7Czt3s/ktweak=";
pub const WASM: &str = "/social-widget-0123456789abcdef_bg.wasm";
pub const WASM_BYTES: &[u8] = b"\0asm raw wasm bytes that are not compressed at all";
pub const WASM_BR_BYTES: &[u8] = b"pretend brotli bytes";
pub const CSS: &str = "/style-0123456789abcdef.css";
pub const FRAME_ANCESTORS: &str = "'self' https://z1.le.liveperson.example";

pub struct Options {
    pub demo: bool,
    pub widget_built: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            demo: true,
            widget_built: true,
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub state: AppState,
    /// A second connection to the same file, to look at rows directly.
    pub pool: SqlitePool,
    _dir: TempDir,
}

fn write_widget(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).expect("dist");
    let index = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">\
         <link rel=\"stylesheet\" href=\"{CSS}\">\
         <script>window.lpBuffer = [];</script>\
         <script type=\"module\">{INLINE_SCRIPT}</script>\
         <script src=\"/lp-sdk.js\"></script></head><body></body></html>"
    );
    std::fs::write(dir.join("index.html"), index).expect("index");
    std::fs::write(dir.join(&WASM[1..]), WASM_BYTES).expect("wasm");
    std::fs::write(dir.join(format!("{}.br", &WASM[1..])), WASM_BR_BYTES).expect("wasm.br");
    std::fs::write(
        dir.join(&CSS[1..]),
        "body { color: black; margin: 0; padding: 0; } ".repeat(20),
    )
    .expect("css");
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(Options::default()).await
    }

    pub async fn spawn_with(options: Options) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let static_dir: PathBuf = dir.path().join("dist");
        if options.widget_built {
            write_widget(&static_dir);
        }
        let database_url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("data").join("test.db").display()
        );
        let config = Config {
            port: 0,
            host: "127.0.0.1".into(),
            database_url: database_url.clone(),
            static_dir,
            demo: options.demo,
            frame_ancestors: FRAME_ANCESTORS.into(),
        };
        let state = AppState::from_config(&config).await.expect("state");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let app = router(state.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        let pool = SqliteStore::connect(&database_url)
            .await
            .expect("second connection")
            .pool()
            .clone();
        TestApp {
            base: format!("http://{addr}"),
            client: reqwest::Client::new(),
            state,
            pool,
            _dir: dir,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("GET")
    }

    pub async fn get_with(&self, path: &str, name: &str, value: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.base))
            .header(name, value)
            .send()
            .await
            .expect("GET")
    }

    pub async fn post_demo_session_raw(&self, content_type: &str, body: &str) -> Response {
        self.client
            .post(format!("{}/api/demo/session", self.base))
            .header(header::CONTENT_TYPE, content_type)
            .body(body.to_owned())
            .send()
            .await
            .expect("POST")
    }

    pub async fn post_demo_session(&self, account: &str, role: Role) -> Response {
        self.client
            .post(format!("{}/api/demo/session", self.base))
            .json(&DemoSessionRequest {
                account: account.into(),
                role,
            })
            .send()
            .await
            .expect("POST")
    }

    /// A fresh session token for `account`'s agent or admin.
    pub async fn token(&self, account: &str, role: Role) -> String {
        let response = self.post_demo_session(account, role).await;
        assert_eq!(response.status(), StatusCode::OK);
        json::<SessionToken>(response).await.token
    }

    pub async fn me(&self, token: Option<&str>) -> Response {
        self.get("/api/me", token).await
    }

    pub async fn conversations(&self, token: &str, view: Option<&str>) -> Response {
        let path = match view {
            Some(view) => format!("/api/conversations?view={view}"),
            None => "/api/conversations".into(),
        };
        self.get(&path, Some(token)).await
    }

    /// The list, checked to be a 200.
    pub async fn list(&self, token: &str, view: Option<&str>) -> Vec<ConversationSummary> {
        let response = self.conversations(token, view).await;
        assert_eq!(response.status(), StatusCode::OK);
        json(response).await
    }

    pub async fn conversation(&self, token: &str, id: &str) -> Response {
        self.get(&format!("/api/conversations/{id}"), Some(token))
            .await
    }

    pub async fn healthz(&self) -> Response {
        self.get("/healthz", None).await
    }

    /// Rows in `table`.
    pub async fn count(&self, table: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&self.pool)
            .await
            .expect("count");
        n
    }
}

pub async fn json<T: DeserializeOwned>(response: Response) -> T {
    response.json().await.expect("JSON body")
}

/// Asserts an RFC 9457 answer with `status` and returns its body.
pub async fn problem(response: Response, status: StatusCode) -> Problem {
    assert_eq!(response.status(), status);
    assert_eq!(
        response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    let problem: Problem = json(response).await;
    assert_eq!(problem.status, status.as_u16());
    problem
}

pub fn header_of<'a>(response: &'a Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}
