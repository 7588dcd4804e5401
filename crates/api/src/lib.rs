//! The contract between the social widget and its backend: what a conversation is
//! ([`model`]) and what each agent control may do with it ([`rules`], [`length`]).
//! Pure data and functions, no I/O: it compiles for wasm32 and native alike.

pub mod actions;
pub mod length;
pub mod model;
pub mod rules;
pub mod tweet;

pub use model::*;
