//! How an outgoing message's delivery reads to the agent: on its way, sent, not delivered
//! (with the platform's refusal in plain words and what to do next), or unknown when it
//! has been on its way too long to trust.

use crate::model::{Delivery, Message, Source, Timestamp};

/// A message still "on its way" after this long may or may not have reached the platform.
pub const OUTCOME_UNKNOWN_AFTER_MS: i64 = 2 * 60 * 1000;

/// What the agent reads about a message the brand sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status<'a> {
    Sending,
    Sent,
    NotDelivered(Explanation<'a>),
    /// On its way for longer than [`OUTCOME_UNKNOWN_AFTER_MS`].
    Unknown,
}

/// A platform's refusal in plain words, with the next step; the raw text is kept for the
/// details.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Explanation<'a> {
    pub summary: &'static str,
    pub next_step: &'static str,
    /// The platform's own words (and code), as it gave them.
    pub raw: &'a str,
}

/// The delivery of `message` at `now`.
pub fn status(message: &Message, source: Source, now: Timestamp) -> Status<'_> {
    match &message.delivery {
        Delivery::Sent => Status::Sent,
        Delivery::Pending if now.0.saturating_sub(message.sent_at.0) > OUTCOME_UNKNOWN_AFTER_MS => {
            Status::Unknown
        }
        Delivery::Pending => Status::Sending,
        Delivery::Failed { reason } => Status::NotDelivered(explain(source, reason)),
    }
}

/// The known refusals: which platform, how the raw reason shows it (a Graph error code
/// `(#N)`, or words the platform uses), and what it means for the agent.
struct Known {
    source: Option<Source>,
    /// Graph error codes, written as `(#10)` in Meta's messages.
    codes: &'static [&'static str],
    /// Words of the platform's message (lowercase).
    words: &'static [&'static str],
    summary: &'static str,
    next_step: &'static str,
}

const FB: Option<Source> = Some(Source::Facebook);
const X: Option<Source> = Some(Source::X);

/// First match wins, so specific entries come before general ones.
const KNOWN: &[Known] = &[
    Known {
        source: FB,
        codes: &["(#10)"],
        words: &["outside of allowed window"],
        summary: "Messenger's reply window had closed: Facebook takes a page's messages only within 24 hours of the consumer's last message (7 days for a person, with the human-agent tag).",
        next_step: "Wait for the consumer to write again, then answer.",
    },
    Known {
        source: FB,
        codes: &["(#10900)"],
        words: &["already replied"],
        summary: "This comment already has its one private reply.",
        next_step: "Continue in the Messenger conversation.",
    },
    Known {
        source: FB,
        codes: &["(#551)"],
        words: &["isn't available"],
        summary: "The person cannot get messages from the page right now (they may have blocked it or closed their account).",
        next_step: "Answer publicly, or wait until they write again.",
    },
    Known {
        source: FB,
        codes: &["(#190)"],
        words: &["access token"],
        summary: "The page's connection to Facebook has expired.",
        next_step: "Ask an admin to reconnect the page, then retry.",
    },
    Known {
        source: FB,
        codes: &["(#200)", "(#230)", "(#3)"],
        words: &["permission"],
        summary: "The page lacks the Facebook permission this needs.",
        next_step: "Ask an admin to check the page's permissions.",
    },
    Known {
        source: FB,
        codes: &["(#368)"],
        words: &["policies", "abusive"],
        summary: "Facebook blocked it as against its policies.",
        next_step: "Check the text against Facebook's community standards before sending it again.",
    },
    Known {
        source: FB,
        codes: &["(#4)", "(#17)", "(#32)", "(#613)"],
        words: &["request limit"],
        summary: "Facebook's rate limit was reached.",
        next_step: "Wait a few minutes, then retry.",
    },
    Known {
        source: FB,
        codes: &["(#1)", "(#2)"],
        words: &["temporarily", "unexpected error"],
        summary: "Facebook had a passing problem.",
        next_step: "Retry in a moment.",
    },
    Known {
        source: X,
        codes: &[],
        words: &["duplicate"],
        summary: "X refuses a post identical to one the account sent recently.",
        next_step: "Change the wording, then send it again.",
    },
    Known {
        source: X,
        codes: &[],
        words: &["deleted", "not visible"],
        summary: "The post being answered was deleted or is no longer visible.",
        next_step: "Write without a reply target, or move to a DM.",
    },
    Known {
        source: X,
        codes: &[],
        words: &["not allowed to reply", "limited who can reply"],
        summary: "The author limited who can reply to this post.",
        next_step: "Invite the consumer to a DM instead.",
    },
    Known {
        source: X,
        codes: &[],
        words: &["closed their dms", "cannot send messages", "not following"],
        summary: "This person does not take direct messages from the brand's account.",
        next_step: "Reply publicly, and invite them to a DM.",
    },
    Known {
        source: X,
        codes: &[],
        words: &["too long"],
        summary: "X counted the post as too long.",
        next_step: "Shorten it, then send it again.",
    },
    Known {
        source: X,
        codes: &[],
        words: &["expired", "invalid or expired token", "unauthorized"],
        summary: "The X account's connection has expired.",
        next_step: "Ask an admin to reconnect the account, then retry.",
    },
    Known {
        source: None,
        codes: &[],
        words: &["rate limit", "too many requests"],
        summary: "The platform's rate limit was reached.",
        next_step: "Wait until the limit resets (a few minutes), then retry.",
    },
    Known {
        source: None,
        codes: &[],
        words: &["connection is configured"],
        summary: "This server has no connection to that platform.",
        next_step: "Ask an admin to connect the page or account, then retry.",
    },
    Known {
        source: None,
        codes: &[],
        words: &["could not be reached", "timeout", "timed out"],
        summary: "The platform did not answer.",
        next_step: "Check on the platform whether it arrived before sending it again.",
    },
];

/// A refusal of `source` in plain words; an unknown one says so and keeps the raw text.
pub fn explain(source: Source, raw: &str) -> Explanation<'_> {
    let lower = raw.to_ascii_lowercase();
    let found = KNOWN.iter().find(|k| {
        k.source.is_none_or(|s| s == source)
            && (k.codes.iter().any(|code| raw.starts_with(code))
                || k.words.iter().any(|w| lower.contains(w)))
    });
    match found {
        Some(known) => Explanation {
            summary: known.summary,
            next_step: known.next_step,
            raw,
        },
        None => Explanation {
            summary: "The platform refused it.",
            next_step: "Read its reason below; retry once the cause is fixed.",
            raw,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Author, MessageId, Space};

    fn sent(delivery: Delivery, at: i64) -> Message {
        Message {
            id: MessageId(1),
            platform_id: None,
            author: Author::System,
            space: Space::Private,
            text: "t".into(),
            reply_to: None,
            sent_at: Timestamp(at),
            liked_by_brand: false,
            delivery,
            private_reply: false,
            edited: false,
            deleted: false,
            consumer_reaction: None,
        }
    }

    #[test]
    fn a_message_on_its_way_too_long_has_an_unknown_outcome() {
        let pending = sent(Delivery::Pending, 0);
        let at = |ms| status(&pending, Source::X, Timestamp(ms));
        assert_eq!(at(OUTCOME_UNKNOWN_AFTER_MS), Status::Sending);
        assert_eq!(at(OUTCOME_UNKNOWN_AFTER_MS + 1), Status::Unknown);
        assert_eq!(OUTCOME_UNKNOWN_AFTER_MS, 120_000);
        assert_eq!(
            status(&sent(Delivery::Sent, 0), Source::X, Timestamp(9e9 as i64)),
            Status::Sent
        );
    }

    #[test]
    fn metas_codes_read_as_plain_words_with_the_raw_text_kept() {
        let raw = "(#10) This message is sent outside of allowed window.";
        let failed = sent(Delivery::Failed { reason: raw.into() }, 0);
        let Status::NotDelivered(said) = status(&failed, Source::Facebook, Timestamp(0)) else {
            panic!("not delivered");
        };
        assert!(
            said.summary.contains("window had closed"),
            "{}",
            said.summary
        );
        assert!(said.next_step.contains("write again"));
        assert_eq!(said.raw, raw);
        assert!(explain(
            Source::Facebook,
            "(#613) Calls to this api have exceeded the rate limit."
        )
        .summary
        .contains("rate limit"));
        assert!(explain(
            Source::Facebook,
            "(#551) This person isn't available right now."
        )
        .summary
        .contains("cannot get messages"));
        // Codes are read where Meta writes them, not anywhere in the text.
        assert_ne!(
            explain(Source::Facebook, "Order (#10) shipped").summary,
            explain(Source::Facebook, raw).summary
        );
    }

    #[test]
    fn xs_refusals_and_unknown_ones() {
        assert!(explain(
            Source::X,
            "You are not allowed to create a Tweet with duplicate content."
        )
        .summary
        .contains("identical"));
        assert!(explain(Source::X, "the consumer closed their DMs")
            .summary
            .contains("direct messages"));
        // Meta's codes mean nothing on X.
        let unknown = explain(Source::X, "(#10) something");
        assert_eq!(unknown.summary, "The platform refused it.");
        assert_eq!(unknown.raw, "(#10) something");
    }
}
