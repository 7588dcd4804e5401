//! Webhook deliveries of Facebook and X: verifying signatures over the raw bytes
//! (`signature`), reading each platform's payloads (`facebook`, `x`) into [`Inbound`]
//! events.

pub mod facebook;
pub mod inbound;
pub mod signature;
pub mod x;

pub use inbound::{
    Inbound, InboundEvent, InboundMessage, InboundPerson, InboundPost, ParseError, Parsed,
};
