//! The accept loop: hyper's header-read timeout (which `axum::serve` leaves off) with its
//! equivalents for HTTP/2 (a first request in time, pings answered, no idling between
//! requests), a cap on the connections served at once, and graceful shutdown.

use axum::body::{Body, Bytes, HttpBody};
use axum::response::Response;
use axum::Router;
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulConnection;
use hyper_util::service::TowerToHyperService;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};

use crate::error::ApiError;

/// Connections refused with a 503 at once; past these, a connection over the cap is
/// closed without a word (answering costs a task each, and a flood must not buy tasks).
const REFUSALS_AT_ONCE: usize = 64;

/// What one connection may take.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// A request's head (its line and headers; on HTTP/2 its HEADERS frames) must arrive
    /// within this time; the connection is closed otherwise. Also bounds how long a
    /// connection may stay open with no request under way (HTTP/1 keep-alive, HTTP/2
    /// between streams), and an HTTP/2 peer that stops answering pings.
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
    let max_connections = limits.max_connections.clamp(1, Semaphore::MAX_PERMITS);
    let permits = Arc::new(Semaphore::new(max_connections));
    let refusals = Arc::new(Semaphore::new(REFUSALS_AT_ONCE));
    let (stop, stopping) = watch::channel(false);
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
                let (open, requests) = watch::channel(Requests::default());
                let service = Tracked {
                    inner: TowerToHyperService::new(app.clone()),
                    open: Arc::new(open),
                };
                let connection = builder.serve_connection(io, service).into_owned();
                let (header_read, stopping) = (limits.header_read, stopping.clone());
                tokio::spawn(async move {
                    let connection = std::pin::pin!(connection);
                    drive(connection, requests, stopping, header_read).await;
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
    // Every connection finishes what it is doing and closes; each holds a permit until then.
    stop.send_replace(true);
    let all = u32::try_from(max_connections).unwrap_or(u32::MAX);
    let all_closed = permits.acquire_many(all).await;
    drop(all_closed);
}

/// The requests of one connection: how many are under way (from their head until their
/// answer's body has been sent or dropped), and whether one has ever arrived.
#[derive(Debug, Default, Clone, Copy)]
struct Requests {
    open: usize,
    seen: bool,
}

/// Drives a connection until it ends. Until its first request head, neither protocol's
/// own timer runs in every case (hyper waits without one for the bytes that tell HTTP/1
/// from HTTP/2, and HTTP/2 for the client's first frames): with none in `header_read` it
/// is dropped, which closes it. After that, no request under way for `header_read`, or
/// the server stopping, shuts it down gracefully (HTTP/2: GOAWAY, then streams finish).
async fn drive<C>(
    mut connection: Pin<&mut C>,
    mut requests: watch::Receiver<Requests>,
    mut stopping: watch::Receiver<bool>,
    header_read: Duration,
) where
    C: GracefulConnection,
    C::Error: std::fmt::Display,
{
    let mut closing = false;
    let ended = loop {
        let now = *requests.borrow_and_update();
        let idle = now.open == 0 && !closing;
        tokio::select! {
            ended = connection.as_mut() => break Some(ended),
            Ok(()) = requests.changed() => {}
            Ok(()) = stopping.changed(), if !closing => {
                closing = true;
                connection.as_mut().graceful_shutdown();
            }
            () = tokio::time::sleep(header_read), if idle => {
                if !now.seen {
                    break None;
                }
                tracing::debug!("no request under way in time: connection shut down");
                closing = true;
                connection.as_mut().graceful_shutdown();
            }
        }
    };
    match ended {
        Some(Err(error)) => tracing::debug!(%error, "connection ended with an error"),
        Some(Ok(())) => {}
        // Nothing to answer yet: dropping the connection closes it.
        None => tracing::debug!("no request head in time: connection closed"),
    }
}

/// The connection's service, counting its requests in [`Requests`] (hyper calls the
/// service once a head is complete, on either protocol).
struct Tracked<S> {
    inner: S,
    open: Arc<watch::Sender<Requests>>,
}

type Answer<E> = Pin<Box<dyn Future<Output = Result<Response, E>> + Send>>;

impl<S, R> hyper::service::Service<R> for Tracked<S>
where
    S: hyper::service::Service<R, Response = Response>,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Answer<S::Error>;

    fn call(&self, request: R) -> Self::Future {
        let under_way = UnderWay::new(self.open.clone());
        let answer = self.inner.call(request);
        Box::pin(async move {
            let response = answer.await?;
            Ok(response.map(|body| {
                Body::new(Until {
                    body,
                    _under_way: under_way,
                })
            }))
        })
    }
}

/// One request under way while it lives: from its head until its answer is sent, or
/// dropped (the client went away).
struct UnderWay(Arc<watch::Sender<Requests>>);

impl UnderWay {
    fn new(open: Arc<watch::Sender<Requests>>) -> Self {
        open.send_modify(|requests| {
            requests.open += 1;
            requests.seen = true;
        });
        Self(open)
    }
}

impl Drop for UnderWay {
    fn drop(&mut self) {
        self.0.send_modify(|requests| requests.open -= 1);
    }
}

/// An answer's body, keeping its request under way until the body ends.
struct Until {
    body: Body,
    _under_way: UnderWay,
}

impl HttpBody for Until {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
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
