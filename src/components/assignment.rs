//! Whose conversation this is, and what that means for the signed-in agent: the reason
//! every control says when the agent may only read.

use leptos::prelude::*;
use social_api::Role;

use crate::state::OpenConversation;

/// "Assigned to you", or to whom, and whether the agent may act here (`rules::can_act_in`).
#[component]
pub fn AssignmentNote(
    /// The open conversation.
    state: OpenConversation,
) -> impl IntoView {
    let may_act = state.may_act();
    move || {
        let allowed = may_act.get()?.is_ok();
        let (me, admin) = state.actor.with(|a| {
            a.as_ref()
                .map(|a| (a.agent.id, a.agent.role == Role::Admin))
        })?;
        let owner = state.conversation.with(|c| c.assigned_to.clone());
        let text = match (owner, allowed) {
            (Some(owner), _) if owner.id == me => "Assigned to you.".to_owned(),
            (Some(owner), true) if admin => format!(
                "Assigned to {}. As an admin you can act here; what you send carries your name.",
                owner.name
            ),
            (None, true) => "Not assigned to anyone. As an admin you can act here.".to_owned(),
            (Some(owner), _) => format!(
                "Assigned to {}. You can read this conversation; only they or an admin can act in it.",
                owner.name
            ),
            (None, _) => {
                "Not assigned to anyone. You can read it; only an admin can act in it.".to_owned()
            }
        };
        Some(view! {
            <p class=if allowed { "assignment" } else { "assignment assignment--read-only" } role="note">
                {text}
            </p>
        })
    }
}
