//! The real Facebook and X clients against fake platforms on loopback: every call's exact
//! shape, retries, rate limits, answers that never come, look-ups before repeating a send,
//! the sweeper, profiles, and tokens that never leak.

use axum::http::Method;
use reqwest::StatusCode;
use serde_json::{json, Value};
use social_api::events::Change;
use social_api::{
    Consumer, ConversationId, Delivery, DmInviteSent, Message, Profile, Role, SendMessage, Source,
    Space, Timestamp, WithheldReason,
};
use social_server::sweeper::NOT_SENT;
use std::time::{Duration, UNIX_EPOCH};

use crate::fakes::{closed_url, Dropper, Fake, Recorded, Step};
use crate::helpers::{json, problem, text_in, Options, PlatformUrls, TestApp};

const PAGE_ID: &str = "104857600012345";
const X_BRAND_ID: &str = "1500000000000000001";
const PAGE_TOKEN: &str = "EAAGpage-token-for-tests-0001";
const X_TOKEN: &str = "x-user-token-for-tests-0002";
const MARIA: &str = "6234567890123451";
const JAMES: &str = "6234567890123452";
const LENA: &str = "6234567890123459";
const KENJI: &str = "2244668800112233";
/// Longer than any client in these tests waits for an answer.
const NEVER: Duration = Duration::from_secs(30);

/// The demo data served with the real clients, pointed at fakes, with both tokens set.
struct World {
    app: TestApp,
    graph: Fake,
    x: Fake,
    dana: String,
}

async fn world() -> World {
    world_with(Options::default()).await
}

async fn world_with(options: Options) -> World {
    let graph = Fake::graph(PAGE_ID).await;
    let x = Fake::x(X_BRAND_ID).await;
    let urls = options.platforms.clone().unwrap_or(PlatformUrls {
        graph: graph.url.clone(),
        x: x.url.clone(),
    });
    let app = TestApp::spawn_with(Options {
        platforms: Some(urls),
        ..options
    })
    .await;
    app.set_channel_token("demo", Source::Facebook, PAGE_ID, PAGE_TOKEN)
        .await;
    app.set_channel_token("demo", Source::X, X_BRAND_ID, X_TOKEN)
        .await;
    let dana = app.token("demo", Role::Agent).await;
    World {
        app,
        graph,
        x,
        dana,
    }
}

/// Clients that give up on an answer after a second.
fn impatient() -> Options {
    Options {
        platform_timeout: Duration::from_secs(1),
        ..Options::default()
    }
}

async fn created(response: reqwest::Response) -> Message {
    assert_eq!(response.status(), StatusCode::CREATED);
    json(response).await
}

async fn ok<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> T {
    assert_eq!(response.status(), StatusCode::OK);
    json(response).await
}

fn reply(space: Space, text: &str, to: &Message) -> SendMessage {
    SendMessage {
        reply_to: Some(to.id),
        ..text_in(space, text)
    }
}

fn request(
    method: Method,
    path: &str,
    query: &[(&str, &str)],
    body: Option<Value>,
    token: &str,
) -> Recorded {
    Recorded {
        method,
        path: path.into(),
        query: query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        body,
        authorization: Some(format!("Bearer {token}")),
    }
}

fn failed_with(message: &Message) -> &str {
    match &message.delivery {
        Delivery::Failed { reason } => reason,
        other => panic!("failed expected, got {other:?}"),
    }
}

impl World {
    async fn conversation(&self, name: &str) -> ConversationId {
        self.app.conversation_id(&self.dana, name).await
    }

    /// The `n`th message of a conversation.
    async fn message(&self, conversation: ConversationId, n: usize) -> Message {
        self.app.read(&self.dana, conversation).await.messages[n].clone()
    }

    /// Maria's last public comment, which replies answer.
    async fn marias_comment(&self) -> (ConversationId, Message) {
        let maria = self.conversation("Maria").await;
        (maria, self.message(maria, 4).await)
    }
}

fn comments_lookup(comment: &str) -> Recorded {
    request(
        Method::GET,
        &format!("/{comment}/comments"),
        &[
            ("order", "reverse_chronological"),
            ("fields", "id,message,from,created_time"),
        ],
        None,
        PAGE_TOKEN,
    )
}

#[tokio::test]
async fn a_facebook_reply_is_a_comment_under_the_comment_as_the_page_tagging_when_asked() {
    let w = world().await;
    let (maria, comment) = w.marias_comment().await;
    let comment_id = comment.platform_id.clone().expect("on Facebook");

    let sent = created(
        w.app
            .send_message(
                &w.dana,
                maria,
                &reply(Space::Public, "The rainfly is included.", &comment),
            )
            .await,
    )
    .await;
    let tagged = created(
        w.app
            .send_message(
                &w.dana,
                maria,
                &SendMessage {
                    mention: true,
                    ..reply(Space::Public, "Enjoy the trip!", &comment)
                },
            )
            .await,
    )
    .await;

    let path = format!("/{comment_id}/comments");
    assert_eq!(
        w.graph.requests(),
        vec![
            request(
                Method::POST,
                &path,
                &[],
                Some(json!({"message": "The rainfly is included."})),
                PAGE_TOKEN
            ),
            request(
                Method::POST,
                &path,
                &[],
                Some(json!({"message": format!("@[{MARIA}] Enjoy the trip!")})),
                PAGE_TOKEN
            ),
        ]
    );
    let written = w.graph.written();
    assert_eq!(sent.delivery, Delivery::Sent);
    assert_eq!(sent.platform_id.as_deref(), Some(written[0].id.as_str()));
    assert_eq!(tagged.platform_id.as_deref(), Some(written[1].id.as_str()));
    assert!(w.x.requests().is_empty());
}

#[tokio::test]
async fn messenger_messages_are_responses_or_tagged_human_agent_after_24_hours() {
    let w = world().await;
    let james = w.conversation("James").await;
    let lena = w.conversation("Lena").await;

    let response = created(
        w.app
            .send_message(
                &w.dana,
                james,
                &text_in(Space::Private, "It shipped today."),
            )
            .await,
    )
    .await;
    let tagged = created(
        w.app
            .send_message(
                &w.dana,
                lena,
                &text_in(Space::Private, "Yes, size 39 is fine."),
            )
            .await,
    )
    .await;

    let path = format!("/{PAGE_ID}/messages");
    assert_eq!(
        w.graph.requests(),
        vec![
            request(
                Method::POST,
                &path,
                &[],
                Some(json!({
                    "recipient": {"id": JAMES},
                    "messaging_type": "RESPONSE",
                    "message": {"text": "It shipped today."}
                })),
                PAGE_TOKEN
            ),
            request(
                Method::POST,
                &path,
                &[],
                Some(json!({
                    "recipient": {"id": LENA},
                    "messaging_type": "MESSAGE_TAG",
                    "tag": "HUMAN_AGENT",
                    "message": {"text": "Yes, size 39 is fine."}
                })),
                PAGE_TOKEN
            ),
        ]
    );
    let written = w.graph.written();
    assert_eq!(
        response.platform_id.as_deref(),
        Some(written[0].id.as_str())
    );
    assert_eq!(tagged.platform_id.as_deref(), Some(written[1].id.as_str()));
}

#[tokio::test]
async fn a_facebook_invitation_is_a_comment_and_a_private_reply_to_the_comment() {
    let w = world().await;
    let (maria, comment) = w.marias_comment().await;
    let comment_id = comment.platform_id.clone().expect("on Facebook");

    let sent: DmInviteSent = {
        let response = w.app.dm_invite(&w.dana, maria).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        json(response).await
    };

    let private = sent.private_reply.expect("a private reply");
    assert_eq!(
        w.graph.requests(),
        vec![
            request(
                Method::POST,
                &format!("/{comment_id}/comments"),
                &[],
                Some(json!({"message": sent.public_reply.text})),
                PAGE_TOKEN
            ),
            request(
                Method::POST,
                &format!("/{PAGE_ID}/messages"),
                &[],
                Some(json!({
                    "recipient": {"comment_id": comment_id},
                    "messaging_type": "RESPONSE",
                    "message": {"text": private.text}
                })),
                PAGE_TOKEN
            ),
        ]
    );
    assert_eq!(private.delivery, Delivery::Sent);
    assert_eq!(
        private.platform_id.as_deref(),
        Some(w.graph.written()[1].id.as_str())
    );
}

#[tokio::test]
async fn likes_are_made_and_taken_back_as_the_page_and_as_the_x_account() {
    let w = world().await;
    let (_, comment) = w.marias_comment().await;
    let kenji = w.conversation("Kenji").await;
    let tweet = w.message(kenji, 0).await;
    let comment_id = comment.platform_id.clone().expect("on Facebook");
    let tweet_id = tweet.platform_id.clone().expect("on X");

    let liked: Message = ok(w.app.like(&w.dana, comment.id).await).await;
    ok::<Message>(w.app.unlike(&w.dana, comment.id).await).await;
    ok::<Message>(w.app.like(&w.dana, tweet.id).await).await;
    let unliked: Message = ok(w.app.unlike(&w.dana, tweet.id).await).await;

    assert!(liked.liked_by_brand);
    assert!(!unliked.liked_by_brand);
    let likes = format!("/{comment_id}/likes");
    assert_eq!(
        w.graph.requests(),
        vec![
            request(Method::POST, &likes, &[], None, PAGE_TOKEN),
            request(Method::DELETE, &likes, &[], None, PAGE_TOKEN),
        ]
    );
    assert_eq!(
        w.x.requests(),
        vec![
            request(
                Method::POST,
                &format!("/2/users/{X_BRAND_ID}/likes"),
                &[],
                Some(json!({"tweet_id": tweet_id})),
                X_TOKEN
            ),
            request(
                Method::DELETE,
                &format!("/2/users/{X_BRAND_ID}/likes/{tweet_id}"),
                &[],
                None,
                X_TOKEN
            ),
        ]
    );
}

#[tokio::test]
async fn an_x_reply_threads_to_the_tweet_and_a_dm_goes_to_the_participant() {
    let w = world().await;
    let kenji = w.conversation("Kenji").await;
    let tweet = w.message(kenji, 0).await;
    let tweet_id = tweet.platform_id.clone().expect("on X");

    let public = created(
        w.app
            .send_message(
                &w.dana,
                kenji,
                &SendMessage {
                    mention: true,
                    ..reply(Space::Public, "A new zipper is on its way.", &tweet)
                },
            )
            .await,
    )
    .await;
    let dm = created(
        w.app
            .send_message(&w.dana, kenji, &text_in(Space::Private, "Tracking: 1Z999"))
            .await,
    )
    .await;

    assert_eq!(
        w.x.requests(),
        vec![
            request(
                Method::POST,
                "/2/tweets",
                &[],
                Some(json!({
                    "text": "@kenji_t_hikes A new zipper is on its way.",
                    "reply": {"in_reply_to_tweet_id": tweet_id}
                })),
                X_TOKEN
            ),
            request(
                Method::POST,
                &format!("/2/dm_conversations/with/{KENJI}/messages"),
                &[],
                Some(json!({"text": "Tracking: 1Z999"})),
                X_TOKEN
            ),
        ]
    );
    let written = w.x.written();
    assert_eq!(public.platform_id.as_deref(), Some(written[0].id.as_str()));
    assert_eq!(dm.platform_id.as_deref(), Some(written[1].id.as_str()));
    assert!(w.graph.requests().is_empty());
}

#[tokio::test]
async fn a_server_error_is_looked_up_then_sent_again_once() {
    let w = world().await;
    let (maria, comment) = w.marias_comment().await;
    let comment_id = comment.platform_id.clone().expect("on Facebook");
    w.graph.answer(
        Method::POST,
        500,
        &[],
        json!({"error": {"message": "An unknown error has occurred.", "code": 1, "is_transient": true}}),
    );

    let sent = created(
        w.app
            .send_message(&w.dana, maria, &reply(Space::Public, "Both fit!", &comment))
            .await,
    )
    .await;

    let post = request(
        Method::POST,
        &format!("/{comment_id}/comments"),
        &[],
        Some(json!({"message": "Both fit!"})),
        PAGE_TOKEN,
    );
    assert_eq!(
        w.graph.requests(),
        vec![post.clone(), comments_lookup(&comment_id), post]
    );
    let written = w.graph.written();
    assert_eq!(written.len(), 1, "one comment on Facebook");
    assert_eq!(sent.delivery, Delivery::Sent);
    assert_eq!(sent.platform_id.as_deref(), Some(written[0].id.as_str()));
}

#[tokio::test]
async fn a_429_that_resets_soon_is_waited_out_and_the_send_succeeds() {
    let w = world().await;
    let kenji = w.conversation("Kenji").await;
    let now = UNIX_EPOCH.elapsed().expect("time").as_secs();
    let reset = now + 1;
    w.x.answer(
        Method::POST,
        429,
        &[
            ("x-rate-limit-limit", "15".into()),
            ("x-rate-limit-remaining", "0".into()),
            ("x-rate-limit-reset", reset.to_string()),
        ],
        json!({"title": "Too Many Requests", "detail": "Too Many Requests", "status": 429}),
    );

    let sent = created(
        w.app
            .send_message(&w.dana, kenji, &text_in(Space::Private, "Any news?"))
            .await,
    )
    .await;

    assert_eq!(sent.delivery, Delivery::Sent);
    let posts = w.x.requests_of(Method::POST);
    assert_eq!(
        posts.len(),
        2,
        "the limited one and the one after the reset"
    );
    assert_eq!(
        w.x.requests().len(),
        2,
        "a 429 is not looked up: nothing was done"
    );
    let second = w.x.received_at(1).duration_since(UNIX_EPOCH).expect("time");
    assert!(
        second >= Duration::from_secs(reset),
        "sent again at {second:?}, before the reset at {reset} s"
    );
    assert_eq!(w.x.written().len(), 1);
}

#[tokio::test]
async fn a_429_that_resets_late_fails_at_once_saying_when_and_the_next_call_waits_for_it() {
    let w = world().await;
    let kenji = w.conversation("Kenji").await;
    let reset = UNIX_EPOCH.elapsed().expect("time").as_secs() + 3600;
    w.x.answer(
        Method::POST,
        429,
        &[
            ("x-rate-limit-remaining", "0".into()),
            ("x-rate-limit-reset", reset.to_string()),
        ],
        json!({"title": "Too Many Requests", "detail": "Too Many Requests", "status": 429}),
    );

    let failed = created(
        w.app
            .send_message(&w.dana, kenji, &text_in(Space::Private, "Any news?"))
            .await,
    )
    .await;

    let at = humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(reset))
        .to_string()
        .replace('T', " ")
        .replace('Z', "");
    assert_eq!(
        failed_with(&failed),
        format!("X's rate limit is reached: it accepts more after {at} UTC.")
    );
    assert_eq!(w.x.requests().len(), 1, "no retry before the reset");

    let again = created(
        w.app
            .send_message(&w.dana, kenji, &text_in(Space::Private, "Hello?"))
            .await,
    )
    .await;
    assert_eq!(failed_with(&again), failed_with(&failed));
    assert_eq!(
        w.x.requests().len(),
        1,
        "X said none is left until the reset"
    );
}

#[tokio::test]
async fn a_refusal_fails_at_once_with_the_platforms_words() {
    let w = world().await;
    let james = w.conversation("James").await;
    w.graph.answer(
        Method::POST,
        400,
        &[],
        json!({"error": {"message": "(#551) This person isn't available right now.", "type": "OAuthException", "code": 551, "fbtrace_id": "A1"}}),
    );

    let failed = created(
        w.app
            .send_message(&w.dana, james, &text_in(Space::Private, "Hi James"))
            .await,
    )
    .await;

    assert_eq!(
        failed_with(&failed),
        "(#551) This person isn't available right now."
    );
    assert_eq!(w.graph.requests().len(), 1, "exactly one request");
    assert!(w.graph.written().is_empty());
}

#[tokio::test]
async fn a_like_whose_connection_drops_is_tried_up_to_the_cap_then_fails() {
    let dropper = Dropper::start().await;
    let graph = closed_url().await;
    let w = world_with(Options {
        platforms: Some(PlatformUrls {
            graph,
            x: dropper.url.clone(),
        }),
        ..Options::default()
    })
    .await;
    let kenji = w.conversation("Kenji").await;
    let tweet = w.message(kenji, 0).await;

    let refused = problem(w.app.like(&w.dana, tweet.id).await, StatusCode::BAD_GATEWAY).await;

    assert_eq!(refused.detail.as_deref(), Some("X did not answer."));
    assert_eq!(dropper.accepted(), 3, "--platform-attempts");
    assert!(!w.message(kenji, 0).await.liked_by_brand);
}

#[tokio::test]
async fn a_refused_connection_is_tried_again_and_the_message_fails_as_not_sent() {
    let closed = closed_url().await;
    let w = world_with(Options {
        platforms: Some(PlatformUrls {
            graph: closed.clone(),
            x: closed,
        }),
        ..Options::default()
    })
    .await;
    let kenji = w.conversation("Kenji").await;

    let failed = created(
        w.app
            .send_message(&w.dana, kenji, &text_in(Space::Private, "Hello"))
            .await,
    )
    .await;

    assert_eq!(failed_with(&failed), "X could not be reached.");
}

#[tokio::test]
async fn a_send_without_an_answer_is_looked_up_each_time_and_fails_after_the_cap() {
    let w = world_with(impatient()).await;
    let james = w.conversation("James").await;
    for _ in 0..3 {
        w.graph.script(Method::POST, Step::Hang(NEVER));
    }

    let failed = created(
        w.app
            .send_message(&w.dana, james, &text_in(Space::Private, "Hi James"))
            .await,
    )
    .await;

    assert_eq!(failed_with(&failed), "Facebook did not answer in time.");
    let lookup = request(
        Method::GET,
        &format!("/{PAGE_ID}/conversations"),
        &[
            ("user_id", JAMES),
            ("fields", "messages.limit(10){id,message,from,created_time}"),
        ],
        None,
        PAGE_TOKEN,
    );
    let requests = w.graph.requests();
    assert_eq!(requests.len(), 6, "{requests:#?}");
    for (n, request) in requests.iter().enumerate() {
        if n % 2 == 0 {
            assert_eq!(request.method, Method::POST);
        } else {
            assert_eq!(request, &lookup);
        }
    }
    assert!(
        !checks_first(&w, &failed).await,
        "looked up: surely not sent"
    );
}

/// Whether a retry of the message looks on the platform first.
async fn checks_first(w: &World, message: &Message) -> bool {
    // A flag is 0/1 in SQLite and BOOLEAN in PostgreSQL: read as an integer on both.
    let (check,): (i64,) =
        sqlx::query_as("SELECT CAST(check_before_resend AS INTEGER) FROM messages WHERE id = $1")
            .bind(message.id.0)
            .fetch_one(&w.app.pool)
            .await
            .expect("row");
    check == 1
}

#[tokio::test]
async fn a_send_that_outlasts_its_deadline_is_left_for_a_retry_that_looks_first() {
    // Half of --sweep-after: 2 s, less than three tries of a second each.
    let w = world_with(Options {
        platform_timeout: Duration::from_secs(1),
        platform_max_wait: Duration::from_secs(1),
        sweep_after: Duration::from_secs(4),
        ..Options::default()
    })
    .await;
    let james = w.conversation("James").await;
    for _ in 0..3 {
        w.graph.script(Method::POST, Step::Hang(NEVER));
    }

    let unsure = created(
        w.app
            .send_message(&w.dana, james, &text_in(Space::Private, "Hi James"))
            .await,
    )
    .await;

    assert!(
        failed_with(&unsure).starts_with("Facebook did not answer in time. It may have been sent"),
        "{unsure:?}"
    );
    assert!(checks_first(&w, &unsure).await);
    assert!(w.graph.requests_of(Method::POST).len() < 3, "cut short");
}

#[tokio::test]
async fn a_reply_that_arrived_without_an_answer_is_found_and_not_sent_twice() {
    let w = world_with(impatient()).await;
    let kenji = w.conversation("Kenji").await;
    let tweet = w.message(kenji, 0).await;
    w.x.script(Method::POST, Step::WriteThenHang(NEVER));

    let sent = created(
        w.app
            .send_message(&w.dana, kenji, &reply(Space::Public, "On its way!", &tweet))
            .await,
    )
    .await;

    let written = w.x.written();
    assert_eq!(written.len(), 1);
    assert_eq!(sent.delivery, Delivery::Sent);
    assert_eq!(sent.platform_id.as_deref(), Some(written[0].id.as_str()));
    assert_eq!(w.x.requests_of(Method::POST).len(), 1, "exactly one send");
    assert_eq!(
        w.x.requests_of(Method::GET),
        vec![request(
            Method::GET,
            &format!("/2/users/{X_BRAND_ID}/tweets"),
            &[
                ("max_results", "10"),
                (
                    "tweet.fields",
                    "in_reply_to_user_id,referenced_tweets,created_at"
                ),
            ],
            None,
            X_TOKEN
        )]
    );
}

#[tokio::test]
async fn a_dm_not_found_after_no_answer_is_sent_again_exactly_once() {
    let w = world_with(impatient()).await;
    let kenji = w.conversation("Kenji").await;
    w.x.script(Method::POST, Step::Hang(NEVER));

    let sent = created(
        w.app
            .send_message(&w.dana, kenji, &text_in(Space::Private, "Tracking: 1Z1"))
            .await,
    )
    .await;

    let send = request(
        Method::POST,
        &format!("/2/dm_conversations/with/{KENJI}/messages"),
        &[],
        Some(json!({"text": "Tracking: 1Z1"})),
        X_TOKEN,
    );
    let lookup = request(
        Method::GET,
        &format!("/2/dm_conversations/with/{KENJI}/dm_events"),
        &[
            ("max_results", "10"),
            ("dm_event.fields", "id,text,sender_id,created_at"),
            ("event_types", "MessageCreate"),
        ],
        None,
        X_TOKEN,
    );
    assert_eq!(w.x.requests(), vec![send.clone(), lookup, send]);
    let written = w.x.written();
    assert_eq!(written.len(), 1);
    assert_eq!(sent.platform_id.as_deref(), Some(written[0].id.as_str()));
}

#[tokio::test]
async fn a_message_that_may_have_arrived_is_retried_by_looking_first() {
    let w = world().await;
    let (maria, comment) = w.marias_comment().await;
    w.graph.script(Method::POST, Step::WriteThen500);
    for _ in 0..3 {
        w.graph.answer(
            Method::GET,
            503,
            &[],
            json!({"error": {"message": "Service temporarily unavailable", "code": 2, "is_transient": true}}),
        );
    }

    let unsure = created(
        w.app
            .send_message(&w.dana, maria, &reply(Space::Public, "Yes!", &comment))
            .await,
    )
    .await;
    let reason = failed_with(&unsure);
    assert!(
        reason.starts_with("An unknown error occurred It may have been sent")
            && reason.contains("Retry looks on Facebook first"),
        "{reason}"
    );

    let retried: Message = ok(w.app.retry(&w.dana, unsure.id).await).await;

    assert_eq!(retried.delivery, Delivery::Sent);
    assert_eq!(
        retried.platform_id.as_deref(),
        Some(w.graph.written()[0].id.as_str())
    );
    assert_eq!(w.graph.written().len(), 1);
    assert_eq!(
        w.graph.requests_of(Method::POST).len(),
        1,
        "never sent twice"
    );
}

/// Inserts an outgoing public reply to Maria's comment as the server would have left it
/// had it died mid-send: pending for an hour.
async fn stuck_reply(w: &World, text: &str) -> (ConversationId, i64) {
    let (maria, comment) = w.marias_comment().await;
    let an_hour_ago = w.app.clock.now().0 - 3_600_000;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO messages (conversation_id, author_kind, author_agent_id, author_name,
            space, text, reply_to, sent_at, delivery)
         SELECT $1, 'agent', g.id, g.name, 'public', $2, $3, $4, 'pending'
         FROM agents g WHERE g.name = 'Dana Agent' RETURNING id",
    )
    .bind(maria.0)
    .bind(text)
    .bind(comment.id.0)
    .bind(an_hour_ago)
    .fetch_one(&w.app.pool)
    .await
    .expect("a stuck message");
    w.app.wrote_behind();
    (maria, id)
}

/// The message once the sweeper has settled it (it runs every 50 ms here) and logged the
/// change: the sweeper commits the outcome first and logs the change after it, so a reader
/// can see the one before the other (PostgreSQL's round trips make that window visible).
async fn settled(w: &World, conversation: ConversationId, id: i64) -> Message {
    for _ in 0..200 {
        let message = w
            .app
            .read(&w.dana, conversation)
            .await
            .messages
            .into_iter()
            .find(|m| m.id.0 == id)
            .expect("the message");
        if message.delivery != Delivery::Pending && !logged(w, id).await.is_empty() {
            return message;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the sweeper never settled message {id}, or never logged it");
}

/// The logged changes of a message, oldest first.
async fn logged(w: &World, id: i64) -> Vec<Message> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT change FROM events ORDER BY id")
        .fetch_all(&w.app.pool)
        .await
        .expect("events");
    rows.into_iter()
        .filter_map(|(change,)| match serde_json::from_str(&change) {
            Ok(Change::Message(m)) if m.id.0 == id => Some(m),
            _ => None,
        })
        .collect()
}

fn sweeping() -> Options {
    Options {
        sweep_every: Some(Duration::from_millis(50)),
        ..Options::default()
    }
}

#[tokio::test]
async fn the_sweeper_marks_a_stuck_message_sent_when_the_platform_has_it() {
    let w = world_with(sweeping()).await;
    let (_, comment) = w.marias_comment().await;
    let on_facebook = w.graph.put(
        "comment",
        comment.platform_id.as_deref().expect("on Facebook"),
        "Sorry for the wait!",
    );

    let (maria, id) = stuck_reply(&w, "Sorry for the wait!").await;
    let message = settled(&w, maria, id).await;

    assert_eq!(message.delivery, Delivery::Sent);
    assert_eq!(message.platform_id.as_deref(), Some(on_facebook.as_str()));
    assert!(
        w.graph.requests_of(Method::POST).is_empty(),
        "looked up, not sent"
    );
    assert_eq!(
        logged(&w, id).await,
        vec![message],
        "the live stream hears it"
    );
}

#[tokio::test]
async fn the_sweeper_fails_a_stuck_message_the_platform_does_not_have() {
    let w = world_with(sweeping()).await;

    let (maria, id) = stuck_reply(&w, "Sorry for the wait!").await;
    let message = settled(&w, maria, id).await;

    assert_eq!(failed_with(&message), NOT_SENT);
    assert_eq!(message.platform_id, None);
    assert_eq!(w.graph.requests().len(), 1, "one look-up");
    assert_eq!(w.graph.requests()[0].method, Method::GET);
    assert_eq!(logged(&w, id).await, vec![message]);
    // The agent decides: a retry sends it now.
    let retried: Message = ok(w.app.retry(&w.dana, social_api::MessageId(id)).await).await;
    assert_eq!(retried.delivery, Delivery::Sent);
}

/// Adds `n` private messages from the consumer to the conversation, sent in the last
/// minutes: a long conversation.
async fn lengthen(w: &World, conversation: ConversationId, n: i64) {
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $3)
         INSERT INTO messages (conversation_id, author_kind, space, text, sent_at)
         SELECT $1, 'consumer', 'private', 'And one more thing', $2 + i FROM n",
    )
    .bind(conversation.0)
    .bind(w.app.clock.now().0 - 600_000)
    .bind(n)
    .execute(&w.app.pool)
    .await
    .expect("more messages");
    w.app.wrote_behind();
}

#[tokio::test]
async fn a_stuck_message_is_settled_from_it_and_what_it_answers_not_its_whole_conversation() {
    let w = world().await;
    let (maria, comment) = w.marias_comment().await;
    let (_, id) = stuck_reply(&w, "Sorry for the wait!").await;
    lengthen(&w, maria, 300).await;
    let store = &w.app.state.store;
    let stuck = store
        .stuck_messages(Timestamp(w.app.clock.now().0 - 300_000), 50)
        .await
        .expect("stuck messages");
    let [stuck] = stuck.as_slice() else {
        panic!("one stuck message: {stuck:?}");
    };
    assert_eq!(stuck.message.0, id);

    let read = store
        .account_message(stuck.account_id, maria, stuck.message)
        .await
        .expect("read")
        .expect("Maria's conversation");
    let whole = store
        .account_conversation(stuck.account_id, maria)
        .await
        .expect("read")
        .expect("Maria's conversation");

    assert!(whole.messages.len() > 300, "{}", whole.messages.len());
    let mut ids: Vec<_> = read.messages.iter().map(|m| m.id).collect();
    ids.sort();
    let mut expected = vec![comment.id, stuck.message];
    expected.sort();
    assert_eq!(
        ids, expected,
        "the message and the comment it answers, nothing else"
    );
    for message in &read.messages {
        assert_eq!(Some(message), whole.message(message.id));
    }
    assert_eq!(
        (read.source, &read.brand, &read.consumer, &read.post),
        (whole.source, &whole.brand, &whole.consumer, &whole.post)
    );
    // From those alone the sweeper looks the reply up under the comment it answers.
    let settled = social_server::sweeper::sweep_once(&w.app.state, Duration::from_secs(300))
        .await
        .expect("swept");
    assert_eq!(settled, 1);
    assert_eq!(
        w.graph.requests(),
        vec![comments_lookup(
            comment.platform_id.as_deref().expect("on Facebook")
        )]
    );
}

#[tokio::test]
async fn a_facebook_profile_is_fetched_stored_and_streamed() {
    let w = world().await;
    let maria = w.conversation("Maria").await;
    w.graph.set_profile(
        MARIA,
        200,
        json!({"first_name": "María", "last_name": "López", "profile_pic": "https://pic.example/m.jpg",
               "locale": "es_ES", "timezone": 2, "id": MARIA}),
    );

    let consumer: Consumer = ok(w.app.refresh_consumer(&w.dana, maria).await).await;

    assert_eq!(
        w.graph.requests(),
        vec![request(
            Method::GET,
            &format!("/{MARIA}"),
            &[("fields", "first_name,last_name,profile_pic,locale,timezone")],
            None,
            PAGE_TOKEN
        )]
    );
    let Profile::Available(profile) = &consumer.profile else {
        panic!("available: {consumer:?}");
    };
    assert_eq!(profile.display_name, "María López");
    assert_eq!(
        profile.picture_url.as_deref(),
        Some("https://pic.example/m.jpg")
    );
    assert_eq!(profile.locale.as_deref(), Some("es_ES"));
    assert_eq!(profile.timezone.as_deref(), Some("UTC+02:00"));
    assert_eq!(w.app.read(&w.dana, maria).await.consumer, consumer);
    let (change,): (String,) = sqlx::query_as("SELECT change FROM events ORDER BY id DESC LIMIT 1")
        .fetch_one(&w.app.pool)
        .await
        .expect("an event");
    assert_eq!(
        serde_json::from_str::<Change>(&change).expect("a change"),
        Change::Consumer(consumer)
    );
}

#[tokio::test]
async fn meta_withholding_a_profile_is_an_answer_no_profile_or_eu_privacy() {
    let w = world().await;
    let maria = w.conversation("Maria").await;
    let james = w.conversation("James").await;
    w.graph.set_profile(
        MARIA,
        400,
        json!({"error": {"message": "(#2018218) No profile available for this user.", "type": "OAuthException", "code": 2018218}}),
    );
    w.graph.set_profile(JAMES, 200, json!({"id": JAMES}));

    let none: Consumer = ok(w.app.refresh_consumer(&w.dana, maria).await).await;
    let eu: Consumer = ok(w.app.refresh_consumer(&w.dana, james).await).await;

    assert_eq!(
        none.profile,
        Profile::Withheld(WithheldReason::NoProfileAvailable)
    );
    assert_eq!(eu.profile, Profile::Withheld(WithheldReason::EuPrivacy));
    assert_eq!(w.app.read(&w.dana, james).await.consumer, eu);
    assert_eq!(w.graph.requests().len(), 2, "a refusal is not retried");
}

#[tokio::test]
async fn an_x_user_is_looked_up_with_handle_picture_and_followers() {
    let w = world().await;
    let kenji = w.conversation("Kenji").await;
    w.x.set_profile(
        KENJI,
        200,
        json!({"data": {"id": KENJI, "name": "Kenji Tanaka", "username": "kenji_t_hikes",
               "profile_image_url": "https://pbs.example/k.jpg",
               "public_metrics": {"followers_count": 812, "following_count": 90, "tweet_count": 3000, "listed_count": 2}}}),
    );

    let consumer: Consumer = ok(w.app.refresh_consumer(&w.dana, kenji).await).await;

    assert_eq!(
        w.x.requests(),
        vec![request(
            Method::GET,
            &format!("/2/users/{KENJI}"),
            &[(
                "user.fields",
                "name,username,profile_image_url,public_metrics"
            )],
            None,
            X_TOKEN
        )]
    );
    let Profile::Available(profile) = consumer.profile else {
        panic!("available");
    };
    assert_eq!(profile.display_name, "Kenji Tanaka");
    assert_eq!(profile.handle.as_deref(), Some("kenji_t_hikes"));
    assert_eq!(profile.follower_count, Some(812));
    assert_eq!(
        profile.picture_url.as_deref(),
        Some("https://pbs.example/k.jpg")
    );
}

#[tokio::test]
async fn a_profile_the_platform_cannot_give_is_a_502_and_another_accounts_conversation_a_404() {
    let w = world().await;
    let kenji = w.conversation("Kenji").await;
    w.x.answer(
        Method::GET,
        401,
        &[],
        json!({"title": "Unauthorized", "detail": "Unauthorized", "status": 401}),
    );

    let refused = problem(
        w.app.refresh_consumer(&w.dana, kenji).await,
        StatusCode::BAD_GATEWAY,
    )
    .await;
    assert_eq!(refused.detail.as_deref(), Some("Unauthorized"));

    let gus = w.app.token("other", Role::Agent).await;
    problem(
        w.app.refresh_consumer(&gus, kenji).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn a_channel_without_a_token_fails_in_words_and_asks_nothing() {
    let w = world().await;
    let (account_id,): (i64,) = sqlx::query_as("SELECT id FROM accounts WHERE slug = 'demo'")
        .fetch_one(&w.app.pool)
        .await
        .expect("account");
    w.app
        .state
        .store
        .set_channel_token(account_id, Source::X, X_BRAND_ID, None)
        .await
        .expect("cleared");
    let kenji = w.conversation("Kenji").await;

    let failed = created(
        w.app
            .send_message(&w.dana, kenji, &text_in(Space::Private, "Hello"))
            .await,
    )
    .await;

    assert!(
        failed_with(&failed).starts_with(&format!(
            "No access token is set for the X account {X_BRAND_ID}"
        )),
        "{failed:?}"
    );
    assert!(w.x.requests().is_empty());
}

#[tokio::test]
async fn tokens_and_texts_never_reach_the_logs_or_the_api() {
    let (captured, _logging) = crate::helpers::capture_logs();
    let w = world().await;
    let (maria, comment) = w.marias_comment().await;
    let james = w.conversation("James").await;
    w.graph.answer(
        Method::POST,
        500,
        &[],
        json!({"error": {"message": "An unknown error has occurred.", "code": 1}}),
    );
    w.graph.answer(
        Method::POST,
        400,
        &[],
        json!({"error": {"message": "(#100) Invalid parameter", "code": 100}}),
    );
    w.graph.answer(Method::GET, 502, &[], Value::Null);

    created(
        w.app
            .send_message(
                &w.dana,
                maria,
                &reply(Space::Public, "secret-text-one", &comment),
            )
            .await,
    )
    .await;
    created(
        w.app
            .send_message(&w.dana, james, &text_in(Space::Private, "secret-text-two"))
            .await,
    )
    .await;
    let conversation = w
        .app
        .conversation(&w.dana, &maria.to_string())
        .await
        .text()
        .await
        .expect("body");

    let logs = captured.text();
    assert!(
        logs.contains("retrying a platform call"),
        "nothing captured: {logs}"
    );
    assert!(
        logs.contains("the platform did not take the message"),
        "{logs}"
    );
    for secret in [PAGE_TOKEN, X_TOKEN, "secret-text-one", "secret-text-two"] {
        assert!(!logs.contains(secret), "{secret} was logged");
    }
    assert!(!conversation.contains(PAGE_TOKEN) && !conversation.contains(X_TOKEN));
}

#[tokio::test]
async fn an_answer_slower_than_the_request_timeout_is_a_408_problem() {
    let w = world_with(Options {
        request_timeout: Duration::from_secs(1),
        ..Options::default()
    })
    .await;
    let maria = w.conversation("Maria").await;
    w.graph.script(Method::GET, Step::Hang(NEVER));

    let started = std::time::Instant::now();
    let response = w.app.refresh_consumer(&w.dana, maria).await;
    let waited = started.elapsed();

    let p = problem(response, StatusCode::REQUEST_TIMEOUT).await;
    assert_eq!(p.kind, "urn:social-widget:request-timeout");
    assert!(waited < NEVER, "answered before the platform: {waited:?}");
    println!("a hanging platform answered 408 after {waited:?} (request timeout 1 s)");
}

/// The value of the series `series` in the process's metrics; 0 when not there yet.
fn metric(series: &str) -> f64 {
    let text = social_server::metrics::render().expect("metrics");
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn platform_calls_and_sweeper_actions_are_counted() {
    let calls = r#"social_platform_calls_total{platform="Facebook",outcome="ok"}"#;
    let failed = r#"social_sweeper_actions_total{action="settled_failed"}"#;
    let (calls_before, failed_before) = (metric(calls), metric(failed));
    let w = world_with(sweeping()).await;

    let (maria, id) = stuck_reply(&w, "Sorry for the wait!").await;
    assert_eq!(failed_with(&settled(&w, maria, id).await), NOT_SENT);

    assert!(metric(calls) >= calls_before + 1.0, "the look-up");
    assert!(metric(failed) >= failed_before + 1.0, "the settling");
}
