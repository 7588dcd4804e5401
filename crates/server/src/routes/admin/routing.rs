//! `/api/admin/routing-rules`: the account's ordered rules and default skill, replaced
//! whole after [`check_routing`] finds nothing wrong; and the preview that says where a
//! first message would go, under the saved rules or a draft.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use social_api::admin::{
    check_routing, preview as route_preview, KnownBrand, Preview, PreviewRequest, RoutingRules,
};
use social_api::routing::Arrival;
use social_api::Space;

use super::versions::{required, tagged, Expected};
use crate::app::AppState;
use crate::auth::AdminSession;
use crate::error::{ApiError, ApiJson};
use crate::store::Edit;

pub async fn detail(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
) -> Result<Response, ApiError> {
    let rules = state.store.routing_rules(session.account_id).await?;
    Ok(tagged(rules.version, rules))
}

/// Replaces the rules if they pass every check (422 with each problem otherwise) and
/// nobody saved others since the version in `If-Match` (412).
pub async fn replace(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    headers: HeaderMap,
    ApiJson(body): ApiJson<RoutingRules>,
) -> Result<Response, ApiError> {
    let expected = required(&headers)?;
    let sources = state.store.sources(session.account_id).await?;
    let known: Vec<KnownBrand<'_>> = sources
        .iter()
        .filter(|s| s.connected())
        .map(|s| KnownBrand {
            platform: s.platform,
            platform_id: &s.platform_id,
            name: &s.name,
        })
        .collect();
    let problems = check_routing(&body.routing, &known);
    if !problems.is_empty() {
        return Err(ApiError::RoutingInvalid(problems));
    }
    let expected = match expected {
        Expected::Version(version) => version,
        Expected::Any => state.store.routing_rules(session.account_id).await?.version,
    };
    match state
        .store
        .set_routing_rules(&session, expected, &body.routing, state.clock.now())
        .await?
    {
        Edit::Done(rules) => {
            tracing::info!(
                admin = session.agent.id.0,
                rules = rules.routing.rules.len(),
                "routing rules replaced"
            );
            Ok(tagged(rules.version, rules))
        }
        Edit::Stale { version } => Err(ApiError::Stale { version }),
        Edit::NotFound => Err(ApiError::NotFound("There is no such account.")),
    }
}

/// Where a first message for one of the account's sources would go.
pub async fn preview(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    ApiJson(request): ApiJson<PreviewRequest>,
) -> Result<Json<Preview>, ApiError> {
    if request.space == Space::Internal {
        return Err(ApiError::Unprocessable(
            "Internal notes never start a conversation: preview public or private.".into(),
        ));
    }
    let sources = state.store.sources(session.account_id).await?;
    let source = sources
        .iter()
        .find(|s| s.platform == request.platform && s.platform_id == request.platform_id)
        .ok_or(ApiError::NotFound(
            "There is no such source in this account.",
        ))?;
    let routing = match request.routing {
        Some(draft) => draft,
        None => state.store.routing_rules(session.account_id).await?.routing,
    };
    let arrival = Arrival {
        source: request.platform,
        brand: &request.platform_id,
        space: request.space,
    };
    Ok(Json(route_preview(&routing, &arrival, &source.name)))
}
