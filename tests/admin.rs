//! The admin settings page: the source switches show the source as read and ask for the
//! other state, disconnecting needs a confirmation, the rules editor lists the problems of
//! `check_routing` and saves only without any, the preview follows unsaved rules, and the
//! client sends `If-Match` and tells 403, 412 and 422 apart.
#![cfg(target_arch = "wasm32")]

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use leptos::{mount::mount_to, prelude::*};
use social_api::admin::{RuleProblem, SourceId, SourcePatch, SourceView};
use social_api::routing::{Routing, RoutingRule, RuleMatch};
use social_api::{Me, Source, Space, Timestamp};
use social_widget::admin::{page::AdminPage, rule_editor::RuleEditor, source_row::SourceRow};
use social_widget::client::admin::{self as api, AdminError};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

fn source(id: i64, platform: Source, platform_id: &str, name: &str) -> SourceView {
    SourceView {
        id: SourceId(id),
        platform,
        platform_id: platform_id.into(),
        name: name.into(),
        handle: None,
        public_enabled: true,
        private_enabled: true,
        subscribed: true,
        token_set: true,
        disconnected_at: None,
        last_event_at: Some(Timestamp(1_700_000_000_000)),
        last_error: None,
        version: 3,
    }
}

fn acme() -> SourceView {
    source(1, Source::Facebook, "1111", "Acme Outdoor")
}

fn acme_x() -> SourceView {
    source(2, Source::X, "2222", "Acme on X")
}

/// Records what a callback was called with.
fn recorder<T: Clone + Send + Sync + 'static>() -> (Arc<Mutex<Vec<T>>>, Callback<T>) {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let record = calls.clone();
    (
        calls,
        Callback::new(move |value: T| record.lock().unwrap().push(value)),
    )
}

fn calls<T: Clone>(calls: &Arc<Mutex<Vec<T>>>) -> Vec<T> {
    calls.lock().unwrap().clone()
}

/// Picks `value` in a `<select>` as a person does: the value, then a `change` event.
fn choose(select: &Element, value: &str) {
    let select: &web_sys::HtmlSelectElement = select.unchecked_ref();
    select.set_value(value);
    assert_eq!(select.value(), value, "the select offers {value:?}");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("change", &init).unwrap();
    select.dispatch_event(&event).unwrap();
}

fn pressed(button: &Element) -> Option<String> {
    attr(button, "aria-pressed")
}

#[wasm_bindgen_test]
async fn the_public_switch_shows_the_source_and_asks_to_turn_it_off() {
    let el = container();
    let current = RwSignal::new(acme());
    let (patches, on_patch) = recorder::<(SourceView, SourcePatch)>();
    let (_, on_disconnect) = recorder::<SourceView>();
    let _view = mount_to(el.clone(), move || {
        view! { <SourceRow source=current on_patch on_disconnect/> }
    });
    settle().await;
    let switch = by_role_named(&el, "button", "Public space");
    assert_eq!(pressed(&switch).as_deref(), Some("true"));

    click(&switch);
    settle().await;
    let sent = calls(&patches);
    assert_eq!(sent.len(), 1);
    let (based_on, patch) = &sent[0];
    assert_eq!(based_on.version, 3, "the version read goes with the change");
    assert_eq!(
        patch,
        &SourcePatch {
            public_enabled: Some(false),
            ..SourcePatch::default()
        }
    );
    // Nothing changes on screen until the source does.
    assert_eq!(pressed(&switch).as_deref(), Some("true"));

    current.update(|s| {
        s.public_enabled = false;
        s.version = 4;
    });
    settle().await;
    let switch = by_role_named(&el, "button", "Public space");
    assert_eq!(pressed(&switch).as_deref(), Some("false"));
    assert!(text(&el).contains("Public space") && text(&el).contains("off"));

    // Pressed again, it asks to turn it back on, from the new version.
    click(&switch);
    settle().await;
    let sent = calls(&patches);
    assert_eq!(sent[1].0.version, 4);
    assert_eq!(sent[1].1.public_enabled, Some(true));
}

#[wasm_bindgen_test]
async fn a_disconnected_source_has_no_switches() {
    let el = container();
    let mut gone = acme();
    gone.disconnected_at = Some(Timestamp(1_700_000_100_000));
    let (patches, on_patch) = recorder::<(SourceView, SourcePatch)>();
    let (_, on_disconnect) = recorder::<SourceView>();
    let _view = mount_to(el.clone(), move || {
        view! { <SourceRow source=Signal::stored(gone.clone()) on_patch on_disconnect/> }
    });
    settle().await;
    assert!(text(&el).contains("disconnected"));
    assert!(!has_button(&el, "Public space"));
    assert!(!has_button(&el, "Disconnect"));
    assert!(calls(&patches).is_empty());
}

#[wasm_bindgen_test]
async fn disconnecting_needs_an_explicit_confirmation() {
    let el = container();
    let (_, on_patch) = recorder::<(SourceView, SourcePatch)>();
    let (disconnects, on_disconnect) = recorder::<SourceView>();
    let _view = mount_to(el.clone(), move || {
        view! { <SourceRow source=Signal::stored(acme()) on_patch on_disconnect/> }
    });
    settle().await;
    let confirmation = |el: &Element| one(el, ".confirm");
    assert!(confirmation(&el).is_none());

    click(&button(&el, "Disconnect…"));
    settle().await;
    let shown = confirmation(&el).expect("the confirmation opens");
    let said = text(&shown);
    assert!(
        said.contains("Disconnect the Facebook page Acme Outdoor?"),
        "{said}"
    );
    assert!(
        said.contains("existing conversations stay readable"),
        "{said}"
    );
    assert!(said.contains("Nothing new comes in"), "{said}");
    assert!(said.contains("disabled"), "{said}");
    assert!(calls(&disconnects).is_empty(), "opening it sends nothing");

    click(&by_role_named(&shown, "button", "Cancel"));
    settle().await;
    assert!(confirmation(&el).is_none(), "Cancel closes it");
    assert!(calls(&disconnects).is_empty(), "Cancel sends nothing");

    click(&button(&el, "Disconnect…"));
    settle().await;
    let shown = confirmation(&el).expect("the confirmation opens again");
    click(&by_role_named(&shown, "button", "Yes, disconnect"));
    settle().await;
    let sent = calls(&disconnects);
    assert_eq!(sent.len(), 1, "confirmed once, sent once");
    assert_eq!(sent[0].id, SourceId(1));
    assert!(confirmation(&el).is_none());
}

fn rule(source: Option<Source>, space: Option<Space>, skill: &str) -> RoutingRule {
    RoutingRule {
        when: RuleMatch {
            source,
            brand: None,
            space,
        },
        skill: skill.into(),
        engagement: None,
    }
}

fn rules_of(el: &Element) -> Vec<Element> {
    all(el, "li.rule")
}

fn rule_at(el: &Element, number: usize) -> Element {
    rules_of(el)
        .get(number - 1)
        .cloned()
        .unwrap_or_else(|| panic!("no rule {number}"))
}

fn problems_of(rule: &Element) -> String {
    one(rule, ".rule__problems")
        .map(|p| text(&p))
        .unwrap_or_default()
}

fn save_button(el: &Element) -> Element {
    by_role_named(el, "button", "Save rules")
}

fn save_blocked(el: &Element) -> bool {
    attr(&save_button(el), "aria-disabled").as_deref() == Some("true")
}

fn save_reason(el: &Element) -> String {
    description(&save_button(el))
}

/// Mounts the editor over Acme's two sources with one Facebook public rule.
fn mount_editor(el: &Element) -> (Arc<Mutex<Vec<Routing>>>, impl Sized) {
    let initial = Routing {
        rules: vec![rule(
            Some(Source::Facebook),
            Some(Space::Public),
            "social-fb-public",
        )],
        default_skill: None,
    };
    let (saves, on_save) = recorder::<Routing>();
    let view = mount_to(el.clone().unchecked_into(), move || {
        view! {
            <RuleEditor
                sources=Signal::stored(vec![acme(), acme_x()])
                initial=initial.clone()
                on_save
            />
        }
    });
    (saves, view)
}

#[wasm_bindgen_test]
async fn the_rules_editor_lists_problems_and_saves_only_without_any() {
    let el = container();
    let (saves, _view) = mount_editor(&el);
    settle().await;
    assert!(save_blocked(&el), "nothing changed yet");
    assert!(save_reason(&el).contains("Nothing has changed"));

    // A new rule has no skill yet.
    click(&by_role_named(&el, "button", "Add rule"));
    settle().await;
    let second = rule_at(&el, 2);
    assert_eq!(problems_of(&second), "Rule 2: the skill is empty.");
    assert!(save_blocked(&el));
    assert!(
        save_reason(&el).contains("1 problem"),
        "{}",
        save_reason(&el)
    );
    click(&save_button(&el));
    settle().await;
    assert!(calls(&saves).is_empty(), "a blocked save sends nothing");

    type_input(&labelled(&second, "Skill"), "social-fb-private");
    settle().await;
    assert_eq!(problems_of(&rule_at(&el, 2)), "");
    assert!(!save_blocked(&el), "{}", save_reason(&el));

    // The same match as rule 1: a duplicate.
    choose(&labelled(&second, "Platform"), "facebook");
    choose(&labelled(&second, "Space"), "public");
    settle().await;
    assert_eq!(problems_of(&rule_at(&el, 2)), "Rule 2 repeats rule 1.");
    assert!(save_blocked(&el));

    choose(&labelled(&second, "Space"), "private");
    settle().await;
    assert_eq!(problems_of(&rule_at(&el, 2)), "");
    assert!(!save_blocked(&el));

    // Rule 1 widened to every Facebook space: rule 2 can never apply.
    choose(&labelled(&rule_at(&el, 1), "Space"), "");
    settle().await;
    assert_eq!(
        problems_of(&rule_at(&el, 2)),
        "Rule 2 never applies: rule 1 above it matches everything it matches."
    );
    assert!(save_blocked(&el));

    // The narrower rule first: both apply again.
    click(&by_role_named(&el, "button", "Move up rule 2"));
    settle().await;
    assert_eq!(problems_of(&rule_at(&el, 1)), "");
    assert_eq!(problems_of(&rule_at(&el, 2)), "");
    assert!(!save_blocked(&el), "{}", save_reason(&el));

    click(&save_button(&el));
    settle().await;
    let saved = calls(&saves);
    assert_eq!(saved.len(), 1);
    assert_eq!(
        saved[0].rules,
        vec![
            rule(
                Some(Source::Facebook),
                Some(Space::Private),
                "social-fb-private"
            ),
            rule(Some(Source::Facebook), None, "social-fb-public"),
        ]
    );
}

#[wasm_bindgen_test]
async fn engagements_are_offered_only_for_x_rules() {
    let el = container();
    let (_saves, _view) = mount_editor(&el);
    settle().await;
    let first = rule_at(&el, 1);
    assert!(!has_labelled(&first, "Engagement"));
    choose(&labelled(&first, "Platform"), "x");
    settle().await;
    assert!(has_labelled(&rule_at(&el, 1), "Engagement"));
    // An X account picked with any platform makes it an X rule too.
    choose(&labelled(&rule_at(&el, 1), "Platform"), "");
    choose(&labelled(&rule_at(&el, 1), "Page or account"), "2222");
    settle().await;
    assert!(has_labelled(&rule_at(&el, 1), "Engagement"));
}

fn sentence(el: &Element) -> String {
    one(el, ".preview__sentence")
        .map(|p| text(&p))
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_preview_says_where_a_first_message_goes_under_the_unsaved_rules() {
    let el = container();
    let (saves, _view) = mount_editor(&el);
    settle().await;
    assert_eq!(
        sentence(&el),
        "A public comment on page Acme Outdoor goes to skill social-fb-public (rule 1)."
    );

    type_input(&labelled(&rule_at(&el, 1), "Skill"), "fb-care");
    settle().await;
    assert_eq!(
        sentence(&el),
        "A public comment on page Acme Outdoor goes to skill fb-care (rule 1)."
    );

    choose(&labelled(&el, "In the space"), "private");
    settle().await;
    assert_eq!(
        sentence(&el),
        "A private message to page Acme Outdoor goes to no skill: no rule matches and there is no default."
    );
    type_input(
        &labelled(&el, "Default skill (when no rule matches; empty for none)"),
        "social-general",
    );
    settle().await;
    assert_eq!(
        sentence(&el),
        "A private message to page Acme Outdoor goes to skill social-general (the default skill)."
    );

    choose(&labelled(&el, "A first message for"), "2");
    settle().await;
    assert_eq!(
        sentence(&el),
        "A direct message to X account Acme on X goes to skill social-general (the default skill)."
    );
    assert!(calls(&saves).is_empty(), "previewing saves nothing");
}

/// Records each request's `If-Match` (the shared fake network does not).
fn record_if_match() {
    js_sys::eval(
        r#"
        window.__ifMatch = [];
        const fake = window.fetch;
        window.fetch = function (url, init) {
            window.__ifMatch.push(new Headers((init || {}).headers || {}).get('If-Match'));
            return fake(url, init);
        };
        "#,
    )
    .unwrap();
}

fn if_match_sent() -> Vec<Option<String>> {
    let list: js_sys::Array = js_sys::eval("window.__ifMatch").unwrap().unchecked_into();
    list.iter().map(|v| v.as_string()).collect()
}

#[wasm_bindgen_test]
async fn a_change_carries_the_version_it_was_based_on_and_refusals_stay_apart() {
    let net = FakeNetwork::install();
    record_if_match();
    let mut changed = acme();
    changed.public_enabled = false;
    changed.version = 4;
    net.reply(200, &json_of(&changed));
    let patch = SourcePatch {
        public_enabled: Some(false),
        ..SourcePatch::default()
    };
    assert_eq!(api::change_source("t", &acme(), &patch).await, Ok(changed));
    let sent = net.requests();
    assert_eq!(sent[0].method, "PATCH");
    assert_eq!(sent[0].url, "/api/admin/sources/1");
    assert_eq!(sent[0].body.as_deref(), Some(r#"{"public_enabled":false}"#));
    assert_eq!(if_match_sent()[0].as_deref(), Some("\"3\""));

    net.problem(
        412,
        "urn:social-widget:stale-version",
        "Changed by someone else",
        "Reload.",
    );
    assert_eq!(
        api::change_source("t", &acme(), &patch).await,
        Err(AdminError::Stale)
    );

    net.problem(
        403,
        "urn:social-widget:admin-only",
        "Only an admin may do this",
        "Changing sources.",
    );
    assert_eq!(api::sources("t").await, Err(AdminError::AdminOnly));

    let refused = serde_json::json!({
        "type": "urn:social-widget:routing-invalid",
        "title": "The routing rules have problems",
        "status": 422,
        "detail": "1 problem",
        "problems": [{"problem": "empty_skill", "rule": 1}],
    });
    net.reply(422, &refused.to_string());
    let routing = Routing {
        rules: vec![rule(None, None, "")],
        default_skill: None,
    };
    assert_eq!(
        api::save_routing("t", 9, &routing).await,
        Err(AdminError::RoutingInvalid(vec![RuleProblem::EmptySkill {
            rule: 1
        }]))
    );
    let sent = net.requests();
    assert_eq!(sent[3].method, "PUT");
    assert_eq!(if_match_sent()[3].as_deref(), Some("\"9\""));
    assert_eq!(
        sent[3].body.as_deref(),
        Some(
            r#"{"rules":[{"when":{"source":null,"brand":null,"space":null},"skill":"","engagement":null}],"default_skill":null}"#
        )
    );
}

#[wasm_bindgen_test]
async fn an_agent_who_is_not_an_admin_reads_why_and_nothing_else() {
    let net = FakeNetwork::install();
    let el = container();
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
        .set_item("social-widget:session", "agent-token")
        .unwrap();
    net.reply(
        200,
        &json_of(&Me {
            agent: human(),
            account: "demo".into(),
        }),
    );
    net.problem(
        403,
        "urn:social-widget:admin-only",
        "Only an admin may do this",
        "Only an admin may change data sources.",
    );
    let _view = mount_to(el.clone(), AdminPage);
    idle().await;
    let alerts = by_role(&el, "alert");
    assert_eq!(alerts.len(), 1, "{}", text(&el));
    assert_eq!(
        text(&alerts[0]),
        "Only admins can change data sources and routing."
    );
    assert!(!has_role_named(&el, "heading", "Data sources"));
    assert!(!has_role_named(&el, "heading", "Routing rules"));
    assert!(has_button(&el, "Sign out"));
    let sent = net.requests();
    assert_eq!(sent[1].url, "/api/admin/sources");
    assert_eq!(sent[1].authorization.as_deref(), Some("Bearer agent-token"));
}
