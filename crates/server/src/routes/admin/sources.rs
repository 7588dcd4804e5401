//! `/api/admin/sources`: connect a Facebook Page or X account, read them, change one
//! (name, spaces, token, subscription), disconnect one. Tokens are write-only: answers say
//! whether one is set, and neither answers nor logs ever carry one.

use axum::extract::State;
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Json;
use social_api::admin::{NewSource, SourceId, SourcePatch, SourceView};
use social_api::events::Change;
use social_api::names::name_of;
use social_api::BrandChannel;

use super::versions::{if_match, required, tagged};
use crate::app::AppState;
use crate::auth::AdminSession;
use crate::error::{ApiError, ApiJson, ApiPath};
use crate::platforms::Subscription;
use crate::store::{Connect, Edit, Session, SourceUpdate};

const NO_SUCH_SOURCE: &str = "There is no such source in this account.";

pub async fn list(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
) -> Result<Json<Vec<SourceView>>, ApiError> {
    Ok(Json(state.store.sources(session.account_id).await?))
}

pub async fn detail(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    ApiPath(id): ApiPath<SourceId>,
) -> Result<Response, ApiError> {
    let source = found(&state, &session, id).await?;
    Ok(tagged(source.version, source))
}

/// 201: connected (or connected again, if this account had disconnected it).
pub async fn connect(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    ApiJson(new): ApiJson<NewSource>,
) -> Result<Response, ApiError> {
    new.check()?;
    match state
        .store
        .connect_source(&session, &new, state.clock.now())
        .await?
    {
        Connect::Taken => Err(ApiError::SourceTaken),
        Connect::Connected(source) => {
            // Connected again: its conversations' widgets learn it at once.
            tell_conversations(&state, &session, &source).await;
            tracing::info!(admin = session.agent.id.0, source = source.id.0,
                platform = %name_of(&source.platform), "source connected");
            let mut response = tagged(source.version, &source);
            *response.status_mut() = StatusCode::CREATED;
            if let Ok(location) =
                HeaderValue::from_str(&format!("/api/admin/sources/{}", source.id.0))
            {
                response.headers_mut().insert(LOCATION, location);
            }
            Ok(response)
        }
    }
}

/// Changes what the body names. A change of `subscribed` asks the platform first: its
/// refusal answers 502 with the platform's reason and is kept as the source's last error.
pub async fn change(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    ApiPath(id): ApiPath<SourceId>,
    headers: HeaderMap,
    ApiJson(patch): ApiJson<SourcePatch>,
) -> Result<Response, ApiError> {
    let expected = required(&headers)?.version();
    let current = found(&state, &session, id).await?;
    // A stale edit changes nothing, the platform's subscription included.
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::Stale {
            version: current.version,
        });
    }
    patch.check(&current)?;
    let now = state.clock.now();
    let mut source = edited(
        state
            .store
            .update_source(
                &session,
                id,
                expected,
                &SourceUpdate::from_patch(&patch),
                now,
            )
            .await?,
    )?;
    if source.name != current.name {
        tell_conversations(&state, &session, &source).await;
    }
    if let Some(wanted) = patch.subscribed.filter(|w| *w != source.subscribed) {
        source = subscribe(&state, &session, &source, wanted).await?;
    }
    tracing::info!(admin = session.agent.id.0, source = id.0, "source changed");
    Ok(tagged(source.version, source))
}

/// Disconnects the source: unsubscribed at the platform where it can be, its token
/// forgotten, its conversations kept (their actions refused, see `social_api::rules`).
/// Disconnecting a disconnected source changes nothing.
pub async fn disconnect(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    ApiPath(id): ApiPath<SourceId>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let expected = if_match(&headers)?.and_then(|e| e.version());
    let current = found(&state, &session, id).await?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::Stale {
            version: current.version,
        });
    }
    if !current.connected() {
        return Ok(tagged(current.version, current));
    }
    let mut update = SourceUpdate {
        disconnect: true,
        ..SourceUpdate::default()
    };
    if current.subscribed {
        match state
            .platform
            .set_subscribed(&subscription(&current), false)
            .await
        {
            Ok(()) => update.subscribed = Some(false),
            // Disconnected all the same: its events are no longer kept either way.
            Err(error) => {
                tracing::warn!(source = id.0, %error, "unsubscribing a disconnected source failed");
                update.last_error = Some(Some(format!(
                    "Unsubscribing at the platform failed: {}",
                    error.reason()
                )));
            }
        }
    }
    let source = edited(
        state
            .store
            .update_source(&session, id, expected, &update, state.clock.now())
            .await?,
    )?;
    tell_conversations(&state, &session, &source).await;
    tracing::info!(
        admin = session.agent.id.0,
        source = id.0,
        "source disconnected"
    );
    Ok(tagged(source.version, source))
}

async fn found(state: &AppState, session: &Session, id: SourceId) -> Result<SourceView, ApiError> {
    state
        .store
        .source(session.account_id, id)
        .await?
        .ok_or(ApiError::NotFound(NO_SUCH_SOURCE))
}

fn edited(edit: Edit<SourceView>) -> Result<SourceView, ApiError> {
    match edit {
        Edit::Done(source) => Ok(source),
        Edit::NotFound => Err(ApiError::NotFound(NO_SUCH_SOURCE)),
        Edit::Stale { version } => Err(ApiError::Stale { version }),
    }
}

/// Tells the open widgets of the source's conversations what it is now (its name, whether
/// it is connected).
async fn tell_conversations(state: &AppState, session: &Session, source: &SourceView) {
    let brand = BrandChannel {
        platform_id: source.platform_id.clone(),
        name: source.name.clone(),
        handle: source.handle.clone(),
        disconnected: !source.connected(),
    };
    crate::events::publish_to_source(state, session.account_id, source.id, Change::Brand(brand))
        .await;
}

fn subscription(source: &SourceView) -> Subscription {
    Subscription {
        source: source.platform,
        brand_id: source.platform_id.clone(),
    }
}

/// Asks the platform, then records what it answered: the new state, or its refusal as
/// the last error (and a 502 with the platform's reason).
async fn subscribe(
    state: &AppState,
    session: &Session,
    source: &SourceView,
    wanted: bool,
) -> Result<SourceView, ApiError> {
    let outcome = state
        .platform
        .set_subscribed(&subscription(source), wanted)
        .await;
    let update = match &outcome {
        Ok(()) => SourceUpdate {
            subscribed: Some(wanted),
            last_error: Some(None),
            ..SourceUpdate::default()
        },
        Err(error) => SourceUpdate {
            last_error: Some(Some(error.reason())),
            ..SourceUpdate::default()
        },
    };
    let recorded = edited(
        state
            .store
            .update_source(session, source.id, None, &update, state.clock.now())
            .await?,
    )?;
    match outcome {
        Ok(()) => Ok(recorded),
        Err(error) => {
            tracing::warn!(source = source.id.0, %error, "the platform refused a subscription change");
            Err(ApiError::Platform(error))
        }
    }
}
