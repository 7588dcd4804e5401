//! What travels between the widget and the server besides the model itself: request
//! bodies, answers that are not model types, and the shape of every error. Request bodies
//! refuse unknown fields: a misspelt `reply_to` must fail loudly, not answer the wrong
//! message.

use serde::{Deserialize, Serialize};

use crate::model::{Agent, Message, MessageId, Role, Space};

/// The namespace of this API's own problem types (`type` of a [`Problem`]).
pub const PROBLEM_TYPE_PREFIX: &str = "urn:social-widget:";

/// The problem type of a rule's refusal: `urn:social-widget:rule:<rule>`.
pub fn rule_problem_type(rule: &str) -> String {
    format!("{PROBLEM_TYPE_PREFIX}rule:{rule}")
}

/// An RFC 9457 problem body (`application/problem+json`), as every error answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Problem {
    /// Whether the type is one of this API's own (a rule, an idempotency-key problem, the
    /// platform's refusal) rather than `about:blank`.
    pub fn is_ours(&self) -> bool {
        self.kind.starts_with(PROBLEM_TYPE_PREFIX)
    }
}

/// Answer of `GET /api/me`: who the bearer token signs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    /// The agent, with the kind and role the rules need.
    pub agent: Agent,
    /// The account's slug, e.g. `demo`.
    pub account: String,
}

/// Body of `POST /api/demo/session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoSessionRequest {
    /// `demo` or `other`.
    pub account: String,
    pub role: Role,
}

/// Answer of `POST /api/session` and `POST /api/demo/session` (defined with the sign-in
/// types; here so every answer type is at hand from the crate's root).
pub use crate::workspace::NewSession;

/// Body of `POST /api/demo/conversations/{id}/consumer-messages` (demo mode only): a
/// person plays the consumer, to see live updates without a platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoConsumerMessage {
    pub text: String,
    /// Public (a comment, a tweet) or private (a DM).
    pub space: Space,
}

/// Body of `POST /api/conversations/{id}/messages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SendMessage {
    pub text: String,
    pub space: Space,
    /// The consumer message this answers; without it a public reply answers the
    /// consumer's last public message.
    #[serde(default)]
    pub reply_to: Option<MessageId>,
    /// Whether the text carries the consumer's mention (see `actions::mention_for`).
    #[serde(default)]
    pub mention: bool,
    /// Files or rich content: not supported yet, and never allowed in public.
    #[serde(default)]
    pub attachments: Vec<String>,
}

/// Body of `POST /api/conversations/{id}/dm-invite` (an empty body is the same as `{}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DmInviteRequest {
    /// The consumer's public message the invitation answers; without it, their latest
    /// public one.
    #[serde(default)]
    pub reply_to: Option<MessageId>,
    /// The public invitation as the agent edited it (it must keep the link); without it,
    /// the text the preview showed (`actions::dm_invite`).
    #[serde(default)]
    pub public_text: Option<String>,
    /// The Facebook private reply as the agent edited it; without it, the default.
    #[serde(default)]
    pub private_text: Option<String>,
}

/// Answer of `POST /api/conversations/{id}/dm-invite`: the public reply with the link and,
/// on Facebook where allowed, the private reply sent to the comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DmInviteSent {
    pub public_reply: Message,
    pub private_reply: Option<Message>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_field_is_refused_rather_than_ignored() {
        let typo = r#"{"text":"hi","space":"public","replyTo":12}"#;
        assert!(serde_json::from_str::<SendMessage>(typo).is_err());
        let right = r#"{"text":"hi","space":"public","reply_to":12}"#;
        let body: SendMessage = serde_json::from_str(right).expect("reads");
        assert_eq!(body.reply_to, Some(MessageId(12)));
        assert!(serde_json::from_str::<DmInviteRequest>(r#"{"replyTo":1}"#).is_err());
        assert!(serde_json::from_str::<DemoSessionRequest>(
            r#"{"account":"demo","role":"agent","admin":true}"#
        )
        .is_err());
    }

    #[test]
    fn rule_types_live_in_our_namespace() {
        let problem = Problem {
            kind: rule_problem_type("empty"),
            title: "t".into(),
            status: 422,
            detail: None,
        };
        assert_eq!(problem.kind, "urn:social-widget:rule:empty");
        assert!(problem.is_ours());
        assert!(!Problem {
            kind: "about:blank".into(),
            ..problem
        }
        .is_ours());
    }
}

/// Answer of `GET /api/conversations/{id}/messages?before=…&limit=…`: the page of messages
/// just before the cursor, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessagePage {
    pub messages: Vec<Message>,
    /// Reads the page before this one; `None` at the conversation's first message.
    #[serde(default)]
    pub older_cursor: Option<String>,
}
