//! `TestApp`: a server on 127.0.0.1:0 over a fresh database, one method per endpoint.
//!
//! The store is SQLite (a temporary file) unless `SOCIAL_TEST_POSTGRES` names a PostgreSQL
//! cluster by its admin URL (`postgres://postgres@127.0.0.1:PORT/postgres`, as
//! `scripts/postgres start` prints it): then every `TestApp` gets a database of its own there.

use reqwest::{header, Response, StatusCode};
use serde::de::DeserializeOwned;
use social_api::workspace::SignIn;
use social_api::SendMessage;
use social_api::{
    Conversation, ConversationId, ConversationSummary, DemoSessionRequest, MessageId, NewSession,
    Problem, Role, Source, Space,
};
use social_server::app::{router, AppState};
use social_server::auth::{new_token, token_sha256};
use social_server::clock::{system_now, Clock};
use social_server::config::{Config, ScriptSource};
use social_server::idempotency;
use social_server::platforms::{Platform, RealPlatform, RecordingPlatform, Settings};
use social_server::secret::Secret;
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Connection};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tempfile::TempDir;

/// The inline script of the fixture `index.html`, as trunk writes one.
pub const INLINE_SCRIPT: &str = "import init from '/social-widget-0123456789abcdef.js'; await init({ module_or_path: '/social-widget-0123456789abcdef_bg.wasm' });";
/// `base64(sha256(INLINE_SCRIPT))`, computed outside Rust.
pub const INLINE_SCRIPT_SHA256: &str = "sha256-sWSmRBR93ZdntLYPnv2JdOaRhiTYkU9QVbPCAMtRwqg=";
/// A second inline script: `window.lpBuffer = [];`.
pub const SECOND_SCRIPT_SHA256: &str = "sha256-EvkdvLr9kJwmKaBdAYOINTx5a0veZW7Czt3s/ktweak=";
pub const WASM: &str = "/social-widget-0123456789abcdef_bg.wasm";
/// The dev page's inline script (its own bundle under `dev/`).
pub const DEV_SCRIPT: &str = "import init from '/dev/dev-0123456789abcdef.js'; await init();";
pub const ADMIN_SCRIPT: &str = "import init from '/admin/admin-0123456789abcdef.js'; await init();";
pub const WASM_BYTES: &[u8] = b"\0asm raw wasm bytes that are not compressed at all";
pub const WASM_BR_BYTES: &[u8] = b"pretend brotli bytes";
pub const CSS: &str = "/style-0123456789abcdef.css";
pub const FRAME_ANCESTORS: &str = "'self' https://z1.le.liveperson.example";
/// The password of every demo person.
pub const DEMO_PASSWORD: &str = "demo-password";
/// Dana's e-mail, as the demo seeds it.
pub const DANA: &str = "dana@acme-outdoor.example";
pub const HOUR_MS: i64 = 3_600_000;

pub struct Options {
    pub demo: bool,
    pub widget_built: bool,
    /// `--frame-ancestors`.
    pub frame_ancestors: &'static str,
    /// `--liveperson-sdk`.
    pub liveperson_sdk: Option<&'static str>,
    /// Run the dev workspace on a port of its own.
    pub dev_workspace: bool,
    /// `--session-idle` and `--session-max`.
    pub session_idle: Duration,
    pub session_max: Duration,
    /// How often open streams check their session (`None`: as in production).
    pub session_recheck: Option<Duration>,
    /// Serve this database (another `TestApp`'s) instead of a fresh one.
    pub database_url: Option<String>,
    /// `--facebook-app-secret` and `--facebook-verify-token`.
    pub facebook_keys: Option<(&'static str, &'static str)>,
    /// `--x-consumer-secret`.
    pub x_consumer_secret: Option<&'static str>,
    /// Run the webhook applier, as `app::serve` does (off: stored events stay unapplied).
    pub applier: bool,
    /// Reach Facebook and X through the real clients at these base URLs (fakes on
    /// loopback) instead of the recording platform.
    pub platforms: Option<PlatformUrls>,
    /// `--platform-timeout`, `--platform-attempts`, `--platform-backoff`,
    /// `--platform-max-wait`.
    pub platform_timeout: Duration,
    pub platform_attempts: u8,
    pub platform_backoff: Duration,
    pub platform_max_wait: Duration,
    /// Run the sweeper every this often (`--sweep-interval`); `None`: not at all.
    pub sweep_every: Option<Duration>,
    /// `--sweep-after`.
    pub sweep_after: Duration,
    /// `--header-timeout`, `--body-timeout`, `--request-timeout`, `--max-connections`.
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub request_timeout: Duration,
    pub max_connections: u32,
    /// `--read-cache-max-age`.
    pub read_cache_max_age: Duration,
}

/// `--graph-api-url` and `--x-api-url`.
#[derive(Debug, Clone)]
pub struct PlatformUrls {
    pub graph: String,
    pub x: String,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            demo: true,
            widget_built: true,
            frame_ancestors: FRAME_ANCESTORS,
            liveperson_sdk: None,
            dev_workspace: false,
            session_idle: Duration::from_secs(8 * 3600),
            session_max: Duration::from_secs(12 * 3600),
            session_recheck: None,
            database_url: None,
            facebook_keys: None,
            x_consumer_secret: None,
            applier: true,
            platforms: None,
            platform_timeout: Duration::from_secs(10),
            platform_attempts: 3,
            platform_backoff: Duration::from_millis(20),
            platform_max_wait: Duration::from_secs(5),
            sweep_every: None,
            sweep_after: Duration::from_secs(300),
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(60),
            max_connections: 1024,
            read_cache_max_age: Duration::from_secs(1),
        }
    }
}

pub struct TestApp {
    pub base: String,
    /// The dev workspace's base URL, when it runs.
    pub dev_base: Option<String>,
    pub client: reqwest::Client,
    pub state: AppState,
    /// Facebook and X as the server sees them: every call it made.
    pub platform: Arc<RecordingPlatform>,
    /// The server's "now": it stays put until a test moves it.
    pub clock: Clock,
    /// A second connection to the same database, to look at rows directly: SQL written
    /// for both stores (`$1` placeholders, flags read as `CAST(flag AS INTEGER)`).
    pub pool: AnyPool,
    /// The database served, for another server on the same database.
    pub database_url: String,
    /// The server's task, for [`TestApp::stop`].
    server: tokio::task::AbortHandle,
    _dir: TempDir,
    /// The PostgreSQL database this app created, dropped with it (last: after the pool).
    _database: Option<OwnedDatabase>,
}

/// A database made by [`fresh_postgres_database`]: dropped when its `TestApp` is, or a
/// run of the suite would leave some 250 databases (about 10 MB each) on the cluster. A
/// second `TestApp` given its URL is declared after the first, so it is dropped before.
struct OwnedDatabase {
    admin: String,
    name: String,
}

impl Drop for OwnedDatabase {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        // Drop runs inside the test's runtime, which cannot be blocked on: a thread of
        // its own with a runtime of its own. FORCE ends the server's open connections.
        let dropped = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&admin).await {
                    let _ = sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut admin)
                        .await;
                    let _ = admin.close().await;
                }
            });
        });
        let _ = dropped.join();
    }
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
    std::fs::create_dir_all(dir.join("dev")).expect("dist/dev");
    std::fs::write(
        dir.join("dev/index.html"),
        format!("<!DOCTYPE html><html><head><script type=\"module\">{DEV_SCRIPT}</script></head><body></body></html>"),
    )
    .expect("dev page");
    std::fs::create_dir_all(dir.join("admin")).expect("dist/admin");
    std::fs::write(
        dir.join("admin/index.html"),
        format!("<!DOCTYPE html><html><head><script type=\"module\">{ADMIN_SCRIPT}</script></head><body></body></html>"),
    )
    .expect("admin page");
    std::fs::write(dir.join(&WASM[1..]), WASM_BYTES).expect("wasm");
    std::fs::write(dir.join(format!("{}.br", &WASM[1..])), WASM_BR_BYTES).expect("wasm.br");
    std::fs::write(
        dir.join(&CSS[1..]),
        "body { color: black; margin: 0; padding: 0; } ".repeat(40),
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
        let (database_url, database) = match (&options.database_url, postgres_admin_url()) {
            (Some(url), _) => (url.clone(), None),
            (None, Some(admin)) => {
                let (url, owned) = fresh_postgres_database(&admin).await;
                (url, Some(owned))
            }
            (None, None) => (
                format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("data").join("test.db").display()
                ),
                None,
            ),
        };
        // Bound first, as `app::serve` does: the config names the ports really listened on.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let dev_listener = if options.dev_workspace {
            Some(
                tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind the dev workspace"),
            )
        } else {
            None
        };
        let config = Config {
            port: addr.port(),
            host: "127.0.0.1".into(),
            database_url: database_url.clone(),
            static_dir,
            demo: options.demo,
            frame_ancestors: options.frame_ancestors.into(),
            session_idle: options.session_idle,
            session_max: options.session_max,
            liveperson_sdk: options
                .liveperson_sdk
                .map(|sdk| ScriptSource::parse(sdk).expect("a valid --liveperson-sdk")),
            dev_workspace_port: dev_listener
                .as_ref()
                .map(|l| l.local_addr().expect("addr").port()),
            facebook_app_secret: options.facebook_keys.map(|(secret, _)| secret_of(secret)),
            facebook_verify_token: options.facebook_keys.map(|(_, token)| secret_of(token)),
            x_consumer_secret: options.x_consumer_secret.map(secret_of),
            graph_api_url: options
                .platforms
                .as_ref()
                .map_or("https://graph.facebook.example/v21.0", |p| &p.graph)
                .parse()
                .expect("a Graph URL"),
            x_api_url: options
                .platforms
                .as_ref()
                .map_or("https://api.x.example", |p| &p.x)
                .parse()
                .expect("an X URL"),
            x_webhook_id: None,
            platform_timeout: options.platform_timeout,
            platform_attempts: options.platform_attempts,
            platform_backoff: options.platform_backoff,
            platform_max_wait: options.platform_max_wait,
            sweep_interval: options.sweep_every.unwrap_or(Duration::from_secs(60)),
            sweep_after: options.sweep_after,
            idempotency_claim_timeout: None,
            purge_interval: Duration::from_secs(600),
            record_calls: None,
            header_timeout: options.header_timeout,
            body_timeout: options.body_timeout,
            request_timeout: options.request_timeout,
            max_connections: options.max_connections,
            read_cache_max_age: options.read_cache_max_age,
            metrics_addr: None,
            log_format: social_server::config::LogFormat::Text,
        };
        let platform = Arc::new(RecordingPlatform::new());
        let clock = Clock::fixed(system_now());
        let state = AppState::from_config(&config).await.expect("state");
        // The demo data with the real clients: the demo alone would record instead.
        let serving: Arc<dyn Platform> = match options.platforms {
            Some(_) => Arc::new(
                RealPlatform::new(&Settings::from_config(&config), state.store.clone())
                    .expect("the platforms' client"),
            ),
            None => platform.clone(),
        };
        let mut state = state.with_platform(serving).with_clock(clock.clone());
        if let Some(every) = options.session_recheck {
            state = state.with_session_recheck(every);
        }
        if options.applier {
            social_server::ingest::spawn(state.clone());
        }
        let app = router(state.clone());
        // Served as `app::serve` serves: with its timeouts and connection cap.
        let limits = social_server::serve::ConnectionLimits {
            header_read: config.header_timeout,
            max_connections: config.max_connections as usize,
        };
        let server = tokio::spawn(social_server::serve::serve(
            listener,
            app,
            limits,
            std::future::pending(),
        ))
        .abort_handle();
        if let Some(every) = options.sweep_every {
            social_server::sweeper::spawn(
                state.clone(),
                social_server::sweeper::Sweep {
                    every,
                    after: config.sweep_after,
                },
            );
        }
        let dev_base = dev_listener.map(|dev| {
            let dev_addr = dev.local_addr().expect("addr");
            let app = social_server::dev_workspace::router(state.clone(), &config);
            tokio::spawn(async move { axum::serve(dev, app).await });
            format!("http://{dev_addr}")
        });
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(4)
            .connect(&database_url)
            .await
            .expect("second connection");
        TestApp {
            base: format!("http://{addr}"),
            dev_base,
            client: reqwest::Client::new(),
            state,
            platform,
            clock,
            pool,
            database_url,
            server,
            _dir: dir,
            _database: database,
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
        json::<NewSession>(response).await.token
    }

    /// `POST /api/session`.
    pub async fn sign_in(&self, email: &str, password: &str) -> Response {
        self.client
            .post(format!("{}/api/session", self.base))
            .json(&SignIn {
                email: email.into(),
                password: password.into(),
            })
            .send()
            .await
            .expect("POST")
    }

    /// `POST /api/session/logout`.
    pub async fn logout(&self, token: &str) -> Response {
        self.client
            .post(format!("{}/api/session/logout", self.base))
            .bearer_auth(token)
            .send()
            .await
            .expect("POST")
    }

    /// `GET /api/workspaces/{workspace}/conversations/{id}`.
    pub async fn resolve(&self, token: &str, workspace: &str, id: &str) -> Response {
        self.get(
            &format!("/api/workspaces/{workspace}/conversations/{id}"),
            Some(token),
        )
        .await
    }

    /// `PUT /api/conversations/{id}/workspace-ids/{workspace}` with a raw JSON body.
    pub async fn link_workspace_id_raw(
        &self,
        token: &str,
        conversation: &str,
        workspace: &str,
        body: &str,
    ) -> Response {
        self.client
            .put(format!(
                "{}/api/conversations/{conversation}/workspace-ids/{workspace}",
                self.base
            ))
            .bearer_auth(token)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.to_owned())
            .send()
            .await
            .expect("PUT")
    }

    /// `PUT /api/conversations/{id}/workspace-ids/{workspace}` `{"workspace_id"}`.
    pub async fn link_workspace_id(
        &self,
        token: &str,
        conversation: ConversationId,
        workspace: &str,
        workspace_id: &str,
    ) -> Response {
        let body = serde_json::to_string(&social_api::workspace::WorkspaceIdLink {
            workspace_id: workspace_id.into(),
        })
        .expect("JSON");
        self.link_workspace_id_raw(token, &conversation.to_string(), workspace, &body)
            .await
    }

    /// A GET on the dev workspace's origin.
    pub async fn dev_get(&self, path: &str) -> Response {
        let base = self.dev_base.as_deref().expect("the dev workspace runs");
        self.client
            .get(format!("{base}{path}"))
            .send()
            .await
            .expect("GET")
    }

    /// A POST without a body on the dev workspace's origin.
    pub async fn dev_post(&self, path: &str) -> Response {
        let base = self.dev_base.as_deref().expect("the dev workspace runs");
        self.client
            .post(format!("{base}{path}"))
            .send()
            .await
            .expect("POST")
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

    /// A session of `account`'s bot: written straight into the database, because the
    /// public demo endpoint signs in people only.
    pub async fn bot_token(&self, account: &str) -> String {
        let token = new_token();
        let done = sqlx::query(
            "INSERT INTO sessions
                (token_sha256, account_id, agent_id, created_at, idle_expires_at, expires_at)
             SELECT $1, g.account_id, g.id, 0, $2, $3 FROM agents g JOIN accounts a ON a.id = g.account_id
             WHERE a.slug = $4 AND g.kind = 'bot' ORDER BY g.id LIMIT 1",
        )
        .bind(token_sha256(&token))
        .bind(i64::MAX)
        .bind(i64::MAX)
        .bind(account)
        .execute(&self.pool)
        .await
        .expect("bot session");
        assert_eq!(done.rows_affected(), 1, "{account} has a bot");
        token
    }

    /// Assigns a conversation to the agent (person or bot) of that name.
    pub async fn assign(&self, conversation: ConversationId, agent: &str) {
        let done = sqlx::query(
            "UPDATE conversations SET assigned_agent_id =
                (SELECT g.id FROM agents g WHERE g.name = $1 AND g.account_id = conversations.account_id)
             WHERE id = $2",
        )
        .bind(agent)
        .bind(conversation.0)
        .execute(&self.pool)
        .await
        .expect("assign");
        self.wrote_behind();
        assert_eq!(done.rows_affected(), 1, "conversation {conversation}");
    }

    /// Moves the server's clock by `millis`.
    pub fn advance(&self, millis: i64) {
        self.clock
            .set(social_api::Timestamp(self.clock.now().0 + millis));
    }

    /// The id of the conversation (any view) whose consumer's name starts with `name`.
    pub async fn conversation_id(&self, token: &str, name: &str) -> ConversationId {
        self.list(token, Some("all"))
            .await
            .iter()
            .find(|c| c.consumer_name.starts_with(name))
            .unwrap_or_else(|| panic!("{name} is listed"))
            .id
    }

    /// A conversation, checked to be a 200.
    pub async fn read(&self, token: &str, id: ConversationId) -> Conversation {
        let response = self.conversation(token, &id.to_string()).await;
        assert_eq!(response.status(), StatusCode::OK);
        json(response).await
    }

    /// A POST with an optional `Idempotency-Key` and an optional JSON body.
    pub async fn post_action(
        &self,
        token: &str,
        path: &str,
        key: Option<&str>,
        body: Option<String>,
    ) -> Response {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(token);
        if let Some(key) = key {
            request = request.header(idempotency::HEADER, key);
        }
        if let Some(body) = body {
            request = request
                .header(header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        request.send().await.expect("POST")
    }

    /// `POST /api/conversations/{id}/messages` with `key`.
    pub async fn send_message_with(
        &self,
        token: &str,
        conversation: ConversationId,
        message: &SendMessage,
        key: &str,
    ) -> Response {
        let body = serde_json::to_string(message).expect("JSON");
        self.post_action(
            token,
            &format!("/api/conversations/{conversation}/messages"),
            Some(key),
            Some(body),
        )
        .await
    }

    /// `POST /api/conversations/{id}/messages` with a fresh key.
    pub async fn send_message(
        &self,
        token: &str,
        conversation: ConversationId,
        message: &SendMessage,
    ) -> Response {
        self.send_message_with(token, conversation, message, &new_key())
            .await
    }

    /// `POST /api/messages/{id}/retry` with a fresh key.
    pub async fn retry(&self, token: &str, message: MessageId) -> Response {
        self.post_action(
            token,
            &format!("/api/messages/{message}/retry"),
            Some(&new_key()),
            None,
        )
        .await
    }

    /// `POST /api/messages/{id}/like` with a fresh key.
    pub async fn like(&self, token: &str, message: MessageId) -> Response {
        self.post_action(
            token,
            &format!("/api/messages/{message}/like"),
            Some(&new_key()),
            None,
        )
        .await
    }

    /// `DELETE /api/messages/{id}/like`.
    pub async fn unlike(&self, token: &str, message: MessageId) -> Response {
        self.client
            .delete(format!("{}/api/messages/{message}/like", self.base))
            .bearer_auth(token)
            .header(idempotency::HEADER, new_key())
            .send()
            .await
            .expect("DELETE")
    }

    /// `POST /api/conversations/{id}/post/like` with a fresh key.
    pub async fn like_post(&self, token: &str, conversation: ConversationId) -> Response {
        self.post_action(
            token,
            &format!("/api/conversations/{conversation}/post/like"),
            Some(&new_key()),
            None,
        )
        .await
    }

    /// `DELETE /api/conversations/{id}/post/like`.
    pub async fn unlike_post(&self, token: &str, conversation: ConversationId) -> Response {
        self.client
            .delete(format!(
                "{}/api/conversations/{conversation}/post/like",
                self.base
            ))
            .bearer_auth(token)
            .header(idempotency::HEADER, new_key())
            .send()
            .await
            .expect("DELETE")
    }

    /// `POST /api/conversations/{id}/dm-invite` with a fresh key and no body.
    pub async fn dm_invite(&self, token: &str, conversation: ConversationId) -> Response {
        self.post_action(
            token,
            &format!("/api/conversations/{conversation}/dm-invite"),
            Some(&new_key()),
            None,
        )
        .await
    }

    /// `PUT /api/conversations/{id}/read`.
    pub async fn mark_read(&self, token: &str, conversation: ConversationId) -> Response {
        self.client
            .put(format!(
                "{}/api/conversations/{conversation}/read",
                self.base
            ))
            .bearer_auth(token)
            .send()
            .await
            .expect("PUT")
    }

    /// `POST /api/conversations/{id}/dm-invite` with a request body.
    pub async fn dm_invite_with(
        &self,
        token: &str,
        conversation: ConversationId,
        request: &social_api::DmInviteRequest,
    ) -> Response {
        self.post_action(
            token,
            &format!("/api/conversations/{conversation}/dm-invite"),
            Some(&new_key()),
            Some(serde_json::to_string(request).expect("JSON")),
        )
        .await
    }

    /// Sets the access token of the brand channel `platform_id` (an admin API comes later).
    pub async fn set_channel_token(
        &self,
        account: &str,
        source: Source,
        platform_id: &str,
        token: &str,
    ) {
        let (account_id,): (i64,) = sqlx::query_as("SELECT id FROM accounts WHERE slug = $1")
            .bind(account)
            .fetch_one(&self.pool)
            .await
            .expect("the account");
        let set = self
            .state
            .store
            .set_channel_token(account_id, source, platform_id, Some(&Secret::new(token)))
            .await
            .expect("stored");
        assert!(set, "{account} has the {source:?} channel {platform_id}");
    }

    /// `POST /api/conversations/{id}/consumer/refresh` with a fresh key.
    pub async fn refresh_consumer(&self, token: &str, conversation: ConversationId) -> Response {
        self.post_action(
            token,
            &format!("/api/conversations/{conversation}/consumer/refresh"),
            Some(&new_key()),
            None,
        )
        .await
    }

    pub async fn healthz(&self) -> Response {
        self.get("/healthz", None).await
    }

    /// Stops serving, as a process that ends would: the hub stops (and the applier with
    /// it), the listener closes; the database file stays for another `TestApp`.
    pub fn stop(&self) {
        self.state.events.stop();
        self.server.abort();
    }

    /// Whether this server runs on PostgreSQL (else SQLite).
    pub fn on_postgres(&self) -> bool {
        self.database_url.starts_with("postgres")
    }

    /// The test wrote rows through [`TestApp::pool`], behind the server's back: the
    /// answers the server keeps until its own next write must not hide them.
    pub fn wrote_behind(&self) {
        if let Some(cache) = &self.state.read_cache {
            cache.forget();
        }
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

/// The admin URL of the PostgreSQL cluster to test on, when `SOCIAL_TEST_POSTGRES` names one.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("SOCIAL_TEST_POSTGRES")
        .ok()
        .filter(|url| !url.trim().is_empty())
}

/// Creates a database no other test uses on the cluster at `admin`, and answers its URL.
async fn fresh_postgres_database(admin: &str) -> (String, OwnedDatabase) {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    // Unique across the tests of this run (the counter) and across runs on one cluster.
    let name = format!("social_test_{}_{n}_{nanos}", std::process::id());
    let mut admin_connection = sqlx::PgConnection::connect(admin)
        .await
        .unwrap_or_else(|e| panic!("SOCIAL_TEST_POSTGRES={admin}: cannot connect: {e}"));
    sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin_connection)
        .await
        .expect("a fresh database");
    let _ = admin_connection.close().await;
    let mut url = url::Url::parse(admin).expect("SOCIAL_TEST_POSTGRES is a URL");
    url.set_path(&name);
    let owned = OwnedDatabase {
        admin: admin.to_owned(),
        name,
    };
    (url.to_string(), owned)
}

fn secret_of(value: &str) -> social_server::secret::Secret {
    value.parse().expect("a test secret")
}

/// A new random `Idempotency-Key`.
pub fn new_key() -> String {
    new_token()
}

/// A plain message in `space`: no target, no mention, no attachments.
pub fn text_in(space: Space, text: &str) -> SendMessage {
    SendMessage {
        text: text.into(),
        space,
        reply_to: None,
        mention: false,
        attachments: Vec::new(),
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

/// The [`WidgetConfig`](social_api::workspace::WidgetConfig) in the framed widget's page.
pub fn widget_config(page: &str) -> social_api::workspace::WidgetConfig {
    let open = format!(
        r#"<script type="application/json" id="{}">"#,
        social_api::workspace::CONFIG_ELEMENT_ID
    );
    let start = page.find(&open).expect("the config element") + open.len();
    let end = start + page[start..].find("</script>").expect("closed");
    serde_json::from_str(&page[start..end]).expect("JSON")
}

pub fn header_of<'a>(response: &'a Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Collects everything logged on this thread (the server, its clients and the fakes run
/// on the test's one thread).
#[derive(Clone, Default)]
pub struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().expect("lock").clone()).expect("UTF-8")
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures every log line of this thread, at every level, until the guard drops.
pub fn capture_logs() -> (Captured, tracing::subscriber::DefaultGuard) {
    // With a single registered subscriber, tracing decides whether a log line is wanted
    // by asking the subscriber of the thread that reaches that line first: a test on
    // another thread (none) would switch it off for this one too, and this test would
    // miss it. A second subscriber that is never dropped makes tracing ask every one.
    static KEEP_TWO: std::sync::OnceLock<tracing::Dispatch> = std::sync::OnceLock::new();
    KEEP_TWO.get_or_init(|| tracing::Dispatch::new(tracing::subscriber::NoSubscriber::new()));
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}
