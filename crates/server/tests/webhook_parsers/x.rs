//! X's Account Activity deliveries, field by field.

use serde_json::json;
use social_api::{Source, Space, Timestamp};
use social_server::webhooks::x::parse;
use social_server::webhooks::{InboundEvent, ParseError};

use super::{brand_message, consumer_message, fixture, only, only_skip, parse_x, x_fixture};

#[test]
fn a_fresh_mention_is_a_public_consumer_message_on_itself() {
    let event = only(x_fixture("tweet_create_events_mention.zammad.json"));
    assert_eq!(event.source, Source::X);
    assert_eq!(event.brand_id, "2975699229");
    assert_eq!(event.at, Timestamp(1_576_212_489_730));
    let message = consumer_message(&event);
    assert_eq!(message.platform_id, "1205348660982083584");
    assert_eq!(message.space, Space::Public);
    assert_eq!(
        message.text,
        "@ScruffyMcG This is a test of Twitter API webhooks."
    );
    assert_eq!(message.in_reply_to, None);
    assert_eq!(message.consumer.platform_id, "1205290247124217856");
    assert_eq!(message.consumer.name.as_deref(), Some("pennbrooke"));
    assert_eq!(message.consumer.handle.as_deref(), Some("pennbrooke1"));
    assert_eq!(
        message.consumer.picture_url.as_deref(),
        Some("https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png")
    );
    let post = message.post.as_ref().expect("post");
    assert_eq!(post.platform_id, message.platform_id);
    assert_eq!(post.text.as_deref(), Some(message.text.as_str()));
    assert!(!post.by_brand);
    assert_eq!(
        post.permalink.as_deref(),
        Some("https://x.com/pennbrooke1/status/1205348660982083584")
    );
}

#[test]
fn a_reply_answers_the_tweet_it_replies_to() {
    let event = only(x_fixture("tweet_create_events_reply.zammad.json"));
    let message = consumer_message(&event);
    assert_eq!(message.platform_id, "1207623566339919872");
    assert_eq!(message.text, "@ScruffyMcG This is only a test.");
    assert_eq!(message.in_reply_to.as_deref(), Some("1205348660982083584"));
    let post = message.post.as_ref().expect("post");
    assert_eq!(post.platform_id, "1205348660982083584");
    assert_eq!(post.text, None);
    assert_eq!(post.author.as_deref(), Some("pennbrooke1"));
    assert!(!post.by_brand, "pennbrooke1 replied to their own mention");
}

#[test]
fn the_accounts_own_tweet_is_the_brands_with_its_media_described() {
    let event = only(x_fixture(
        "tweet_create_events_own_tweet_with_media.zammad_webhook1.json",
    ));
    let message = brand_message(&event);
    assert_eq!(message.platform_id, "1063212927510081536");
    assert_eq!(message.consumer.platform_id, "", "it answers nobody");
    assert_eq!(
        message.text,
        "Hey @medenhofer !  #hello1234 [photo] https://pbs.twimg.com/media/DsFKfJRWkAAFEbo.jpg"
    );
    assert!(message.post.as_ref().expect("post").by_brand);
    let signed = only(x_fixture("vector_bodies/zammad_webhook1_tweet.json"));
    assert_eq!(signed, event, "the signed bytes say the same");
}

#[test]
fn the_accounts_reply_to_a_consumer_answers_that_consumer() {
    let mut delivery = fixture(
        "x",
        "tweet_create_events_own_tweet_with_media.zammad_webhook1.json",
    );
    let tweet = &mut delivery["tweet_create_events"][0];
    tweet["in_reply_to_status_id_str"] = json!("1063000000000000000");
    tweet["in_reply_to_user_id_str"] = json!("456");
    tweet["in_reply_to_screen_name"] = json!("medenhofer");
    let event = only(parse_x(&delivery));
    let message = brand_message(&event);
    assert_eq!(message.consumer.platform_id, "456");
    assert_eq!(message.consumer.handle.as_deref(), Some("medenhofer"));
    assert_eq!(message.in_reply_to.as_deref(), Some("1063000000000000000"));
    assert!(!message.post.as_ref().expect("post").by_brand);
}

#[test]
fn retweets_are_not_acted_on() {
    let mut delivery = fixture("x", "tweet_create_events_mention.zammad.json");
    let original = delivery["tweet_create_events"][0].clone();
    delivery["tweet_create_events"][0]["retweeted_status"] = original;
    assert_eq!(only_skip(parse_x(&delivery)), "a retweet");
}

#[test]
fn an_incoming_dm_is_private_and_names_its_sender_from_the_users_map() {
    let event = only(x_fixture("direct_message_events_incoming.zammad.json"));
    assert_eq!(event.at, Timestamp(1_576_540_475_925));
    let message = consumer_message(&event);
    assert_eq!(message.platform_id, "1206724334791753732");
    assert_eq!(message.space, Space::Private);
    assert_eq!(message.text, "Yes, you are!");
    assert_eq!(message.consumer.platform_id, "1205290247124217856");
    assert_eq!(message.consumer.handle.as_deref(), Some("pennbrooke1"));
    assert_eq!(
        (message.in_reply_to.as_ref(), message.post.as_ref()),
        (None, None)
    );

    let docs = only(x_fixture("direct_message_events.xdocs.json"));
    assert_eq!(
        consumer_message(&docs).consumer.name.as_deref(),
        Some("Jordan Brinks")
    );
}

#[test]
fn the_accounts_dm_is_the_brands_to_the_recipient() {
    let event = only(x_fixture("direct_message_events_outgoing.zammad.json"));
    let message = brand_message(&event);
    assert_eq!(message.text, "I'm a banana!");
    assert_eq!(message.consumer.platform_id, "1205290247124217856");
    assert_eq!(message.consumer.name.as_deref(), Some("pennbrooke"));
    let apps = only(x_fixture(
        "direct_message_events_outgoing_with_apps.zammad_webhook1.json",
    ));
    assert_eq!(
        brand_message(&apps).consumer.handle.as_deref(),
        Some("medenhofer")
    );
}

#[test]
fn one_dm_seen_by_both_connected_accounts_is_kept_once_for_each() {
    let mut delivery = fixture("x", "direct_message_events_outgoing.zammad.json");
    let sent = only(parse_x(&delivery));
    delivery["for_user_id"] = json!("1205290247124217856");
    let received = only(parse_x(&delivery));
    assert_eq!(
        consumer_message(&received).consumer.platform_id,
        "2975699229"
    );
    assert_ne!(sent.key, received.key);
}

#[test]
fn dm_media_is_described_in_place_of_its_link() {
    let gif = only(x_fixture(
        "direct_message_events_incoming_with_media.zammad.json",
    ));
    assert_eq!(
        consumer_message(&gif).text,
        "[animated_gif] https://pbs.twimg.com/dm_gif_preview/1209117874389843969/Lgs2ZRqicjZjx6kFdwQcu2T5rmEq7br_m8QKHj-RybsPv0yeq5.jpg"
    );
    let photo = only(x_fixture(
        "direct_message_events_incoming_with_photo.zammad_webhook2.json",
    ));
    assert_eq!(
        consumer_message(&photo).text,
        "Hello Zammad #zammad @znuny\n\nYeah! [photo] https://ton.twitter.com/1.1/ton/data/dm/1063077238797725700/1063077198536556545/9FZgsMdV.jpg"
    );
}

#[test]
fn a_read_receipt_is_read_up_to_the_message_it_names() {
    let event = only(x_fixture("direct_message_mark_read_events.zammad.json"));
    // The receipt names the outgoing DM of another fixture: read up to when it was sent.
    let sent = fixture("x", "direct_message_events_outgoing.zammad.json");
    let sent = &sent["direct_message_events"][0];
    let last_read = fixture("x", "direct_message_mark_read_events.zammad.json");
    assert_eq!(
        last_read["direct_message_mark_read_events"][0]["last_read_event_id"],
        sent["id"]
    );
    let sent_at: i64 = sent["created_timestamp"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .expect("time");
    let InboundEvent::Read {
        consumer,
        watermark,
    } = &event.event
    else {
        panic!("not a read: {event:#?}")
    };
    assert_eq!(consumer.platform_id, "1205290247124217856");
    assert_eq!(*watermark, Timestamp(sent_at));
    assert_eq!(event.at, Timestamp(1_576_540_445_711));
}

#[test]
fn likes_of_the_accounts_tweets_are_reactions_and_its_own_likes_are_not() {
    let own = x_fixture("favorite_events.zammad.json");
    assert_eq!(only_skip(own), "the account's own like");
    // The same like, delivered to the author of the liked tweet.
    let mut delivery = fixture("x", "favorite_events.zammad.json");
    delivery["for_user_id"] = json!("28451785");
    let event = only(parse_x(&delivery));
    assert_eq!(event.at, Timestamp(1_576_540_199_643));
    let InboundEvent::Reaction {
        target_platform_id,
        consumer,
        reaction,
    } = &event.event
    else {
        panic!("not a reaction: {event:#?}")
    };
    assert_eq!(target_platform_id, "1206549698791657473");
    assert_eq!(consumer.platform_id, "2975699229");
    assert_eq!(consumer.handle.as_deref(), Some("ScruffyMcG"));
    assert_eq!(reaction.as_deref(), Some("like"));
    assert!(event
        .key
        .starts_with("favorite:306365f99a761d92af4753775e89f7a4"));
}

#[test]
fn a_deleted_tweet_is_deleted() {
    let event = only(x_fixture("tweet_delete_events.xdocs.json"));
    assert_eq!(
        event.event,
        InboundEvent::Deleted {
            platform_id: "1045405559317569537".into()
        }
    );
    assert_eq!(event.brand_id, "930524282358325248");
    assert_eq!(event.at, Timestamp(1_432_228_155_593));
    assert!(event.key.starts_with("delete:1045405559317569537"));
}

#[test]
fn typing_and_revoked_access_are_not_acted_on() {
    let typing = only_skip(x_fixture(
        "direct_message_indicate_typing_events.xdocs.json",
    ));
    assert!(typing.contains("typing"), "{typing}");
    let revoke = only_skip(x_fixture("user_event_revoke.xdocs.json"));
    assert!(revoke.contains("user_event"), "{revoke}");
}

#[test]
fn bodies_that_are_not_account_activity_are_refused() {
    assert!(matches!(parse(b"not json"), Err(ParseError::NotJson(_))));
    for body in [
        &b"[]"[..],
        b"42",
        br#"{"key":"value"}"#,
        br#"{"for_user_id":"1"}"#,
    ] {
        assert!(
            matches!(parse(body), Err(ParseError::NotADelivery { .. })),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    let without_account = parse(br#"{"tweet_create_events":[{"id_str":"1"}]}"#).expect("taken");
    assert!(without_account.events.is_empty());
    assert!(without_account.skipped[0].contains("for_user_id"));
}
