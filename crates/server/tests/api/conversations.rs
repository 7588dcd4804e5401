//! Listing and reading conversations.

use crate::helpers::{json, problem, TestApp};
use reqwest::StatusCode;
use social_api::{
    Author, Conversation, ConversationSummary, Delivery, Profile, Role, Source, Space, Timestamp,
    WithheldReason,
};
use social_server::demo;

fn names(list: &[ConversationSummary]) -> Vec<&str> {
    list.iter().map(|c| c.consumer_name.as_str()).collect()
}

fn id_of(list: &[ConversationSummary], name: &str) -> String {
    list.iter()
        .find(|c| c.consumer_name.starts_with(name))
        .unwrap_or_else(|| panic!("{name} is listed"))
        .id
        .to_string()
}

async fn read(app: &TestApp, token: &str, id: &str) -> Conversation {
    let response = app.conversation(token, id).await;
    assert_eq!(response.status(), StatusCode::OK);
    json(response).await
}

#[tokio::test]
async fn mine_lists_the_agents_own_conversations_of_both_sources_newest_first() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;

    let mine = app.list(&dana, None).await;

    let mut expected = vec![
        "James Okafor",
        "Mallory <script>alert('name')</script>",
        "Consumer",
        "Kenji Tanaka",
        "Maria Gonzalez",
        "Priya Sharma",
        "Lena Fischer",
        "Tom Becker",
    ];
    assert_eq!(names(&mine), expected, "newest last message first");
    assert!(mine
        .windows(2)
        .all(|w| w[0].last_message_at >= w[1].last_message_at));
    for source in [Source::Facebook, Source::X] {
        assert!(mine.iter().any(|c| c.source == source), "{source:?} listed");
    }
    for space in [Space::Public, Space::Private] {
        assert!(mine.iter().any(|c| c.space == space), "{space:?} listed");
    }
    let explicit = app.list(&dana, Some("mine")).await;
    expected.sort();
    let mut explicit_names = names(&explicit);
    explicit_names.sort();
    assert_eq!(explicit_names, expected, "view=mine is the default");
}

#[tokio::test]
async fn a_summary_shows_the_consumers_current_space_preview_and_unread_count() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let mine = app.list(&dana, None).await;

    let kenji = mine
        .iter()
        .find(|c| c.consumer_name == "Kenji Tanaka")
        .expect("Kenji");
    assert_eq!(kenji.source, Source::X);
    assert_eq!(kenji.space, Space::Private, "his latest message is a DM");
    assert_eq!(kenji.last_message_preview, "Great, appreciate it 👍");
    assert_eq!(kenji.unread_count, 1);

    let priya = mine
        .iter()
        .find(|c| c.consumer_name == "Priya Sharma")
        .expect("Priya");
    assert_eq!(priya.space, Space::Private);
    assert_eq!(priya.unread_count, 0, "the brand wrote after her");

    let maria = mine
        .iter()
        .find(|c| c.consumer_name == "Maria Gonzalez")
        .expect("Maria");
    assert_eq!(maria.space, Space::Public);
    assert_eq!(maria.unread_count, 1, "an internal note is not an answer");

    let hostile = mine
        .iter()
        .find(|c| c.consumer_name.starts_with("Mallory"))
        .expect("Mallory");
    assert!(hostile.last_message_preview.ends_with('…'));
    assert_eq!(hostile.last_message_preview.chars().count(), 121);
    assert!(demo::TWEET_280.starts_with(hostile.last_message_preview.trim_end_matches('…')));
}

#[tokio::test]
async fn all_lists_every_conversation_of_the_account_and_no_other() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;

    let all = app.list(&dana, Some("all")).await;
    let mine = app.list(&dana, Some("mine")).await;

    assert_eq!(all.len(), 10);
    assert!(mine.len() < all.len());
    assert!(mine.iter().all(|m| all.contains(m)));
    assert!(names(&all).contains(&"Chris Doe"), "assigned to the admin");
    assert_eq!(names(&all).iter().filter(|n| **n == "Consumer").count(), 2);
    assert!(!names(&all).contains(&"Sam Rivera"), "Globex's consumer");
    assert!(all
        .windows(2)
        .all(|w| w[0].last_message_at >= w[1].last_message_at));

    let alex = app.token("demo", Role::Admin).await;
    assert_eq!(names(&app.list(&alex, None).await), vec!["Chris Doe"]);
}

#[tokio::test]
async fn a_conversation_has_its_post_and_messages_oldest_first_with_replies_and_likes() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let all = app.list(&dana, Some("all")).await;

    let c = read(&app, &dana, &id_of(&all, "Maria Gonzalez")).await;

    assert_eq!(c.source, Source::Facebook);
    assert_eq!(c.brand.name, "Acme Outdoor");
    let post = c.post.as_ref().expect("a page post");
    assert!(post.text.starts_with("Meet the TrailLite 2"));
    assert!(post.permalink.starts_with("https://www.facebook.com/"));
    assert!(post
        .attachment_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://")));
    let Profile::Available(profile) = &c.consumer.profile else {
        panic!("Maria's profile is available");
    };
    assert!(profile
        .picture_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://")));

    assert_eq!(c.messages.len(), 5);
    assert!(c.messages.windows(2).all(|w| w[0].sent_at <= w[1].sent_at));
    let first = &c.messages[0];
    assert!(first.liked_by_brand);
    assert_eq!(first.author, Author::Consumer);
    let reply = &c.messages[2];
    assert!(matches!(&reply.author, Author::Agent { name, .. } if name == "Dana Agent"));
    assert_eq!(reply.reply_to, Some(first.id));
    let note = &c.messages[3];
    assert_eq!(note.space, Space::Internal);
    assert_eq!(note.platform_id, None);
    assert_eq!(c.messages[4].reply_to, Some(reply.id));
}

#[tokio::test]
async fn withheld_profiles_say_why() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let all = app.list(&dana, Some("all")).await;

    let mut reasons = Vec::new();
    for summary in all.iter().filter(|c| c.consumer_name == "Consumer") {
        let c = read(&app, &dana, &summary.id.to_string()).await;
        assert_eq!(c.source, Source::Facebook);
        match c.consumer.profile {
            Profile::Withheld(reason) => reasons.push(reason),
            Profile::Available(_) => panic!("a withheld profile"),
        }
    }
    reasons.sort_by_key(social_api::names::name_of);
    assert_eq!(
        reasons,
        vec![
            WithheldReason::EuPrivacy,
            WithheldReason::NoProfileAvailable
        ]
    );
}

#[tokio::test]
async fn hostile_text_round_trips_byte_for_byte() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let all = app.list(&dana, Some("all")).await;
    let id = id_of(&all, "Mallory");

    let raw = app
        .conversation(&dana, &id)
        .await
        .text()
        .await
        .expect("body");
    assert!(
        raw.contains("<script>alert(1)</script>"),
        "no HTML escaping in JSON"
    );
    let c: Conversation = serde_json::from_str(&raw).expect("a conversation");

    let seeded = demo::accounts(Timestamp(0))
        .into_iter()
        .find(|a| a.slug == "demo")
        .expect("demo account")
        .conversations
        .into_iter()
        .find(|s| s.consumer.platform_id == c.consumer.platform_id)
        .expect("seeded hostile conversation");
    let texts: Vec<&str> = c.messages.iter().map(|m| m.text.as_str()).collect();
    let expected: Vec<&str> = seeded.messages.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, expected);
    assert_eq!(
        c.post.as_ref().map(|p| &p.text),
        seeded.post.as_ref().map(|p| &p.text)
    );
    assert_eq!(c.consumer.profile, seeded.consumer.profile);
    assert!(texts.contains(&demo::TWEET_280));
    assert!(texts.iter().any(|t| t.contains("👨‍👩‍👧‍👦") && t.contains("👍🏽")));
    assert!(texts
        .iter()
        .any(|t| t.contains("שלום") && t.contains("مرحبا")));
    assert!(texts.contains(&"line one\nline two\n\n\tindented\n"));
}

#[tokio::test]
async fn outgoing_messages_carry_their_delivery_state() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let all = app.list(&dana, Some("all")).await;

    let james = read(&app, &dana, &id_of(&all, "James Okafor")).await;
    let last = james.messages.last().expect("messages");
    assert_eq!(last.delivery, Delivery::Pending);
    assert_eq!(last.platform_id, None);
    assert!(james
        .messages
        .iter()
        .any(|m| matches!(m.author, Author::Bot { .. })));

    let priya = read(&app, &dana, &id_of(&all, "Priya Sharma")).await;
    assert!(priya.consumer_wrote_in(Space::Public) && priya.consumer_wrote_in(Space::Private));
    assert_eq!(priya.current_space(), Some(Space::Private));
    let failed = priya.messages.last().expect("messages");
    assert!(
        matches!(&failed.delivery, Delivery::Failed { reason } if reason.contains("allowed window"))
    );
}

#[tokio::test]
async fn an_unknown_id_is_a_404_problem() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;
    let p = problem(
        app.conversation(&dana, "999999").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(p.title, "Not Found");
    problem(app.conversation(&dana, "-1").await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn a_malformed_id_or_view_is_a_400_problem() {
    let app = TestApp::spawn().await;
    let dana = app.token("demo", Role::Agent).await;

    for id in ["abc", "1.5", "99999999999999999999999"] {
        let p = problem(app.conversation(&dana, id).await, StatusCode::BAD_REQUEST).await;
        assert_eq!(p.title, "Bad Request", "{id}");
        assert!(p.detail.is_some());
    }
    problem(
        app.conversations(&dana, Some("bogus")).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    problem(
        app.conversations(&dana, Some("")).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
}
