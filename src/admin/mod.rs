//! The admin settings page (its own bundle, `admin/index.html`; the framed widget never
//! loads it): the account's data sources, its routing rules and the audit log. Components
//! take data and callbacks, so tests mount them without a server; the panels and
//! [`page`] wire them to [`crate::client::admin`].

pub mod add_source;
pub mod audit_log;
pub mod audit_panel;
pub mod disconnect;
pub mod notice;
pub mod page;
pub mod preview;
pub mod routing_panel;
pub mod rule_draft;
pub mod rule_editor;
pub mod rule_row;
pub mod source_row;
pub mod sources_list;
pub mod sources_panel;
