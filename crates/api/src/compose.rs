//! The composer's draft as the agent builds it (text, chosen space, note mode, reply
//! target), how the agent's gestures change it, and the one request it becomes. The widget
//! offers Send exactly when [`ComposerDraft::request`] is `Ok`, and the server accepts
//! exactly what `rules::check_message` accepts, which this calls: the two cannot disagree.
//!
//! The space of a draft with text never changes but by the agent's own choice: replying to
//! a message in the other space, or the consumer writing there, leaves it where it was and
//! shows the mismatch instead ([`ComposerDraft::mismatch`]).

use serde::{Deserialize, Serialize};

use crate::actions::{has_mention, mention_for};
use crate::contract::SendMessage;
use crate::model::{Agent, Conversation, MessageId, Space, Timestamp};
use crate::rules::{capabilities, check_message, Denied, ReplyTarget};

/// What the agent is writing in one conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComposerDraft {
    pub text: String,
    /// The consumer message the reply answers.
    pub reply_to: Option<MessageId>,
    /// Public or Private as the agent chose it; `None` follows the conversation's default.
    pub space: Option<Space>,
    /// Written as an internal note, whatever `space` says.
    pub internal: bool,
}

impl ComposerDraft {
    /// The agent typed `text` in a draft that goes to `space` now: the first text pins that
    /// space, so nothing the agent did not choose can move it later.
    pub fn set_text(&mut self, text: String, space: Space) {
        if self.space.is_none() && !text.is_empty() && space != Space::Internal {
            self.space = Some(space);
        }
        self.text = text;
    }

    /// The agent picked Public or Private.
    pub fn choose_space(&mut self, space: Space) {
        self.space = Some(space);
    }

    /// The agent turned note mode on or off. A note answers nothing, so the reply target
    /// goes with note mode.
    pub fn set_note(&mut self, note: bool) {
        self.internal = note;
        if note {
            self.reply_to = None;
        }
    }

    /// The agent pressed Reply on `target`: it becomes the reply target, or stops being it
    /// when it already was. An empty draft follows the target into its space when the
    /// conversation offers that space (`toggle`); a draft with text keeps its space.
    pub fn toggle_reply(&mut self, target: ReplyTarget, toggle: bool) {
        if self.reply_to == Some(target.message()) {
            self.reply_to = None;
            return;
        }
        self.reply_to = Some(target.message());
        self.internal = false;
        if self.text.is_empty() && toggle {
            self.space = Some(target.space());
        }
    }

    /// The space of the reply target, when it is not the space the draft goes to: the
    /// mismatch the composer shows, with its two fixes, until the agent resolves it.
    pub fn mismatch(
        &self,
        conversation: &Conversation,
        agent: &Agent,
        now: Timestamp,
    ) -> Option<Space> {
        let target = ReplyTarget::new(conversation, self.reply_to?).ok()?;
        let space = capabilities(conversation, agent, self.chosen(), now).space;
        (space != Space::Internal && target.space() != space).then_some(target.space())
    }

    /// The space the agent asked for, as `rules::capabilities` takes it.
    pub fn chosen(&self) -> Option<Space> {
        if self.internal {
            Some(Space::Internal)
        } else {
            self.space
        }
    }

    /// The request this draft becomes for `agent` now, checked or not.
    pub fn body(&self, conversation: &Conversation, agent: &Agent, now: Timestamp) -> SendMessage {
        let caps = capabilities(conversation, agent, self.chosen(), now);
        // The agent wrote the mention (Mention inserts it): the request says so, and on
        // Facebook the server turns it into a tag of the consumer.
        let mention = caps.mention.is_ok()
            && mention_for(conversation).is_some_and(|m| has_mention(&self.text, &m));
        SendMessage {
            text: self.text.clone(),
            space: caps.space,
            reply_to: self.reply_to.filter(|_| caps.space != Space::Internal),
            mention,
            attachments: Vec::new(),
        }
    }

    /// The request this draft sends for `agent` now, or why it cannot be sent.
    pub fn request(
        &self,
        conversation: &Conversation,
        agent: &Agent,
        now: Timestamp,
    ) -> Result<SendMessage, Denied> {
        let body = self.body(conversation, agent, now);
        check_message(conversation, agent, &body, now).map(|_| body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn both_spaces() -> Conversation {
        let message = |id: i64, space: Space| Message {
            id: MessageId(id),
            platform_id: Some(format!("p{id}")),
            author: Author::Consumer,
            space,
            text: "hi".into(),
            reply_to: None,
            sent_at: Timestamp(id),
            liked_by_brand: false,
            delivery: Delivery::Sent,
            private_reply: false,
            edited: false,
            deleted: false,
            consumer_reaction: None,
        };
        Conversation {
            id: ConversationId(1),
            source: Source::X,
            brand: BrandChannel {
                platform_id: "b".into(),
                name: "Acme".into(),
                handle: None,
                disconnected: false,
            },
            consumer: Consumer {
                platform_id: "c".into(),
                profile: Profile::Withheld(WithheldReason::NoProfileAvailable),
            },
            post: None,
            assigned_to: Some(Assignee {
                id: AgentId(1),
                name: "Dana".into(),
            }),
            messages: vec![message(1, Space::Public), message(2, Space::Private)],
            event_cursor: 0,
            facts: Default::default(),
            older_cursor: None,
            skill: None,
            engagement: None,
        }
    }

    fn dana() -> Agent {
        Agent {
            id: AgentId(1),
            name: "Dana".into(),
            kind: AgentKind::Human,
            role: Role::Agent,
        }
    }

    const NOW: Timestamp = Timestamp(1_000);

    #[test]
    fn a_private_draft_stays_private_when_the_agent_replies_to_a_public_message() {
        let c = both_spaces();
        let mut draft = ComposerDraft::default();
        draft.set_text("ships to 1-2-3 Shibuya".into(), Space::Private);
        let public = ReplyTarget::new(&c, MessageId(1)).expect("consumer message");
        draft.toggle_reply(public, true);
        assert_eq!(draft.space, Some(Space::Private));
        assert_eq!(draft.mismatch(&c, &dana(), NOW), Some(Space::Public));
        assert_eq!(
            draft.request(&c, &dana(), NOW),
            Err(Denied::ReplyInOtherSpace)
        );

        // Either fix resolves it: reply publicly instead, or drop the target.
        let mut publicly = draft.clone();
        publicly.choose_space(Space::Public);
        assert_eq!(publicly.mismatch(&c, &dana(), NOW), None);
        assert!(publicly.request(&c, &dana(), NOW).is_ok());
        draft.toggle_reply(public, true);
        assert_eq!(draft.reply_to, None);
        assert_eq!(
            draft.request(&c, &dana(), NOW).map(|r| r.space),
            Ok(Space::Private)
        );
    }

    #[test]
    fn the_request_says_mention_only_when_the_text_carries_it() {
        let mut c = both_spaces();
        c.consumer.profile = Profile::Available(PublicProfile {
            display_name: "Kenji".into(),
            handle: Some("kenji".into()),
            picture_url: None,
            profile_url: None,
            locale: None,
            timezone: None,
            follower_count: None,
        });
        let draft = |text: &str| ComposerDraft {
            text: text.into(),
            space: Some(Space::Public),
            ..ComposerDraft::default()
        };
        let plain = draft("thanks").request(&c, &dana(), NOW).expect("fits");
        assert!(!plain.mention);
        assert_eq!(plain.text, "thanks");
        assert!(
            draft("thanks @kenji")
                .request(&c, &dana(), NOW)
                .expect("fits")
                .mention
        );
        let private = ComposerDraft {
            space: Some(Space::Private),
            ..draft("thanks @kenji")
        };
        assert!(!private.request(&c, &dana(), NOW).expect("fits").mention);
    }

    #[test]
    fn an_empty_draft_follows_the_target_into_its_space() {
        let c = both_spaces();
        let mut draft = ComposerDraft::default();
        draft.toggle_reply(ReplyTarget::new(&c, MessageId(1)).expect("ok"), true);
        assert_eq!(draft.space, Some(Space::Public));
        assert_eq!(draft.mismatch(&c, &dana(), NOW), None);
        let mut no_toggle = ComposerDraft::default();
        no_toggle.toggle_reply(ReplyTarget::new(&c, MessageId(1)).expect("ok"), false);
        assert_eq!(no_toggle.space, None);
    }

    #[test]
    fn the_first_text_pins_the_space_and_later_text_keeps_it() {
        let mut draft = ComposerDraft::default();
        draft.set_text(String::new(), Space::Public);
        assert_eq!(draft.space, None, "nothing typed, nothing pinned");
        draft.set_text("a".into(), Space::Public);
        draft.set_text("ab".into(), Space::Private);
        assert_eq!(draft.space, Some(Space::Public));
        let mut note = ComposerDraft::default();
        note.set_note(true);
        note.set_text("for the team".into(), Space::Internal);
        assert_eq!(note.space, None, "a note pins no reply space");
    }

    #[test]
    fn note_mode_drops_the_reply_target_and_replying_leaves_note_mode() {
        let c = both_spaces();
        let mut draft = ComposerDraft::default();
        let target = ReplyTarget::new(&c, MessageId(2)).expect("ok");
        draft.toggle_reply(target, true);
        draft.set_note(true);
        assert_eq!(draft.reply_to, None);
        assert_eq!(draft.mismatch(&c, &dana(), NOW), None);
        draft.toggle_reply(target, true);
        assert!(!draft.internal);
        assert_eq!(draft.reply_to, Some(MessageId(2)));
    }
}
