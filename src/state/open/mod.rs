//! The one reactive model of an open conversation: the conversation, who acts, the draft
//! and the time go in as signals; what every control may do comes out as memos over them,
//! each the value of one `social_api` function. The agent's intents ([`intents`]) and the
//! mutations ([`mutations`]) are methods on the same model.

mod intents;
mod mutations;
mod older;

use leptos::{html, prelude::*};
use social_api::{
    actions::last_invitation,
    length::measure,
    rules::{self, Capabilities, Denied, LikeControl, LikeTarget, LinkToDm, ReplyTarget},
    Agent, Conversation, ConversationId, MessageId, Space, Timestamp,
};

use super::{Actor, Draft, Drafts};

/// A rule's value for whoever acts now (tracked); `None` while nobody does.
fn for_actor<T>(
    actor: Signal<Option<Actor>>,
    conversation: RwSignal<Conversation>,
    now: Signal<Timestamp>,
    rule: impl FnOnce(&Conversation, &Agent, Timestamp) -> Option<T>,
) -> Option<T> {
    let now = now.get();
    actor.with(|actor| {
        let agent = &actor.as_ref()?.agent;
        conversation.with(|c| rule(c, agent, now))
    })
}

/// The invitation to a private conversation while its preview is open: the texts as the
/// agent edits them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitePreview {
    pub public_text: String,
    pub private_text: String,
}

/// One conversation while it is open.
#[derive(Clone, Copy)]
pub struct OpenConversation {
    pub id: ConversationId,
    /// The conversation as the agent sees it now, optimistic writes included.
    pub conversation: RwSignal<Conversation>,
    /// Who acts; `None` shows the conversation without controls.
    pub actor: Signal<Option<Actor>>,
    /// "Now", for Meta's time windows.
    pub now: Signal<Timestamp>,
    /// This conversation's draft (a view of the map above the conversation view).
    pub draft: Memo<Draft>,
    /// What the composer's controls may do; `None` when nobody acts.
    pub capabilities: Memo<Option<Capabilities>>,
    /// The Public/Private choice the toggle shows, when there is a toggle.
    pub toggle_space: Memo<Option<Space>>,
    /// The message the draft answers, while it is part of the conversation.
    pub reply_target: Memo<Option<ReplyTarget>>,
    /// The space of the reply target when the draft goes to the other one: nothing is sent
    /// until the agent resolves it (`compose::ComposerDraft::mismatch`).
    pub mismatch: Memo<Option<Space>>,
    /// The Link to DM control, for an invitation answering the draft's reply target.
    pub link_to_dm: Memo<LinkToDm>,
    /// When the brand last invited the consumer to a private conversation.
    pub invited_at: Memo<Option<Timestamp>>,
    /// The Link to DM preview, while it is open.
    pub invite_preview: RwSignal<Option<InvitePreview>>,
    /// Whether the draft may be sent now, and why not: the very check the server makes
    /// of the request the draft becomes; `None` while nobody acts.
    pub sendable: Memo<Option<Result<(), Denied>>>,
    /// The draft's length as the platform counts it in the space it goes to.
    pub length: Memo<usize>,
    /// Why the last like, unlike or retry failed, per message (or the post).
    pub notices: RwSignal<Vec<(LikeTarget, String)>>,
    /// Messages being sent again now: "Sending…", however old they are.
    pub retrying: RwSignal<Vec<MessageId>>,
    /// Messages sent again in this session that went through: they say "Sent".
    pub resent: RwSignal<Vec<MessageId>>,
    /// Why the last "Link to DM" failed.
    pub invite_error: RwSignal<Option<String>>,
    /// The message box, where Reply and Mention put the focus.
    pub composer_input: NodeRef<html::Textarea>,
    /// Why the last reading of older messages failed.
    pub older_error: RwSignal<Option<String>>,
    drafts: Drafts,
    /// Moved on after each change that lists show (see `ConversationModel::revision`).
    revision: Option<RwSignal<u64>>,
}

impl OpenConversation {
    pub fn new(
        conversation: Conversation,
        actor: Signal<Option<Actor>>,
        drafts: Drafts,
        now: Signal<Timestamp>,
    ) -> Self {
        let id = conversation.id;
        let conversation = RwSignal::new(conversation);
        let draft = Memo::new(move |_| drafts.get(id));
        let chosen = Memo::new(move |_| draft.with(|d| d.compose.chosen()));
        let capabilities = Memo::new(move |_| {
            let chosen = chosen.get();
            for_actor(actor, conversation, now, |c, agent, now| {
                Some(rules::capabilities(c, agent, chosen, now))
            })
        });
        let toggle_space = Memo::new(move |_| {
            let toggle = capabilities.with(|c| c.as_ref().and_then(|c| c.toggle))?;
            // A toggle is offered only when both spaces are, so any choice holds.
            Some(draft.with(|d| d.compose.space).unwrap_or(toggle.default))
        });
        let reply_target = Memo::new(move |_| {
            let target = draft.with(|d| d.compose.reply_to)?;
            conversation.with(|c| ReplyTarget::new(c, target).ok())
        });
        let mismatch = Memo::new(move |_| {
            draft.with(|d| {
                for_actor(actor, conversation, now, |c, agent, now| {
                    d.compose.mismatch(c, agent, now)
                })
            })
        });
        let link_to_dm = Memo::new(move |_| {
            let reply_to = draft.with(|d| d.compose.reply_to);
            for_actor(actor, conversation, now, |c, agent, now| {
                Some(rules::link_to_dm(c, agent, reply_to, now))
            })
            .unwrap_or(LinkToDm::Hidden)
        });
        let invited_at = Memo::new(move |_| conversation.with(last_invitation));
        let sendable = Memo::new(move |_| {
            draft.with(|d| {
                for_actor(actor, conversation, now, |c, agent, now| {
                    Some(d.compose.request(c, agent, now).map(drop))
                })
            })
        });
        let length = Memo::new(move |_| {
            let source = conversation.with(|c| c.source);
            let space = capabilities.with(|c| c.as_ref().map_or(Space::Internal, |c| c.space));
            draft.with(|d| measure(source, space, &d.compose.text))
        });
        Self {
            id,
            conversation,
            actor,
            now,
            draft,
            capabilities,
            toggle_space,
            reply_target,
            mismatch,
            link_to_dm,
            invited_at,
            invite_preview: RwSignal::new(None),
            sendable,
            length,
            notices: RwSignal::new(Vec::new()),
            retrying: RwSignal::new(Vec::new()),
            resent: RwSignal::new(Vec::new()),
            invite_error: RwSignal::new(None),
            composer_input: NodeRef::new(),
            older_error: RwSignal::new(None),
            drafts,
            revision: None,
        }
    }

    /// The same model, telling `revision` about every change that lists show.
    pub fn notifying(self, revision: RwSignal<u64>) -> Self {
        Self {
            revision: Some(revision),
            ..self
        }
    }

    /// A conversation shown without controls (nobody acts), with a draft list of its own.
    pub fn read_only(conversation: Conversation) -> Self {
        Self::new(
            conversation,
            Signal::stored(None),
            Drafts::new(),
            Signal::stored(crate::time::now()),
        )
    }

    /// Whether someone acts, so the controls are shown.
    pub fn can_act(&self) -> bool {
        self.actor.with(Option::is_some)
    }

    fn token(&self) -> Option<String> {
        self.actor
            .with_untracked(|a| a.as_ref().map(|a| a.token.clone()))
    }

    /// A value of the rules for whoever acts now; `None` while nobody does.
    fn ruled<T: PartialEq + Send + Sync + 'static>(
        &self,
        rule: impl Fn(&Conversation, &Agent, Timestamp) -> Option<T> + Send + Sync + 'static,
    ) -> Memo<Option<T>> {
        let (conversation, actor, now) = (self.conversation, self.actor, self.now);
        Memo::new(move |_| for_actor(actor, conversation, now, &rule))
    }

    /// The Like button of `target`: `rules::like_control`.
    pub fn like_control(&self, target: LikeTarget) -> Memo<Option<LikeControl>> {
        self.ruled(move |c, agent, _| rules::like_control(c, agent, target))
    }

    /// The Reply button of `message`: `rules::reply_control`.
    pub fn reply_control(&self, message: MessageId) -> Memo<Option<Result<(), Denied>>> {
        self.ruled(move |c, agent, _| rules::reply_control(c, agent, message))
    }

    /// The Retry button of `message`: `rules::retry_control`.
    pub fn retry_control(&self, message: MessageId) -> Memo<Option<Result<(), Denied>>> {
        self.ruled(move |c, agent, now| rules::retry_control(c, agent, message, now))
    }

    /// Whether the agent may act in this conversation at all (`rules::can_act_in`);
    /// `None` while nobody acts.
    pub fn may_act(&self) -> Memo<Option<Result<(), Denied>>> {
        self.ruled(|c, agent, _| Some(rules::can_act_in(c, agent)))
    }

    /// Why the last action on `target` failed, if it did (tracked).
    pub fn notice(&self, target: LikeTarget) -> Option<String> {
        self.notices.with(|all| {
            all.iter()
                .find(|(of, _)| *of == target)
                .map(|(_, n)| n.clone())
        })
    }

    fn set_notice(&self, target: LikeTarget, notice: Option<String>) {
        self.notices.update(|all| {
            all.retain(|(of, _)| *of != target);
            if let Some(notice) = notice {
                all.push((target, notice));
            }
        });
    }

    /// Tells whoever shows this conversation elsewhere that it changed.
    fn changed(&self) {
        if let Some(revision) = self.revision {
            revision.update(|n| *n += 1);
        }
    }

    /// Puts the focus in the message box, for typing after Reply or Mention.
    pub fn focus_composer(&self) {
        if let Some(input) = self.composer_input.get_untracked() {
            let _ = input.focus();
        }
    }
}
