//! The consumer's profile as the platform gives it: fetched when a conversation starts
//! (the webhooks call [`refresh`]) and again whenever an agent asks.

use social_api::events::Change;
use social_api::{Consumer, ConversationId};

use crate::app::AppState;
use crate::events;
use crate::platforms::{PlatformError, ProfileRequest};
use crate::store::StoreError;

/// Why a profile could not be refreshed.
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    /// The account has no such conversation.
    #[error("the account has no such conversation")]
    NoConversation,
    /// The platform could not be asked (a withheld profile is an answer, not this).
    #[error(transparent)]
    Platform(#[from] PlatformError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Fetches the profile of the consumer of `conversation` (of `account_id`) through the
/// platform, as the conversation's brand channel, and stores it: the consumer as stored
/// now. The conversation's live stream hears the change.
pub async fn refresh(
    state: &AppState,
    account_id: i64,
    conversation: ConversationId,
) -> Result<Consumer, RefreshError> {
    let stored = state
        .store
        .account_conversation(account_id, conversation)
        .await?
        .ok_or(RefreshError::NoConversation)?;
    let request = ProfileRequest {
        source: stored.source,
        brand_id: stored.brand.platform_id.clone(),
        consumer_id: stored.consumer.platform_id.clone(),
    };
    let profile = state.platform.profile(&request).await?;
    let consumer = state
        .store
        .set_consumer_profile(account_id, conversation, &profile)
        .await?
        .ok_or(RefreshError::NoConversation)?;
    events::publish_in_account(
        state,
        account_id,
        conversation,
        Change::Consumer(consumer.clone()),
    )
    .await;
    Ok(consumer)
}
