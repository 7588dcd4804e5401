//! The one reactive model of an open conversation: the conversation, who acts, and the
//! draft go in as signals; what every control may do comes out as memos over them
//! (`rules::capabilities`, `rules::check_draft`). The agent's intents are methods here, and
//! the mutations `Action`s whose futures write the answer (or the rollback) into the model.

use std::{future::Future, pin::Pin, rc::Rc};

use leptos::prelude::*;
use social_api::{
    actions::{insert_mention, mention_for, SendMessage},
    length::measure,
    rules::{self, Capabilities, Denied, ReplyTarget},
    Conversation, ConversationId, Message, MessageId, Space,
};

use super::{Actor, Draft, Drafts};
use crate::client::{self, Liked};

/// The work of one dispatch: the synchronous part runs at once (optimistic writes), the
/// future answers. One boxed type for every action, so the wasm carries the action
/// machinery once rather than once per mutation (measured: several KB).
type Work = Rc<dyn Fn() -> Pin<Box<dyn Future<Output = ()>>>>;

fn action(work: Work) -> Action<(), ()> {
    Action::new_local(move |_: &()| work())
}

/// What the brand likes, and what a notice is about: one message, or the post the
/// conversation hangs on. One like action and one button serve both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Message(MessageId),
    Post,
}

impl Target {
    /// Whether the brand likes it now.
    pub fn liked(self, c: &Conversation) -> bool {
        match self {
            Target::Message(id) => c.message(id).is_some_and(|m| m.liked_by_brand),
            Target::Post => c.post.as_ref().is_some_and(|p| p.liked_by_brand),
        }
    }

    /// Whether the rules let the brand like it (`like`) or take its like back.
    fn allowed(self, c: &Conversation, like: bool) -> Result<(), Denied> {
        match (self, like) {
            (Target::Message(id), true) => rules::can_like(c, id),
            (Target::Message(id), false) => rules::can_unlike(c, id),
            (Target::Post, true) => rules::can_like_post(c),
            (Target::Post, false) => rules::can_unlike_post(c),
        }
    }

    /// What its Like button shows: `Some(true)` liked (it may be taken back),
    /// `Some(false)` not liked (it may be liked), `None` no button.
    pub fn like_button(self, c: &Conversation) -> Option<bool> {
        if self.allowed(c, false).is_ok() {
            Some(true)
        } else {
            self.allowed(c, true).is_ok().then_some(false)
        }
    }

    fn set_liked(self, c: &mut Conversation, liked: bool) {
        match self {
            Target::Message(id) => {
                if let Some(m) = c.messages.iter_mut().find(|m| m.id == id) {
                    m.liked_by_brand = liked;
                }
            }
            Target::Post => {
                if let Some(p) = &mut c.post {
                    p.liked_by_brand = liked;
                }
            }
        }
    }
}

/// One conversation while it is open.
#[derive(Clone, Copy)]
pub struct OpenConversation {
    pub id: ConversationId,
    /// The conversation as the agent sees it now, optimistic writes included.
    pub conversation: RwSignal<Conversation>,
    /// Who acts; `None` shows the conversation without controls.
    pub actor: Signal<Option<Actor>>,
    /// This conversation's draft (a view of the map above the conversation view).
    pub draft: Memo<Draft>,
    /// What the controls may do; `None` when nobody acts.
    pub capabilities: Memo<Option<Capabilities>>,
    /// The Public/Private choice the toggle shows, when there is a toggle.
    pub toggle_space: Memo<Option<Space>>,
    /// The message the draft answers, while it is part of the conversation.
    pub reply_target: Memo<Option<ReplyTarget>>,
    /// Whether the draft may be sent now, and why not.
    pub sendable: Memo<Result<(), Denied>>,
    /// The draft's length as the platform counts it in the space it goes to.
    pub length: Memo<usize>,
    /// Why the last like, unlike or retry of a message, or like or unlike of the post, failed.
    pub notices: RwSignal<Vec<(Target, String)>>,
    /// Why the last "Link to DM" failed.
    pub invite_error: RwSignal<Option<String>>,
    drafts: Drafts,
}

impl OpenConversation {
    pub fn new(conversation: Conversation, actor: Signal<Option<Actor>>, drafts: Drafts) -> Self {
        let id = conversation.id;
        let conversation = RwSignal::new(conversation);
        let draft = Memo::new(move |_| drafts.get(id));
        let chosen = Memo::new(move |_| draft.with(Draft::chosen));
        let capabilities = Memo::new(move |_| {
            let chosen = chosen.get();
            actor.with(|actor| {
                let agent = &actor.as_ref()?.agent;
                Some(conversation.with(|c| rules::capabilities(c, agent, chosen)))
            })
        });
        let toggle_space = Memo::new(move |_| {
            let toggle = capabilities.with(|c| c.as_ref().and_then(|c| c.toggle))?;
            // A toggle is offered only when both spaces are, so any choice holds.
            Some(draft.with(|d| d.space).unwrap_or(toggle.default))
        });
        let reply_target = Memo::new(move |_| {
            let target = draft.with(|d| d.reply_to)?;
            conversation.with(|c| ReplyTarget::new(c, target).ok())
        });
        let space =
            move || capabilities.with(|c| c.as_ref().map(|c| c.space).unwrap_or(Space::Internal));
        let sendable = Memo::new(move |_| {
            let space = space();
            let reply_to = reply_target.get();
            actor.with(|actor| {
                let agent = &actor.as_ref().ok_or(Denied::Empty)?.agent;
                draft.with(|d| {
                    let draft = rules::Draft {
                        text: &d.text,
                        space,
                        reply_to,
                        has_attachments: false,
                    };
                    conversation.with(|c| rules::check_draft(c, agent, &draft))
                })
            })
        });
        let length = Memo::new(move |_| {
            let source = conversation.with(|c| c.source);
            draft.with(|d| measure(source, space(), &d.text))
        });
        Self {
            id,
            conversation,
            actor,
            draft,
            capabilities,
            toggle_space,
            reply_target,
            sendable,
            length,
            notices: RwSignal::new(Vec::new()),
            invite_error: RwSignal::new(None),
            drafts,
        }
    }

    /// A conversation shown without controls (nobody acts), with a draft list of its own.
    pub fn read_only(conversation: Conversation) -> Self {
        Self::new(conversation, Signal::stored(None), Drafts::new())
    }

    /// Whether someone acts, so the controls are shown.
    pub fn can_act(&self) -> bool {
        self.actor.with(Option::is_some)
    }

    fn token(&self) -> Option<String> {
        self.actor
            .with_untracked(|a| a.as_ref().map(|a| a.token.clone()))
    }

    fn edit(&self, change: impl FnOnce(&mut Draft)) {
        self.drafts.update(self.id, change);
    }

    // ---- Draft intents ------------------------------------------------------------------

    pub fn set_text(&self, text: String) {
        self.edit(|d| d.text = text);
    }

    /// The agent picked Public or Private on the toggle.
    pub fn choose_space(&self, space: Space) {
        self.edit(|d| d.space = Some(space));
    }

    pub fn set_internal(&self, internal: bool) {
        self.edit(|d| d.internal = internal);
    }

    /// Answers `message`; a target in the other space moves the draft there when the
    /// toggle offers that space.
    pub fn reply_to(&self, message: MessageId) {
        let Some(target) = self
            .conversation
            .with_untracked(|c| ReplyTarget::new(c, message).ok())
        else {
            return;
        };
        let offered = self
            .capabilities
            .with_untracked(|c| c.as_ref().is_some_and(|c| c.toggle.is_some()));
        self.edit(|d| {
            d.reply_to = Some(target.message());
            if offered && target.space() != Space::Internal {
                d.space = Some(target.space());
            }
        });
    }

    pub fn clear_reply(&self) {
        self.edit(|d| d.reply_to = None);
    }

    /// Inserts the consumer's mention at `caret` (a char index), once. Returns the new
    /// text and the caret after the mention, or `None` when mentioning is not possible.
    pub fn mention(&self, caret: usize) -> Option<(String, usize)> {
        self.capabilities
            .with_untracked(|c| c.as_ref().map(|c| c.mention.is_ok()))
            .filter(|ok| *ok)?;
        let mention = self.conversation.with_untracked(mention_for)?;
        let (text, caret) = self
            .draft
            .with_untracked(|d| insert_mention(&d.text, caret, &mention));
        self.set_text(text.clone());
        Some((text, caret))
    }

    /// Why the last action on `target` failed, if it did (tracked).
    pub fn notice(&self, target: Target) -> Option<String> {
        self.notices.with(|all| {
            all.iter()
                .find(|(of, _)| *of == target)
                .map(|(_, n)| n.clone())
        })
    }

    fn set_notice(&self, target: Target, notice: Option<String>) {
        self.notices.update(|all| {
            all.retain(|(of, _)| *of != target);
            if let Some(notice) = notice {
                all.push((target, notice));
            }
        });
    }

    /// Replaces a message with the server's version of it.
    fn put(&self, message: Message) {
        self.conversation.update(
            |c| match c.messages.iter_mut().find(|m| m.id == message.id) {
                Some(old) => *old = message,
                None => c.messages.push(message),
            },
        );
    }

    // ---- Mutations ----------------------------------------------------------------------

    /// Sends the draft, if the rules allow it now. On success the message joins the
    /// transcript and the draft clears (unless the agent typed on meanwhile); on failure
    /// the draft stays as typed and the reason is kept with it.
    pub fn send_action(self) -> Action<(), ()> {
        action(Rc::new(move || {
            let request = self
                .outgoing()
                .filter(|_| !self.draft.with_untracked(|d| d.sending));
            self.edit(|d| {
                d.error = None;
                d.sending = request.is_some();
            });
            Box::pin(async move {
                let Some((token, body)) = request else { return };
                match client::send_message(&token, self.id, &body).await {
                    Ok(message) => {
                        self.put(message);
                        self.edit(|d| {
                            d.sending = false;
                            if d.text == body.text {
                                d.text.clear();
                                d.reply_to = None;
                            }
                        });
                    }
                    Err(error) => self.edit(|d| {
                        d.sending = false;
                        d.error = Some(error.to_string());
                    }),
                }
            })
        }))
    }

    /// The request for the draft as it is, when the rules let it go.
    fn outgoing(&self) -> Option<(String, SendMessage)> {
        let token = self.token()?;
        self.sendable.get_untracked().ok()?;
        let caps = self.capabilities.get_untracked()?;
        let text = self.draft.with_untracked(|d| d.text.clone());
        let mention = caps.mention.is_ok()
            && self
                .conversation
                .with_untracked(mention_for)
                .is_some_and(|m| text.contains(&m));
        let body = SendMessage {
            text,
            space: caps.space,
            reply_to: self.reply_target.get_untracked().map(|t| t.message()),
            mention,
            attachments: Vec::new(),
        };
        Some((token, body))
    }

    /// Likes `target` (a message or the post) for the brand, or takes the like back when
    /// the brand likes it. Optimistic: the model shows the new state at once and returns to
    /// the old one, with the reason, on failure.
    pub fn like_action(self, target: Target) -> Action<(), ()> {
        action(Rc::new(move || {
            let (liked, allowed) = self.conversation.with_untracked(|c| {
                let liked = !target.liked(c);
                (liked, target.allowed(c, liked))
            });
            let token = self.token().filter(|_| allowed.is_ok());
            if token.is_some() {
                self.set_liked(target, liked);
            }
            self.set_notice(target, None);
            Box::pin(async move {
                let Some(token) = token else { return };
                let message = match target {
                    Target::Message(message) => Some(message),
                    Target::Post => None,
                };
                let answer = client::like(&token, self.id, message, liked).await;
                let answer = answer.map(|answer| match answer {
                    Liked::Message(message) => self.put(message),
                    Liked::Post(post) => self.conversation.update(|c| c.post = Some(post)),
                });
                if let Err(error) = answer {
                    self.set_liked(target, !liked);
                    let what = if liked { "Not liked" } else { "Not unliked" };
                    self.set_notice(target, Some(format!("{what}: {error}")));
                }
            })
        }))
    }

    fn set_liked(&self, target: Target, liked: bool) {
        self.conversation.update(|c| target.set_liked(c, liked));
    }

    /// Sends a failed message again, with its stored text.
    pub fn retry_action(self, message: MessageId) -> Action<(), ()> {
        action(Rc::new(move || {
            let token = self.token();
            self.set_notice(Target::Message(message), None);
            Box::pin(async move {
                let Some(token) = token else { return };
                match client::retry(&token, message).await {
                    Ok(answer) => self.put(answer),
                    Err(error) => self
                        .set_notice(Target::Message(message), Some(format!("Not sent: {error}"))),
                }
            })
        }))
    }

    /// "Link to DM": the public invitation (and a Facebook private reply where allowed).
    pub fn invite_action(self) -> Action<(), ()> {
        action(Rc::new(move || {
            let allowed = self.capabilities.with_untracked(
                |c| matches!(c, Some(c) if c.link_to_dm == rules::LinkToDm::Shown(Ok(()))),
            );
            let token = self.token().filter(|_| allowed);
            self.invite_error.set(None);
            Box::pin(async move {
                let Some(token) = token else { return };
                match client::dm_invite(&token, self.id).await {
                    Ok(sent) => {
                        self.put(sent.public_reply);
                        if let Some(private) = sent.private_reply {
                            self.put(private);
                        }
                    }
                    Err(error) => self
                        .invite_error
                        .set(Some(format!("The invitation was not sent: {error}"))),
                }
            })
        }))
    }
}
