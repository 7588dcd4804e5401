//! The contract between the social widget and its backend: what a conversation is
//! ([`model`]), what travels between them ([`contract`]), and what each agent control may
//! do with it ([`rules`], [`length`]). Pure data and functions, no I/O: it compiles for
//! wasm32 and native alike.

pub mod actions;
pub mod admin;
pub mod compose;
pub mod contract;
pub mod delivery;
pub mod events;
pub mod facts;
pub mod length;
pub mod model;
pub mod names;
pub mod routing;
pub mod rules;
pub mod tweet;
pub mod workspace;

pub use contract::*;
pub use model::*;
