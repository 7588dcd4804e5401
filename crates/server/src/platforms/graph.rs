//! Facebook through Meta's Graph API, as the brand's Page with its Page access token (in
//! the `Authorization: Bearer` header, never in a URL).
//!
//! A send that may have arrived is looked up among the object's 25 newest comments
//! (Graph's default page) or the last 10 messages of the Page's Messenger conversation
//! with the person.

use reqwest::StatusCode;
use serde_json::{json, Value};
use social_api::rules::MessageTag;
use social_api::{Profile, PublicProfile, Source, Timestamp, WithheldReason};
use url::Url;

use super::http::{endpoint, retry_after, Answer, Dialect, Failure, Http, Repeat};
use super::matching::{at_or_after, ends_with_text, same_text};
use super::{Like, Outbound, PlatformError, ProfileRequest, SendKind, Settings};
use crate::secret::Secret;

/// Meta's "No profile available" (the person cannot be looked up by this Page).
const NO_PROFILE_AVAILABLE: i64 = 2_018_218;
/// The Page webhook fields the product reads: comments and posts, Messenger messages.
const SUBSCRIBED_FIELDS: &str = "feed,messages";
/// Graph's fields of a person's profile that a Page may read.
const PROFILE_FIELDS: &str = "first_name,last_name,profile_pic,locale,timezone";

/// Graph API answers.
pub(super) struct Meta;

impl Dialect for Meta {
    const SOURCE: Source = Source::Facebook;

    fn failure(answer: &Answer, now: i64) -> Option<Failure> {
        let error = answer.body.get("error");
        if answer.status.is_success() && error.is_none() {
            return None;
        }
        let code = error.and_then(|e| e.get("code")).and_then(Value::as_i64);
        let words = error
            .and_then(|e| e.get("message"))
            .and_then(Value::as_str)
            .filter(|m| !m.trim().is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| format!("Facebook answered {}.", answer.status));
        if answer.status == StatusCode::TOO_MANY_REQUESTS || code.is_some_and(is_throttling) {
            let retry_at = retry_after(&answer.headers, now)
                .or_else(|| regains_access_at(&answer.headers, now));
            return Some(Failure::Limited { retry_at });
        }
        let transient = error
            .and_then(|e| e.get("is_transient"))
            .and_then(Value::as_bool)
            == Some(true);
        if answer.status.is_server_error() || transient {
            Some(Failure::Server(words))
        } else {
            Some(Failure::Refused { words, code })
        }
    }
}

/// Meta's throttling codes: application (4), user (17), Page (32), a call's own limit
/// (613), and the business-use-case limits (80001-80014, Pages and Messenger among them).
fn is_throttling(code: i64) -> bool {
    matches!(code, 4 | 17 | 32 | 613 | 80_001..=80_014)
}

/// When Meta says access comes back: the largest `estimated_time_to_regain_access`
/// (minutes) of `X-Business-Use-Case-Usage`.
fn regains_access_at(headers: &reqwest::header::HeaderMap, now: i64) -> Option<i64> {
    let usage: Value =
        serde_json::from_str(headers.get("x-business-use-case-usage")?.to_str().ok()?).ok()?;
    let minutes = usage
        .as_object()?
        .values()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|entry| entry.get("estimated_time_to_regain_access")?.as_i64())
        .max()
        .filter(|minutes| *minutes > 0)?;
    Some(now.saturating_add(minutes.saturating_mul(60_000)))
}

/// The Graph API client.
pub(super) struct Graph {
    http: Http<Meta>,
    base: Url,
}

impl Graph {
    pub fn new(client: reqwest::Client, settings: &Settings) -> Self {
        Self {
            http: Http::new(client, settings.retry),
            base: settings.graph_api_url.clone(),
        }
    }

    /// Calls Graph as the Page `page_id`. Meta's limits are per Page and app: one key.
    async fn call(
        &self,
        token: &Secret,
        page_id: &str,
        method: reqwest::Method,
        url: Url,
        body: Option<&Value>,
        repeat: Repeat,
    ) -> Result<Value, Failure> {
        let limit = (page_id.to_owned(), "graph");
        self.http
            .call(&limit, repeat, |client| {
                let request = client
                    .request(method.clone(), url.clone())
                    .bearer_auth(token.expose());
                match body {
                    Some(body) => request.json(body),
                    None => request,
                }
            })
            .await
    }

    /// Writes a message as the Page; the answer's `field` is its id.
    async fn write(
        &self,
        token: &Secret,
        page_id: &str,
        url: Url,
        body: &Value,
        field: &str,
    ) -> Result<String, PlatformError> {
        let answer = self
            .call(
                token,
                page_id,
                reqwest::Method::POST,
                url,
                Some(body),
                Repeat::Unsafe,
            )
            .await
            .map_err(|failure| failure.into_error(Source::Facebook, Repeat::Unsafe))?;
        answer
            .get(field)
            .and_then(Value::as_str)
            .map(str::to_owned)
            // Written, probably, but we cannot tell which one it is: look it up.
            .ok_or_else(|| PlatformError::Unconfirmed("Facebook's answer carried no id.".into()))
    }

    /// `POST /{comment-or-post-id}/comments {message}`; a wanted mention tags the consumer.
    pub async fn reply_public(
        &self,
        token: &Secret,
        request: &Outbound,
    ) -> Result<String, PlatformError> {
        let target = target(request)?;
        let message = if request.mention {
            format!("@[{}] {}", request.consumer_id, request.text)
        } else {
            request.text.clone()
        };
        let url = endpoint(&self.base, &[target, "comments"]);
        self.write(
            token,
            &request.brand_id,
            url,
            &json!({ "message": message }),
            "id",
        )
        .await
    }

    /// `POST /{page-id}/messages` to the person, tagged `HUMAN_AGENT` after Meta's 24 hours.
    pub async fn send_private(
        &self,
        token: &Secret,
        request: &Outbound,
    ) -> Result<String, PlatformError> {
        let mut body = json!({
            "recipient": { "id": request.consumer_id },
            "messaging_type": "RESPONSE",
            "message": { "text": request.text },
        });
        match request.tag {
            Some(MessageTag::HumanAgent) => {
                body["messaging_type"] = json!("MESSAGE_TAG");
                body["tag"] = json!("HUMAN_AGENT");
            }
            None => {}
        }
        let url = endpoint(&self.base, &[&request.brand_id, "messages"]);
        self.write(token, &request.brand_id, url, &body, "message_id")
            .await
    }

    /// `POST /{page-id}/messages` to the comment: Meta's private reply.
    pub async fn private_reply(
        &self,
        token: &Secret,
        request: &Outbound,
    ) -> Result<String, PlatformError> {
        let comment = target(request)?;
        let body = json!({
            "recipient": { "comment_id": comment },
            "messaging_type": "RESPONSE",
            "message": { "text": request.text },
        });
        let url = endpoint(&self.base, &[&request.brand_id, "messages"]);
        self.write(token, &request.brand_id, url, &body, "message_id")
            .await
    }

    /// `POST` (like) or `DELETE` (unlike) `/{object-id}/likes`, as the Page: repeating
    /// either changes nothing more.
    pub async fn set_like(
        &self,
        token: &Secret,
        request: &Like,
        liked: bool,
    ) -> Result<(), PlatformError> {
        let method = if liked {
            reqwest::Method::POST
        } else {
            reqwest::Method::DELETE
        };
        let url = endpoint(&self.base, &[&request.target_id, "likes"]);
        self.call(token, &request.brand_id, method, url, None, Repeat::Safe)
            .await
            .map(drop)
            .map_err(|failure| failure.into_error(Source::Facebook, Repeat::Safe))
    }

    /// `POST /{page-id}/subscribed_apps {subscribed_fields}` or `DELETE` it: the Page's
    /// comments, posts and Messenger messages come to our webhook, or stop coming.
    pub async fn set_subscribed(
        &self,
        token: &Secret,
        page_id: &str,
        subscribed: bool,
    ) -> Result<(), PlatformError> {
        let url = endpoint(&self.base, &[page_id, "subscribed_apps"]);
        let (method, body) = if subscribed {
            (
                reqwest::Method::POST,
                Some(json!({ "subscribed_fields": SUBSCRIBED_FIELDS })),
            )
        } else {
            (reqwest::Method::DELETE, None)
        };
        self.call(token, page_id, method, url, body.as_ref(), Repeat::Safe)
            .await
            .map(drop)
            .map_err(|failure| failure.into_error(Source::Facebook, Repeat::Safe))
    }

    /// `GET /{psid}?fields=first_name,last_name,profile_pic,locale,timezone`.
    pub async fn profile(
        &self,
        token: &Secret,
        request: &ProfileRequest,
    ) -> Result<Profile, PlatformError> {
        let mut url = endpoint(&self.base, &[&request.consumer_id]);
        url.query_pairs_mut().append_pair("fields", PROFILE_FIELDS);
        let answer = self
            .call(
                token,
                &request.brand_id,
                reqwest::Method::GET,
                url,
                None,
                Repeat::Safe,
            )
            .await;
        match answer {
            Ok(person) => Ok(profile_of(&person)),
            Err(Failure::Refused {
                code: Some(NO_PROFILE_AVAILABLE),
                ..
            }) => Ok(Profile::Withheld(WithheldReason::NoProfileAvailable)),
            Err(failure) => Err(failure.into_error(Source::Facebook, Repeat::Safe)),
        }
    }

    /// The Page's recent messages that look like `request`: comments under the target
    /// (`GET /{id}/comments?order=reverse_chronological`), or the Messenger conversation
    /// with the person (`GET /{page-id}/conversations?user_id=…`) for DMs and private
    /// replies.
    pub async fn find_sent(
        &self,
        token: &Secret,
        kind: SendKind,
        request: &Outbound,
        since: Timestamp,
    ) -> Result<Vec<String>, PlatformError> {
        let (url, listed): (Url, fn(&Value) -> Vec<&Value>) = match kind {
            SendKind::ReplyPublic => {
                let mut url = endpoint(&self.base, &[target(request)?, "comments"]);
                url.query_pairs_mut()
                    .append_pair("order", "reverse_chronological")
                    .append_pair("fields", "id,message,from,created_time");
                (url, comments)
            }
            SendKind::SendPrivate | SendKind::PrivateReply => {
                let mut url = endpoint(&self.base, &[&request.brand_id, "conversations"]);
                url.query_pairs_mut()
                    .append_pair("user_id", &request.consumer_id)
                    .append_pair("fields", "messages.limit(10){id,message,from,created_time}");
                (url, conversation_messages)
            }
        };
        let answer = self
            .call(
                token,
                &request.brand_id,
                reqwest::Method::GET,
                url,
                None,
                Repeat::Safe,
            )
            .await
            .map_err(|failure| failure.into_error(Source::Facebook, Repeat::Safe))?;
        // A Page tags the person in a public reply; Messenger texts come back as sent.
        let tagged = request.mention && kind == SendKind::ReplyPublic;
        Ok(listed(&answer)
            .into_iter()
            .filter(|item| {
                let from = item.pointer("/from/id").and_then(Value::as_str);
                let text = item.get("message").and_then(Value::as_str).unwrap_or("");
                let time = item.get("created_time").and_then(Value::as_str);
                from == Some(request.brand_id.as_str())
                    && if tagged {
                        ends_with_text(&request.text, text)
                    } else {
                        same_text(&request.text, text)
                    }
                    && at_or_after(time, since)
            })
            .filter_map(|item| item.get("id").and_then(Value::as_str).map(str::to_owned))
            .collect())
    }
}

fn target(request: &Outbound) -> Result<&str, PlatformError> {
    request.target_id.as_deref().ok_or_else(|| {
        PlatformError::Rejected("There is no comment or post on Facebook to answer.".into())
    })
}

/// `{"data": [comment…]}`, newest first.
fn comments(answer: &Value) -> Vec<&Value> {
    answer
        .get("data")
        .and_then(Value::as_array)
        .map(|all| all.iter().collect())
        .unwrap_or_default()
}

/// `{"data": [{"messages": {"data": [message…]}}]}`, newest first.
fn conversation_messages(answer: &Value) -> Vec<&Value> {
    comments(answer)
        .into_iter()
        .filter_map(|conversation| conversation.pointer("/messages/data")?.as_array())
        .flatten()
        .collect()
}

/// A person's profile as Graph gives it; without any name (people in the EU, among
/// others), the platform withholds it.
fn profile_of(person: &Value) -> Profile {
    let field = |name: &str| {
        person
            .get(name)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let name: Vec<String> = [field("first_name"), field("last_name")]
        .into_iter()
        .flatten()
        .collect();
    if name.is_empty() {
        return Profile::Withheld(WithheldReason::EuPrivacy);
    }
    Profile::Available(PublicProfile {
        display_name: name.join(" "),
        handle: None,
        picture_url: field("profile_pic"),
        profile_url: None,
        locale: field("locale"),
        timezone: person
            .get("timezone")
            .and_then(Value::as_f64)
            .and_then(utc_offset),
        follower_count: None,
    })
}

/// Graph's timezone (hours from UTC, e.g. `-7` or `5.5`) as `UTC-07:00`, `UTC+05:30`.
fn utc_offset(hours: f64) -> Option<String> {
    if !hours.is_finite() || hours.abs() > 14.0 {
        return None;
    }
    // Within ±14 h the minutes fit an i64 exactly.
    let minutes = (hours * 60.0).round() as i64;
    let sign = if minutes < 0 { '-' } else { '+' };
    let minutes = minutes.abs();
    Some(format!("UTC{sign}{:02}:{:02}", minutes / 60, minutes % 60))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderMap;

    fn answer(status: u16, body: Value) -> Answer {
        Answer {
            status: StatusCode::from_u16(status).expect("status"),
            headers: HeaderMap::new(),
            body,
        }
    }

    #[test]
    fn meta_throttling_codes_are_rate_limits_whatever_the_status() {
        for code in [4, 17, 32, 613, 80_001, 80_006, 80_014] {
            let throttled = answer(
                400,
                json!({"error": {"message": "(#4) Application request limit reached", "code": code}}),
            );
            assert_eq!(
                Meta::failure(&throttled, 0),
                Some(Failure::Limited { retry_at: None }),
                "code {code}"
            );
        }
        let refused = answer(
            400,
            json!({"error": {"message": "(#100) Invalid parameter", "code": 100}}),
        );
        assert_eq!(
            Meta::failure(&refused, 0),
            Some(Failure::Refused {
                words: "(#100) Invalid parameter".into(),
                code: Some(100)
            })
        );
        assert_eq!(Meta::failure(&answer(200, json!({"id": "1"})), 0), None);
    }

    #[test]
    fn meta_says_when_access_comes_back_in_minutes() {
        let mut throttled = answer(
            400,
            json!({"error": {"message": "(#80001) There have been too many calls", "code": 80_001}}),
        );
        throttled.headers.insert(
            "x-business-use-case-usage",
            r#"{"104857600012345":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":3}]}"#
                .parse()
                .expect("header"),
        );
        assert_eq!(
            Meta::failure(&throttled, 1_000),
            Some(Failure::Limited {
                retry_at: Some(181_000)
            })
        );
    }

    #[test]
    fn a_transient_error_or_a_server_error_may_have_been_done() {
        let transient = answer(
            400,
            json!({"error": {"message": "An unexpected error has occurred.", "code": 2, "is_transient": true}}),
        );
        assert!(matches!(
            Meta::failure(&transient, 0),
            Some(Failure::Server(_))
        ));
        assert_eq!(
            Meta::failure(&answer(502, Value::Null), 0),
            Some(Failure::Server("Facebook answered 502 Bad Gateway.".into()))
        );
    }

    #[test]
    fn a_profile_without_a_name_is_withheld_and_timezones_are_offsets() {
        assert_eq!(
            profile_of(&json!({"id": "1"})),
            Profile::Withheld(WithheldReason::EuPrivacy)
        );
        let Profile::Available(maria) = profile_of(&json!({
            "first_name": "Maria", "last_name": "Lopez", "locale": "es_ES", "timezone": 5.5,
            "profile_pic": "https://pic.example/m.jpg"
        })) else {
            panic!("available");
        };
        assert_eq!(maria.display_name, "Maria Lopez");
        assert_eq!(maria.timezone.as_deref(), Some("UTC+05:30"));
        assert_eq!(utc_offset(-7.0).as_deref(), Some("UTC-07:00"));
        assert_eq!(utc_offset(0.0).as_deref(), Some("UTC+00:00"));
        assert_eq!(utc_offset(99.0), None);
    }
}
