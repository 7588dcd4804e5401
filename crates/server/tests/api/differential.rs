//! The widget and the server agree: for generated conversations, agents and intents, what
//! the widget offers (the `social_api` functions its controls' memos are made of) is
//! exactly what the real server accepts over HTTP on SQLite: 2xx when offered, and when
//! not, a 422 naming the very rule the widget shows as the reason.
//!
//! `DIFFERENTIAL_CASES` sets the number of generated cases (default 2,000).

use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use reqwest::StatusCode;
use social_api::actions::{insert_mention, mention_for};
use social_api::compose::ComposerDraft;
use social_api::length::max_length;
use social_api::rules::{self, Denied, LikeControl, LikeTarget, LinkToDm};
use social_api::{
    AgentKind, BrandChannel, Consumer, Conversation, Delivery, DmInviteRequest, MessageId,
    PostContext, Problem, Profile, PublicProfile, Role, Source, Space, Timestamp,
};
use social_server::auth::{new_token, token_sha256};
use social_server::store::{
    SeedAccount, SeedAgent, SeedAuthor, SeedChannel, SeedConversation, SeedMessage,
};

use crate::helpers::{new_key, TestApp};

const MINUTE: i64 = 60_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    /// A human agent; whether the conversation is theirs is `Spec::assigned_to_actor`.
    Agent,
    Admin,
    Bot,
}

#[derive(Debug, Clone, Copy)]
enum PostSpec {
    None,
    Brands { liked: bool },
    Consumers { liked: bool },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AuthorSpec {
    Consumer,
    Agent,
    Bot,
}

#[derive(Debug, Clone, Copy)]
enum DeliverySpec {
    Sent,
    Pending,
    Failed,
}

#[derive(Debug, Clone)]
struct MessageSpec {
    author: AuthorSpec,
    space: Space,
    delivery: DeliverySpec,
    liked: bool,
    on_platform: bool,
    private_reply: bool,
    /// How long before "now" it was written.
    age: i64,
}

/// The draft's text, relative to the limit of the space it goes to.
#[derive(Debug, Clone, Copy)]
enum TextSpec {
    Short,
    AtLimit,
    OverLimit,
    Invisible,
    Control,
}

#[derive(Debug, Clone)]
enum Intent {
    Send {
        space: Option<Space>,
        internal: bool,
        text: TextSpec,
        reply_to: Option<usize>,
        mention: bool,
    },
    Like(usize),
    Unlike(usize),
    LikePost,
    UnlikePost,
    Retry(usize),
    LinkToDm {
        reply_to: Option<usize>,
        /// The public text as the agent edited it in the preview, if they did.
        edit: Option<Edit>,
    },
}

/// How the agent edited the invitation's public text.
#[derive(Debug, Clone, Copy)]
enum Edit {
    KeepLink,
    DropLink,
    Blank,
}

#[derive(Debug, Clone)]
struct Spec {
    source: Source,
    handle: bool,
    post: PostSpec,
    messages: Vec<MessageSpec>,
    actor: Who,
    /// Assigned to the acting agent (or, for an admin, to nobody), else to a colleague.
    assigned_to_actor: bool,
    intents: Vec<Intent>,
}

fn space() -> impl Strategy<Value = Space> {
    prop_oneof![
        Just(Space::Public),
        Just(Space::Private),
        Just(Space::Internal)
    ]
}

/// Ages around Meta's boundaries: minutes, about a day, about a week.
fn age() -> impl Strategy<Value = i64> {
    prop_oneof![
        (1i64..120).prop_map(|m| m * MINUTE),
        (22 * 60i64..26 * 60).prop_map(|m| m * MINUTE),
        (6 * 24 * 60i64..8 * 24 * 60).prop_map(|m| m * MINUTE),
    ]
}

fn message_spec() -> impl Strategy<Value = MessageSpec> {
    (
        prop_oneof![
            3 => Just(AuthorSpec::Consumer),
            2 => Just(AuthorSpec::Agent),
            1 => Just(AuthorSpec::Bot),
        ],
        space(),
        prop_oneof![
            2 => Just(DeliverySpec::Sent),
            1 => Just(DeliverySpec::Pending),
            2 => Just(DeliverySpec::Failed),
        ],
        any::<bool>(),
        prop::bool::weighted(0.85),
        prop::bool::weighted(0.3),
        age(),
    )
        .prop_map(
            |(author, space, delivery, liked, on_platform, private_reply, age)| MessageSpec {
                author,
                space,
                delivery,
                liked,
                on_platform,
                private_reply,
                age,
            },
        )
}

fn intent(messages: usize) -> impl Strategy<Value = Intent> {
    let index = 0..messages.max(1);
    let text = prop_oneof![
        3 => Just(TextSpec::Short),
        2 => Just(TextSpec::AtLimit),
        2 => Just(TextSpec::OverLimit),
        1 => Just(TextSpec::Invisible),
        1 => Just(TextSpec::Control),
    ];
    prop_oneof![
        4 => (
            prop::option::of(prop_oneof![Just(Space::Public), Just(Space::Private)]),
            prop::bool::weighted(0.2),
            text,
            prop::option::of(index.clone()),
            any::<bool>(),
        )
            .prop_map(|(space, internal, text, reply_to, mention)| Intent::Send {
                space,
                internal,
                text,
                reply_to,
                mention,
            }),
        2 => index.clone().prop_map(Intent::Like),
        1 => index.clone().prop_map(Intent::Unlike),
        1 => Just(Intent::LikePost),
        1 => Just(Intent::UnlikePost),
        2 => index.clone().prop_map(Intent::Retry),
        2 => (
            prop::option::of(index),
            prop::option::of(prop_oneof![
                Just(Edit::KeepLink),
                Just(Edit::DropLink),
                Just(Edit::Blank)
            ]),
        )
            .prop_map(|(reply_to, edit)| Intent::LinkToDm { reply_to, edit }),
    ]
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop_oneof![Just(Source::Facebook), Just(Source::X)],
        prop::bool::weighted(0.8),
        prop_oneof![
            Just(PostSpec::None),
            any::<bool>().prop_map(|liked| PostSpec::Brands { liked }),
            any::<bool>().prop_map(|liked| PostSpec::Consumers { liked }),
        ],
        prop::collection::vec(message_spec(), 0..8),
        prop_oneof![
            3 => Just(Who::Agent),
            1 => Just(Who::Admin),
            1 => Just(Who::Bot),
        ],
        prop::bool::weighted(0.8),
    )
        .prop_flat_map(|(source, handle, post, messages, actor, assigned)| {
            let intents = prop::collection::vec(intent(messages.len()), 1..5);
            (
                Just((source, handle, post, messages, actor, assigned)),
                intents,
            )
        })
        .prop_map(
            |((source, handle, post, messages, actor, assigned_to_actor), intents)| Spec {
                source,
                handle,
                post,
                messages,
                actor,
                assigned_to_actor,
                intents,
            },
        )
}

/// The account a case runs in: its own, so cases never see each other's data.
fn account(case: usize, spec: &Spec, now: Timestamp) -> SeedAccount {
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let agent = |key, name, kind, role| SeedAgent {
        key,
        name,
        kind,
        role,
        email: format!("{key}@case-{case}.example"),
        password_hash: None,
    };
    let assigned_to = match (spec.actor, spec.assigned_to_actor) {
        (Who::Agent, true) => Some("dana"),
        (Who::Bot, true) => Some("bot"),
        (Who::Admin, true) => None,
        (_, false) => Some("colleague"),
    };
    // Oldest first, as a conversation is read.
    let mut specs = spec.messages.clone();
    specs.sort_by_key(|m| std::cmp::Reverse(m.age));
    let mut messages: Vec<SeedMessage> = Vec::new();
    for (i, m) in specs.iter().enumerate() {
        let consumer = m.author == AuthorSpec::Consumer;
        let space = if consumer && m.space == Space::Internal {
            Space::Public
        } else {
            m.space
        };
        let delivery = match (consumer || space == Space::Internal, m.delivery) {
            (true, _) | (false, DeliverySpec::Sent) => Delivery::Sent,
            (false, DeliverySpec::Pending) => Delivery::Pending,
            (false, DeliverySpec::Failed) => Delivery::Failed {
                reason: "(#2) Service temporarily unavailable".into(),
            },
        };
        // A private reply answers an earlier public comment; one per comment.
        let comment = (m.private_reply && !consumer && space == Space::Private)
            .then(|| {
                (0..i).rev().find(|&j| {
                    messages[j].space == Space::Public
                        && matches!(messages[j].author, SeedAuthor::Consumer)
                        && messages[j].platform_id.is_some()
                        && !messages
                            .iter()
                            .any(|other| other.private_reply && other.reply_to == Some(j))
                })
            })
            .flatten();
        let on_platform = (consumer && m.on_platform)
            || (!consumer && space != Space::Internal && delivery == Delivery::Sent);
        messages.push(SeedMessage {
            platform_id: on_platform.then(|| format!("p{i}")),
            author: match m.author {
                AuthorSpec::Consumer => SeedAuthor::Consumer,
                AuthorSpec::Agent => SeedAuthor::Agent("dana"),
                AuthorSpec::Bot => SeedAuthor::Bot("bot"),
            },
            space,
            text: format!("message {i}"),
            reply_to: comment,
            sent_at: Timestamp(now.0 - m.age),
            liked_by_brand: m.liked && consumer,
            delivery,
            private_reply: comment.is_some(),
        });
    }
    let post = match spec.post {
        PostSpec::None => None,
        PostSpec::Brands { liked } | PostSpec::Consumers { liked } => Some(PostContext {
            platform_id: format!("post-{case}"),
            text: "A post".into(),
            author: "Someone".into(),
            posted_at: Timestamp(now.0 - 30 * 24 * 60 * MINUTE),
            attachment_url: None,
            permalink: "https://example.com/post".into(),
            liked_by_brand: liked,
            by_brand: matches!(spec.post, PostSpec::Brands { .. }),
            deleted: false,
        }),
    };
    SeedAccount {
        slug: leak(format!("case-{case}")),
        name: "Case",
        routing: Default::default(),
        channels: vec![SeedChannel {
            key: "channel",
            source: spec.source,
            brand: BrandChannel {
                platform_id: format!("brand-{case}"),
                name: "Brand".into(),
                handle: Some("brand".into()),
                disconnected: false,
            },
        }],
        agents: vec![
            agent("dana", "Dana", AgentKind::Human, Role::Agent),
            agent("colleague", "Colleague", AgentKind::Human, Role::Agent),
            agent("admin", "Admin", AgentKind::Human, Role::Admin),
            agent("bot", "Bot", AgentKind::Bot, Role::Agent),
        ],
        conversations: vec![SeedConversation {
            channel: "channel",
            consumer: Consumer {
                platform_id: format!("consumer-{case}"),
                profile: Profile::Available(PublicProfile {
                    display_name: "Sam Lee".into(),
                    handle: spec.handle.then(|| "samlee".into()),
                    picture_url: None,
                    profile_url: None,
                    locale: None,
                    timezone: None,
                    follower_count: None,
                }),
            },
            assigned_to,
            post,
            messages,
            workspace_ids: Vec::new(),
        }],
    }
}

/// A text for `space` of `source` as `spec` asks, built to the platform's own count.
fn text(spec: TextSpec, source: Source, space: Space) -> String {
    let max = max_length(source, space);
    let fill = |weight: usize| -> String {
        if source == Source::X && space == Space::Public && weight >= 40 {
            // A bare domain weighs 23 on X, CJK 2 each: the counting under test.
            let rest = weight - 24;
            format!(
                "acme.com/help {}{}",
                "日".repeat(rest / 2),
                "a".repeat(rest % 2)
            )
        } else {
            "a".repeat(weight)
        }
    };
    match spec {
        TextSpec::Short => "Thanks for writing!".into(),
        TextSpec::AtLimit => fill(max),
        TextSpec::OverLimit => fill(max + 1),
        TextSpec::Invisible => "\u{200B} \u{2060}".into(),
        TextSpec::Control => "Hello\u{7}".into(),
    }
}

/// What one intent did: the offer the widget made and the server's answer.
struct Outcome {
    intent: String,
    offered: Result<(), Denied>,
    status: StatusCode,
    problem: Option<Problem>,
}

impl Outcome {
    fn agrees(&self) -> Result<(), String> {
        let accepted = self.status.is_success();
        let same = match &self.offered {
            Ok(()) => accepted,
            Err(denied) => {
                self.status == StatusCode::UNPROCESSABLE_ENTITY
                    && self.problem.as_ref().map(|p| p.kind.as_str())
                        == Some(social_api::rule_problem_type(denied.rule()).as_str())
            }
        };
        if same {
            Ok(())
        } else {
            Err(format!(
                "{}: the widget offers {:?}, the server answers {} {:?}",
                self.intent, self.offered, self.status, self.problem
            ))
        }
    }
}

/// A Like button's offer for `like` (or unlike): what `like_control` shows, and the
/// rule's reason where it shows no enabled button for it.
fn like_offer(
    c: &Conversation,
    agent: &social_api::Agent,
    target: LikeTarget,
    like: bool,
) -> Result<(), Denied> {
    match rules::like_control(c, agent, target) {
        Some(LikeControl {
            liked,
            allowed: Ok(()),
        }) if liked != like => Ok(()),
        _ if like => rules::can_like(c, agent, target).and(Err(Denied::AlreadyLiked)),
        _ => rules::can_unlike(c, agent, target).and(Err(Denied::NotLiked)),
    }
}

async fn run_case(app: &TestApp, case: usize, spec: &Spec) -> Result<(), String> {
    let now = app.clock.now();
    let seeded = account(case, spec, now);
    app.state
        .store
        .seed(std::slice::from_ref(&seeded))
        .await
        .map_err(|e| format!("seed: {e}"))?;
    let name = match spec.actor {
        Who::Agent => "Dana",
        Who::Admin => "Admin",
        Who::Bot => "Bot",
    };
    let token = new_token();
    sqlx::query(
        "INSERT INTO sessions
            (token_sha256, account_id, agent_id, created_at, idle_expires_at, expires_at)
         SELECT $1, g.account_id, g.id, 0, $2, $3 FROM agents g JOIN accounts a ON a.id = g.account_id
         WHERE a.slug = $4 AND g.name = $5",
    )
    .bind(token_sha256(&token))
    .bind(i64::MAX)
    .bind(i64::MAX)
    .bind(seeded.slug)
    .bind(name)
    .execute(&app.pool)
    .await
    .map_err(|e| format!("session: {e}"))?;
    let me: social_api::Me = app
        .me(Some(&token))
        .await
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let agent = me.agent;
    let id = app
        .list(&token, Some("all"))
        .await
        .first()
        .map(|row| row.id)
        .ok_or("the case's conversation is listed")?;

    for intent in &spec.intents {
        let c = app.read(&token, id).await;
        // An intent on a message the conversation lacks is one the widget cannot express.
        let message = |i: usize| c.messages.get(i).map(|m| m.id);
        if let Intent::Like(i) | Intent::Unlike(i) | Intent::Retry(i) = intent {
            if message(*i).is_none() {
                continue;
            }
        }
        let message = |i: usize| message(i).unwrap_or(MessageId(i64::MAX));
        let outcome = match intent {
            Intent::Send {
                space,
                internal,
                text: text_spec,
                reply_to,
                mention,
            } => {
                let caps = rules::capabilities(&c, &agent, *space, now);
                let target_space = if *internal {
                    Space::Internal
                } else {
                    caps.space
                };
                let mut draft = ComposerDraft {
                    text: text(*text_spec, c.source, target_space),
                    reply_to: reply_to.and_then(|i| c.messages.get(i).map(|m| m.id)),
                    space: *space,
                    internal: *internal,
                };
                // The Mention button inserts the mention where it is enabled.
                if *mention && caps.mention.is_ok() {
                    if let Some(m) = mention_for(&c) {
                        draft.text = insert_mention(&draft.text, 0, &m).0;
                    }
                }
                let body = draft.body(&c, &agent, now);
                let offered = draft.request(&c, &agent, now).map(drop);
                let response = app.send_message(&token, id, &body).await;
                outcome(format!("{intent:?} as {body:?}"), offered, response).await
            }
            Intent::Like(i) | Intent::Unlike(i) => {
                let like = matches!(intent, Intent::Like(_));
                let target = LikeTarget::Message(message(*i));
                let offered = like_offer(&c, &agent, target, like);
                let response = if like {
                    app.like(&token, message(*i)).await
                } else {
                    app.unlike(&token, message(*i)).await
                };
                outcome(format!("{intent:?}"), offered, response).await
            }
            Intent::LikePost | Intent::UnlikePost => {
                let like = matches!(intent, Intent::LikePost);
                let offered = like_offer(&c, &agent, LikeTarget::Post, like);
                let response = if like {
                    app.like_post(&token, id).await
                } else {
                    app.unlike_post(&token, id).await
                };
                outcome(format!("{intent:?}"), offered, response).await
            }
            Intent::Retry(i) => {
                let offered = match rules::retry_control(&c, &agent, message(*i), now) {
                    Some(offer) => offer,
                    None => {
                        rules::can_retry(&c, &agent, message(*i), now).and(Err(Denied::NotFailed))
                    }
                };
                let response = app.retry(&token, message(*i)).await;
                outcome(format!("{intent:?}"), offered, response).await
            }
            Intent::LinkToDm { reply_to, edit } => {
                let reply_to = reply_to.and_then(|i| c.messages.get(i).map(|m| m.id));
                let link = social_api::actions::dm_link(&c);
                let request = DmInviteRequest {
                    reply_to,
                    public_text: edit.map(|edit| match edit {
                        Edit::KeepLink => format!("Let's talk privately here: {link}"),
                        Edit::DropLink => "Let's talk privately.".into(),
                        Edit::Blank => "\u{200B}".into(),
                    }),
                    private_text: None,
                };
                // The button, then the preview's Send for what the agent edited.
                let offered = match rules::link_to_dm(&c, &agent, reply_to, now) {
                    LinkToDm::Shown(Err(denied)) => Err(denied),
                    LinkToDm::Shown(Ok(())) | LinkToDm::Hidden => {
                        rules::check_dm_invite(&c, &agent, &request, now).map(drop)
                    }
                };
                let body = serde_json::to_string(&request).map_err(|e| e.to_string())?;
                let response = app
                    .post_action(
                        &token,
                        &format!("/api/conversations/{id}/dm-invite"),
                        Some(&new_key()),
                        Some(body),
                    )
                    .await;
                outcome(format!("{intent:?}"), offered, response).await
            }
        };
        outcome.agrees()?;
    }
    Ok(())
}

async fn outcome(
    intent: String,
    offered: Result<(), Denied>,
    response: reqwest::Response,
) -> Outcome {
    let status = response.status();
    let problem = if status.is_success() {
        None
    } else {
        response.json::<Problem>().await.ok()
    };
    Outcome {
        intent,
        offered,
        status,
        problem,
    }
}

#[test]
fn what_the_widget_offers_is_what_the_server_accepts() {
    let cases = std::env::var("DIFFERENTIAL_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let app = runtime.block_on(TestApp::spawn());
    let next = AtomicUsize::new(0);
    let mut runner = TestRunner::new(Config {
        cases,
        // Every case writes its own account; shrinking stays within the same server.
        max_shrink_iters: 200,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&spec(), |spec| {
        let case = next.fetch_add(1, Ordering::SeqCst);
        runtime
            .block_on(run_case(&app, case, &spec))
            .map_err(TestCaseError::fail)
    });
    let ran = next.load(Ordering::SeqCst);
    if let Err(failure) = result {
        panic!("the widget and the server disagree (after {ran} runs): {failure}");
    }
    assert!(ran >= cases as usize, "ran {ran} of {cases} cases");
    println!("differential: {ran} generated cases agreed");
}
