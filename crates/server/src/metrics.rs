//! What an operator counts: requests by route and status with their latency, platform
//! calls by outcome, idempotency replays, sweeper actions, open event streams and refused
//! connections, in Prometheus's (OpenMetrics) text format, served only on the listener
//! `--metrics-addr` names.
//!
//! One registry per process: the counters are bumped from wherever the thing happens,
//! without threading a handle through every layer.

use axum::extract::{MatchedPath, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::sync::LazyLock;
use std::time::Instant;

/// The content type of OpenMetrics text, which Prometheus scrapes.
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    /// The matched path template (`/api/conversations/{id}`), never the raw path: ids
    /// would make a series per conversation.
    route: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    platform: &'static str,
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ActionLabels {
    action: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CacheLabels {
    outcome: &'static str,
}

type Latency = Family<RouteLabels, Histogram, fn() -> Histogram>;

struct Metrics {
    registry: Registry,
    requests: Family<StatusLabels, Counter>,
    latency: Latency,
    platform_calls: Family<OutcomeLabels, Counter>,
    replays: Counter,
    sweeper: Family<ActionLabels, Counter>,
    streams: Gauge,
    refused: Counter,
    read_cache: Family<CacheLabels, Counter>,
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let mut registry = Registry::with_prefix("social");
    let requests = Family::<StatusLabels, Counter>::default();
    registry.register(
        "http_requests",
        "Requests answered, by method, route and status",
        requests.clone(),
    );
    let latency: Latency = Family::new_with_constructor(latency_histogram);
    registry.register(
        "http_request_duration_seconds",
        "Time to answer a request (until the response head), by method and route",
        latency.clone(),
    );
    let platform_calls = Family::<OutcomeLabels, Counter>::default();
    registry.register(
        "platform_calls",
        "Calls to Facebook and X (retries included in one call), by outcome",
        platform_calls.clone(),
    );
    let replays = Counter::default();
    registry.register(
        "idempotency_replays",
        "Actions answered from a kept answer instead of being done again",
        replays.clone(),
    );
    let sweeper = Family::<ActionLabels, Counter>::default();
    registry.register(
        "sweeper_actions",
        "What the sweeper did with messages left pending",
        sweeper.clone(),
    );
    let streams = Gauge::default();
    registry.register(
        "open_event_streams",
        "Event streams open now",
        streams.clone(),
    );
    let refused = Counter::default();
    registry.register(
        "refused_connections",
        "Connections over --max-connections, refused",
        refused.clone(),
    );
    let read_cache = Family::<CacheLabels, Counter>::default();
    registry.register(
        "read_cache",
        "Reads answered from memory (hit) or read from the database and kept (miss)",
        read_cache.clone(),
    );
    Metrics {
        registry,
        requests,
        latency,
        platform_calls,
        replays,
        sweeper,
        streams,
        refused,
        read_cache,
    }
});

/// Middleware: counts every request and times it, labelled by the matched route.
pub async fn track(request: Request, next: Next) -> Response {
    let method = method_label(request.method());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "other".to_owned(), |path| path.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    let metrics = &*METRICS;
    metrics
        .latency
        .get_or_create(&RouteLabels {
            method,
            route: route.clone(),
        })
        .observe(started.elapsed().as_secs_f64());
    metrics
        .requests
        .get_or_create(&StatusLabels {
            method,
            route,
            status: response.status().as_u16(),
        })
        .inc();
    response
}

/// The standard methods by name; anything else as one label, so a client cannot add series.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// One platform call finished: `outcome` is `ok` or why it failed.
pub fn platform_call(platform: &'static str, outcome: &'static str) {
    METRICS
        .platform_calls
        .get_or_create(&OutcomeLabels { platform, outcome })
        .inc();
}

/// An action was answered from its kept answer.
pub fn idempotency_replay() {
    METRICS.replays.inc();
}

/// The sweeper did `action` to one message.
pub fn sweeper_action(action: &'static str) {
    METRICS
        .sweeper
        .get_or_create(&ActionLabels { action })
        .inc();
}

/// A connection over the cap was refused.
pub fn connection_refused() {
    METRICS.refused.inc();
}

/// A read was answered from memory (`hit`), or read and kept (`miss`).
pub fn read_cache(outcome: &'static str) {
    METRICS
        .read_cache
        .get_or_create(&CacheLabels { outcome })
        .inc();
}

/// Counted as an open event stream while it lives.
#[derive(Debug)]
pub struct OpenStream(());

impl OpenStream {
    pub fn new() -> Self {
        METRICS.streams.inc();
        Self(())
    }
}

impl Default for OpenStream {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for OpenStream {
    fn drop(&mut self) {
        METRICS.streams.dec();
    }
}

/// Everything counted so far, as Prometheus scrapes it.
pub fn render() -> Result<String, std::fmt::Error> {
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &METRICS.registry)?;
    Ok(text)
}

/// The metrics listener's whole application: `GET /metrics`.
pub fn router() -> Router {
    Router::new().route("/metrics", get(scrape))
}

async fn scrape() -> Response {
    match render() {
        Ok(text) => (
            [(CONTENT_TYPE, HeaderValue::from_static(OPENMETRICS))],
            text,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "the metrics could not be written");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
