//! `POST /api/events/ticket` and `GET /api/conversations/{id}/events?ticket=…`: the live
//! stream of one conversation as Server-Sent Events. `EventSource` sends no headers, so a
//! single-use ticket of a minute opens the stream; the session token never goes in a URL.
//! A reconnect with `Last-Event-ID` replays what it missed from the event log. A stream
//! lasts as long as its session: it ends on sign-out, at the session's cap, and once the
//! session has gone unused too long.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Json;
use futures_util::stream::{self, Stream, StreamExt};
use serde::Deserialize;
use social_api::events::{EventTicket, CHANGE_EVENT, RESET_EVENT};
use social_api::{ConversationId, Timestamp};
use tokio_stream::wrappers::{errors::BroadcastStreamRecvError, BroadcastStream};

use crate::app::AppState;
use crate::auth::{new_token, token_sha256, BearerSession};
use crate::error::{ApiError, ApiPath, ApiQuery, AuthFailure};
use crate::store::{SessionEnds, TicketSession};

/// How long a ticket opens a stream.
const TICKET_LIFETIME_MS: i64 = 60_000;

/// A ticket for one stream of the signed-in agent's live session; it opens nothing once
/// the session has ended.
pub async fn ticket(
    State(state): State<AppState>,
    bearer: BearerSession,
) -> Result<Json<EventTicket>, ApiError> {
    let ticket = new_token();
    let expires_at = Timestamp(state.now().0 + TICKET_LIFETIME_MS);
    state
        .store
        .create_ticket(&bearer.token_sha256, &token_sha256(&ticket), expires_at)
        .await?;
    Ok(Json(EventTicket { ticket }))
}

#[derive(Debug, Deserialize)]
pub struct StreamParams {
    ticket: String,
    /// The conversation's `event_cursor` when the widget read it: the stream replays what
    /// came after. A reconnect's `Last-Event-ID` takes its place.
    after: Option<i64>,
}

/// The stream: what the log has after `Last-Event-ID` (or `after`), then every change as it
/// happens, with a comment every 15 s to keep proxies from closing it. An id the log never
/// gave (another database, a garbled header) gets a `reset`: read the conversation again.
pub async fn stream(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<ConversationId>,
    ApiQuery(params): ApiQuery<StreamParams>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let TicketSession {
        session,
        token_sha256: session_sha256,
        ends,
    } = state
        .store
        .redeem_ticket(&token_sha256(&params.ticket), state.now())
        .await?
        .ok_or(ApiError::Unauthorized(AuthFailure::Unknown))?;
    let session_over = session_end(&state, session_sha256, ends);
    state
        .store
        .conversation_page(&session, id, 1, &[])
        .await?
        .ok_or(ApiError::NotFound("There is no such conversation."))?;

    // Listening before reading the log: nothing falls between the replay and the live part.
    let live = state.events.subscribe();
    let missed = state.events.missed();
    let after = match last_event_id(&headers) {
        Some(header) => header.map(Some),
        None => Ok(params.after),
    };
    let latest = state.store.latest_event().await?;
    let (replay, reset, floor) = match after {
        Ok(Some(after)) if (0..=latest).contains(&after) => {
            let replay = state.store.events_after(&session, id, after).await?;
            let floor = replay.last().map_or(after, |(id, _)| *id);
            (replay, false, floor)
        }
        // Without a cursor the stream starts now: everything from the subscription on.
        Ok(None) => (Vec::new(), false, 0),
        Ok(Some(_)) | Err(()) => (Vec::new(), true, latest),
    };
    let head = reset.then(|| Event::default().event(RESET_EVENT).data("reload"));
    let replay = replay
        .into_iter()
        .map(|(id, change)| change_event(id, &change));
    let account = session.account_id;
    let live = BroadcastStream::new(live).filter_map(move |received| {
        std::future::ready(match received {
            // Already replayed (or before the cursor), another conversation's: not here.
            Ok(logged)
                if logged.account_id == account
                    && logged.conversation == id
                    && logged.id > floor =>
            {
                Some(change_event(logged.id, &logged.change))
            }
            Ok(_) => None,
            // Fell behind the broadcast: what was missed is in the log, so read again.
            Err(BroadcastStreamRecvError::Lagged(_)) => {
                Some(Event::default().event(RESET_EVENT).data("reload"))
            }
        })
    });
    // The store's feed lost changes (another instance's): read the conversation again.
    let missed =
        BroadcastStream::new(missed).map(|_| Event::default().event(RESET_EVENT).data("reload"));
    let live = tokio_stream::StreamExt::merge(live, missed);
    let stopped = state.events.stopped();
    let over = async move {
        tokio::select! {
            () = stopped => {},
            () = session_over => {},
        }
    };
    // Counted as open until the stream is dropped (ended, or the client gone).
    let open = crate::metrics::OpenStream::new();
    let events = stream::iter(head.into_iter().chain(replay))
        .chain(live)
        .take_until(over)
        .map(move |event| {
            let _open = &open;
            Ok::<_, Infallible>(event)
        });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// Resolves when the stream's session ends: signed out here (the hub says so at once), at
/// its cap (a timer), or found ended or unused too long by a check every
/// `state.session_recheck` (a sign-out on another instance, the idle expiry). The
/// sign-out is listened for from this call on.
fn session_end(
    state: &AppState,
    token_sha256: String,
    ends: SessionEnds,
) -> impl std::future::Future<Output = ()> + Send + 'static {
    let signed_out = state.events.session_ended(&token_sha256);
    let to_cap = u64::try_from(ends.expires_at.0.saturating_sub(state.now().0)).unwrap_or(0);
    let cap = tokio::time::Instant::now() + Duration::from_millis(to_cap);
    let state = state.clone();
    let lapsed = async move {
        let every = state.session_recheck.max(Duration::from_millis(1));
        let mut checks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        checks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            checks.tick().await;
            match state.store.session(&token_sha256).await {
                Ok(Some(stored)) if state.now() < stored.ends.idle_expires_at => {}
                Ok(_) => return,
                // The database failing for a moment does not end a live session's stream.
                Err(error) => tracing::warn!(%error, "a stream could not check its session"),
            }
        }
    };
    async move {
        tokio::select! {
            () = signed_out => {},
            () = tokio::time::sleep_until(cap) => {},
            () = lapsed => {},
        }
    }
}

fn change_event(id: i64, change: &str) -> Event {
    Event::default()
        .event(CHANGE_EVENT)
        .id(id.to_string())
        .data(change)
}

/// The `Last-Event-ID` header: `None` without one, `Err` when it is not an id.
fn last_event_id(headers: &HeaderMap) -> Option<Result<i64, ()>> {
    let value = headers.get("last-event-id")?;
    Some(
        value
            .to_str()
            .ok()
            .and_then(|v| v.trim().parse::<i64>().ok())
            .filter(|id| *id >= 0)
            .ok_or(()),
    )
}
