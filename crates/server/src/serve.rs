//! The accept loop: hyper's header-read timeout (which `axum::serve` leaves off), a cap on
//! the connections served at once, and graceful shutdown.

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
use tokio::sync::Semaphore;

use crate::error::ApiError;

/// Connections refused with a 503 at once; past these, a connection over the cap is
/// closed without a word (answering costs a task each, and a flood must not buy tasks).
const REFUSALS_AT_ONCE: usize = 64;

/// What one connection may take.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// A request's head (its line and headers) must arrive within this time; the
    /// connection is closed otherwise. Also bounds an idle keep-alive connection.
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
    builder.http2().timer(TokioTimer::new());
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
                let service = TowerToHyperService::new(app.clone());
                let connection = builder.serve_connection(io, service).into_owned();
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    if let Err(error) = connection.await {
                        tracing::debug!(%error, "connection ended with an error");
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
