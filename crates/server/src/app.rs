//! Assembles the application: state, the router every caller shares (main and tests),
//! and serving with graceful shutdown.

use axum::http::header::{CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS};
use axum::http::{HeaderValue, Request, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state, map_request, map_response};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};
use tower_http::trace::TraceLayer;

use crate::auth::SessionPolicy;
use crate::clock::Clock;
use crate::config::Config;
use crate::embedding::Embedding;
use crate::error::{self, ApiError};
use crate::events::Hub;
use crate::outbound::SendPolicy;
use crate::password::Verifier;
use crate::platforms::{self, Platform, RealPlatform, RecordingPlatform, RetryPolicy};
use crate::read_cache::{self, ReadCache};
use crate::routes::webhooks::WebhookKeys;
use crate::static_files::Site;
use crate::store::{self, Store, StoreError};
use crate::{demo, dev_workspace, ingest, routes, serve};

/// Answers smaller than this many bytes are sent uncompressed.
const COMPRESS_FROM: u16 = 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    /// Whether `POST /api/demo/session` is mounted.
    pub demo: bool,
    pub site: Arc<Site>,
    /// Facebook and X. Demo mode records calls; tests put in their own.
    pub platform: Arc<dyn Platform>,
    /// "Now" for the rules' time windows; tests fix it.
    pub clock: Clock,
    /// The open event streams of this process.
    pub events: Hub,
    /// When sessions end.
    pub sessions: SessionPolicy,
    /// How often an open event stream checks that its session still holds (idle expiry,
    /// or signed out on another instance); tests shorten it.
    pub session_recheck: Duration,
    /// Password checks, a few at a time.
    pub passwords: Verifier,
    /// The platforms' webhook secrets; a platform without them has no webhook routes.
    pub webhooks: Arc<WebhookKeys>,
    /// Wakes the applier of stored webhook events ([`ingest::spawn`]), and takes turns at
    /// writing them.
    pub inbound: ingest::Ingest,
    /// How messages are sent again, and for how long at most.
    pub sending: SendPolicy,
    /// After this long without an answer an idempotency claim is abandoned
    /// (`--idempotency-claim-timeout`).
    pub claim_timeout: Duration,
    /// How long a request's body and its answer may take.
    pub limits: RequestLimits,
    /// Answers kept until the next write; `None` when other processes may write the
    /// database (PostgreSQL).
    pub read_cache: Option<Arc<ReadCache>>,
}

/// How long one request may take (`--body-timeout`, `--request-timeout`).
#[derive(Debug, Clone, Copy)]
pub struct RequestLimits {
    pub body: Duration,
    pub answer: Duration,
}

/// The policy of every response that is not the widget's (the API's JSON, problems):
/// nothing in it may run, load or be framed.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// [`AppState::session_recheck`] in production: a stream outlives its session by at most
/// this much.
pub const SESSION_RECHECK: Duration = Duration::from_secs(60);

/// Why the server could not start or stopped early.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Config(String),
    #[error("database: {0}")]
    Store(#[from] StoreError),
    #[error("demo data: {0}")]
    Seed(#[from] demo::SeedError),
    #[error("{0}")]
    Platform(#[from] platforms::BuildError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error("server: {0}")]
    Serve(#[from] std::io::Error),
}

impl AppState {
    /// Opens and migrates the database, seeds it with `--demo`, reads the built widget.
    /// The ports in `config` are the ones listened on (not 0): the dev workspace's origin
    /// goes into the widget's `frame-ancestors`.
    pub async fn from_config(config: &Config) -> Result<Self, StartError> {
        config.validate().map_err(StartError::Config)?;
        let store::Opened { store, writes } = store::open(&config.database_url).await?;
        if config.demo {
            let outcome = demo::seed(store.as_ref()).await?;
            tracing::info!(
                accounts_created = outcome.accounts_created,
                "demo data seeded"
            );
        }
        // The demo never reaches Facebook or X: it records what it would have done.
        let platform: Arc<dyn Platform> = if config.demo {
            match &config.record_calls {
                Some(path) => Arc::new(RecordingPlatform::recording_to(path).map_err(|error| {
                    StartError::Config(format!("--record-calls {}: {error}", path.display()))
                })?),
                None => Arc::new(RecordingPlatform::new()),
            }
        } else {
            Arc::new(RealPlatform::new(
                &platforms::Settings::from_config(config),
                store.clone(),
            )?)
        };
        let embedding = Embedding::new(config, dev_workspace::origin(config).as_deref());
        let webhooks = WebhookKeys::from_config(config);
        webhooks.log_state();
        Ok(Self {
            store,
            demo: config.demo,
            site: Arc::new(Site::load(&config.static_dir, &embedding)),
            platform,
            clock: Clock::system(),
            events: Hub::new(),
            sessions: SessionPolicy {
                idle: config.session_idle,
                max: config.session_max,
            },
            session_recheck: SESSION_RECHECK,
            passwords: Verifier::per_core(),
            webhooks: Arc::new(webhooks),
            inbound: ingest::Ingest::default(),
            sending: SendPolicy {
                retry: RetryPolicy::from_config(config),
                deadline: config.sweep_after / 2,
            },
            claim_timeout: config.claim_timeout(),
            limits: RequestLimits {
                body: config.body_timeout,
                answer: config.request_timeout,
            },
            read_cache: writes
                .filter(|_| !config.read_cache_max_age.is_zero())
                .map(|writes| Arc::new(ReadCache::new(writes, config.read_cache_max_age))),
        })
    }

    /// The same state with another platform (tests inject a recording one).
    pub fn with_platform(self, platform: Arc<dyn Platform>) -> Self {
        Self { platform, ..self }
    }

    /// The same state with another clock (tests fix the time).
    pub fn with_clock(self, clock: Clock) -> Self {
        Self { clock, ..self }
    }

    /// The same state with open streams checking their session every `every` (tests move
    /// the clock and want to see a stream end soon after).
    pub fn with_session_recheck(self, every: Duration) -> Self {
        Self {
            session_recheck: every,
            ..self
        }
    }

    /// The time now, as the rules take it.
    pub fn now(&self) -> social_api::Timestamp {
        self.clock.now()
    }
}

/// The whole application: `/api/*`, `/webhooks/*`, `/healthz`, and the widget for every
/// other path.
pub fn router(state: AppState) -> Router {
    let site = state.site.router();
    let limits = state.limits;
    let demo = state.demo;
    let cached = from_fn_with_state(state.clone(), read_cache::serve);
    let mut app = Router::new().route("/healthz", get(routes::health::healthz));
    if state.demo {
        // So `--liveperson-sdk /dev-workspace/lp-agent-sdk-standin.js` works: LivePerson's
        // real SDK is not reachable from a dev machine without a LivePerson account.
        app = app.route(
            dev_workspace::STANDIN_PATH,
            get(|| async {
                dev_workspace::file(
                    "text/javascript; charset=utf-8",
                    dev_workspace::STANDIN_JS,
                    None,
                )
            }),
        );
    }
    let app = app
        .nest("/api", routes::api(&state))
        .nest("/webhooks", routes::webhooks::router(&state))
        .with_state(state)
        .fallback_service(site)
        // A slow body answers 408 where it is read; a slow answer 408 here. Only the head
        // of a response is timed: an event stream, once started, stays open.
        .layer(RequestBodyTimeoutLayer::new(limits.body))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.answer,
        ))
        // Precompressed files already carry a Content-Encoding and are left alone. A small
        // answer (a problem, an id) fits a packet either way, and brotli's set-up alone
        // cost more than the rest of the request (bench-api: a 401's p99 0.61 -> 0.45 ms).
        .layer(
            CompressionLayer::new().compress_when(
                SizeAbove::new(COMPRESS_FROM)
                    .and(NotForContentType::GRPC)
                    .and(NotForContentType::IMAGES)
                    .and(NotForContentType::SSE),
            ),
        )
        // Outside compression: a kept answer is the bytes sent.
        .layer(cached)
        .layer(map_response(error::problem_for_bare_status))
        .layer(from_fn(crate::metrics::track))
        .layer(SetResponseHeaderLayer::if_not_present(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        // The widget's files carry the widget's policy; everything else this one.
        .layer(SetResponseHeaderLayer::if_not_present(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(API_CSP),
        ));
    let app = if demo {
        app.layer(from_fn(crate::demo_guard::only_loopback))
    } else {
        app
    };
    with_request_id(app)
}

/// The outer layers of every listener's application: the request id in the log span and on
/// the response, and a panic answered as a 500 problem.
pub fn with_request_id(app: Router) -> Router {
    // Spans carry method, path and the request id only: tokens travel in headers, texts
    // in bodies, and the query may hold Meta's verify token.
    app.layer(
        TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
            let id = request
                .headers()
                .get(REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            tracing::info_span!(
                "request",
                method = %request.method(),
                path = %request.uri().path(),
                request_id = %id
            )
        }),
    )
    // A bug must cost one request a 500 problem, never the connection or the process.
    .layer(CatchPanicLayer::custom(
        |_: Box<dyn std::any::Any + Send>| {
            ApiError::Internal("a handler panicked".into()).into_response()
        },
    ))
    .layer(PropagateRequestIdLayer::new(REQUEST_ID))
    // A proxy's id is kept; otherwise a new UUID.
    .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
    .layer(map_request(drop_unfit_request_id))
}

/// The longest request id a client may bring: a UUID is 36, a trace id 32 or 55.
pub const REQUEST_ID_MAX: usize = 128;

/// Forgets a client's request id that is too long or not printable ASCII, so a new one is
/// made: it goes into every log line and back on the response.
async fn drop_unfit_request_id<B>(mut request: Request<B>) -> Request<B> {
    let fit = |value: &HeaderValue| {
        value.len() <= REQUEST_ID_MAX && value.as_bytes().iter().all(|b| b.is_ascii_graphic())
    };
    if request.headers().get(REQUEST_ID).is_some_and(|v| !fit(v)) {
        request.headers_mut().remove(REQUEST_ID);
    }
    request
}

/// The request id's header, on every response.
pub const REQUEST_ID: axum::http::HeaderName = axum::http::HeaderName::from_static("x-request-id");

/// A line for the person who started the server: on standard output beside text logs,
/// on standard error when standard output carries JSON logs (one JSON object per line).
macro_rules! banner {
    ($format:expr, $($line:tt)*) => {
        match $format {
            crate::config::LogFormat::Text => println!($($line)*),
            crate::config::LogFormat::Json => eprintln!($($line)*),
        }
    };
}

/// Serves until Ctrl-C or SIGTERM, then lets open requests finish.
pub async fn serve(mut config: Config) -> Result<(), StartError> {
    config.validate().map_err(StartError::Config)?;
    let listener = bind(&config.host, config.port).await?;
    let addr = listener.local_addr()?;
    let dev_listener = match config.dev_workspace_port {
        Some(port) => Some(bind(&config.host, port).await?),
        None => None,
    };
    // Port 0 picked free ones: the URLs and origins must name the real ones.
    config.port = addr.port();
    if let Some(dev) = &dev_listener {
        config.dev_workspace_port = Some(dev.local_addr()?.port());
    }
    let metrics_listener = match config.metrics_addr {
        Some(metrics) => Some(bind(&metrics.ip().to_string(), metrics.port()).await?),
        None => None,
    };
    let state = AppState::from_config(&config).await?;
    banner!(
        config.log_format,
        "social-server listening on http://{addr}"
    );
    if config.demo {
        banner!(
            config.log_format,
            "the standalone dev page, with the demo data: http://{addr}/dev/"
        );
        banner!(
            config.log_format,
            "the admin settings (data sources, routing, audit): http://{addr}/admin/ \
             (alex@acme-outdoor.example, password {})",
            crate::demo::DEMO_PASSWORD
        );
        // Loud on purpose: this must never be mistaken for a real deployment.
        eprintln!(
            "WARNING: demo mode: anyone who can reach http://{addr} is signed in as any demo \
             agent or admin without a password (loopback only; requests naming another host \
             are refused)"
        );
        tracing::warn!(%addr, "DEMO MODE: anyone reaching this server is signed in without a password");
    }
    let limits = serve::ConnectionLimits {
        header_read: config.header_timeout,
        max_connections: usize::try_from(config.max_connections).unwrap_or(usize::MAX),
    };
    tracing::info!(%addr, demo = config.demo, "listening");
    // With other instances on the same database, their changes reach this one's streams.
    let feed = crate::events::spawn_feed(state.store.as_ref(), &state.events).await?;
    // Also applies what a previous process stored but did not apply.
    let applier = ingest::spawn(state.clone());
    let events = state.events.clone();
    // Stops with the server (it watches `events`).
    let sweeper = crate::sweeper::spawn(
        state.clone(),
        crate::sweeper::Sweep {
            every: config.sweep_interval,
            after: config.sweep_after,
        },
    );
    let purge = crate::purge::spawn(state.clone(), config.purge_interval);
    let dev_workspace = match dev_listener {
        Some(dev) => {
            let origin = dev_workspace::origin(&config).unwrap_or_default();
            banner!(
                config.log_format,
                "the dev agent workspace: {origin}/ (LivePerson: {origin}/liveperson)"
            );
            let app = with_request_id(
                dev_workspace::router(state.clone(), &config)
                    .layer(from_fn(crate::demo_guard::only_loopback)),
            );
            let stopped = events.stopped();
            Some(tokio::spawn(serve::serve(dev, app, limits, stopped)))
        }
        None => None,
    };
    let metrics = metrics_listener.map(|metrics| {
        if let Ok(at) = metrics.local_addr() {
            banner!(config.log_format, "metrics: http://{at}/metrics");
        }
        let stopped = events.stopped();
        tokio::spawn(serve::serve(
            metrics,
            crate::metrics::router(),
            limits,
            stopped,
        ))
    });
    serve::serve(listener, router(state), limits, async move {
        shutdown_signal().await;
        // Event streams never finish on their own: end them, or shutdown waits forever.
        events.stop();
    })
    .await;
    for server in dev_workspace.into_iter().chain(metrics) {
        if let Err(error) = server.await {
            tracing::error!(%error, "a second listener's server failed");
        }
    }
    // The hub stopped with the server: the applier finishes the event it is on and ends.
    if let Err(error) = applier.await {
        tracing::error!(%error, "the webhook applier failed");
    }
    if let Err(error) = sweeper.await {
        tracing::error!(%error, "the sweeper failed");
    }
    if let Err(error) = purge.await {
        tracing::error!(%error, "the purge job failed");
    }
    if let Some(feed) = feed {
        if let Err(error) = feed.await {
            tracing::error!(%error, "the feed of the other instances' events failed");
        }
    }
    tracing::info!("stopped");
    Ok(())
}

async fn bind(host: &str, port: u16) -> Result<TcpListener, StartError> {
    TcpListener::bind((host, port))
        .await
        .map_err(|source| StartError::Bind {
            addr: format!("{host}:{port}"),
            source,
        })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
