//! The server over real HTTP: one binary, one module per area (zero2prod's layout).

mod admin;
mod auth;
mod conversations;
mod demo;
mod dev_workspace;
mod differential;
mod dm_invite;
mod events;
mod fakes;
mod faults;
mod helpers;
mod hostile;
mod idempotency;
mod inbound;
mod likes;
mod lists;
mod messages;
mod operations;
mod pages;
mod platforms;
mod policy;
mod purge;
mod read_cache;
mod sign_in;
mod static_files;
#[path = "../support/fixtures.rs"]
mod support_fixtures;
#[path = "../support/process.rs"]
mod support_process;
mod webhooks;
mod workspaces;
