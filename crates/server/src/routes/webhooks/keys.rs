//! What each platform's webhooks need, taken from the configuration.

use crate::config::Config;
use crate::secret::Secret;

/// What each platform's webhooks need; a platform without them has no webhook routes.
#[derive(Debug, Clone, Default)]
pub struct WebhookKeys {
    pub facebook: Option<FacebookKeys>,
    /// X's consumer secret.
    pub x: Option<Secret>,
}

#[derive(Debug, Clone)]
pub struct FacebookKeys {
    pub app_secret: Secret,
    pub verify_token: Secret,
}

impl WebhookKeys {
    /// The keys `config` names (`Config::validate` made sure Facebook's come in pairs).
    pub fn from_config(config: &Config) -> Self {
        let facebook = match (&config.facebook_app_secret, &config.facebook_verify_token) {
            (Some(app_secret), Some(verify_token)) => Some(FacebookKeys {
                app_secret: app_secret.clone(),
                verify_token: verify_token.clone(),
            }),
            _ => None,
        };
        Self {
            facebook,
            x: config.x_consumer_secret.clone(),
        }
    }

    /// Says at start-up which platforms can deliver here.
    pub fn log_state(&self) {
        match self.facebook {
            Some(_) => tracing::info!("Facebook webhooks on: /webhooks/facebook"),
            None => tracing::info!(
                "Facebook webhooks off (404): no --facebook-app-secret and --facebook-verify-token"
            ),
        }
        match self.x {
            Some(_) => tracing::info!("X webhooks on: /webhooks/x"),
            None => tracing::info!("X webhooks off (404): no --x-consumer-secret"),
        }
    }
}
