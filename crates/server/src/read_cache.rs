//! Answers to repeated reads kept in memory until the database is next written: the same
//! agent reading the same conversation list or conversation again gets the bytes already
//! made (serialised and compressed), without a database round trip.
//!
//! Only for a database no other process writes to ([`crate::store::Writes`] counts this
//! process's writes). An answer is given again only while:
//! - no write of the store has ended since it was read (so the session behind it is
//!   unchanged too: signing out is a write);
//! - its session is still live at the clock's time, and needs no idle extension (that
//!   request takes the usual path, which writes the extension);
//! - it is younger than `--read-cache-max-age` (1 s): a write whose future was dropped while the database
//!   still carried it out may commit after it was counted, and this bounds how long such
//!   a write can go unseen.
//!
//! A handler opts in by putting [`Keep`] in its answer's extensions. The layer sits outside
//! compression, so what is kept is what was sent, for each `Accept-Encoding`.

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::ACCEPT_ENCODING;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::app::AppState;
use crate::auth::{request_token, token_sha256, BearerSession};
use crate::error::ApiError;
use crate::store::{SessionEnds, Writes};

/// At most this many answers are kept; past it the cache starts again empty.
const MAX_ENTRIES: usize = 4_096;
/// Nor more than this many bytes of them.
const MAX_BYTES: usize = 64 << 20;
/// A larger answer is sent and not kept.
const MAX_ENTRY_BYTES: usize = 1 << 20;

/// Put in an answer's extensions by a handler whose answer depends only on the session
/// (its account and agent), the request's path and query and the database: it may be
/// kept. `ends` is the session's, when the answer was made.
#[derive(Debug, Clone, Copy)]
pub struct Keep {
    ends: SessionEnds,
}

impl Keep {
    pub fn for_session(session: &BearerSession) -> Self {
        Self { ends: session.ends }
    }
}

/// The kept answers, all read while the store's write count was `generation`.
pub struct ReadCache {
    writes: Writes,
    max_age: Duration,
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    generation: u64,
    answers: HashMap<Key, Answer>,
    bytes: usize,
}

/// Who asked what, and how they take it compressed: an answer is only ever given to the
/// token it was made for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    token_sha256: String,
    path_and_query: String,
    accept_encoding: Option<HeaderValue>,
}

#[derive(Clone)]
struct Answer {
    read_at: Instant,
    ends: SessionEnds,
    headers: HeaderMap,
    body: Bytes,
}

impl ReadCache {
    pub fn new(writes: Writes, max_age: Duration) -> Self {
        Self {
            writes,
            max_age,
            kept: Mutex::new(Kept::default()),
        }
    }

    /// Gives no answer kept so far again: the database was written by other means.
    pub fn forget(&self) {
        self.writes.written_elsewhere();
    }

    fn lookup(&self, key: &Key) -> Option<Answer> {
        let generation = self.writes.generation();
        let kept = self
            .kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if kept.generation != generation {
            return None;
        }
        kept.answers
            .get(key)
            .filter(|answer| answer.read_at.elapsed() < self.max_age)
            .cloned()
    }

    /// Keeps `answer`, read after the write count was `generation`, unless a write has
    /// ended since: then it may be older than the database.
    fn keep(&self, generation: u64, key: Key, answer: Answer) {
        if answer.body.len() > MAX_ENTRY_BYTES {
            return;
        }
        let mut kept = self
            .kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if generation != self.writes.generation() {
            return;
        }
        let full = kept.answers.len() >= MAX_ENTRIES || kept.bytes + answer.body.len() > MAX_BYTES;
        if kept.generation != generation || full {
            *kept = Kept {
                generation,
                ..Kept::default()
            };
        }
        kept.bytes += answer.body.len();
        if let Some(replaced) = kept.answers.insert(key, answer) {
            kept.bytes -= replaced.body.len();
        }
    }
}

/// Middleware: answers a GET from [`ReadCache`] when it can, and keeps what a handler
/// marked [`Keep`].
pub async fn serve(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(cache) = state.read_cache.clone() else {
        return next.run(request).await;
    };
    let Some(key) = key_of(&request) else {
        return next.run(request).await;
    };
    if let Some(answer) = cache.lookup(&key) {
        let now = state.now();
        if now < answer.ends.idle_expires_at && state.sessions.extended(now, answer.ends).is_none()
        {
            crate::metrics::read_cache("hit");
            return answer.into_response();
        }
    }
    // Before the database is read: a write ending during the read moves it on.
    let generation = cache.writes.generation();
    let response = next.run(request).await;
    let Some(&Keep { ends }) = response.extensions().get::<Keep>() else {
        return response;
    };
    if response.status() != StatusCode::OK {
        return response;
    }
    let (parts, body) = response.into_parts();
    let body = match to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(error) => {
            return ApiError::Internal(format!("an answer could not be read: {error}"))
                .into_response()
        }
    };
    crate::metrics::read_cache("miss");
    let answer = Answer {
        read_at: Instant::now(),
        ends,
        headers: parts.headers.clone(),
        body: body.clone(),
    };
    cache.keep(generation, key, answer);
    Response::from_parts(parts, Body::from(body))
}

/// The key of a GET with one of our bearer tokens; `None` for anything else.
fn key_of(request: &Request) -> Option<Key> {
    if request.method() != Method::GET {
        return None;
    }
    let token = request_token(request.headers()).ok()?;
    Some(Key {
        token_sha256: token_sha256(token),
        path_and_query: request.uri().path_and_query()?.as_str().to_owned(),
        accept_encoding: request.headers().get(ACCEPT_ENCODING).cloned(),
    })
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let mut response = Response::new(Body::from(self.body));
        *response.headers_mut() = self.headers;
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use social_api::Timestamp;

    fn key(path: &str) -> Key {
        Key {
            token_sha256: "a".repeat(64),
            path_and_query: path.to_owned(),
            accept_encoding: None,
        }
    }

    fn answer(body: &'static str) -> Answer {
        Answer {
            read_at: Instant::now(),
            ends: SessionEnds {
                idle_expires_at: Timestamp(1),
                expires_at: Timestamp(1),
            },
            headers: HeaderMap::new(),
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    fn cache(max_age: Duration) -> (Writes, ReadCache) {
        let writes = Writes::default();
        (writes.clone(), ReadCache::new(writes, max_age))
    }

    const LONG: Duration = Duration::from_secs(3600);

    #[test]
    fn an_answer_is_given_until_the_next_write() {
        let (writes, cache) = cache(LONG);
        cache.keep(writes.generation(), key("/a"), answer("one"));
        assert_eq!(cache.lookup(&key("/a")).map(|a| a.body), Some("one".into()));
        assert!(cache.lookup(&key("/b")).is_none());
        writes.written_elsewhere();
        assert!(cache.lookup(&key("/a")).is_none());
    }

    #[test]
    fn an_answer_read_while_a_write_ended_is_not_kept() {
        let (writes, cache) = cache(LONG);
        let before_the_read = writes.generation();
        writes.written_elsewhere();
        cache.keep(before_the_read, key("/a"), answer("old"));
        assert!(cache.lookup(&key("/a")).is_none());
    }

    #[test]
    fn an_answer_older_than_the_maximum_age_is_not_given() {
        let (writes, cache) = cache(Duration::ZERO);
        cache.keep(writes.generation(), key("/a"), answer("one"));
        assert!(cache.lookup(&key("/a")).is_none());
    }

    #[test]
    fn the_cache_starts_again_when_full() {
        let (writes, cache) = cache(LONG);
        for n in 0..MAX_ENTRIES {
            cache.keep(writes.generation(), key(&format!("/{n}")), answer("x"));
        }
        assert!(cache.lookup(&key("/0")).is_some());
        cache.keep(writes.generation(), key("/last"), answer("x"));
        assert!(cache.lookup(&key("/0")).is_none());
        assert!(cache.lookup(&key("/last")).is_some());
    }
}
