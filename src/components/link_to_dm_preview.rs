//! The Link to DM preview: each message the invitation sends, where it goes and its text
//! (editable where the platform allows), checked by the same rules the server applies.
//! A second invitation asks first.

use leptos::{either::EitherOf3, html, prelude::*};
use social_api::{rules, Source};

use super::{handler, message_item::quote_of, Sentence};
use crate::{host::WorkspaceInput, state::OpenConversation, time};

/// The preview, while it is open.
#[component]
pub fn LinkToDmPreview(
    /// The open conversation.
    state: OpenConversation,
    /// The region's id, which the Link to DM button controls.
    id: String,
) -> impl IntoView {
    let send = state.invite_action();
    let pending = send.pending();
    let first = NodeRef::<html::Textarea>::new();
    // What the server would say of the invitation as edited now.
    let check = Memo::new(move |_| {
        let preview = state.invite_preview.get()?;
        let reply_to = state.draft.with(|d| d.compose.reply_to);
        let request = social_api::DmInviteRequest {
            reply_to,
            public_text: Some(preview.public_text),
            private_text: Some(preview.private_text),
        };
        let now = state.now.get();
        state.actor.with(|actor| {
            let agent = &actor.as_ref()?.agent;
            Some(
                state
                    .conversation
                    .with(|c| rules::check_dm_invite(c, agent, &request, now)),
            )
        })
    });
    move || {
        let invite = check.get()?;
        let (source, consumer) = state
            .conversation
            .with_untracked(|c| (c.source, c.consumer.profile.display_name().to_owned()));
        let reason = invite.as_ref().err().map(ToString::to_string);
        let blocked = reason.is_some();
        let answers = invite.as_ref().ok().and_then(|i| i.answers);
        let private_reply = invite.as_ref().ok().and_then(|i| i.private_reply_to);
        // The consumer's name isolated: a direction control in it cannot reorder the time.
        let again = state.invited_at.get().map(|at| {
            Sentence {
                theirs: consumer.clone(),
                between: format!(
                    " was invited at {}. Send another invitation?",
                    time::format(at)
                ),
                ..Sentence::default()
            }
            .view()
        });
        let send_label = if again.is_some() {
            "Send another invitation"
        } else {
            "Send invitation"
        };
        let public_id = format!("{id}-public");
        let private_id = format!("{id}-private");
        let reason_id = format!("{id}-reason");
        let where_public = match answers {
            Some(message) => {
                let mut quote = quote_of(&state, message);
                quote
                    .before
                    .insert_str(0, &format!("1. A public {} — ", noun(source)));
                quote
            }
            None => Sentence {
                before: format!("1. A public {} under the post.", noun(source)),
                ..Sentence::default()
            },
        };
        let private_part = match (source, private_reply) {
            (Source::Facebook, Some(_)) => EitherOf3::A(view! {
                <li>
                    <label for=private_id.clone()>"2. A Facebook private reply to the same comment, which opens Messenger:"</label>
                    <textarea
                        id=private_id.clone()
                        class="composer__input"
                        rows="2"
                        prop:value=move || state.invite_preview.with(|p| p.as_ref().map(|p| p.private_text.clone()).unwrap_or_default())
                        on:input=handler(move |ev| {
                            let text = event_target_value(&ev);
                            state.edit_invite(|p| p.private_text = text);
                        })
                    ></textarea>
                </li>
            }),
            (Source::Facebook, None) => EitherOf3::B(view! {
                <li>"No Facebook private reply: this comment is over 7 days old or has had its one."</li>
            }),
            (Source::X, _) => EitherOf3::C(view! {
                <li>"X shows a “Send a private message” button under the reply, which opens a DM with the brand."</li>
            }),
        };
        // The preview may be closed before the frame: then there is nothing to focus.
        request_animation_frame(move || {
            if let Some(first) = first.try_get_untracked().flatten() {
                let _ = first.focus();
            }
        });
        Some(view! {
            <section class="invite" id=id.clone() aria-label=format!("Invite {consumer} to a private conversation")>
                <h3>
                    {Sentence {
                        before: "Invite ".into(),
                        theirs: consumer.clone(),
                        between: " to a private conversation".into(),
                        ..Sentence::default()
                    }
                    .view()}
                </h3>
                {again.map(|again| view! { <p class="invite__again" role="status">{again}</p> })}
                <ol class="invite__parts">
                    <li>
                        <label for=public_id.clone()>{where_public.view()}</label>
                        <textarea
                            id=public_id
                            class="composer__input"
                            rows="2"
                            node_ref=first
                            aria-describedby=blocked.then(|| reason_id.clone())
                            prop:value=move || state.invite_preview.with(|p| p.as_ref().map(|p| p.public_text.clone()).unwrap_or_default())
                            on:input=handler(move |ev| {
                                let text = event_target_value(&ev);
                                state.edit_invite(|p| p.public_text = text);
                            })
                        ></textarea>
                    </li>
                    {private_part}
                </ol>
                {reason.map(|reason| view! { <p class="composer__reason" id=reason_id.clone()>{reason}</p> })}
                {move || state.invite_error.get().map(|error| view! { <p class="composer__error" role="alert">{error}</p> })}
                <p class="invite__actions">
                    <button
                        type="button"
                        class="button button--primary"
                        aria-disabled=move || (blocked || pending.get()).then_some("true")
                        aria-busy=move || pending.get().then_some("true")
                        on:click=handler(move |_| {
                            if !blocked && !pending.get_untracked() {
                                send.dispatch(());
                            }
                        })
                    >
                        {send_label}
                    </button>
                    {use_context::<WorkspaceInput>().map(|workspace| view! {
                        // For agents who send from the workspace's own input: the public
                        // invitation, as edited here, goes there, and nothing is sent.
                        <button
                            type="button"
                            class="button"
                            aria-disabled=blocked.then_some("true")
                            on:click=handler(move |_| {
                                if blocked {
                                    return;
                                }
                                if let Some(preview) = state.invite_preview.get_untracked() {
                                    workspace.0.run(preview.public_text);
                                    state.close_invite();
                                }
                            })
                        >
                            "Write in the workspace"
                        </button>
                    })}
                    <button type="button" class="button" on:click=handler(move |_| state.close_invite())>
                        "Cancel"
                    </button>
                </p>
            </section>
        })
    }
}

/// What a public reply is called on the network.
fn noun(source: Source) -> &'static str {
    match source {
        Source::Facebook => "comment reply",
        Source::X => "reply tweet",
    }
}
