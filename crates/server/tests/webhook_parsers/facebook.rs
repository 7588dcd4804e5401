//! Meta's Page deliveries: feed changes and Messenger events, field by field.

use serde_json::{json, Value};
use social_api::{Source, Space, Timestamp};
use social_server::webhooks::facebook::parse;
use social_server::webhooks::{InboundEvent, ParseError};

use super::{
    brand_message, consumer_message, facebook_fixture, fixture, only, only_skip, parse_facebook,
};

#[test]
fn a_reply_to_a_comment_answers_that_comment_on_its_post() {
    let event = only(facebook_fixture(
        "feed_change_comment_add.bottender-facebook.json",
    ));
    assert_eq!(event.source, Source::Facebook);
    assert_eq!(event.brand_id, "137542570280222");
    assert_eq!(event.at, Timestamp(1_511_951_015_000));
    let message = consumer_message(&event);
    assert_eq!(message.platform_id, "139560936744456_139620233405726");
    assert_eq!(message.space, Space::Public);
    assert_eq!(message.consumer.platform_id, "139560936744123");
    assert_eq!(message.consumer.name.as_deref(), Some("user"));
    assert_eq!(message.text, "Good");
    assert_eq!(
        message.in_reply_to.as_deref(),
        Some("139560936744456_139562213411528")
    );
    let post = message.post.as_ref().expect("post");
    assert_eq!(post.platform_id, "137542570280222_139560936744456");
}

#[test]
fn a_comment_whose_parent_is_the_post_answers_the_post() {
    let event = only(facebook_fixture(
        "feed_change_comment_add_on_video_post.bottender-facebook.json",
    ));
    let message = consumer_message(&event);
    assert_eq!(message.in_reply_to, None);
    assert_eq!(message.text, "100");
    assert_eq!(
        message.consumer.name.as_deref(),
        Some("Hsuan-Yih Shawn Chu")
    );
    let post = message.post.as_ref().expect("post");
    assert_eq!(post.platform_id, "137542570280222_139560936744456");
    assert_eq!(
        post.permalink.as_deref(),
        Some("https://www.facebook.com/xxx/posts/1111")
    );
}

#[test]
fn the_pages_own_comment_is_a_brand_message_naming_nobody() {
    let event = only(facebook_fixture(
        "feed_change_comment_add_by_page.bottender-facebook.json",
    ));
    assert_eq!(event.brand_id, "137542570280111");
    let message = brand_message(&event);
    assert_eq!(message.text, "Public reply!");
    assert_eq!(message.consumer.platform_id, "");
    assert_eq!(
        message.in_reply_to.as_deref(),
        Some("139560936755999_140077593359990")
    );
}

#[test]
fn a_2016_comment_with_a_numeric_sender_id_by_the_page_is_the_brands() {
    let event = only(facebook_fixture(
        "feed_comment_add.legacy2016.tcclighting.json",
    ));
    assert_eq!(event.brand_id, "1142469655832956");
    let message = brand_message(&event);
    assert_eq!(message.platform_id, "1163393020407286_1164864096926845");
    assert_eq!(message.text, "test");
    assert_eq!(message.in_reply_to, None, "its parent is its post");
}

#[test]
fn a_visitor_post_is_a_consumer_message_on_itself_and_the_pages_post_is_the_brands() {
    let event = only(facebook_fixture(
        "feed_change_status_add.bottender-facebook.json",
    ));
    let message = consumer_message(&event);
    assert_eq!(message.platform_id, "137542570280222_139610053406744");
    assert_eq!(message.text, "test");
    let post = message.post.as_ref().expect("post");
    assert_eq!(post.platform_id, message.platform_id);
    assert_eq!(post.text.as_deref(), Some("test"));
    assert_eq!(post.author.as_deref(), Some("user"));
    assert!(!post.by_brand);

    let event = only(facebook_fixture("feed_change_status_add.jgorset.json"));
    let message = brand_message(&event);
    assert_eq!(message.text, "post 8");
    assert!(message.post.as_ref().expect("post").by_brand);
}

#[test]
fn edits_and_removals_name_what_changed_and_each_edit_keys_apart() {
    let edited = fixture(
        "facebook",
        "feed_change_comment_edited.bottender-facebook.json",
    );
    let event = only(parse_facebook(&edited));
    assert_eq!(
        event.event,
        InboundEvent::Edited {
            platform_id: "139560936744456_139597043408045".into(),
            text: "Great".into()
        }
    );
    assert_eq!(
        only(parse_facebook(&edited)).key,
        event.key,
        "a redelivery is the same event"
    );
    let mut added = edited.clone();
    added["value"]["verb"] = json!("add");
    let mut rewritten = edited.clone();
    rewritten["value"]["message"] = json!("Great!");
    let mut later = edited.clone();
    later["value"]["created_time"] = json!(1_511_948_999);
    let keys: std::collections::HashSet<String> = [&edited, &added, &rewritten, &later]
        .map(|change| only(parse_facebook(change)).key)
        .into();
    assert_eq!(
        keys.len(),
        4,
        "add, edit, another text, another time: {keys:?}"
    );

    let status = only(facebook_fixture(
        "feed_change_status_edited.bottender-facebook.json",
    ));
    assert!(matches!(status.event, InboundEvent::Edited { ref text, .. } if text == "1234"));

    let removed = only(facebook_fixture(
        "feed_change_comment_remove.bottender-facebook.json",
    ));
    assert_eq!(
        removed.event,
        InboundEvent::Deleted {
            platform_id: "139560936744456_139597043408045".into()
        }
    );
    let post = only(facebook_fixture(
        "feed_change_post_remove.bottender-facebook.json",
    ));
    assert_eq!(
        post.event,
        InboundEvent::Deleted {
            platform_id: "137542570280222_139610053406744".into()
        }
    );
    assert_ne!(removed.key, event.key);
}

#[test]
fn feed_reactions_are_added_changed_and_taken_back_on_the_comment() {
    let reaction = |name: &str| match only(facebook_fixture(name)) {
        event @ super::Inbound {
            event: InboundEvent::Reaction { .. },
            ..
        } => event,
        other => panic!("not a reaction: {other:#?}"),
    };
    let add = reaction("feed_change_reaction_add.bottender-facebook.json");
    let edit = reaction("feed_change_reaction_edit.bottender-facebook.json");
    let remove = reaction("feed_change_reaction_remove.bottender-facebook.json");
    let like = reaction("feed_change_like_add.bottender-facebook.json");
    let unlike = reaction("feed_change_like_remove.bottender-facebook.json");
    let target = "139560936744456_139597090074707";
    for (event, want) in [
        (&add, Some("like")),
        (&edit, Some("sad")),
        (&remove, None),
        (&like, Some("like")),
        (&unlike, None),
    ] {
        let InboundEvent::Reaction {
            target_platform_id,
            consumer,
            reaction,
        } = &event.event
        else {
            unreachable!()
        };
        assert_eq!(target_platform_id, target);
        assert_eq!(consumer.platform_id, "139560936744123");
        assert_eq!(reaction.as_deref(), want);
    }
    assert_ne!(add.key, edit.key);
    assert_ne!(add.key, remove.key);
}

#[test]
fn the_pages_own_likes_and_likes_of_the_page_are_not_acted_on() {
    for name in [
        "feed_post_like_add.legacy2016.tcclighting.json",
        "feed_post_like_remove.legacy2016.tcclighting.json",
        "feed_post_reaction_add.legacy2016.tcclighting.json",
    ] {
        assert_eq!(
            only_skip(facebook_fixture(name)),
            "the Page's own reaction",
            "{name}"
        );
    }
    let page_like = only_skip(facebook_fixture(
        "feed_page_like_add.legacy2016.tcclighting.json",
    ));
    assert_eq!(page_like, "a like of the Page itself");
}

#[test]
fn messenger_text_is_the_consumers_with_its_mid_and_time() {
    let event = only(facebook_fixture("messenger_message_text.fbmq.json"));
    assert_eq!(event.brand_id, "1691462197845448");
    assert_eq!(event.at, Timestamp(1_472_026_867_080));
    let message = consumer_message(&event);
    assert_eq!(message.platform_id, "mid.1472026867074:cfb5e1d4bde07a2a55");
    assert_eq!(message.space, Space::Private);
    assert_eq!(message.consumer.platform_id, "1134343043305865");
    assert_eq!(message.text, "hello world");
    assert_eq!(
        (message.in_reply_to.as_ref(), message.post.as_ref()),
        (None, None)
    );

    let escaped = only(facebook_fixture(
        "messenger_message_text_unicode_escapes.maciekmm.signed.json",
    ));
    assert_eq!(consumer_message(&escaped).text, "Test äëï");
    let quick = only(facebook_fixture("messenger_message_quick_reply.fbmq.json"));
    assert_eq!(consumer_message(&quick).text, "Action");
}

#[test]
fn an_echo_is_the_brands_message_to_the_recipient() {
    let event = only(facebook_fixture("messenger_message_echo_text.fbmq.json"));
    let message = brand_message(&event);
    assert_eq!(message.consumer.platform_id, "1134343043305865");
    assert_eq!(message.text, "hello");
    let template = only(facebook_fixture(
        "messenger_message_echo_template_attachment.maciekmm.json",
    ));
    assert_eq!(brand_message(&template).text, "[template] abc generic");
}

#[test]
fn attachments_become_one_readable_line_each() {
    let text = |name: &str| consumer_message(&only(facebook_fixture(name))).text.clone();
    assert_eq!(
        text("messenger_message_attachment_image.broid.json"),
        "[image] https://scontent.xx.fbcdn.net/v/t34.0-12/16216329_10209846931784576_1595796371_n.gif?_nc_ad=z-m&oh=bcfd95687301eb9506bc6cd13f9b9037&oe=58874D1F"
    );
    assert_eq!(
        text("messenger_message_attachment_location.broid.json"),
        "[location] My Place 45.531449166167,-93.555047062628"
    );
    assert_eq!(
        text("messenger_message_attachment_fallback_link.broid.json"),
        "http://www.broid.ai/"
    );
    assert!(text("messenger_event_message_sticker_like.bottender.json")
        .starts_with("[sticker] https://scontent.xx.fbcdn.net/"));
}

#[test]
fn a_reply_to_a_message_names_it() {
    let mut delivery = fixture("facebook", "messenger_message_text.fbmq.json");
    delivery["entry"][0]["messaging"][0]["message"]["reply_to"] = json!({"mid": "mid.earlier"});
    let event = only(parse_facebook(&delivery));
    assert_eq!(
        consumer_message(&event).in_reply_to.as_deref(),
        Some("mid.earlier")
    );
}

#[test]
fn messenger_reactions_are_made_and_taken_back_with_their_emoji() {
    let react = only(facebook_fixture(
        "messenger_event_message_reaction_react.bottender.json",
    ));
    let unreact = only(facebook_fixture(
        "messenger_event_message_reaction_unreact.bottender.json",
    ));
    let InboundEvent::Reaction {
        target_platform_id,
        consumer,
        reaction,
    } = &react.event
    else {
        panic!("not a reaction: {react:#?}")
    };
    assert_eq!(target_platform_id, "mid.$cAAE1UUyiiwthh0NPrVbVf4HFNDGl");
    assert_eq!(consumer.platform_id, "1476077422222289");
    assert_eq!(reaction.as_deref(), Some("❤️"));
    assert!(matches!(
        &unreact.event,
        InboundEvent::Reaction { reaction: None, .. }
    ));
    assert_ne!(react.key, unreact.key);
    let no_mid = only_skip(facebook_fixture(
        "messenger_event_message_reaction_react.jgorset.json",
    ));
    assert_eq!(no_mid, "reaction without mid");
}

#[test]
fn a_read_receipt_carries_its_watermark() {
    let event = only(facebook_fixture("messenger_read.fbmq.json"));
    assert_eq!(
        event.event,
        InboundEvent::Read {
            consumer: social_server::webhooks::InboundPerson {
                platform_id: "1134343043305865".into(),
                name: None,
                handle: None,
                picture_url: None,
            },
            watermark: Timestamp(1_472_026_868_763),
        }
    );
    let other = only(facebook_fixture("messenger_read.maciekmm.json"));
    assert!(matches!(
        other.event,
        InboundEvent::Read {
            watermark: Timestamp(1_468_152_706_921),
            ..
        }
    ));
}

#[test]
fn deliveries_postbacks_optins_and_referrals_are_skipped_with_a_reason() {
    for (name, kind) in [
        ("messenger_delivery.fbmq.json", "delivery"),
        ("messenger_postback.broid.json", "postback"),
        ("messenger_event_postback.bottender.json", "postback"),
        ("messenger_optin.maciekmm.json", "optin"),
        ("messenger_referral.fbmq.json", "referral"),
    ] {
        let why = only_skip(facebook_fixture(name));
        assert!(why.contains(kind), "{name}: {why}");
    }
}

#[test]
fn keys_of_long_ids_stay_within_the_store_limit_and_apart() {
    let mut delivery = fixture("facebook", "messenger_message_text.fbmq.json");
    let mut keys = Vec::new();
    for tail in ["a", "b"] {
        delivery["entry"][0]["messaging"][0]["message"]["mid"] =
            json!(format!("mid.{}{tail}", "9".repeat(5000)));
        let event = only(parse_facebook(&delivery));
        assert!(event.key.len() <= 512, "{} bytes", event.key.len());
        keys.push(event.key);
    }
    assert_ne!(keys[0], keys[1]);
}

#[test]
fn bodies_that_are_not_page_deliveries_are_refused_or_skipped() {
    assert!(matches!(parse(b"<html>"), Err(ParseError::NotJson(_))));
    for body in [
        &b"[]"[..],
        br#"{"object":"page"}"#,
        br#"{"entry":[]}"#,
        br#"{"object":1,"entry":[]}"#,
    ] {
        assert!(
            matches!(parse(body), Err(ParseError::NotADelivery { .. })),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    let other = parse(br#"{"object":"instagram","entry":[{"id":"1","time":1}]}"#).expect("taken");
    assert!(other.events.is_empty() && other.skipped[0].contains("instagram"));
    let unknown: Value = json!({"object": "page", "entry": [{"id": "1", "time": 1, "changes": [{"field": "mention", "value": {}}, {"field": "feed", "value": {"item": "share", "verb": "add"}}]}]});
    let parsed = parse_facebook(&unknown);
    assert!(parsed.events.is_empty());
    assert_eq!(parsed.skipped.len(), 2, "{:?}", parsed.skipped);
}
