//! Who may act in a conversation at all, and in which space: the checks every other rule
//! starts from.

use super::{Denied, SpaceName};
use crate::model::{Agent, AgentKind, Conversation, Role, Space};

/// Whether `agent` may act in `conversation`, as LivePerson has it: an agent in the
/// conversations assigned to them, an admin in any conversation of the account (as
/// themself: what they send carries their name).
pub fn can_act_in(conversation: &Conversation, agent: &Agent) -> Result<(), Denied> {
    if agent.role == Role::Admin {
        return Ok(());
    }
    match &conversation.assigned_to {
        Some(assignee) if assignee.id == agent.id => Ok(()),
        other => Err(Denied::NotAssigned {
            assignee: other.as_ref().map(|a| a.name.clone()),
        }),
    }
}

/// Whether the agent may write to the consumer in `space` at all (or, for
/// [`Space::Internal`], leave a note for the other agents).
pub fn can_write_in(
    conversation: &Conversation,
    agent: &Agent,
    space: Space,
) -> Result<(), Denied> {
    can_act_in(conversation, agent)?;
    if space != Space::Internal {
        connected(conversation)?;
    }
    match space {
        Space::Internal => Ok(()),
        Space::Public if agent.kind == AgentKind::Bot => Err(Denied::BotInPublic),
        // A brand can neither open a DM nor start a public thread the consumer is not in.
        _ if !conversation.consumer_wrote_in(space) => {
            Err(Denied::ConsumerNotInSpace(SpaceName(space)))
        }
        _ => Ok(()),
    }
}

/// Whether `agent` may act publicly in the conversation (like, unlike): bots never do.
pub(super) fn can_act_publicly(conversation: &Conversation, agent: &Agent) -> Result<(), Denied> {
    can_act_in(conversation, agent)?;
    connected(conversation)?;
    match agent.kind {
        AgentKind::Bot => Err(Denied::BotInPublic),
        AgentKind::Human => Ok(()),
    }
}

/// Whether the conversation's Page or X account is still connected: once an admin
/// disconnects it, nothing reaches the platform through it (internal notes still may).
fn connected(conversation: &Conversation) -> Result<(), Denied> {
    if conversation.brand.disconnected {
        Err(Denied::SourceDisconnected {
            name: conversation.brand.name.clone(),
        })
    } else {
        Ok(())
    }
}
