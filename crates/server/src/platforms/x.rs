//! X through its API v2, as the brand's account with its OAuth 2.0 user access token (in
//! the `Authorization: Bearer` header). X's rate-limit headers are remembered per account
//! and endpoint: a call with none left waits for the reset, or fails with its time.
//!
//! A send that may have arrived is looked up among the account's 10 newest tweets, or the
//! 10 newest events of the DM conversation with the person.

use reqwest::StatusCode;
use serde_json::{json, Value};
use social_api::{Profile, PublicProfile, Source, Timestamp, WithheldReason};
use url::Url;

use super::http::{
    endpoint, header_number, retry_after, Answer, Dialect, Failure, Http, LimitKey, Repeat,
};
use super::matching::{at_or_after, same_text};
use super::{Like, Outbound, PlatformError, ProfileRequest, SendKind, Settings};
use crate::secret::Secret;

/// X API v2 answers.
pub(super) struct Twitter;

impl Dialect for Twitter {
    const SOURCE: Source = Source::X;

    fn failure(answer: &Answer, now: i64) -> Option<Failure> {
        if answer.status.is_success() {
            return None;
        }
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            let retry_at = reset_at(answer).or_else(|| retry_after(&answer.headers, now));
            return Some(Failure::Limited { retry_at });
        }
        let words = words(&answer.body).unwrap_or_else(|| format!("X answered {}.", answer.status));
        if answer.status.is_server_error() {
            Some(Failure::Server(words))
        } else {
            Some(Failure::Refused { words, code: None })
        }
    }

    fn exhausted_until(answer: &Answer) -> Option<i64> {
        if header_number(&answer.headers, "x-rate-limit-remaining") == Some(0) {
            reset_at(answer)
        } else {
            None
        }
    }
}

/// `x-rate-limit-reset` (epoch seconds) in ms.
fn reset_at(answer: &Answer) -> Option<i64> {
    header_number(&answer.headers, "x-rate-limit-reset").map(|s| s.saturating_mul(1000))
}

/// X's reason: the problem's `detail`, else its `title`, else the first error's.
fn words(body: &Value) -> Option<String> {
    let first_error = body.pointer("/errors/0");
    [
        body.get("detail"),
        body.get("title"),
        first_error.and_then(|e| e.get("detail")),
        first_error.and_then(|e| e.get("message")),
    ]
    .into_iter()
    .flatten()
    .filter_map(Value::as_str)
    .find(|words| !words.trim().is_empty())
    .map(str::to_owned)
}

/// The X API client.
pub(super) struct X {
    http: Http<Twitter>,
    base: Url,
    webhook_id: Option<String>,
}

impl X {
    pub fn new(client: reqwest::Client, settings: &Settings) -> Self {
        Self {
            http: Http::new(client, settings.retry),
            base: settings.x_api_url.clone(),
            webhook_id: settings.x_webhook_id.clone(),
        }
    }

    /// `base` + `/2/` + `segments`.
    fn url(&self, segments: &[&str]) -> Url {
        let mut all = vec!["2"];
        all.extend_from_slice(segments);
        endpoint(&self.base, &all)
    }

    async fn call(
        &self,
        token: &Secret,
        limit: LimitKey,
        method: reqwest::Method,
        url: Url,
        body: Option<&Value>,
        repeat: Repeat,
    ) -> Result<Value, PlatformError> {
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
            .map_err(|failure| failure.into_error(Source::X, repeat))
    }

    /// Writes as the account; the answer's `pointer` is the new object's id.
    async fn write(
        &self,
        token: &Secret,
        limit: LimitKey,
        url: Url,
        body: &Value,
        pointer: &str,
    ) -> Result<String, PlatformError> {
        let answer = self
            .call(
                token,
                limit,
                reqwest::Method::POST,
                url,
                Some(body),
                Repeat::Unsafe,
            )
            .await?;
        answer
            .pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| PlatformError::Unconfirmed("X's answer carried no id.".into()))
    }

    /// `POST /2/tweets {text, reply: {in_reply_to_tweet_id}}`.
    pub async fn reply_public(
        &self,
        token: &Secret,
        request: &Outbound,
    ) -> Result<String, PlatformError> {
        let tweet = request
            .target_id
            .as_deref()
            .ok_or_else(|| PlatformError::Rejected("There is no tweet on X to answer.".into()))?;
        let body = json!({ "text": request.text, "reply": { "in_reply_to_tweet_id": tweet } });
        let limit = (request.brand_id.clone(), "tweets");
        self.write(token, limit, self.url(&["tweets"]), &body, "/data/id")
            .await
    }

    /// `POST /2/dm_conversations/with/{participant_id}/messages {text}`.
    pub async fn send_private(
        &self,
        token: &Secret,
        request: &Outbound,
    ) -> Result<String, PlatformError> {
        let url = self.url(&["dm_conversations", "with", &request.consumer_id, "messages"]);
        let limit = (request.brand_id.clone(), "dm");
        self.write(
            token,
            limit,
            url,
            &json!({ "text": request.text }),
            "/data/dm_event_id",
        )
        .await
    }

    /// `POST /2/users/{id}/likes {tweet_id}` or `DELETE /2/users/{id}/likes/{tweet_id}`:
    /// repeating either changes nothing more.
    pub async fn set_like(
        &self,
        token: &Secret,
        request: &Like,
        liked: bool,
    ) -> Result<(), PlatformError> {
        let (limit, method, url, body) = if liked {
            (
                (request.brand_id.clone(), "like"),
                reqwest::Method::POST,
                self.url(&["users", &request.brand_id, "likes"]),
                Some(json!({ "tweet_id": request.target_id })),
            )
        } else {
            (
                (request.brand_id.clone(), "unlike"),
                reqwest::Method::DELETE,
                self.url(&["users", &request.brand_id, "likes", &request.target_id]),
                None,
            )
        };
        self.call(token, limit, method, url, body.as_ref(), Repeat::Safe)
            .await
            .map(drop)
    }

    /// `POST /2/account_activity/webhooks/{webhook_id}/subscriptions/all` as the account,
    /// or `DELETE …/subscriptions/{user_id}/all`: its mentions and DMs come to our
    /// webhook, or stop coming.
    pub async fn set_subscribed(
        &self,
        token: &Secret,
        user_id: &str,
        subscribed: bool,
    ) -> Result<(), PlatformError> {
        let webhook = self.webhook_id.as_deref().ok_or_else(|| {
            PlatformError::Rejected(
                "This server has no X webhook id (--x-webhook-id): register the webhook with X's account activity API first.".into(),
            )
        })?;
        let (method, url) = if subscribed {
            (
                reqwest::Method::POST,
                self.url(&[
                    "account_activity",
                    "webhooks",
                    webhook,
                    "subscriptions",
                    "all",
                ]),
            )
        } else {
            (
                reqwest::Method::DELETE,
                self.url(&[
                    "account_activity",
                    "webhooks",
                    webhook,
                    "subscriptions",
                    user_id,
                    "all",
                ]),
            )
        };
        let limit = (user_id.to_owned(), "subscriptions");
        self.call(token, limit, method, url, None, Repeat::Safe)
            .await
            .map(drop)
    }

    /// `GET /2/users/{id}?user.fields=name,username,profile_image_url,public_metrics`.
    pub async fn profile(
        &self,
        token: &Secret,
        request: &ProfileRequest,
    ) -> Result<Profile, PlatformError> {
        let mut url = self.url(&["users", &request.consumer_id]);
        url.query_pairs_mut().append_pair(
            "user.fields",
            "name,username,profile_image_url,public_metrics",
        );
        let limit = (request.brand_id.clone(), "users");
        let answer = self
            .call(token, limit, reqwest::Method::GET, url, None, Repeat::Safe)
            .await?;
        Ok(profile_of(&answer))
    }

    /// The account's recent tweets replying to the target, or the DM conversation's recent
    /// events from the account, that carry the request's text.
    pub async fn find_sent(
        &self,
        token: &Secret,
        kind: SendKind,
        request: &Outbound,
        since: Timestamp,
    ) -> Result<Vec<String>, PlatformError> {
        let (limit, url) = match kind {
            SendKind::ReplyPublic => {
                let mut url = self.url(&["users", &request.brand_id, "tweets"]);
                url.query_pairs_mut()
                    .append_pair("max_results", "10")
                    .append_pair(
                        "tweet.fields",
                        "in_reply_to_user_id,referenced_tweets,created_at",
                    );
                ((request.brand_id.clone(), "timeline"), url)
            }
            SendKind::SendPrivate => {
                let mut url = self.url(&[
                    "dm_conversations",
                    "with",
                    &request.consumer_id,
                    "dm_events",
                ]);
                url.query_pairs_mut()
                    .append_pair("max_results", "10")
                    .append_pair("dm_event.fields", "id,text,sender_id,created_at")
                    .append_pair("event_types", "MessageCreate");
                ((request.brand_id.clone(), "dm_events"), url)
            }
            // X has no private replies, so none was ever sent.
            SendKind::PrivateReply => return Ok(Vec::new()),
        };
        let answer = self
            .call(token, limit, reqwest::Method::GET, url, None, Repeat::Safe)
            .await?;
        let listed = answer
            .get("data")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        Ok(listed
            .iter()
            .filter(|item| {
                let text = item.get("text").and_then(Value::as_str).unwrap_or("");
                let time = item.get("created_at").and_then(Value::as_str);
                let ours = match kind {
                    SendKind::ReplyPublic => replies_to(item, request.target_id.as_deref()),
                    _ => {
                        item.get("sender_id").and_then(Value::as_str)
                            == Some(request.brand_id.as_str())
                    }
                };
                ours && same_text(&request.text, text) && at_or_after(time, since)
            })
            .filter_map(|item| item.get("id").and_then(Value::as_str).map(str::to_owned))
            .collect())
    }
}

/// Whether a tweet replies to `target`.
fn replies_to(tweet: &Value, target: Option<&str>) -> bool {
    let Some(target) = target else {
        return false;
    };
    tweet
        .get("referenced_tweets")
        .and_then(Value::as_array)
        .is_some_and(|referenced| {
            referenced.iter().any(|r| {
                r.get("type").and_then(Value::as_str) == Some("replied_to")
                    && r.get("id").and_then(Value::as_str) == Some(target)
            })
        })
}

/// A user as X gives them; an answer without the user (deleted, suspended, unknown: X
/// says so in `errors` with status 200) has no profile available.
fn profile_of(answer: &Value) -> Profile {
    let Some(user) = answer.get("data") else {
        return Profile::Withheld(WithheldReason::NoProfileAvailable);
    };
    let field = |name: &str| {
        user.get(name)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let handle = field("username");
    let Some(display_name) = field("name").or_else(|| handle.clone()) else {
        return Profile::Withheld(WithheldReason::NoProfileAvailable);
    };
    Profile::Available(PublicProfile {
        display_name,
        profile_url: handle.as_ref().map(|h| format!("https://x.com/{h}")),
        handle,
        picture_url: field("profile_image_url"),
        locale: None,
        timezone: None,
        follower_count: user
            .pointer("/public_metrics/followers_count")
            .and_then(Value::as_u64),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderMap;

    fn answer(status: u16, headers: &[(&'static str, &'static str)], body: Value) -> Answer {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, value.parse().expect("header"));
        }
        Answer {
            status: StatusCode::from_u16(status).expect("status"),
            headers: map,
            body,
        }
    }

    #[test]
    fn a_429_resets_at_the_epoch_second_x_names() {
        let limited = answer(
            429,
            &[
                ("x-rate-limit-remaining", "0"),
                ("x-rate-limit-reset", "1759327509"),
            ],
            json!({"title": "Too Many Requests", "detail": "Too Many Requests", "status": 429}),
        );
        assert_eq!(
            Twitter::failure(&limited, 0),
            Some(Failure::Limited {
                retry_at: Some(1_759_327_509_000)
            })
        );
    }

    #[test]
    fn a_success_with_nothing_left_is_remembered_until_the_reset() {
        let last = answer(
            200,
            &[
                ("x-rate-limit-remaining", "0"),
                ("x-rate-limit-reset", "1759327509"),
            ],
            json!({"data": {"liked": true}}),
        );
        assert_eq!(Twitter::failure(&last, 0), None);
        assert_eq!(Twitter::exhausted_until(&last), Some(1_759_327_509_000));
        let more = answer(
            200,
            &[
                ("x-rate-limit-remaining", "49"),
                ("x-rate-limit-reset", "1759327509"),
            ],
            Value::Null,
        );
        assert_eq!(Twitter::exhausted_until(&more), None);
    }

    #[test]
    fn a_refusal_carries_xs_detail() {
        let refused = answer(
            403,
            &[],
            json!({"title": "Forbidden", "detail": "You are not permitted to perform this action.", "status": 403}),
        );
        assert_eq!(
            Twitter::failure(&refused, 0),
            Some(Failure::Refused {
                words: "You are not permitted to perform this action.".into(),
                code: None
            })
        );
        let older = answer(
            400,
            &[],
            json!({"errors": [{"message": "Invalid Request"}]}),
        );
        assert!(
            matches!(Twitter::failure(&older, 0), Some(Failure::Refused { words, .. }) if words == "Invalid Request")
        );
    }

    #[test]
    fn a_user_is_read_with_handle_picture_and_followers() {
        let Profile::Available(kenji) = profile_of(&json!({"data": {
            "id": "2244994945", "name": "Kenji T.", "username": "kenji_t_hikes",
            "profile_image_url": "https://pbs.example/k.jpg",
            "public_metrics": {"followers_count": 1234, "following_count": 10}
        }})) else {
            panic!("available");
        };
        assert_eq!(kenji.display_name, "Kenji T.");
        assert_eq!(kenji.handle.as_deref(), Some("kenji_t_hikes"));
        assert_eq!(
            kenji.profile_url.as_deref(),
            Some("https://x.com/kenji_t_hikes")
        );
        assert_eq!(kenji.follower_count, Some(1234));
        assert_eq!(
            profile_of(&json!({"errors": [{"detail": "Could not find user with id: [1]."}]})),
            Profile::Withheld(WithheldReason::NoProfileAvailable)
        );
    }
}
