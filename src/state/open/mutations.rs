//! The agent's actions that reach the server: send, like and unlike, retry, Link to DM.
//! Each is an `Action` whose synchronous part runs at once (optimistic writes, guards)
//! and whose future writes the answer, or the rollback with its reason, into the model.

use std::{future::Future, pin::Pin, rc::Rc};

use leptos::prelude::*;
use social_api::{
    events::Change,
    rules::{self, LikeTarget, LinkToDm},
    Conversation, Delivery, DmInviteRequest, Message, MessageId,
};

use super::OpenConversation;
use crate::client::{self, Liked};
use crate::state::Failure;

/// The work of one dispatch. One boxed type for every action, so the wasm carries the
/// action machinery once rather than once per mutation (docs/size.md).
type Work = Rc<dyn Fn() -> Pin<Box<dyn Future<Output = ()>>>>;

fn action(work: Work) -> Action<(), ()> {
    Action::new_local(move |_: &()| work())
}

/// Writes the brand's like of `target` into the model (an optimistic write or its undo).
fn set_liked(conversation: &mut Conversation, target: LikeTarget, liked: bool) {
    match target {
        LikeTarget::Message(id) => {
            if let Some(m) = super::older::message_mut(conversation, id) {
                m.liked_by_brand = liked;
            }
        }
        LikeTarget::Post => {
            if let Some(p) = &mut conversation.post {
                p.liked_by_brand = liked;
            }
        }
    }
}

impl OpenConversation {
    /// Applies a change from the live stream, once: a change the model has already seen
    /// (its log id is not past the last one applied) changes nothing. Answers whether it
    /// was applied.
    pub fn apply(&self, event_id: i64, change: Change) -> bool {
        let fresh = self
            .conversation
            .with_untracked(|c| event_id > c.event_cursor);
        if !fresh {
            return false;
        }
        self.conversation.update(|c| {
            c.event_cursor = event_id;
            match change {
                Change::Message(message) => super::older::place(c, message),
                Change::Post(post) => c.post = Some(post),
                Change::Consumer(consumer) => c.consumer = consumer,
                Change::Brand(brand) => c.brand = brand,
            }
        });
        true
    }

    /// Replaces a message with the server's version of it, or appends a new one.
    fn put(&self, message: Message) {
        self.conversation
            .update(|c| super::older::place(c, message));
    }

    /// Sends the draft, if the rules allow it now. On success the message joins the
    /// transcript and the draft clears (unless the agent typed on meanwhile); on failure
    /// the draft stays as typed and the reason is kept with it.
    pub fn send_action(self) -> Action<(), ()> {
        action(Rc::new(move || {
            let request = self.outgoing();
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
                            if d.compose.text == body.text {
                                d.compose.text.clear();
                                d.compose.reply_to = None;
                                // Note mode ends with the note saved (the hint says so).
                                d.compose.internal = false;
                            }
                        });
                        self.changed();
                    }
                    Err(error) => self.edit(|d| {
                        d.sending = false;
                        d.error = Some(Failure::from(error).to_string());
                    }),
                }
            })
        }))
    }

    /// The token and the request for the draft as it is, when the rules let it go and no
    /// send of it is on its way.
    fn outgoing(&self) -> Option<(String, social_api::SendMessage)> {
        let token = self.token()?;
        let now = self.now.get_untracked();
        let request = self.actor.with_untracked(|actor| {
            let agent = &actor.as_ref()?.agent;
            self.draft.with_untracked(|d| {
                (!d.sending).then_some(())?;
                self.conversation
                    .with_untracked(|c| d.compose.request(c, agent, now).ok())
            })
        })?;
        Some((token, request))
    }

    /// Likes `target` (a message or the post) for the brand, or takes the like back when
    /// the brand likes it. Optimistic: the model shows the new state at once and returns to
    /// the old one, with the reason, on failure.
    pub fn like_action(self, target: LikeTarget) -> Action<(), ()> {
        action(Rc::new(move || {
            let liked = !self.conversation.with_untracked(|c| target.liked(c));
            let allowed = self.actor.with_untracked(|actor| {
                let agent = &actor.as_ref()?.agent;
                self.conversation.with_untracked(|c| {
                    let rule = if liked {
                        rules::can_like
                    } else {
                        rules::can_unlike
                    };
                    rule(c, agent, target).ok()
                })
            });
            let token = self.token().filter(|_| allowed.is_some());
            if token.is_some() {
                self.conversation.update(|c| set_liked(c, target, liked));
            }
            self.set_notice(target, None);
            Box::pin(async move {
                let Some(token) = token else { return };
                let message = match target {
                    LikeTarget::Message(message) => Some(message),
                    LikeTarget::Post => None,
                };
                let answer = client::like(&token, self.id, message, liked).await;
                let answer = answer.map(|answer| match answer {
                    Liked::Message(message) => self.put(message),
                    Liked::Post(post) => self.conversation.update(|c| c.post = Some(post)),
                });
                if let Err(error) = answer {
                    self.conversation.update(|c| set_liked(c, target, !liked));
                    let what = if liked { "Not liked" } else { "Not unliked" };
                    let why = Failure::from(error);
                    self.set_notice(target, Some(format!("{what}: {why}")));
                }
            })
        }))
    }

    /// Sends a failed message again, with its stored text, when the rules allow it now. It
    /// shows "Sending…" at once, then "Sent" or why it was not delivered.
    pub fn retry_action(self, message: MessageId) -> Action<(), ()> {
        action(Rc::new(move || {
            let now = self.now.get_untracked();
            let allowed = self.actor.with_untracked(|actor| {
                let agent = &actor.as_ref()?.agent;
                self.conversation
                    .with_untracked(|c| rules::can_retry(c, agent, message, now).ok())
            });
            let token = self.token().filter(|_| allowed.is_some());
            self.set_notice(LikeTarget::Message(message), None);
            let before = token
                .as_ref()
                .and_then(|_| self.set_delivery(message, Delivery::Pending));
            if token.is_some() {
                self.retrying.update(|all| all.push(message));
            }
            Box::pin(async move {
                let Some(token) = token else { return };
                let answer = client::retry(&token, message).await;
                self.retrying.update(|all| all.retain(|m| *m != message));
                match answer {
                    Ok(answer) => {
                        let sent = answer.delivery == Delivery::Sent;
                        self.put(answer);
                        if sent {
                            self.resent.update(|all| all.push(message));
                        }
                        self.changed();
                    }
                    Err(error) => {
                        if let Some(before) = before {
                            self.set_delivery(message, before);
                        }
                        self.set_notice(
                            LikeTarget::Message(message),
                            Some(format!("Not sent: {}", Failure::from(error))),
                        );
                    }
                }
            })
        }))
    }

    /// Writes a message's delivery into the model; returns the one it replaced.
    fn set_delivery(&self, message: MessageId, delivery: Delivery) -> Option<Delivery> {
        let mut before = None;
        self.conversation.update(|c| {
            if let Some(m) = super::older::message_mut(c, message) {
                before = Some(std::mem::replace(&mut m.delivery, delivery));
            }
        });
        before
    }

    /// "Link to DM": the invitation the preview shows (its texts as the agent edited them),
    /// answering the draft's reply target when it has one.
    pub fn invite_action(self) -> Action<(), ()> {
        action(Rc::new(move || {
            let allowed = self.link_to_dm.get_untracked() == LinkToDm::Shown(Ok(()));
            let preview = self.invite_preview.get_untracked();
            let token = self.token().filter(|_| allowed && preview.is_some());
            let request = DmInviteRequest {
                reply_to: self.draft.with_untracked(|d| d.compose.reply_to),
                public_text: preview.as_ref().map(|p| p.public_text.clone()),
                private_text: preview.map(|p| p.private_text),
            };
            self.invite_error.set(None);
            Box::pin(async move {
                let Some(token) = token else { return };
                match client::dm_invite(&token, self.id, &request).await {
                    Ok(sent) => {
                        self.put(sent.public_reply);
                        if let Some(private) = sent.private_reply {
                            self.put(private);
                        }
                        self.invite_preview.set(None);
                        self.changed();
                    }
                    Err(error) => self.invite_error.set(Some(format!(
                        "The invitation was not sent: {}",
                        Failure::from(error)
                    ))),
                }
            })
        }))
    }
}
