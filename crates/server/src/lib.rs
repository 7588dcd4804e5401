//! The social widget's backend: stores conversations, answers the widget's REST API and
//! serves the built widget. `main.rs` only parses the configuration and calls [`app::serve`].

pub mod app;
pub mod auth;
pub mod clock;
pub mod config;
pub mod cursor;
pub mod demo;
pub mod demo_guard;
pub mod dev_workspace;
pub mod embedding;
pub mod error;
pub mod events;
pub mod idempotency;
pub mod ingest;
pub mod logging;
pub mod metrics;
pub mod outbound;
pub mod password;
pub mod platforms;
pub mod profiles;
pub mod purge;
pub mod read_cache;
pub mod routes;
pub mod secret;
pub mod serve;
pub mod static_files;
pub mod store;
pub mod sweeper;
pub mod webhooks;
