//! The widget's components, one per file, each named for what the agent sees.

pub mod channel_indicator;
pub mod conversation_list;
pub mod conversation_panel;
pub mod message_item;
pub mod post_context;
pub mod profile_card;
pub mod source_icon;
pub mod status;
pub mod transcript;
pub mod widget;
