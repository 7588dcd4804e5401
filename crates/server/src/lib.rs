//! The social widget's backend: stores conversations, answers the widget's REST API and
//! serves the built widget. `main.rs` only parses the configuration and calls [`app::serve`].

pub mod app;
pub mod auth;
pub mod config;
pub mod demo;
pub mod error;
pub mod idempotency;
pub mod outbound;
pub mod platforms;
pub mod routes;
pub mod static_files;
pub mod store;

/// The current time as the API carries it: milliseconds since the Unix epoch.
pub fn now() -> social_api::Timestamp {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default();
    social_api::Timestamp(millis)
}
