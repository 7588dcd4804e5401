//! The `--demo` data: two brand accounts whose conversations cover every case the widget
//! must show (both sources, both spaces, withheld profiles, hostile text), seeded once.
//! Every agent has an e-mail, every person the password [`DEMO_PASSWORD`], and every
//! conversation an id in each agent workspace.

use sha2::{Digest, Sha256};
use social_api::routing::{Routing, RoutingRule, RuleMatch};
use social_api::workspace::Workspace;
use social_api::{
    AgentKind, BrandChannel, Consumer, Delivery, PostContext, Profile, PublicProfile, Role, Source,
    Space, Timestamp, WithheldReason,
};
use std::sync::OnceLock;

use crate::password::{self, PasswordError};
use crate::store::{
    SeedAccount, SeedAgent, SeedAuthor, SeedChannel, SeedConversation, SeedMessage, SeedOutcome,
    Store, StoreError,
};

/// The password of every demo person (`POST /api/session`); public, like the demo data.
pub const DEMO_PASSWORD: &str = "demo-password";

/// Why the demo data could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("hashing the demo password: {0}")]
    Password(#[from] PasswordError),
}

/// A tweet of exactly 280 characters as X weighs them (plain ASCII, no link).
pub const TWEET_280: &str = "This tweet is exactly 280 characters long, counted the way X counts them: plain ASCII letters, digits, spaces and punctuation weigh one each. It is here so the widget shows a full-length tweet without cutting it, wrapping it badly or calling it too long. The end is right here ->X";

const FB_PAGE_ID: &str = "104857600012345";
/// The demo agents' e-mail domains (`.example`: never a real mailbox).
const ACME: &str = "acme-outdoor.example";
const GLOBEX: &str = "globex.example";
const X_BRAND_ID: &str = "1500000000000000001";

/// Seeds the demo accounts relative to now; a second call changes nothing.
pub async fn seed(store: &dyn Store) -> Result<SeedOutcome, SeedError> {
    let hash = demo_password_hash().await?;
    let mut accounts = accounts(crate::clock::system_now());
    for agent in accounts.iter_mut().flat_map(|a| a.agents.iter_mut()) {
        if agent.kind == AgentKind::Human {
            agent.password_hash = Some(hash.clone());
        }
    }
    Ok(store.seed(&accounts).await?)
}

/// [`DEMO_PASSWORD`]'s hash, made once per process: every demo person shares it (and its
/// salt, which costs nothing for a published password).
async fn demo_password_hash() -> Result<String, PasswordError> {
    static HASH: OnceLock<String> = OnceLock::new();
    if let Some(hash) = HASH.get() {
        return Ok(hash.clone());
    }
    let hash = password::hash_blocking(DEMO_PASSWORD.into()).await?;
    Ok(HASH.get_or_init(|| hash).clone())
}

/// The demo accounts, their timestamps relative to `now`; no passwords (see [`seed`]).
pub fn accounts(now: Timestamp) -> Vec<SeedAccount> {
    let mut accounts = vec![acme(now), globex(now)];
    for account in &mut accounts {
        for (n, conversation) in account.conversations.iter_mut().enumerate() {
            conversation.workspace_ids = workspace_ids(account.slug, n + 1);
        }
    }
    accounts
}

/// The `n`th conversation's ids: LivePerson's are UUIDs; a custom workspace's read like
/// `acme-ws-1`. The same on every start, so pages and tests can name them.
pub fn workspace_ids(account: &str, n: usize) -> Vec<(Workspace, String)> {
    let custom_prefix = match account {
        "demo" => "acme",
        "other" => "globex",
        other => other,
    };
    vec![
        (Workspace::Liveperson, uuid_like(&format!("{account}/{n}"))),
        (Workspace::Custom, format!("{custom_prefix}-ws-{n}")),
    ]
}

/// A version-4-shaped UUID from a hash of `seed`.
fn uuid_like(seed: &str) -> String {
    let hex = hex::encode(Sha256::digest(seed.as_bytes()));
    let variant = ["8", "9", "a", "b"][usize::from(hex.as_bytes()[16] % 4)];
    format!(
        "{}-{}-4{}-{variant}{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..15],
        &hex[17..20],
        &hex[20..32]
    )
}

/// `minutes` before `now`.
fn ago(now: Timestamp, minutes: i64) -> Timestamp {
    Timestamp(now.0 - minutes * 60_000)
}

fn msg(author: SeedAuthor, space: Space, text: &str, sent_at: Timestamp) -> SeedMessage {
    SeedMessage {
        platform_id: None,
        author,
        space,
        text: text.to_owned(),
        reply_to: None,
        sent_at,
        liked_by_brand: false,
        delivery: Delivery::Sent,
        private_reply: false,
    }
}

impl SeedMessage {
    fn platform(mut self, id: &str) -> Self {
        self.platform_id = Some(id.to_owned());
        self
    }
    fn reply_to(mut self, index: usize) -> Self {
        self.reply_to = Some(index);
        self
    }
    fn liked(mut self) -> Self {
        self.liked_by_brand = true;
        self
    }
    fn delivery(mut self, delivery: Delivery) -> Self {
        self.delivery = delivery;
        self
    }
}

fn person(name: &str, handle: Option<&str>, picture: &str, profile_url: &str) -> PublicProfile {
    PublicProfile {
        display_name: name.to_owned(),
        handle: handle.map(str::to_owned),
        picture_url: Some(picture_on_platform(picture, profile_url)),
        profile_url: Some(profile_url.to_owned()),
        locale: None,
        timezone: None,
        follower_count: None,
    }
}

/// A picture URL of the shape each platform gives (Graph's `profile_pic` on
/// platform-lookaside, X's `profile_image_url` on pbs.twimg.com): the hosts the widget's
/// CSP allows. The widget shows initials where it does not load.
fn picture_on_platform(picture: &str, profile_url: &str) -> String {
    if profile_url.contains("facebook.com") {
        format!("https://platform-lookaside.fbsbx.com/platform/profilepic/?psid={picture}&height=128&width=128")
    } else {
        format!("https://pbs.twimg.com/profile_images/{picture}_normal.jpg")
    }
}

fn consumer(platform_id: &str, profile: Profile) -> Consumer {
    Consumer {
        platform_id: platform_id.to_owned(),
        profile,
    }
}

fn channels() -> Vec<SeedChannel> {
    vec![
        SeedChannel {
            key: "page",
            source: Source::Facebook,
            brand: BrandChannel {
                platform_id: FB_PAGE_ID.into(),
                name: "Acme Outdoor".into(),
                handle: Some("acmeoutdoor".into()),
                disconnected: false,
            },
        },
        SeedChannel {
            key: "x",
            source: Source::X,
            brand: BrandChannel {
                platform_id: X_BRAND_ID.into(),
                name: "Acme Outdoor".into(),
                handle: Some("AcmeOutdoor".into()),
                disconnected: false,
            },
        },
    ]
}

fn agent(
    key: &'static str,
    name: &'static str,
    kind: AgentKind,
    role: Role,
    domain: &str,
) -> SeedAgent {
    SeedAgent {
        key,
        name,
        kind,
        role,
        email: format!("{key}@{domain}"),
        password_hash: None,
    }
}

/// `demo`: Acme Outdoor, a Facebook Page and an X account; conversations 1 to 8 on a
/// fresh database.
fn acme(now: Timestamp) -> SeedAccount {
    use SeedAuthor::{Agent, Bot, Consumer as C};
    use Space::{Internal, Private, Public};
    let t = |minutes| ago(now, minutes);
    let dana = || Agent("dana");

    let tent_post = PostContext {
        platform_id: format!("{FB_PAGE_ID}_771234567890123"),
        text: "Meet the TrailLite 2: our lightest two-person tent yet, 1.4 kg packed. Out now in Forest and Sand.".into(),
        author: "Acme Outdoor".into(),
        posted_at: t(60 * 26),
        attachment_url: Some("https://images.unsplash.com/photo-1504280390367-361c6d9f38f4?w=800".into()),
        permalink: format!("https://www.facebook.com/{FB_PAGE_ID}/posts/771234567890123"),
        liked_by_brand: false,
        by_brand: true,
        deleted: false,
    };
    let sale_post = PostContext {
        platform_id: format!("{FB_PAGE_ID}_771234567890456"),
        text: "Spring sale: 20% off all hiking boots this weekend only.".into(),
        author: "Acme Outdoor".into(),
        posted_at: t(60 * 30),
        attachment_url: None,
        permalink: format!("https://www.facebook.com/{FB_PAGE_ID}/posts/771234567890456"),
        liked_by_brand: false,
        by_brand: true,
        deleted: false,
    };

    let maria = Profile::Available(PublicProfile {
        locale: Some("en_US".into()),
        timezone: Some("UTC-05:00".into()),
        ..person(
            "Maria Gonzalez",
            None,
            "maria.gonzalez",
            "https://www.facebook.com/profile.php?id=100089000000001",
        )
    });
    let james = Profile::Available(PublicProfile {
        locale: Some("en_GB".into()),
        timezone: Some("UTC+00:00".into()),
        ..person(
            "James Okafor",
            None,
            "james.okafor",
            "https://www.facebook.com/profile.php?id=100089000000002",
        )
    });
    let priya = Profile::Available(PublicProfile {
        locale: Some("en_IN".into()),
        timezone: Some("UTC+05:30".into()),
        ..person(
            "Priya Sharma",
            None,
            "priya.sharma",
            "https://www.facebook.com/profile.php?id=100089000000003",
        )
    });
    let kenji = Profile::Available(PublicProfile {
        locale: Some("ja".into()),
        timezone: Some("Asia/Tokyo".into()),
        follower_count: Some(1843),
        ..person(
            "Kenji Tanaka",
            Some("kenji_t_hikes"),
            "kenji.tanaka",
            "https://x.com/kenji_t_hikes",
        )
    });
    let chris = Profile::Available(PublicProfile {
        follower_count: Some(212),
        ..person(
            "Chris Doe",
            Some("chrisdoe"),
            "chris.doe",
            "https://x.com/chrisdoe",
        )
    });
    let mallory = Profile::Available(PublicProfile {
        follower_count: Some(0),
        ..person(
            "Mallory <script>alert('name')</script>",
            Some("mallory_xss"),
            "mallory",
            "https://x.com/mallory_xss",
        )
    });

    let lena = Profile::Available(PublicProfile {
        locale: Some("de_DE".into()),
        timezone: Some("UTC+01:00".into()),
        ..person(
            "Lena Fischer",
            None,
            "lena.fischer",
            "https://www.facebook.com/profile.php?id=100089000000009",
        )
    });
    let tom = Profile::Available(person(
        "Tom Becker",
        None,
        "tom.becker",
        "https://www.facebook.com/profile.php?id=100089000000010",
    ));

    let conversations = vec![
        // 1. A public comment thread under a page post.
        SeedConversation {
            channel: "page",
            consumer: consumer("6234567890123451", maria),
            assigned_to: Some("dana"),
            workspace_ids: Vec::new(),
            post: Some(tent_post),
            messages: vec![
                msg(C, Public, "Does the TrailLite 2 fit two adults with backpacks inside?", t(180))
                    .platform("771234567890123_1122334455667701")
                    .liked(),
                msg(C, Public, "Also, is the rainfly included or sold separately?", t(172))
                    .platform("771234567890123_1122334455667702"),
                msg(dana(), Public, "Hi Maria! Two adults fit comfortably, and each side has a vestibule for a backpack.", t(150))
                    .platform("771234567890123_1122334455667703")
                    .reply_to(0),
                msg(dana(), Internal, "Checked with product: the rainfly is in the box since the 2024 batch. Answer her second comment.", t(140)),
                msg(C, Public, "Great, thanks! And the rainfly?", t(60))
                    .platform("771234567890123_1122334455667704")
                    .reply_to(2),
            ],
        },
        // 2. Messenger only, with a bot greeting and a reply still being sent.
        SeedConversation {
            channel: "page",
            consumer: consumer("6234567890123452", james),
            assigned_to: Some("dana"),
            workspace_ids: Vec::new(),
            post: None,
            messages: vec![
                msg(C, Private, "Hi, my order #48213 hasn't shipped yet. Can you check?", t(45))
                    .platform("m_demo_james_1"),
                msg(Bot("bot"), Private, "Thanks for your message! An agent will be with you shortly.", t(44))
                    .platform("m_demo_james_2"),
                msg(dana(), Private, "Hi James, I'm checking with the warehouse now.", t(30))
                    .platform("m_demo_james_3"),
                msg(C, Private, "Thanks. It was supposed to arrive on Friday.", t(20))
                    .platform("m_demo_james_4"),
                msg(dana(), Private, "It shipped this morning; the tracking number follows in a minute.", t(1))
                    .delivery(Delivery::Pending),
            ],
        },
        // 3. A public comment, then Messenger: both spaces, the consumer last wrote privately.
        SeedConversation {
            channel: "page",
            consumer: consumer("6234567890123453", priya),
            assigned_to: Some("dana"),
            workspace_ids: Vec::new(),
            post: Some(sale_post),
            messages: vec![
                msg(C, Public, "My boots arrived with a broken lace hook. Not happy.", t(300))
                    .platform("771234567890456_2233445566778801"),
                msg(dana(), Public, "Sorry to hear that, Priya! We've sent you a private message to sort it out.", t(290))
                    .platform("771234567890456_2233445566778802")
                    .reply_to(0),
                msg(C, Private, "Here's my order number: 55120.", t(270)).platform("m_demo_priya_1"),
                msg(dana(), Private, "Thanks! A replacement pair is on its way; no need to return the old ones.", t(240))
                    .platform("m_demo_priya_2"),
                msg(C, Private, "Wonderful, thank you!", t(180)).platform("m_demo_priya_3"),
                msg(dana(), Private, "Your tracking number is 1Z999AA10123456784.", t(120)).delivery(
                    Delivery::Failed {
                        reason: "(#10) This message is sent outside of allowed window.".into(),
                    },
                ),
            ],
        },
        // 4. An X mention under the brand's tweet, then DMs.
        SeedConversation {
            channel: "x",
            consumer: consumer("2244668800112233", kenji),
            assigned_to: Some("dana"),
            workspace_ids: Vec::new(),
            post: Some(PostContext {
                platform_id: "1790000000000000001".into(),
                text: "Which trail should we feature next month? Reply with your favourite 🏔️".into(),
                author: "Acme Outdoor".into(),
                posted_at: t(60 * 8),
                attachment_url: None,
                permalink: "https://x.com/AcmeOutdoor/status/1790000000000000001".into(),
                liked_by_brand: false,
                by_brand: true,
                deleted: false,
            }),
            messages: vec![
                msg(C, Public, "@AcmeOutdoor the PCT! Though my TrailLite zipper broke on day 2. Not great.", t(95))
                    .platform("1790000000000000101"),
                msg(dana(), Public, &format!("@kenji_t_hikes Sorry to hear that! Send us a DM with your order number and we'll make it right. https://twitter.com/messages/compose?recipient_id={X_BRAND_ID}"), t(80))
                    .platform("1790000000000000102")
                    .reply_to(0),
                msg(C, Private, "Order 77031, bought in March.", t(50)).platform("1790000000000000201"),
                msg(dana(), Private, "Thanks Kenji, a replacement zipper kit ships today.", t(35))
                    .platform("1790000000000000202"),
                msg(C, Private, "Great, appreciate it 👍", t(25)).platform("1790000000000000203"),
            ],
        },
        // 5. X DMs only; assigned to the admin, so only "all" shows it to Dana.
        SeedConversation {
            channel: "x",
            consumer: consumer("3355779911223344", chris),
            assigned_to: Some("alex"),
            workspace_ids: Vec::new(),
            post: None,
            messages: vec![
                msg(C, Private, "Do you ship to Canada?", t(200)).platform("1790000000000000301"),
                msg(Agent("alex"), Private, "We do! Shipping to Canada takes 5 to 7 business days.", t(190))
                    .platform("1790000000000000302"),
                msg(C, Private, "And are duties included?", t(185)).platform("1790000000000000303"),
            ],
        },
        // 6. An EU consumer: Meta withholds the profile.
        SeedConversation {
            channel: "page",
            consumer: consumer("6234567890123456", Profile::Withheld(WithheldReason::EuPrivacy)),
            assigned_to: Some("dana"),
            workspace_ids: Vec::new(),
            post: None,
            messages: vec![
                msg(C, Private, "Hallo! Liefert ihr auch nach Deutschland?", t(15)).platform("m_demo_eu_1"),
                msg(C, Private, "Und gibt es das Zelt in Grün?", t(10)).platform("m_demo_eu_2"),
            ],
        },
        // 7. "No profile available" (Meta error 2018218); nobody is assigned.
        SeedConversation {
            channel: "page",
            consumer: consumer("6234567890123457", Profile::Withheld(WithheldReason::NoProfileAvailable)),
            assigned_to: None,
            workspace_ids: Vec::new(),
            post: None,
            messages: vec![msg(C, Private, "Hello? Is anyone there?", t(360)).platform("m_demo_noprofile_1")],
        },
        // 9. Messenger, the consumer's last message 30 hours ago: past Meta's standard
        // 24 hours, a person still answers for up to 7 days with the human-agent tag.
        SeedConversation {
            channel: "page",
            consumer: consumer("6234567890123459", lena),
            assigned_to: Some("dana"),
            workspace_ids: Vec::new(),
            post: None,
            messages: vec![
                msg(C, Private, "Can I still exchange the boots I bought last month?", t(30 * 60 + 5))
                    .platform("m_demo_lena_1"),
                msg(C, Private, "Size 39 instead of 38.", t(30 * 60)).platform("m_demo_lena_2"),
                msg(dana(), Private, "Of course! Send them back with the label we email you.", t(29 * 60))
                    .delivery(Delivery::Failed {
                        reason: "(#551) This person isn't available right now.".into(),
                    }),
            ],
        },
        // 10. Messenger, the consumer's last message 9 days ago: the window has closed.
        SeedConversation {
            channel: "page",
            consumer: consumer("6234567890123460", tom),
            assigned_to: Some("dana"),
            workspace_ids: Vec::new(),
            post: None,
            messages: vec![
                msg(C, Private, "Do you repair tent poles?", t(9 * 24 * 60)).platform("m_demo_tom_1"),
            ],
        },
        // 8. Hostile content on X, under the consumer's own tweet mentioning the brand:
        // markup that must stay text, bidi text, ZWJ emoji, 280 chars.
        SeedConversation {
            channel: "x",
            consumer: consumer("6666666666666666", mallory),
            assigned_to: Some("dana"),
            workspace_ids: Vec::new(),
            post: Some(PostContext {
                platform_id: "1790000000000000400".into(),
                text: "@AcmeOutdoor <script>alert(1)</script> <img src=x onerror=alert(1)> <b>bold?</b>".into(),
                author: "Mallory <b>Test</b>".into(),
                posted_at: t(70),
                attachment_url: Some("javascript:alert(1)".into()),
                permalink: "https://x.com/mallory_xss/status/1790000000000000400".into(),
                liked_by_brand: false,
                // The consumer's own tweet mentioning the brand: the brand may like it.
                by_brand: false,
                deleted: false,
            }),
            messages: vec![
                msg(C, Public, "<script>alert(1)</script>", t(60)).platform("1790000000000000401"),
                msg(C, Public, "<img src=x onerror=alert(1)> <b>bold?</b> &amp; &lt;b&gt; {{ 7*7 }} ${7*7}", t(58))
                    .platform("1790000000000000402"),
                msg(C, Public, "مرحبا، هل لديكم خيام؟ שלום, יש לכם אוהלים? Mixed with English 123.", t(56))
                    .platform("1790000000000000403"),
                msg(C, Public, "Family trip 👨‍👩‍👧‍👦 👍🏽 👋🏿 🧑🏻‍🤝‍🧑🏿 🏳️‍🌈 ❤️‍🔥 and file\u{202E}gnp.exe", t(54))
                    .platform("1790000000000000404"),
                msg(C, Public, "line one\nline two\n\n\tindented\n", t(52)).platform("1790000000000000405"),
                msg(dana(), Internal, "Probably a test account: keep replies short.", t(8)),
                msg(C, Public, TWEET_280, t(5)).platform("1790000000000000406"),
            ],
        },
    ];

    SeedAccount {
        slug: "demo",
        name: "Acme Outdoor",
        channels: channels(),
        agents: vec![
            agent("dana", "Dana Agent", AgentKind::Human, Role::Agent, ACME),
            agent("alex", "Alex Admin", AgentKind::Human, Role::Admin, ACME),
            agent("bot", "Acme Assistant", AgentKind::Bot, Role::Agent, ACME),
        ],
        conversations,
        routing: acme_routing(),
    }
}

/// Acme's routing: Facebook comments and Messenger to their own skills, X to one skill
/// and the `x-care` engagement; anything else to the general skill.
fn acme_routing() -> Routing {
    let rule = |source, space, skill: &str, engagement: Option<&str>| RoutingRule {
        when: RuleMatch {
            source: Some(source),
            brand: None,
            space,
        },
        skill: skill.into(),
        engagement: engagement.map(Into::into),
    };
    Routing {
        rules: vec![
            rule(
                Source::Facebook,
                Some(Space::Public),
                "social-fb-public",
                None,
            ),
            rule(
                Source::Facebook,
                Some(Space::Private),
                "social-fb-private",
                None,
            ),
            rule(Source::X, None, "social-x", Some("x-care")),
        ],
        default_skill: Some("social-general".into()),
    }
}

/// `other`: Globex, a second tenant whose data Acme's agents must never see.
fn globex(now: Timestamp) -> SeedAccount {
    let t = |minutes| ago(now, minutes);
    let sam = Profile::Available(person(
        "Sam Rivera",
        None,
        "sam.rivera",
        "https://www.facebook.com/profile.php?id=100089000000099",
    ));
    SeedAccount {
        slug: "other",
        name: "Globex",
        channels: vec![SeedChannel {
            key: "page",
            source: Source::Facebook,
            brand: BrandChannel {
                platform_id: "209715200054321".into(),
                name: "Globex".into(),
                handle: Some("globex".into()),
                disconnected: false,
            },
        }],
        agents: vec![
            agent("gus", "Gus Agent", AgentKind::Human, Role::Agent, GLOBEX),
            agent(
                "greta",
                "Greta Admin",
                AgentKind::Human,
                Role::Admin,
                GLOBEX,
            ),
        ],
        conversations: vec![SeedConversation {
            channel: "page",
            consumer: consumer("7234567890123401", sam),
            assigned_to: Some("gus"),
            workspace_ids: Vec::new(),
            post: None,
            messages: vec![
                msg(
                    SeedAuthor::Consumer,
                    Space::Private,
                    "Globex secret: is my reactor order confirmed?",
                    t(12),
                )
                .platform("m_globex_sam_1"),
                msg(
                    SeedAuthor::Agent("gus"),
                    Space::Private,
                    "Confirmed for Tuesday.",
                    t(3),
                )
                .platform("m_globex_sam_2"),
            ],
        }],
        routing: Routing {
            rules: Vec::new(),
            default_skill: Some("globex-social".into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_long_tweet_is_exactly_280_as_x_counts() {
        assert_eq!(social_api::length::x_weighted_length(TWEET_280), 280);
        assert!(TWEET_280.is_ascii());
    }

    #[test]
    fn a_post_is_by_the_brand_iff_its_author_is_the_brand_channel() {
        let mut consumers_posts = 0;
        for account in accounts(Timestamp(10_000_000_000)) {
            for conversation in &account.conversations {
                let Some(post) = &conversation.post else {
                    continue;
                };
                let channel = account
                    .channels
                    .iter()
                    .find(|c| c.key == conversation.channel)
                    .expect("a known channel");
                assert_eq!(post.by_brand, post.author == channel.brand.name, "{post:?}");
                consumers_posts += usize::from(!post.by_brand);
            }
        }
        assert!(
            consumers_posts >= 1,
            "the demo has a post the brand can like"
        );
    }

    #[test]
    fn every_conversation_has_one_id_per_workspace_unique_in_its_account() {
        for account in accounts(Timestamp(10_000_000_000)) {
            let mut seen = std::collections::HashSet::new();
            for conversation in &account.conversations {
                let workspaces: Vec<_> =
                    conversation.workspace_ids.iter().map(|(w, _)| *w).collect();
                assert_eq!(workspaces, [Workspace::Liveperson, Workspace::Custom]);
                for pair in &conversation.workspace_ids {
                    assert!(
                        seen.insert(pair.clone()),
                        "{pair:?} twice in {}",
                        account.slug
                    );
                }
            }
        }
        let (_, lp) = &workspace_ids("demo", 1)[0];
        assert_eq!(lp.len(), 36);
        assert_eq!(lp.matches('-').count(), 4);
        assert_eq!(&lp[14..15], "4", "{lp}");
        assert_eq!(workspace_ids("demo", 1)[1].1, "acme-ws-1");
        assert_eq!(workspace_ids("other", 1)[1].1, "globex-ws-1");
    }

    #[test]
    fn every_agent_has_a_lowercase_email_of_its_account_and_no_password_until_seeded() {
        let accounts = accounts(Timestamp(10_000_000_000));
        let emails: Vec<&str> = accounts
            .iter()
            .flat_map(|a| a.agents.iter().map(|g| g.email.as_str()))
            .collect();
        assert!(emails.contains(&"dana@acme-outdoor.example"));
        assert!(emails.contains(&"gus@globex.example"));
        for email in &emails {
            assert_eq!(*email, email.to_lowercase());
        }
        let unique: std::collections::HashSet<_> = emails.iter().collect();
        assert_eq!(unique.len(), emails.len());
        assert!(accounts
            .iter()
            .flat_map(|a| &a.agents)
            .all(|g| g.password_hash.is_none()));
    }

    #[test]
    fn replies_point_at_earlier_messages() {
        for account in accounts(Timestamp(10_000_000_000)) {
            for conversation in &account.conversations {
                for (i, m) in conversation.messages.iter().enumerate() {
                    assert!(m.reply_to.is_none_or(|r| r < i), "{} #{i}", account.slug);
                }
            }
        }
    }
}
