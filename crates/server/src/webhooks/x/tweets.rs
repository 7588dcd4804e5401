//! Tweets of an Account Activity delivery: created (mentions, replies, the account's
//! own), liked, deleted.
//!
//! Decisions: a tweet by someone else is a public `ConsumerMessage` answering
//! `in_reply_to_status_id_str`. Its post is the tweet it replies to (the event names only
//! the direct parent, not the thread's first tweet), or itself when it is a fresh mention.
//! The account's own tweet is a `BrandMessage` to the user it replies to (else nobody).
//! Retweets, and the account's own likes, are not acted on.

use serde_json::Value;
use social_api::Space;

use super::{id_str, snowflake_time, time, user_person, with_media, Account};
use crate::webhooks::facebook::shared::{id, member, nobody, text};
use crate::webhooks::{InboundEvent, InboundMessage, InboundPost, Parsed};

/// One of `tweet_create_events`.
pub(super) fn create(account: &Account, tweet: &Value, out: &mut Parsed) {
    let Some(tweet_id) = id_str(Some(tweet), "id") else {
        out.skipped.push("tweet without id".to_owned());
        return;
    };
    if member(Some(tweet), "retweeted_status").is_some() {
        out.skipped.push("a retweet".to_owned());
        return;
    }
    let user = member(Some(tweet), "user");
    let Some((author_id, user)) = id_str(user, "id").zip(user) else {
        out.skipped.push("tweet without its author".to_owned());
        return;
    };
    let author = user_person(author_id.clone(), user);
    let by_brand = account.is(&author_id);
    let tweet_text = tweet_text(tweet);
    let in_reply_to = id_str(Some(tweet), "in_reply_to_status_id");
    let parent_user = id_str(Some(tweet), "in_reply_to_user_id");
    let parent_handle = text(Some(tweet), "in_reply_to_screen_name");
    let post = match &in_reply_to {
        Some(parent) => InboundPost {
            platform_id: parent.clone(),
            text: None,
            author: parent_handle.map(str::to_owned),
            by_brand: parent_user.as_deref().is_some_and(|user| account.is(user)),
            permalink: parent_handle.map(|handle| permalink(handle, parent)),
        },
        None => InboundPost {
            platform_id: tweet_id.clone(),
            text: Some(tweet_text.clone()),
            author: author.handle.clone(),
            by_brand,
            permalink: author
                .handle
                .as_deref()
                .map(|handle| permalink(handle, &tweet_id)),
        },
    };
    let consumer = if by_brand {
        match parent_user.filter(|user| !account.is(user)) {
            Some(user) => {
                let mut answered = account.user(&user);
                answered.handle = answered.handle.or(parent_handle.map(str::to_owned));
                answered
            }
            None => nobody(),
        }
    } else {
        author
    };
    let message = InboundMessage {
        platform_id: tweet_id.clone(),
        space: Space::Public,
        consumer,
        text: tweet_text,
        in_reply_to,
        post: Some(post),
    };
    let event = if by_brand {
        InboundEvent::BrandMessage(message)
    } else {
        InboundEvent::ConsumerMessage(message)
    };
    let at = time(Some(tweet), "timestamp_ms").or_else(|| snowflake_time(&tweet_id));
    out.events
        .push(account.inbound(&format!("tweet:{tweet_id}"), at, event));
}

/// One of `favorite_events`: someone liked one of the account's tweets.
pub(super) fn favorite(account: &Account, favorite: &Value, out: &mut Parsed) {
    let user = member(Some(favorite), "user");
    let Some((liker, user)) = id_str(user, "id").zip(user) else {
        out.skipped.push("like without its user".to_owned());
        return;
    };
    if account.is(&liker) {
        out.skipped.push("the account's own like".to_owned());
        return;
    }
    let Some(target) = id_str(member(Some(favorite), "favorited_status"), "id") else {
        out.skipped.push("like without its tweet".to_owned());
        return;
    };
    let key = match id(member(Some(favorite), "id")) {
        Some(favorite_id) => format!("favorite:{favorite_id}"),
        None => format!("favorite:{target}:{liker}"),
    };
    let event = InboundEvent::Reaction {
        target_platform_id: target,
        consumer: user_person(liker, user),
        reaction: Some("like".to_owned()),
    };
    let at = time(Some(favorite), "timestamp_ms");
    out.events.push(account.inbound(&key, at, event));
}

/// One of `tweet_delete_events`.
pub(super) fn delete(account: &Account, deletion: &Value, out: &mut Parsed) {
    let Some(tweet_id) = id_str(member(Some(deletion), "status"), "id") else {
        out.skipped.push("deletion without its tweet".to_owned());
        return;
    };
    let at = time(Some(deletion), "timestamp_ms");
    let key = format!("delete:{tweet_id}");
    let event = InboundEvent::Deleted {
        platform_id: tweet_id,
    };
    out.events.push(account.inbound(&key, at, event));
}

/// The full text (`extended_tweet` when X truncated it), media described.
fn tweet_text(tweet: &Value) -> String {
    let extended = member(Some(tweet), "extended_tweet");
    let written = text(extended, "full_text")
        .or_else(|| text(Some(tweet), "full_text"))
        .or_else(|| text(Some(tweet), "text"))
        .unwrap_or_default();
    let media = [
        member(extended, "extended_entities"),
        member(extended, "entities"),
        member(Some(tweet), "extended_entities"),
        member(Some(tweet), "entities"),
    ]
    .into_iter()
    .find_map(|entities| member(entities, "media").and_then(Value::as_array));
    let described = with_media(written, media.map(Vec::as_slice).unwrap_or_default());
    if described.is_empty() {
        "[tweet without text]".to_owned()
    } else {
        described
    }
}

fn permalink(handle: &str, tweet_id: &str) -> String {
    format!("https://x.com/{handle}/status/{tweet_id}")
}
