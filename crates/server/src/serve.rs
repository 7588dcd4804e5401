//! The accept loop: hyper's header-read timeout (which `axum::serve` leaves off) with its
//! equivalent for HTTP/2, a cap on the connections served at once, and graceful shutdown.

use axum::body::Body;
use axum::response::Response;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore};

use crate::error::ApiError;

/// Connections refused with a 503 at once; past these, a connection over the cap is
/// closed without a word (answering costs a task each, and a flood must not buy tasks).
const REFUSALS_AT_ONCE: usize = 64;

/// What one connection may take.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// A request's head (its line and headers; on HTTP/2 its HEADERS frames) must arrive
    /// within this time; the connection is closed otherwise. Also bounds an idle HTTP/1
    /// keep-alive connection, and an HTTP/2 peer that stops answering pings.
    pub header_read: Duration,
    /// Connections served at once; one more is answered 503 and closed.
    pub max_connections: usize,
}

/// Serves `app` on `listener` until `shutdown` resolves, then waits for the open
/// connections to finish (event streams must be ended by whoever resolves `shutdown`).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let refusals = Arc::new(Semaphore::new(REFUSALS_AT_ONCE));
    let graceful = GracefulShutdown::new();
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read);
    // HTTP/2 has no header-read timeout: a peer that stops reading or answering between
    // requests is found by a ping it does not acknowledge in time.
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(limits.header_read)
        .keep_alive_timeout(limits.header_read);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => stream,
                Err(error) => {
                    // Out of file descriptors, say: wait rather than spin.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let io = TokioIo::new(stream);
        match permits.clone().try_acquire_owned() {
            Ok(permit) => {
                let arrived = Arc::new(Notify::new());
                let service = FirstHead {
                    inner: TowerToHyperService::new(app.clone()),
                    arrived: arrived.clone(),
                };
                let connection = builder.serve_connection(io, service).into_owned();
                let connection = graceful.watch(connection);
                let header_read = limits.header_read;
                tokio::spawn(async move {
                    let mut connection = std::pin::pin!(connection);
                    // Until the first request, neither protocol's own timer runs in every
                    // case: hyper waits without one for the bytes that tell HTTP/1 from
                    // HTTP/2, and HTTP/2 for the client's first frames.
                    let first_head = tokio::time::timeout(header_read, arrived.notified());
                    let ended = tokio::select! {
                        ended = &mut connection => Some(ended),
                        in_time = first_head => match in_time {
                            Ok(()) => Some(connection.await),
                            Err(_) => None,
                        },
                    };
                    match ended {
                        Some(Err(error)) => {
                            tracing::debug!(%error, "connection ended with an error");
                        }
                        Some(Ok(())) => {}
                        // Nothing to answer yet: dropping the connection closes it.
                        None => tracing::debug!("no request head in time: connection closed"),
                    }
                    drop(permit);
                });
            }
            Err(_) => {
                crate::metrics::connection_refused();
                let Ok(refusal) = refusals.clone().try_acquire_owned() else {
                    continue; // dropping the stream closes it
                };
                let header_read = limits.header_read;
                tokio::spawn(async move {
                    refuse(io, header_read).await;
                    drop(refusal);
                });
            }
        }
    }
    graceful.shutdown().await;
}

/// The connection's service, telling its task when a request head has arrived (hyper
/// calls the service once a head is complete, on either protocol).
struct FirstHead<S> {
    inner: S,
    arrived: Arc<Notify>,
}

impl<S, R> hyper::service::Service<R> for FirstHead<S>
where
    S: hyper::service::Service<R>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn call(&self, request: R) -> Self::Future {
        // Stores a permit when the task is not waiting (any more): never blocks.
        self.arrived.notify_one();
        self.inner.call(request)
    }
}

/// Answers the connection's first request with 503 and closes it.
async fn refuse(io: TokioIo<tokio::net::TcpStream>, header_read: Duration) {
    let busy = hyper::service::service_fn(|_: hyper::Request<Incoming>| async {
        Ok::<Response<Body>, Infallible>(busy())
    });
    let mut http1 = hyper::server::conn::http1::Builder::new();
    http1
        .timer(TokioTimer::new())
        .header_read_timeout(header_read)
        .keep_alive(false);
    if let Err(error) = http1.serve_connection(io, busy).await {
        tracing::debug!(%error, "a refused connection ended with an error");
    }
}

fn busy() -> Response {
    use axum::response::IntoResponse;
    let mut response = ApiError::Unavailable(
        "The server is serving as many connections as it may: try again in a moment.",
    )
    .into_response();
    response.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from_static("1"),
    );
    response
}
