//! The admin settings page's calls: data sources, routing rules and the audit log. Edits
//! carry the version they were based on in `If-Match`, and the answers an admin acts on
//! differently (not an admin, changed by someone else, rules refused) stay apart. Only
//! the admin page's bundle uses them.

use std::fmt;

use serde::de::DeserializeOwned;
use social_api::admin::{
    AuditAction, AuditPage, NewSource, RoutingRules, RuleProblem, SourceId, SourcePatch, SourceView,
};
use social_api::names::name_of;
use social_api::routing::Routing;
use social_api::Problem;
use wasm_bindgen::JsValue;
use web_sys::Response;

use super::fetch::exchange;
use super::{body, ApiError};
use crate::decode;

/// Why an admin call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminError {
    /// 403 `admin-only`: the signed-in agent is not an admin of the account.
    AdminOnly,
    /// 412 `stale-version`: someone else changed it since it was read.
    Stale,
    /// 422 `routing-invalid`: what the server found wrong with the rule list.
    RoutingInvalid(Vec<RuleProblem>),
    /// Anything else, in the words the widget's own calls use (a refusal's detail, 401…).
    Api(ApiError),
}

/// What the page says when the API answers 403.
pub const ADMIN_ONLY: &str = "Only admins can change data sources and routing.";

impl fmt::Display for AdminError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AdminError::AdminOnly => f.write_str(ADMIN_ONLY),
            AdminError::Stale => f.write_str("Someone else changed it; it has been reloaded."),
            AdminError::RoutingInvalid(problems) => {
                f.write_str("The server refused the rules:")?;
                for problem in problems {
                    write!(f, " {problem}")?;
                }
                Ok(())
            }
            AdminError::Api(error) => error.fmt(f),
        }
    }
}

impl From<ApiError> for AdminError {
    fn from(error: ApiError) -> Self {
        AdminError::Api(error)
    }
}

/// Whether a problem's `type` is `kind` (the server's types end with their name).
fn is_type(problem: Option<&Problem>, kind: &str) -> bool {
    problem.is_some_and(|p| p.kind.ends_with(kind))
}

impl AdminError {
    /// The error an error answer stands for.
    fn from_answer(status: u16, response: &Response, json: Option<JsValue>) -> Self {
        let problem = json
            .clone()
            .and_then(|v| decode::from_value::<Problem>(v).ok());
        match status {
            403 => AdminError::AdminOnly,
            412 => AdminError::Stale,
            422 if is_type(problem.as_ref(), "routing-invalid") => {
                let problems = json
                    .and_then(|v| js_sys::Reflect::get(&v, &JsValue::from_str("problems")).ok())
                    .and_then(|v| decode::from_value::<Vec<RuleProblem>>(v).ok());
                match problems {
                    Some(problems) if !problems.is_empty() => AdminError::RoutingInvalid(problems),
                    _ => AdminError::Api(ApiError::from_answer(
                        status,
                        response.status_text(),
                        problem,
                    )),
                }
            }
            _ => AdminError::Api(ApiError::from_answer(
                status,
                response.status_text(),
                problem,
            )),
        }
    }
}

/// The entity tag of `version`, as `ETag` gives it and `If-Match` wants it.
fn tag(version: i64) -> String {
    format!("\"{version}\"")
}

/// One admin request, decoded as `T`.
async fn admin_call<T: DeserializeOwned>(
    method: &str,
    path: &str,
    token: &str,
    body: Option<&str>,
    version: Option<i64>,
) -> Result<T, AdminError> {
    let if_match = version.map(tag);
    exchange(
        method,
        path,
        Some(token),
        body,
        |headers| {
            if let Some(tag) = &if_match {
                let _ = headers.set("If-Match", tag);
            }
        },
        |status, response, json| {
            if !(200..300).contains(&status) {
                return Err(AdminError::from_answer(status, response, json.ok()));
            }
            json.ok()
                .and_then(|json| decode::from_value(json).ok())
                .ok_or(AdminError::Api(ApiError::Unreadable))
        },
    )
    .await
}

/// `GET /api/admin/sources`: every source of the account, connected or not.
pub async fn sources(token: &str) -> Result<Vec<SourceView>, AdminError> {
    admin_call("GET", "/admin/sources", token, None, None).await
}

/// `GET /api/admin/sources/{id}`: one source as stored now.
pub async fn source(token: &str, id: SourceId) -> Result<SourceView, AdminError> {
    admin_call(
        "GET",
        &format!("/admin/sources/{}", id.0),
        token,
        None,
        None,
    )
    .await
}

/// `POST /api/admin/sources`: connects a Page or X account (or reconnects one).
pub async fn add_source(token: &str, new: &NewSource) -> Result<SourceView, AdminError> {
    let request = body(new)?;
    admin_call("POST", "/admin/sources", token, Some(&request), None).await
}

/// `PATCH /api/admin/sources/{id}`: changes `source` as it was read (its version).
pub async fn change_source(
    token: &str,
    source: &SourceView,
    patch: &SourcePatch,
) -> Result<SourceView, AdminError> {
    let request = body(patch)?;
    let path = format!("/admin/sources/{}", source.id.0);
    admin_call("PATCH", &path, token, Some(&request), Some(source.version)).await
}

/// `DELETE /api/admin/sources/{id}`: disconnects `source` as it was read.
pub async fn disconnect_source(token: &str, source: &SourceView) -> Result<SourceView, AdminError> {
    let path = format!("/admin/sources/{}", source.id.0);
    admin_call("DELETE", &path, token, None, Some(source.version)).await
}

/// `GET /api/admin/routing-rules`.
pub async fn routing_rules(token: &str) -> Result<RoutingRules, AdminError> {
    admin_call("GET", "/admin/routing-rules", token, None, None).await
}

/// `PUT /api/admin/routing-rules`: replaces the rules read at `version` with `routing`.
pub async fn save_routing(
    token: &str,
    version: i64,
    routing: &Routing,
) -> Result<RoutingRules, AdminError> {
    let request = body(routing)?;
    admin_call(
        "PUT",
        "/admin/routing-rules",
        token,
        Some(&request),
        Some(version),
    )
    .await
}

/// Which audit entries to read: `GET /api/admin/audit`'s filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub action: Option<AuditAction>,
    /// Part of the actor's name; empty for anyone.
    pub actor: String,
    pub source: Option<SourceId>,
    /// Entries older than this id (the previous page's `next`).
    pub before: Option<i64>,
    pub limit: Option<u32>,
}

impl AuditQuery {
    /// The path with its query string, every value encoded.
    pub fn path(&self) -> String {
        let mut params = Vec::new();
        if let Some(action) = self.action {
            params.push(format!("action={}", name_of(&action)));
        }
        let actor = self.actor.trim();
        if !actor.is_empty() {
            params.push(format!(
                "actor={}",
                String::from(js_sys::encode_uri_component(actor))
            ));
        }
        if let Some(source) = self.source {
            params.push(format!("source={}", source.0));
        }
        if let Some(before) = self.before {
            params.push(format!("before={before}"));
        }
        if let Some(limit) = self.limit {
            params.push(format!("limit={limit}"));
        }
        match params.is_empty() {
            true => "/admin/audit".to_owned(),
            false => format!("/admin/audit?{}", params.join("&")),
        }
    }
}

/// `GET /api/admin/audit`: one page of entries, newest first.
pub async fn audit(token: &str, query: &AuditQuery) -> Result<AuditPage, AdminError> {
    admin_call("GET", &query.path(), token, None, None).await
}
