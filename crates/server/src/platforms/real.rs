//! The platform of a server that reaches Facebook and X: each call goes to the source's
//! client with the brand channel's token, read from the database at call time.

use async_trait::async_trait;
use social_api::{Profile, Source, Timestamp};
use std::sync::Arc;

use super::graph::Graph;
use super::x::X;
use super::{
    Like, Outbound, Platform, PlatformError, ProfileRequest, SendKind, Settings, Subscription,
};
use crate::secret::Secret;
use crate::store::Store;

/// Facebook's Graph API and X's API v2, behind [`Platform`].
pub struct RealPlatform {
    store: Arc<dyn Store>,
    graph: Graph,
    x: X,
}

/// The HTTP client could not be built (no TLS backend, say).
#[derive(Debug, thiserror::Error)]
#[error("the platforms' HTTP client could not be built: {0}")]
pub struct BuildError(#[from] reqwest::Error);

impl RealPlatform {
    pub fn new(settings: &Settings, store: Arc<dyn Store>) -> Result<Self, BuildError> {
        let client = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            // An API answer is never a redirect; following one could carry the token away.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("social-widget/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            store,
            graph: Graph::new(client.clone(), settings),
            x: X::new(client, settings),
        })
    }

    /// The channel's token, or why there is none.
    async fn token(&self, source: Source, brand_id: &str) -> Result<Secret, PlatformError> {
        match self.store.channel_token(source, brand_id).await {
            Ok(Some(token)) => Ok(token),
            Ok(None) => Err(PlatformError::NoToken {
                platform: source,
                brand_id: brand_id.to_owned(),
            }),
            Err(error) => {
                tracing::error!(%error, brand = brand_id, "a channel's token could not be read");
                Err(PlatformError::TokenUnreadable(source))
            }
        }
    }
}

#[async_trait]
impl Platform for RealPlatform {
    async fn reply_public(&self, request: &Outbound) -> Result<String, PlatformError> {
        let token = self.token(request.source, &request.brand_id).await?;
        match request.source {
            Source::Facebook => self.graph.reply_public(&token, request).await,
            Source::X => self.x.reply_public(&token, request).await,
        }
    }

    async fn send_private(&self, request: &Outbound) -> Result<String, PlatformError> {
        let token = self.token(request.source, &request.brand_id).await?;
        match request.source {
            Source::Facebook => self.graph.send_private(&token, request).await,
            Source::X => self.x.send_private(&token, request).await,
        }
    }

    async fn private_reply(&self, request: &Outbound) -> Result<String, PlatformError> {
        match request.source {
            Source::Facebook => {
                let token = self.token(request.source, &request.brand_id).await?;
                self.graph.private_reply(&token, request).await
            }
            Source::X => Err(PlatformError::Rejected(
                "X has no private replies to a tweet: send a direct message.".into(),
            )),
        }
    }

    async fn like(&self, request: &Like) -> Result<(), PlatformError> {
        let token = self.token(request.source, &request.brand_id).await?;
        match request.source {
            Source::Facebook => self.graph.set_like(&token, request, true).await,
            Source::X => self.x.set_like(&token, request, true).await,
        }
    }

    async fn unlike(&self, request: &Like) -> Result<(), PlatformError> {
        let token = self.token(request.source, &request.brand_id).await?;
        match request.source {
            Source::Facebook => self.graph.set_like(&token, request, false).await,
            Source::X => self.x.set_like(&token, request, false).await,
        }
    }

    async fn profile(&self, request: &ProfileRequest) -> Result<Profile, PlatformError> {
        let token = self.token(request.source, &request.brand_id).await?;
        match request.source {
            Source::Facebook => self.graph.profile(&token, request).await,
            Source::X => self.x.profile(&token, request).await,
        }
    }

    async fn find_sent(
        &self,
        kind: SendKind,
        request: &Outbound,
        since: Timestamp,
    ) -> Result<Vec<String>, PlatformError> {
        let token = self.token(request.source, &request.brand_id).await?;
        match request.source {
            Source::Facebook => self.graph.find_sent(&token, kind, request, since).await,
            Source::X => self.x.find_sent(&token, kind, request, since).await,
        }
    }

    async fn set_subscribed(
        &self,
        request: &Subscription,
        subscribed: bool,
    ) -> Result<(), PlatformError> {
        let token = self.token(request.source, &request.brand_id).await?;
        match request.source {
            Source::Facebook => {
                self.graph
                    .set_subscribed(&token, &request.brand_id, subscribed)
                    .await
            }
            Source::X => {
                self.x
                    .set_subscribed(&token, &request.brand_id, subscribed)
                    .await
            }
        }
    }
}
