//! A routing rule as the editor holds it while the admin types: one signal per field, and
//! the rule list it makes, checked by the same function the server checks with.

use leptos::prelude::*;
use social_api::admin::{KnownBrand, RuleProblem, SourceView};
use social_api::routing::{RoutingRule, RuleMatch};
use social_api::{Source, Space};

/// One rule being edited. `key` stays with it when it moves.
#[derive(Debug, Clone, Copy)]
pub struct RuleDraft {
    pub key: u32,
    pub source: RwSignal<Option<Source>>,
    /// The Page id or X account id.
    pub brand: RwSignal<Option<String>>,
    pub space: RwSignal<Option<Space>>,
    pub skill: RwSignal<String>,
    /// Kept while hidden (the rule can match Facebook), so choosing X again brings it back.
    pub engagement: RwSignal<String>,
}

impl RuleDraft {
    pub fn new(key: u32, rule: &RoutingRule) -> Self {
        Self {
            key,
            source: RwSignal::new(rule.when.source),
            brand: RwSignal::new(rule.when.brand.clone()),
            space: RwSignal::new(rule.when.space),
            skill: RwSignal::new(rule.skill.clone()),
            engagement: RwSignal::new(rule.engagement.clone().unwrap_or_default()),
        }
    }

    /// The platform the rule is limited to: its own, or its page's or account's.
    pub fn platform(&self, sources: &[SourceView]) -> Option<Source> {
        self.source.get().or_else(|| {
            let brand = self.brand.get()?;
            sources
                .iter()
                .find(|s| s.platform_id == brand)
                .map(|s| s.platform)
        })
    }

    /// The rule as it would be saved: an engagement only where the rule is X's.
    pub fn rule(&self, sources: &[SourceView]) -> RoutingRule {
        let engagement = self.engagement.get();
        let x_only = self.platform(sources) == Some(Source::X);
        RoutingRule {
            when: RuleMatch {
                source: self.source.get(),
                brand: self.brand.get(),
                space: self.space.get(),
            },
            skill: self.skill.get(),
            engagement: (x_only && !engagement.is_empty()).then_some(engagement),
        }
    }
}

/// The connected sources as the rule checks know them.
pub fn known_brands(sources: &[SourceView]) -> Vec<KnownBrand<'_>> {
    sources
        .iter()
        .filter(|s| s.connected())
        .map(|s| KnownBrand {
            platform: s.platform,
            platform_id: &s.platform_id,
            name: &s.name,
        })
        .collect()
}

/// The rule a problem is about (from 1); `None` for the list's own problems.
pub fn rule_of(problem: &RuleProblem) -> Option<usize> {
    match problem {
        RuleProblem::EmptySkill { rule }
        | RuleProblem::UnknownBrand { rule, .. }
        | RuleProblem::BrandOnOtherPlatform { rule, .. }
        | RuleProblem::InternalSpace { rule }
        | RuleProblem::EngagementNotX { rule }
        | RuleProblem::EmptyEngagement { rule }
        | RuleProblem::Duplicate { rule, .. }
        | RuleProblem::Shadowed { rule, .. }
        | RuleProblem::TooLong { rule, .. } => Some(*rule),
        RuleProblem::EmptyDefaultSkill | RuleProblem::TooMany { .. } => None,
    }
}
