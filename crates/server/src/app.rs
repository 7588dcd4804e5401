//! Assembles the application: state, the router every caller shares (main and tests),
//! and serving with graceful shutdown.

use axum::http::header::{REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS};
use axum::http::HeaderValue;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::clock::Clock;
use crate::config::Config;
use crate::error::ApiError;
use crate::events::Hub;
use crate::platforms::{NotConnected, Platform, RecordingPlatform};
use crate::static_files::Site;
use crate::store::{self, Store, StoreError};
use crate::{demo, routes};

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
}

/// Why the server could not start or stopped early.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database: {0}")]
    Store(#[from] StoreError),
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
    pub async fn from_config(config: &Config) -> Result<Self, StartError> {
        let store = store::connect(&config.database_url).await?;
        if config.demo {
            let outcome = demo::seed(store.as_ref()).await?;
            tracing::info!(
                accounts_created = outcome.accounts_created,
                "demo data seeded"
            );
        }
        // Until the Meta and X clients exist, only the demo pretends to reach them.
        let platform: Arc<dyn Platform> = if config.demo {
            Arc::new(RecordingPlatform::new())
        } else {
            tracing::warn!("no platform clients yet: replies, DMs and likes will fail");
            Arc::new(NotConnected)
        };
        Ok(Self {
            store,
            demo: config.demo,
            site: Arc::new(Site::load(&config.static_dir, &config.frame_ancestors)),
            platform,
            clock: Clock::system(),
            events: Hub::new(),
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

    /// The time now, as the rules take it.
    pub fn now(&self) -> social_api::Timestamp {
        self.clock.now()
    }
}

/// The whole application: `/api/*`, `/healthz`, and the widget for every other path.
pub fn router(state: AppState) -> Router {
    let site = state.site.router();
    Router::new()
        .route("/healthz", get(routes::health::healthz))
        .nest("/api", routes::api(&state))
        .with_state(state)
        .fallback_service(site)
        // Precompressed files already carry a Content-Encoding and are left alone.
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        // Spans carry method and path only: tokens travel in headers, texts in bodies.
        .layer(TraceLayer::new_for_http())
        // A bug must cost one request a 500 problem, never the connection or the process.
        .layer(CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| {
                ApiError::Internal("a handler panicked".into()).into_response()
            },
        ))
}

/// Serves until Ctrl-C or SIGTERM, then lets open requests finish.
pub async fn serve(config: Config) -> Result<(), StartError> {
    let state = AppState::from_config(&config).await?;
    let listener = TcpListener::bind((config.host.as_str(), config.port))
        .await
        .map_err(|source| StartError::Bind {
            addr: format!("{}:{}", config.host, config.port),
            source,
        })?;
    let addr = listener.local_addr()?;
    println!("social-server listening on http://{addr}");
    if config.demo {
        println!("the standalone dev page, with the demo data: http://{addr}/dev/");
    }
    tracing::info!(%addr, demo = config.demo, "listening");
    let events = state.events.clone();
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            // Event streams never finish on their own: end them, or shutdown waits forever.
            events.stop();
        })
        .await?;
    tracing::info!("stopped");
    Ok(())
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
