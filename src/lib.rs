//! The social widget: a Leptos (csr) view of one Facebook or X conversation for a
//! contact-center agent. Modules are public so component tests can mount them.

pub mod admin;
pub mod app;
pub mod client;
pub mod components;
pub mod decode;
pub mod framed;
pub mod host;
pub mod links;
pub mod live;
pub mod session;
pub mod state;
pub mod time;
