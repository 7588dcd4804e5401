//! Which skill (the contact center's queue) a new conversation goes to, and on X which
//! engagement: the account's rules in their order, the first that matches wins, else the
//! account's default skill. Pure, so the server routes and a future rules editor previews
//! with the same function. Whether a rule list makes sense is checked elsewhere.

use serde::{Deserialize, Serialize};

use crate::model::{Source, Space};

/// What a rule looks at; a field left `None` matches anything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleMatch {
    #[serde(default)]
    pub source: Option<Source>,
    /// The brand channel's platform id: the Page id or the X account's user id.
    #[serde(default)]
    pub brand: Option<String>,
    /// Public or private: where the consumer's first message was written.
    #[serde(default)]
    pub space: Option<Space>,
}

/// One routing rule: where conversations it matches go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingRule {
    #[serde(default)]
    pub when: RuleMatch,
    pub skill: String,
    /// The X engagement (e.g. `x-care`) a matching X conversation gets; ignored elsewhere.
    #[serde(default)]
    pub engagement: Option<String>,
}

/// An account's routing: its rules, in order, and the skill when none matches.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Routing {
    #[serde(default)]
    pub rules: Vec<RoutingRule>,
    #[serde(default)]
    pub default_skill: Option<String>,
}

/// What is known of a conversation when it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrival<'a> {
    pub source: Source,
    /// The brand channel's platform id.
    pub brand: &'a str,
    /// The space of the message that started it.
    pub space: Space,
}

/// Where a conversation goes: no skill when no rule matches and there is no default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Route {
    pub skill: Option<String>,
    /// Only ever set for X: engagements are X's.
    pub engagement: Option<String>,
}

impl RuleMatch {
    pub fn matches(&self, arrival: &Arrival<'_>) -> bool {
        self.source.is_none_or(|s| s == arrival.source)
            && self.brand.as_deref().is_none_or(|b| b == arrival.brand)
            && self.space.is_none_or(|s| s == arrival.space)
    }
}

impl Routing {
    /// The first matching rule's skill (and on X its engagement), else the default.
    pub fn route(&self, arrival: &Arrival<'_>) -> Route {
        match self.rules.iter().find(|rule| rule.when.matches(arrival)) {
            Some(rule) => Route {
                skill: Some(rule.skill.clone()),
                engagement: rule
                    .engagement
                    .clone()
                    .filter(|_| arrival.source == Source::X),
            },
            None => Route {
                skill: self.default_skill.clone(),
                engagement: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(when: RuleMatch, skill: &str, engagement: Option<&str>) -> RoutingRule {
        RoutingRule {
            when,
            skill: skill.into(),
            engagement: engagement.map(Into::into),
        }
    }

    fn acme() -> Routing {
        Routing {
            rules: vec![
                rule(
                    RuleMatch {
                        source: Some(Source::Facebook),
                        space: Some(Space::Public),
                        ..RuleMatch::default()
                    },
                    "social-fb-public",
                    None,
                ),
                rule(
                    RuleMatch {
                        source: Some(Source::Facebook),
                        ..RuleMatch::default()
                    },
                    "social-fb-private",
                    None,
                ),
                rule(
                    RuleMatch {
                        source: Some(Source::X),
                        brand: Some("x-brand".into()),
                        ..RuleMatch::default()
                    },
                    "social-x",
                    Some("x-care"),
                ),
            ],
            default_skill: Some("social-general".into()),
        }
    }

    fn arrival(source: Source, brand: &str, space: Space) -> Arrival<'_> {
        Arrival {
            source,
            brand,
            space,
        }
    }

    fn route(skill: Option<&str>, engagement: Option<&str>) -> Route {
        Route {
            skill: skill.map(Into::into),
            engagement: engagement.map(Into::into),
        }
    }

    #[test]
    fn the_first_matching_rule_wins() {
        let routing = acme();
        // A public comment matches both Facebook rules: the first one decides.
        assert_eq!(
            routing.route(&arrival(Source::Facebook, "page", Space::Public)),
            route(Some("social-fb-public"), None)
        );
        assert_eq!(
            routing.route(&arrival(Source::Facebook, "page", Space::Private)),
            route(Some("social-fb-private"), None)
        );
        let mut reordered = acme();
        reordered.rules.swap(0, 1);
        assert_eq!(
            reordered.route(&arrival(Source::Facebook, "page", Space::Public)),
            route(Some("social-fb-private"), None)
        );
    }

    #[test]
    fn x_conversations_get_the_engagement_of_their_rule() {
        assert_eq!(
            acme().route(&arrival(Source::X, "x-brand", Space::Private)),
            route(Some("social-x"), Some("x-care"))
        );
    }

    #[test]
    fn an_engagement_is_never_given_outside_x() {
        let routing = Routing {
            rules: vec![rule(RuleMatch::default(), "everything", Some("x-care"))],
            default_skill: None,
        };
        assert_eq!(
            routing.route(&arrival(Source::Facebook, "page", Space::Public)),
            route(Some("everything"), None)
        );
        assert_eq!(
            routing.route(&arrival(Source::X, "any", Space::Public)),
            route(Some("everything"), Some("x-care"))
        );
    }

    #[test]
    fn without_a_match_the_default_skill_applies_and_no_engagement() {
        // Another X account of the brand: the X rule names one brand only.
        assert_eq!(
            acme().route(&arrival(Source::X, "other-x-account", Space::Public)),
            route(Some("social-general"), None)
        );
        assert_eq!(
            Routing::default().route(&arrival(Source::X, "x-brand", Space::Public)),
            route(None, None)
        );
    }

    #[test]
    fn every_field_of_a_match_must_hold() {
        let when = RuleMatch {
            source: Some(Source::X),
            brand: Some("b".into()),
            space: Some(Space::Private),
        };
        assert!(when.matches(&arrival(Source::X, "b", Space::Private)));
        assert!(!when.matches(&arrival(Source::Facebook, "b", Space::Private)));
        assert!(!when.matches(&arrival(Source::X, "c", Space::Private)));
        assert!(!when.matches(&arrival(Source::X, "b", Space::Public)));
        assert!(RuleMatch::default().matches(&arrival(Source::Facebook, "z", Space::Public)));
    }
}
