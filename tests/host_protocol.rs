//! The postMessage protocol, field by field: every kind of message a host may send is read,
//! and anything that is not exactly one of them is refused. And the origins a host may
//! speak from: exact matches only.
#![cfg(target_arch = "wasm32")]

use social_api::workspace::WidgetConfig;
use social_widget::host::{
    config::HostOrigins,
    protocol::{parse, HostMessage, Rejected, WidgetMessage},
    HostAgent, Theme, WorkspaceId,
};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn js(source: &str) -> JsValue {
    js_sys::eval(&format!("({source})")).expect("a JS value")
}

#[wasm_bindgen_test]
fn every_host_message_is_read() {
    let cases = [
        (
            r#"{protocol: "social-widget", version: 1, type: "focus", conversation: "acme-ws-1"}"#,
            HostMessage::Focus(Some(WorkspaceId("acme-ws-1".into()))),
        ),
        (
            r#"{protocol: "social-widget", version: 1, type: "focus", conversation: null}"#,
            HostMessage::Focus(None),
        ),
        (
            r#"{protocol: "social-widget", version: 1, type: "theme", theme: "dark"}"#,
            HostMessage::Theme(Theme::Dark),
        ),
        (
            r#"{protocol: "social-widget", version: 1, type: "agent", agent: {id: "42", name: "Dana"}}"#,
            HostMessage::Agent(HostAgent {
                id: "42".into(),
                name: "Dana".into(),
            }),
        ),
        (
            r#"{protocol: "social-widget", version: 1, type: "auth", token: "abc"}"#,
            HostMessage::Auth("abc".into()),
        ),
    ];
    for (source, expected) in cases {
        assert_eq!(parse(js(source)), Ok(expected), "{source}");
    }
}

#[wasm_bindgen_test]
fn anything_else_is_refused() {
    let not_ours = [
        "null",
        "undefined",
        "42",
        r#""{\"protocol\":\"social-widget\",\"version\":1,\"type\":\"focus\",\"conversation\":\"x\"}""#,
        r#"["social-widget", 1, "focus"]"#,
        "{}",
        r#"{type: "focus", conversation: "x"}"#,
        r#"{protocol: "other", version: 1, type: "focus", conversation: "x"}"#,
        r#"{protocol: "Social-Widget", version: 1, type: "focus", conversation: "x"}"#,
        r#"{protocol: "social-widget", type: "focus", conversation: "x"}"#,
        // LivePerson's SDK transport shares the window's messages.
        r#"{type: "lp-agent-sdk:handshake", version: 1, attempt: 1}"#,
    ];
    for source in not_ours {
        assert_eq!(parse(js(source)), Err(Rejected::NotOurs), "{source}");
    }
    let malformed = [
        r#"{protocol: "social-widget", version: 2, type: "focus", conversation: "x"}"#,
        r#"{protocol: "social-widget", version: 1, type: "blur"}"#,
        r#"{protocol: "social-widget", version: 1, type: "focus"}"#,
        r#"{protocol: "social-widget", version: 1, type: "focus", conversation: 7}"#,
        r#"{protocol: "social-widget", version: 1, type: "focus", conversation: ""}"#,
        r#"{protocol: "social-widget", version: 1, type: "focus", conversation: "   "}"#,
        r#"{protocol: "social-widget", version: 1, type: "focus", conversation: "a\nb"}"#,
        r#"{protocol: "social-widget", version: 1, type: "focus", conversation: "x".repeat(513)}"#,
        r#"{protocol: "social-widget", version: 1, type: "focus", conversation: "x", extra: 1}"#,
        r#"{protocol: "social-widget", version: 1, type: "focus", conversation: {id: "x"}}"#,
        r#"{protocol: "social-widget", version: 1, type: "theme", theme: "purple"}"#,
        r#"{protocol: "social-widget", version: 1, type: "theme"}"#,
        r#"{protocol: "social-widget", version: 1, type: "agent", agent: {id: "1"}}"#,
        r#"{protocol: "social-widget", version: 1, type: "agent", agent: {id: 1, name: "D"}}"#,
        r#"{protocol: "social-widget", version: 1, type: "agent", agent: {id: "1", name: "D", email: "d@x"}}"#,
        r#"{protocol: "social-widget", version: 1, type: "auth", token: null}"#,
        r#"{protocol: "social-widget", version: 1, type: "auth", token: ["abc"]}"#,
        r#"{protocol: "social-widget", version: 1, type: "write", text: "from the host?"}"#,
    ];
    for source in malformed {
        assert_eq!(parse(js(source)), Err(Rejected::Malformed), "{source}");
    }
}

#[wasm_bindgen_test]
fn widget_messages_carry_the_envelope() {
    let message = WidgetMessage::Write("@kai_r ".into()).to_js();
    let json = js_sys::JSON::stringify(&message)
        .unwrap()
        .as_string()
        .unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        value,
        serde_json::json!({"protocol": "social-widget", "version": 1, "type": "write", "text": "@kai_r "})
    );
    let json = js_sys::JSON::stringify(&WidgetMessage::Resize(640).to_js())
        .unwrap()
        .as_string()
        .unwrap();
    assert!(json.contains(r#""height":640"#), "{json}");
}

#[wasm_bindgen_test]
fn only_exact_origins_may_host() {
    let config = WidgetConfig {
        host_origins: vec![
            "https://z1.le.liveperson.net".into(),
            "http://127.0.0.1:8081".into(),
        ],
        same_origin_host: false,
        demo: false,
    };
    let origins = HostOrigins::new(&config, "https://widget.example");
    assert!(origins.allows("https://z1.le.liveperson.net"));
    assert!(origins.allows("http://127.0.0.1:8081"));
    for foreign in [
        "https://z1.le.liveperson.net.evil.example",
        "https://z1.le.liveperson.ne",
        "http://z1.le.liveperson.net",
        "https://Z1.le.liveperson.net:8443",
        "http://127.0.0.1:8082",
        "http://localhost:8081",
        "https://widget.example",
        "null",
        "*",
        "",
    ] {
        assert!(
            !origins.allows(foreign),
            "{foreign} must not host the widget"
        );
    }
    let same = HostOrigins::new(
        &WidgetConfig {
            same_origin_host: true,
            ..config
        },
        "https://widget.example",
    );
    assert!(same.allows("https://widget.example"));
}
