use super::*;

const BRANDS: [KnownBrand<'static>; 2] = [
    KnownBrand {
        platform: Source::Facebook,
        platform_id: "111",
        name: "Acme Outdoor",
    },
    KnownBrand {
        platform: Source::X,
        platform_id: "222",
        name: "acme",
    },
];

fn rule(
    source: Option<Source>,
    brand: Option<&str>,
    space: Option<Space>,
    skill: &str,
) -> RoutingRule {
    RoutingRule {
        when: RuleMatch {
            source,
            brand: brand.map(Into::into),
            space,
        },
        skill: skill.into(),
        engagement: None,
    }
}

fn routing(rules: Vec<RoutingRule>) -> Routing {
    Routing {
        rules,
        default_skill: Some("social-general".into()),
    }
}

#[test]
fn a_sensible_list_has_no_problems() {
    let list = routing(vec![
        rule(
            Some(Source::Facebook),
            None,
            Some(Space::Public),
            "social-fb-public",
        ),
        rule(Some(Source::Facebook), None, None, "social-fb"),
        RoutingRule {
            engagement: Some("x-care".into()),
            ..rule(None, Some("222"), None, "social-x")
        },
    ]);
    assert_eq!(check_routing(&list, &BRANDS), vec![]);
}

#[test]
fn each_problem_names_its_rule() {
    let list = Routing {
        rules: vec![
            rule(None, Some("999"), None, "a"),
            rule(Some(Source::X), Some("111"), None, "b"),
            rule(None, None, Some(Space::Internal), "c"),
            rule(Some(Source::Facebook), None, None, " "),
        ],
        default_skill: Some("".into()),
    };
    assert_eq!(
        check_routing(&list, &BRANDS),
        vec![
            RuleProblem::UnknownBrand {
                rule: 1,
                brand: "999".into()
            },
            RuleProblem::BrandOnOtherPlatform {
                rule: 2,
                brand: "111".into(),
                actual: "Facebook".into(),
                expected: "X".into()
            },
            RuleProblem::InternalSpace { rule: 3 },
            RuleProblem::EmptySkill { rule: 4 },
            RuleProblem::EmptyDefaultSkill,
        ]
    );
}

#[test]
fn a_repeated_match_is_a_duplicate_and_a_narrower_one_after_a_wider_is_shadowed() {
    let list = routing(vec![
        rule(Some(Source::Facebook), None, None, "fb"),
        rule(Some(Source::Facebook), None, None, "fb-again"),
        rule(None, Some("111"), Some(Space::Public), "acme-public"),
        rule(None, Some("222"), Some(Space::Public), "x-public"),
    ]);
    assert_eq!(
        check_routing(&list, &BRANDS),
        vec![
            RuleProblem::Duplicate { rule: 2, first: 1 },
            // Page 111 is on Facebook, so rule 1 takes all of it.
            RuleProblem::Shadowed { rule: 3, by: 1 },
        ]
    );
}

#[test]
fn a_wider_rule_after_a_narrower_one_is_fine() {
    let list = routing(vec![
        rule(None, Some("111"), Some(Space::Public), "acme-public"),
        rule(Some(Source::Facebook), None, None, "fb"),
        rule(None, None, None, "everything-else"),
    ]);
    assert_eq!(check_routing(&list, &BRANDS), vec![]);
}

#[test]
fn engagements_belong_to_x_rules_only() {
    let list = routing(vec![
        RoutingRule {
            engagement: Some("care".into()),
            ..rule(None, Some("111"), None, "fb")
        },
        RoutingRule {
            engagement: Some("care".into()),
            ..rule(None, None, Some(Space::Private), "any-private")
        },
        RoutingRule {
            engagement: Some(" ".into()),
            ..rule(Some(Source::X), None, None, "x")
        },
    ]);
    assert_eq!(
        check_routing(&list, &BRANDS),
        vec![
            RuleProblem::EngagementNotX { rule: 1 },
            RuleProblem::EngagementNotX { rule: 2 },
            RuleProblem::EmptyEngagement { rule: 3 },
        ]
    );
}

#[test]
fn too_many_rules_and_too_long_skills_are_refused() {
    let mut rules: Vec<_> = (0..=MAX_RULES)
        .map(|i| rule(None, None, None, &format!("s{i}")))
        .collect();
    rules[0].skill = "x".repeat(201);
    let problems = check_routing(&routing(rules), &BRANDS);
    assert_eq!(
        problems[0],
        RuleProblem::TooMany {
            count: MAX_RULES + 1,
            max: MAX_RULES
        }
    );
    assert_eq!(
        problems[1],
        RuleProblem::TooLong {
            rule: 1,
            field: "skill".into(),
            max: 200
        }
    );
}

#[test]
fn the_preview_says_where_a_first_message_goes_and_why() {
    let list = routing(vec![
        rule(
            Some(Source::Facebook),
            None,
            Some(Space::Public),
            "social-fb-public",
        ),
        RoutingRule {
            engagement: Some("x-care".into()),
            ..rule(Some(Source::X), None, None, "social-x")
        },
    ]);
    let arrival = |source, brand, space| Arrival {
        source,
        brand,
        space,
    };
    let public_fb = preview(
        &list,
        &arrival(Source::Facebook, "111", Space::Public),
        "Acme Outdoor",
    );
    assert_eq!(
        public_fb.sentence,
        "A public comment on page Acme Outdoor goes to skill social-fb-public (rule 1)."
    );
    assert_eq!(public_fb.rule, Some(1));
    let private_fb = preview(
        &list,
        &arrival(Source::Facebook, "111", Space::Private),
        "Acme Outdoor",
    );
    assert_eq!(
        private_fb.sentence,
        "A private message to page Acme Outdoor goes to skill social-general (the default skill)."
    );
    assert_eq!(private_fb.rule, None);
    let x_dm = preview(&list, &arrival(Source::X, "222", Space::Private), "acme");
    assert_eq!(
        x_dm.sentence,
        "A direct message to X account acme goes to skill social-x, engagement x-care (rule 2)."
    );
    let nowhere = preview(
        &Routing::default(),
        &arrival(Source::X, "222", Space::Public),
        "acme",
    );
    assert_eq!(nowhere.skill, None);
    assert_eq!(
        nowhere.sentence,
        "A public mention of X account acme goes to no skill: no rule matches and there is no default."
    );
}

fn source() -> SourceView {
    SourceView {
        id: SourceId(1),
        platform: Source::Facebook,
        platform_id: "111".into(),
        name: "Acme Outdoor".into(),
        handle: None,
        public_enabled: true,
        private_enabled: true,
        subscribed: true,
        token_set: true,
        disconnected_at: None,
        last_event_at: None,
        last_error: None,
        version: 1,
    }
}

#[test]
fn a_new_source_needs_a_numeric_id_and_a_name() {
    let new = NewSource {
        platform: Source::Facebook,
        platform_id: "111".into(),
        name: "Acme".into(),
        handle: None,
        access_token: Some("token".into()),
        public_enabled: true,
        private_enabled: true,
    };
    assert_eq!(new.check(), Ok(()));
    let bad_id = NewSource {
        platform_id: "page-1".into(),
        ..new.clone()
    };
    assert_eq!(bad_id.check(), Err(SourceProblem::NotAnId));
    let no_name = NewSource {
        name: "  ".into(),
        ..new.clone()
    };
    assert_eq!(no_name.check(), Err(SourceProblem::Empty("name")));
    let newline_token = NewSource {
        access_token: Some("a\nb".into()),
        ..new
    };
    assert_eq!(
        newline_token.check(),
        Err(SourceProblem::ControlCharacter("access token"))
    );
}

#[test]
fn a_patch_must_change_something_of_a_connected_source() {
    assert_eq!(
        SourcePatch::default().check(&source()),
        Err(SourceProblem::NothingToChange)
    );
    let rename = SourcePatch {
        name: Some("Acme".into()),
        ..SourcePatch::default()
    };
    assert_eq!(rename.check(&source()), Ok(()));
    let gone = SourceView {
        disconnected_at: Some(Timestamp(5)),
        ..source()
    };
    assert_eq!(rename.check(&gone), Err(SourceProblem::Disconnected));
}

#[test]
fn the_audit_never_shows_a_token() {
    let fields = audit_fields(&source());
    assert_eq!(fields["access_token"], SECRET_SET);
    assert_eq!(fields["public_enabled"], "on");
    let unknown = serde_json::from_str::<SourcePatch>(r#"{"token":"x"}"#);
    assert!(unknown.is_err(), "unknown fields are refused, not ignored");
}

#[test]
fn routing_rules_travel_flat_with_their_version() {
    let rules = RoutingRules {
        routing: routing(vec![rule(Some(Source::X), None, None, "x")]),
        version: 3,
    };
    let json = serde_json::to_value(&rules).expect("serializes");
    assert_eq!(json["version"], 3);
    assert_eq!(json["default_skill"], "social-general");
    assert_eq!(json["rules"][0]["skill"], "x");
    let back: RoutingRules = serde_json::from_value(json).expect("deserializes");
    assert_eq!(back, rules);
}
