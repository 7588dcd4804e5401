//! Page `feed` changes (`value` of a `field: "feed"` change): comments, posts on the Page
//! and reactions, in the current (`from{id,name}`) and the 2016 (`sender_id`) formats.
//!
//! Decisions: a comment whose `parent_id` is its `post_id` answers the post
//! (`in_reply_to: None`); a reply to a comment answers that comment. What the Page itself
//! writes is a `BrandMessage` naming nobody (the event does not say whom it answers). A
//! visitor's post on the Page is a `ConsumerMessage` whose post is itself. The post a
//! comment hangs on is taken as the Page's (`by_brand`): comments come on the Page's feed,
//! and a visitor post arrives first as its own event, saying otherwise. The Page's own
//! reactions and likes of the Page itself are not acted on.

use serde_json::Value;
use social_api::{Space, Timestamp};

use super::shared::{digest, id, member, millis, nobody, quoted, text};
use super::{person, Page};
use crate::webhooks::{InboundEvent, InboundMessage, InboundPerson, InboundPost, Parsed};

/// One feed change of `page`.
pub(super) fn change(page: &Page, value: &Value, out: &mut Parsed) {
    let Some(item) = text(Some(value), "item") else {
        out.skipped.push("feed change without an item".to_owned());
        return;
    };
    let change = Change {
        page,
        item,
        value,
        verb: Verb::of(text(Some(value), "verb")),
        at: millis(member(Some(value), "created_time")),
    };
    match item {
        "comment" => change.comment(out),
        "status" | "post" | "photo" | "video" => change.post(out),
        "reaction" | "like" => change.reaction(out),
        other => out
            .skipped
            .push(format!("feed item {}: not acted on", quoted(other))),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    Add,
    /// `edited` for comments and posts, `edit` for a changed reaction.
    Edited,
    Remove,
    Other,
}

impl Verb {
    fn of(verb: Option<&str>) -> Verb {
        match verb {
            Some("add") => Verb::Add,
            Some("edited" | "edit") => Verb::Edited,
            Some("remove") => Verb::Remove,
            _ => Verb::Other,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Verb::Add => "add",
            Verb::Edited => "edited",
            Verb::Remove => "remove",
            Verb::Other => "other",
        }
    }
}

struct Change<'a> {
    page: &'a Page,
    item: &'a str,
    value: &'a Value,
    verb: Verb,
    at: Option<Timestamp>,
}

impl Change<'_> {
    fn comment(&self, out: &mut Parsed) {
        let Some(comment_id) = id(member(Some(self.value), "comment_id")) else {
            out.skipped.push("comment without comment_id".to_owned());
            return;
        };
        let post_id = id(member(Some(self.value), "post_id"));
        let in_reply_to = id(member(Some(self.value), "parent_id"))
            .filter(|parent| Some(parent) != post_id.as_ref());
        let post = post_id.map(|post_id| InboundPost {
            platform_id: post_id,
            text: None,
            author: None,
            by_brand: true,
            permalink: self.permalink(),
        });
        self.message("comment", comment_id, in_reply_to, post, out);
    }

    fn post(&self, out: &mut Parsed) {
        let Some(post_id) = id(member(Some(self.value), "post_id")) else {
            out.skipped
                .push(format!("feed {} without post_id", quoted(self.item)));
            return;
        };
        if member(Some(self.value), "published").and_then(Value::as_i64) == Some(0) {
            out.skipped.push("an unpublished post".to_owned());
            return;
        }
        let by_brand = self.author().is_some_and(|author| self.page.is(&author));
        let post = InboundPost {
            platform_id: post_id.clone(),
            text: self.text(),
            author: self.author().and_then(|author| author.name),
            by_brand,
            permalink: self.permalink(),
        };
        self.message("post", post_id, None, Some(post), out);
    }

    /// A comment or post: written, edited or removed.
    fn message(
        &self,
        kind: &str,
        platform_id: String,
        in_reply_to: Option<String>,
        post: Option<InboundPost>,
        out: &mut Parsed,
    ) {
        let (key, event) = match self.verb {
            Verb::Add => {
                let Some(author) = self.author() else {
                    out.skipped.push(format!("{kind} without an author"));
                    return;
                };
                let by_page = self.page.is(&author);
                let message = InboundMessage {
                    platform_id: platform_id.clone(),
                    space: Space::Public,
                    consumer: if by_page { nobody() } else { author },
                    text: self
                        .text()
                        .unwrap_or_else(|| format!("[{kind} without text]")),
                    in_reply_to,
                    post,
                };
                let event = if by_page {
                    InboundEvent::BrandMessage(message)
                } else {
                    InboundEvent::ConsumerMessage(message)
                };
                (format!("{kind}:{platform_id}:add"), event)
            }
            Verb::Edited => {
                let Some(text) = self.text() else {
                    out.skipped.push(format!("{kind} edit without text"));
                    return;
                };
                // Each edit is its own event, and the same edit delivered twice is one:
                // its time and text tell it apart.
                let time = self.at.map_or(-1, |at| at.0);
                let key = format!("{kind}:{platform_id}:edited:{time}:{}", digest(&text));
                (key, InboundEvent::Edited { platform_id, text })
            }
            Verb::Remove => (
                format!("{kind}:{platform_id}:remove"),
                InboundEvent::Deleted { platform_id },
            ),
            Verb::Other => {
                out.skipped
                    .push(format!("{kind} verb {}: not acted on", self.verb_name()));
                return;
            }
        };
        out.events.push(self.page.inbound(&key, self.at, event));
    }

    fn reaction(&self, out: &mut Parsed) {
        let target = id(member(Some(self.value), "comment_id"))
            .or_else(|| id(member(Some(self.value), "post_id")));
        let Some(target) = target else {
            out.skipped.push("a like of the Page itself".to_owned());
            return;
        };
        let Some(consumer) = self.author() else {
            out.skipped.push("reaction without a person".to_owned());
            return;
        };
        if self.page.is(&consumer) {
            out.skipped.push("the Page's own reaction".to_owned());
            return;
        }
        // The 2016 format names no type: a like.
        let kind = text(Some(self.value), "reaction_type").unwrap_or("like");
        let reaction = match self.verb {
            Verb::Add | Verb::Edited => Some(kind.to_owned()),
            Verb::Remove => None,
            Verb::Other => {
                out.skipped
                    .push(format!("reaction verb {}: not acted on", self.verb_name()));
                return;
            }
        };
        let time = self.at.map_or(-1, |at| at.0);
        let key = format!(
            "reaction:{target}:{}:{}:{time}:{kind}",
            consumer.platform_id,
            self.verb.name()
        );
        let event = InboundEvent::Reaction {
            target_platform_id: target,
            consumer,
            reaction,
        };
        out.events.push(self.page.inbound(&key, self.at, event));
    }

    /// `from{id,name}`, else the 2016 `sender_id`/`sender_name`, else a Page like's `user_id`.
    fn author(&self) -> Option<InboundPerson> {
        let from = member(Some(self.value), "from");
        if let Some(from_id) = id(member(from, "id")) {
            return Some(person(from_id, text(from, "name")));
        }
        let sender = id(member(Some(self.value), "sender_id"))
            .or_else(|| id(member(Some(self.value), "user_id")))?;
        Some(person(sender, text(Some(self.value), "sender_name")))
    }

    /// The message, then what it carries (a photo, a video, a link), one per line.
    fn text(&self) -> Option<String> {
        let mut parts: Vec<String> = text(Some(self.value), "message")
            .map(str::to_owned)
            .into_iter()
            .collect();
        for field in ["photo", "video", "link"] {
            if let Some(url) = text(Some(self.value), field) {
                // A photo or video post's `link` is the media itself.
                let label = match (field, self.item) {
                    ("link", "photo" | "video") => self.item,
                    _ => field,
                };
                parts.push(format!("[{label}] {url}"));
            }
        }
        (!parts.is_empty()).then(|| parts.join("\n"))
    }

    fn permalink(&self) -> Option<String> {
        text(member(Some(self.value), "post"), "permalink_url")
            .or_else(|| text(Some(self.value), "permalink_url"))
            .map(str::to_owned)
    }

    fn verb_name(&self) -> String {
        quoted(text(Some(self.value), "verb").unwrap_or(""))
    }
}
