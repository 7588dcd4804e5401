//! The server over real HTTP: one binary, one module per area (zero2prod's layout).

mod auth;
mod conversations;
mod demo;
mod helpers;
mod static_files;
