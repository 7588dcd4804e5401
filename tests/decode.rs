//! `decode` reads exactly the JSON that serde writes for the `crates/api` types (the
//! server's side), and rejects what does not fit.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use serde::Serialize;
use social_api::*;
use social_widget::decode::from_value;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Parsed by the browser, as `Response.json()` does.
fn parse(json: &str) -> wasm_bindgen::JsValue {
    js_sys::JSON::parse(json).expect("valid JSON")
}

fn as_server_writes<T: Serialize>(value: &T) -> wasm_bindgen::JsValue {
    parse(&serde_json::to_string(value).unwrap())
}

#[wasm_bindgen_test]
fn conversations_as_the_server_writes_them_read_back_equal() {
    let mut withheld = x_dm();
    withheld.consumer.profile = Profile::Withheld(WithheldReason::EuPrivacy);
    for conversation in [facebook_thread(), x_dm(), withheld] {
        let read: Conversation = from_value(as_server_writes(&conversation)).expect("readable");
        assert_eq!(read, conversation);
    }
}

#[wasm_bindgen_test]
fn lists_sessions_and_problems_read_back_equal() {
    let rows = vec![ConversationSummary {
        id: ConversationId(3),
        source: Source::X,
        space: Space::Private,
        consumer_name: "Kai".into(),
        last_message_preview: "Hi".into(),
        last_message_at: Timestamp(1_700_000_000_123),
        unread_count: 4,
        undelivered_count: 1,
        skill: None,
        engagement: None,
        assigned_to: Some("Dana".into()),
    }];
    let read: Vec<ConversationSummary> = from_value(as_server_writes(&rows)).unwrap();
    assert_eq!(read, rows);

    let session = NewSession {
        token: "abc".into(),
        expires_at: Timestamp(1_700_000_000_456),
    };
    assert_eq!(
        from_value::<NewSession>(as_server_writes(&session)).unwrap(),
        session
    );

    let problem = Problem {
        kind: "about:blank".into(),
        title: "Not Found".into(),
        status: 404,
        detail: None,
    };
    let json = serde_json::to_string(&problem).unwrap();
    assert!(
        !json.contains("detail"),
        "the server leaves out an absent detail: {json}"
    );
    assert_eq!(from_value::<Problem>(parse(&json)).unwrap(), problem);
}

/// Every answer type the server sends, written by serde as the server does, decodes to
/// an equal value.
fn round_trips<T>(value: T)
where
    T: Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let read: T = from_value(as_server_writes(&value)).expect("readable");
    assert_eq!(read, value);
}

#[wasm_bindgen_test]
fn every_answer_type_round_trips() {
    let admin = Agent {
        role: Role::Admin,
        ..human()
    };
    round_trips(Me {
        agent: admin,
        account: "demo".into(),
    });
    let thread = facebook_thread();
    let mut private_reply = thread.messages[2].clone();
    private_reply.private_reply = true;
    private_reply.delivery = Delivery::Failed {
        reason: "(#10) outside the window".into(),
    };
    round_trips(private_reply.clone());
    round_trips(DmInviteSent {
        public_reply: thread.messages[1].clone(),
        private_reply: Some(private_reply),
    });
    round_trips(DmInviteSent {
        public_reply: thread.messages[1].clone(),
        private_reply: None,
    });
    let mut liked = post("A post");
    liked.liked_by_brand = true;
    round_trips(liked);
    let mut unassigned = x_dm();
    unassigned.assigned_to = None;
    round_trips(unassigned);
}

#[wasm_bindgen_test]
fn wrong_shapes_are_rejected() {
    for json in [
        r#"{"token":5,"expires_at":1}"#,
        r#"{"token":"a"}"#,
        r#"{}"#,
        r#"[1]"#,
        r#"null"#,
    ] {
        assert!(
            from_value::<NewSession>(parse(json)).is_err(),
            "{json} was accepted"
        );
    }
    // Unknown variant, fractional id, two tags.
    assert!(from_value::<Source>(parse(r#""myspace""#)).is_err());
    assert!(from_value::<ConversationId>(parse("1.5")).is_err());
    assert!(from_value::<Author>(parse(r#"{"bot":{"name":"b"},"system":null}"#)).is_err());
    assert_eq!(
        from_value::<Author>(parse(r#""system""#)).unwrap(),
        Author::System
    );
    assert_eq!(
        from_value::<Delivery>(parse(r#"{"failed":{"reason":"closed"}}"#)).unwrap(),
        Delivery::Failed {
            reason: "closed".into()
        }
    );
}
