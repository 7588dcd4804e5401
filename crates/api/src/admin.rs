//! The admin settings' contract: the data sources an account connects (one Facebook Page or
//! one X account each), its routing rules with the checks a rule list must pass, and the
//! audit log of every change. The server checks with these functions before it writes; the
//! settings page with the same ones as the admin types.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{Source, Space, Timestamp};
use crate::routing::{Arrival, Routing, RoutingRule, RuleMatch};

/// A source's id in this product (not the platform's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SourceId(pub i64);

/// A connected (or once connected) Facebook Page or X account, as an admin sees it. Its
/// secrets are never in it: only whether one is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceView {
    pub id: SourceId,
    pub platform: Source,
    /// The Page id or the X account's user id.
    pub platform_id: String,
    pub name: String,
    /// The X `@username` (without `@`) or the Page's username, where there is one.
    #[serde(default)]
    pub handle: Option<String>,
    /// Conversations start from comments, posts and mentions (the public space).
    pub public_enabled: bool,
    /// Conversations start from direct messages (the private space).
    pub private_enabled: bool,
    /// The platform sends this source's events to our webhook (Graph `subscribed_apps`,
    /// X account activity subscription).
    pub subscribed: bool,
    /// Whether an access token is stored; the token itself never leaves the server.
    pub token_set: bool,
    /// When it was disconnected; `None` while connected.
    #[serde(default)]
    pub disconnected_at: Option<Timestamp>,
    /// When the latest webhook event for it was received.
    #[serde(default)]
    pub last_event_at: Option<Timestamp>,
    /// The latest failure talking to the platform for it, cleared by the next success.
    #[serde(default)]
    pub last_error: Option<String>,
    /// Changes with every edit: sent back in `If-Match` so a stale edit is refused.
    pub version: i64,
}

impl SourceView {
    pub fn connected(&self) -> bool {
        self.disconnected_at.is_none()
    }
}

/// `POST /api/admin/sources`: connect a Page or X account (or reconnect one that was
/// disconnected from this account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSource {
    pub platform: Source,
    pub platform_id: String,
    pub name: String,
    #[serde(default)]
    pub handle: Option<String>,
    /// The Page access token (Facebook) or the account's OAuth 2.0 user token (X).
    #[serde(default)]
    pub access_token: Option<String>,
    #[serde(default = "yes")]
    pub public_enabled: bool,
    #[serde(default = "yes")]
    pub private_enabled: bool,
}

fn yes() -> bool {
    true
}

/// `PATCH /api/admin/sources/{id}`: any of these; what is absent stays as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourcePatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_enabled: Option<bool>,
    /// Subscribe (true) or unsubscribe (false) at the platform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscribed: Option<bool>,
    /// A new access token (write-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
}

impl SourcePatch {
    pub fn is_empty(&self) -> bool {
        self == &SourcePatch::default()
    }
}

/// Why a source's fields are refused, in words an admin can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceProblem {
    #[error("The {0} is empty.")]
    Empty(&'static str),
    #[error("The {field} is {length} characters long; at most {max} are allowed.")]
    TooLong {
        field: &'static str,
        length: usize,
        max: usize,
    },
    #[error("The {0} contains a control character.")]
    ControlCharacter(&'static str),
    #[error("A Facebook Page id or X account id is digits only, like 1234567890.")]
    NotAnId,
    #[error("A disconnected source cannot be changed: connect it again first.")]
    Disconnected,
    #[error("Nothing to change.")]
    NothingToChange,
}

const MAX_NAME: usize = 200;
const MAX_ID: usize = 64;
const MAX_TOKEN: usize = 4096;

fn check_field(field: &'static str, value: &str, max: usize) -> Result<(), SourceProblem> {
    if value.trim().is_empty() {
        return Err(SourceProblem::Empty(field));
    }
    let length = value.chars().count();
    if length > max {
        return Err(SourceProblem::TooLong { field, length, max });
    }
    if value.chars().any(char::is_control) {
        return Err(SourceProblem::ControlCharacter(field));
    }
    Ok(())
}

impl NewSource {
    /// The first thing wrong with it, if anything.
    pub fn check(&self) -> Result<(), SourceProblem> {
        check_field("page or account id", &self.platform_id, MAX_ID)?;
        if !self.platform_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SourceProblem::NotAnId);
        }
        check_field("name", &self.name, MAX_NAME)?;
        if let Some(handle) = &self.handle {
            check_field("handle", handle, MAX_NAME)?;
        }
        if let Some(token) = &self.access_token {
            check_field("access token", token, MAX_TOKEN)?;
        }
        Ok(())
    }
}

impl SourcePatch {
    /// The first thing wrong with it for `source`, if anything.
    pub fn check(&self, source: &SourceView) -> Result<(), SourceProblem> {
        if self.is_empty() {
            return Err(SourceProblem::NothingToChange);
        }
        if !source.connected() {
            return Err(SourceProblem::Disconnected);
        }
        if let Some(name) = &self.name {
            check_field("name", name, MAX_NAME)?;
        }
        if let Some(token) = &self.access_token {
            check_field("access token", token, MAX_TOKEN)?;
        }
        Ok(())
    }
}

/// `GET /api/admin/routing-rules` and the body of its `PUT` (whose `version` is ignored:
/// `If-Match` carries the one read).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingRules {
    #[serde(flatten)]
    pub routing: Routing,
    #[serde(default)]
    pub version: i64,
}

/// What is wrong with a routing rule list. `rule` counts from 1, as the editor shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum RuleProblem {
    #[error("Rule {rule}: the skill is empty.")]
    EmptySkill { rule: usize },
    #[error("Rule {rule}: no connected page or account has the id {brand}.")]
    UnknownBrand { rule: usize, brand: String },
    #[error("Rule {rule}: the page or account {brand} is on {actual}, not {expected}.")]
    BrandOnOtherPlatform {
        rule: usize,
        brand: String,
        actual: String,
        expected: String,
    },
    #[error("Rule {rule}: internal notes never start a conversation; match public or private.")]
    InternalSpace { rule: usize },
    #[error("Rule {rule}: engagements exist only on X; this rule can match Facebook.")]
    EngagementNotX { rule: usize },
    #[error("Rule {rule}: the engagement is empty.")]
    EmptyEngagement { rule: usize },
    #[error("Rule {rule} repeats rule {first}.")]
    Duplicate { rule: usize, first: usize },
    #[error("Rule {rule} never applies: rule {by} above it matches everything it matches.")]
    Shadowed { rule: usize, by: usize },
    #[error("The default skill is empty: remove it or name a skill.")]
    EmptyDefaultSkill,
    #[error("Rule {rule}: a {field} is at most {max} characters long.")]
    TooLong {
        rule: usize,
        field: String,
        max: usize,
    },
    #[error("At most {max} rules; this list has {count}.")]
    TooMany { count: usize, max: usize },
}

/// The most rules an account may have: routing runs them for every new conversation.
pub const MAX_RULES: usize = 200;
const MAX_SKILL: usize = 200;

/// A connected source as the rule checks know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownBrand<'a> {
    pub platform: Source,
    pub platform_id: &'a str,
    pub name: &'a str,
}

/// Every problem of `routing` against the account's connected sources, in rule order.
/// An empty list: it can be saved.
pub fn check_routing(routing: &Routing, brands: &[KnownBrand<'_>]) -> Vec<RuleProblem> {
    let mut problems = Vec::new();
    if routing.rules.len() > MAX_RULES {
        problems.push(RuleProblem::TooMany {
            count: routing.rules.len(),
            max: MAX_RULES,
        });
    }
    for (index, rule) in routing.rules.iter().enumerate() {
        let number = index + 1;
        check_rule(number, rule, brands, &mut problems);
        let earlier = routing.rules[..index].iter().enumerate();
        for (before, other) in earlier {
            let brand_platform = |m: &RuleMatch| effective_source(m, brands);
            if other.when == rule.when {
                problems.push(RuleProblem::Duplicate {
                    rule: number,
                    first: before + 1,
                });
                break;
            }
            if covers(&other.when, &rule.when, brand_platform) {
                problems.push(RuleProblem::Shadowed {
                    rule: number,
                    by: before + 1,
                });
                break;
            }
        }
    }
    if let Some(skill) = &routing.default_skill {
        if skill.trim().is_empty() {
            problems.push(RuleProblem::EmptyDefaultSkill);
        }
    }
    problems
}

fn check_rule(
    number: usize,
    rule: &RoutingRule,
    brands: &[KnownBrand<'_>],
    problems: &mut Vec<RuleProblem>,
) {
    if rule.skill.trim().is_empty() {
        problems.push(RuleProblem::EmptySkill { rule: number });
    }
    for (field, value) in [
        ("skill", Some(&rule.skill)),
        ("engagement", rule.engagement.as_ref()),
    ] {
        if value.is_some_and(|v| v.chars().count() > MAX_SKILL) {
            problems.push(RuleProblem::TooLong {
                rule: number,
                field: field.into(),
                max: MAX_SKILL,
            });
        }
    }
    if let Some(brand) = &rule.when.brand {
        match brands.iter().find(|b| b.platform_id == brand) {
            None => problems.push(RuleProblem::UnknownBrand {
                rule: number,
                brand: brand.clone(),
            }),
            Some(known) => {
                if let Some(expected) = rule.when.source.filter(|s| *s != known.platform) {
                    problems.push(RuleProblem::BrandOnOtherPlatform {
                        rule: number,
                        brand: brand.clone(),
                        actual: known.platform.label().into(),
                        expected: expected.label().into(),
                    });
                }
            }
        }
    }
    if rule.when.space == Some(Space::Internal) {
        problems.push(RuleProblem::InternalSpace { rule: number });
    }
    if let Some(engagement) = &rule.engagement {
        if engagement.trim().is_empty() {
            problems.push(RuleProblem::EmptyEngagement { rule: number });
        } else if effective_source(&rule.when, brands) != Some(Source::X) {
            problems.push(RuleProblem::EngagementNotX { rule: number });
        }
    }
}

/// The platform a match is limited to: its own, or its page's or account's.
fn effective_source(when: &RuleMatch, brands: &[KnownBrand<'_>]) -> Option<Source> {
    when.source.or_else(|| {
        let brand = when.brand.as_ref()?;
        brands
            .iter()
            .find(|b| b.platform_id == brand)
            .map(|b| b.platform)
    })
}

/// Whether every arrival `later` matches is matched by `earlier` too.
fn covers(
    earlier: &RuleMatch,
    later: &RuleMatch,
    platform_of: impl Fn(&RuleMatch) -> Option<Source>,
) -> bool {
    let source = match earlier.source {
        None => true,
        Some(source) => platform_of(later) == Some(source),
    };
    let brand = earlier.brand.is_none() || earlier.brand == later.brand;
    let space = earlier.space.is_none() || earlier.space == later.space;
    source && brand && space
}

/// `POST /api/admin/routing-rules/preview`: where a first message would go. With `routing`,
/// under that (unsaved) rule list; without, under the saved one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    pub platform: Source,
    /// The Page id or X account id the message is for.
    pub platform_id: String,
    pub space: Space,
    #[serde(default)]
    pub routing: Option<Routing>,
}

/// Where it would go, and the sentence that says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub skill: Option<String>,
    #[serde(default)]
    pub engagement: Option<String>,
    /// The rule that decides (from 1); `None`: the default skill, or nothing.
    #[serde(default)]
    pub rule: Option<usize>,
    pub sentence: String,
}

/// Routes a first message under `routing` and says where it goes in a sentence:
/// "A public comment on page Acme Outdoor goes to skill social-fb-public."
pub fn preview(routing: &Routing, arrival: &Arrival<'_>, brand_name: &str) -> Preview {
    let rule = routing
        .rules
        .iter()
        .position(|rule| rule.when.matches(arrival));
    let route = routing.route(arrival);
    let what = match (arrival.source, arrival.space) {
        (Source::Facebook, Space::Private) => format!("A private message to page {brand_name}"),
        (Source::Facebook, _) => format!("A public comment on page {brand_name}"),
        (Source::X, Space::Private) => format!("A direct message to X account {brand_name}"),
        (Source::X, _) => format!("A public mention of X account {brand_name}"),
    };
    let sentence = match (&route.skill, rule) {
        (Some(skill), Some(index)) => {
            let engagement = route
                .engagement
                .as_ref()
                .map(|e| format!(", engagement {e}"))
                .unwrap_or_default();
            format!(
                "{what} goes to skill {skill}{engagement} (rule {}).",
                index + 1
            )
        }
        (Some(skill), None) => format!("{what} goes to skill {skill} (the default skill)."),
        (None, _) => format!("{what} goes to no skill: no rule matches and there is no default."),
    };
    Preview {
        skill: route.skill,
        engagement: route.engagement,
        rule: rule.map(|i| i + 1),
        sentence,
    }
}

/// What an audit entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    SourceConnected,
    SourceChanged,
    SourceDisconnected,
    RoutingChanged,
}

impl AuditAction {
    pub const ALL: [AuditAction; 4] = [
        AuditAction::SourceConnected,
        AuditAction::SourceChanged,
        AuditAction::SourceDisconnected,
        AuditAction::RoutingChanged,
    ];

    /// The name an admin reads.
    pub fn label(self) -> &'static str {
        match self {
            AuditAction::SourceConnected => "Source connected",
            AuditAction::SourceChanged => "Source changed",
            AuditAction::SourceDisconnected => "Source disconnected",
            AuditAction::RoutingChanged => "Routing rules changed",
        }
    }
}

/// What a secret looks like in the audit log: whether there was one, never its value.
pub const SECRET_SET: &str = "(set)";
pub const SECRET_REPLACED: &str = "(replaced)";
pub const SECRET_NOT_SET: &str = "(not set)";

/// One change, as the audit log keeps it: who, what, when, before and after. Field values
/// are text; secrets appear only as [`SECRET_SET`], [`SECRET_REPLACED`] or [`SECRET_NOT_SET`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: Timestamp,
    pub actor_id: i64,
    pub actor: String,
    pub action: AuditAction,
    /// What was changed, in words: "Facebook page Acme Outdoor (1234)", "routing rules".
    pub target: String,
    #[serde(default)]
    pub source: Option<SourceId>,
    /// Field → value before and after; a field absent on one side did not exist there.
    pub before: BTreeMap<String, String>,
    pub after: BTreeMap<String, String>,
}

/// `GET /api/admin/audit`'s answer: newest first; `next` is the `before` of the next page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    #[serde(default)]
    pub next: Option<i64>,
}

/// A source's fields as the audit log records them (secrets masked).
pub fn audit_fields(source: &SourceView) -> BTreeMap<String, String> {
    let on = |b: bool| if b { "on" } else { "off" }.to_string();
    let mut fields = BTreeMap::from([
        ("name".to_string(), source.name.clone()),
        ("public_enabled".to_string(), on(source.public_enabled)),
        ("private_enabled".to_string(), on(source.private_enabled)),
        ("subscribed".to_string(), on(source.subscribed)),
        (
            "access_token".to_string(),
            if source.token_set {
                SECRET_SET
            } else {
                SECRET_NOT_SET
            }
            .to_string(),
        ),
        (
            "connected".to_string(),
            if source.connected() { "yes" } else { "no" }.to_string(),
        ),
    ]);
    if let Some(handle) = &source.handle {
        fields.insert("handle".into(), handle.clone());
    }
    fields
}

/// A routing rule list as the audit log records it: one line per rule.
pub fn audit_routing(routing: &Routing) -> BTreeMap<String, String> {
    let mut fields = BTreeMap::new();
    for (index, rule) in routing.rules.iter().enumerate() {
        fields.insert(format!("rule {:03}", index + 1), describe_rule(rule));
    }
    fields.insert(
        "default skill".into(),
        routing
            .default_skill
            .clone()
            .unwrap_or_else(|| "(none)".into()),
    );
    fields
}

/// "Facebook, page 1234, public → social-fb-public".
pub fn describe_rule(rule: &RoutingRule) -> String {
    let mut parts = Vec::new();
    if let Some(source) = rule.when.source {
        parts.push(source.label().to_string());
    }
    if let Some(brand) = &rule.when.brand {
        parts.push(format!("id {brand}"));
    }
    if let Some(space) = rule.when.space {
        parts.push(space.label().to_lowercase());
    }
    if parts.is_empty() {
        parts.push("anything".into());
    }
    let engagement = rule
        .engagement
        .as_ref()
        .map(|e| format!(" (engagement {e})"))
        .unwrap_or_default();
    format!("{} → {}{engagement}", parts.join(", "), rule.skill)
}

#[cfg(test)]
mod tests;
