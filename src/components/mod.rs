//! The widget's components, one per file, each named for what the agent sees.

pub mod action_bar;
pub mod assignment;
pub mod channel_indicator;
pub mod composer;
pub mod conversation_list;
pub mod conversation_panel;
pub mod like_button;
pub mod link_to_dm;
pub mod link_to_dm_preview;
pub mod mention_button;
pub mod message_item;
pub mod mismatch;
pub mod note_toggle;
pub mod post_context;
pub mod profile_card;
pub mod reply_chip;
pub mod rule_button;
pub mod sign_in;
pub mod source_icon;
pub mod space_toggle;
pub mod status;
pub mod transcript;
pub mod widget;

/// A sentence of ours around at most two pieces of a consumer's words (a name, a quote, an
/// emoji), each isolated in a `<bdi>`: a direction control in theirs (U+202E) ends with it
/// and cannot reorder the rest. One fixed shape for every such sentence, so its view code is
/// in the wasm once (an unused `<bdi>` stays empty).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub before: String,
    pub theirs: String,
    pub between: String,
    pub theirs_too: String,
    pub after: String,
}

impl Sentence {
    pub fn view(self) -> impl leptos::prelude::IntoView {
        use leptos::prelude::*;
        let Sentence {
            before,
            theirs,
            between,
            theirs_too,
            after,
        } = self;
        view! { {before}<bdi>{theirs}</bdi>{between}<bdi>{theirs_too}</bdi>{after} }
    }
}

/// An event handler, boxed: every handler of one event is then one type, so Leptos'
/// listener code is in the wasm once rather than once per control (docs/size.md).
pub fn handler<E>(f: impl FnMut(E) + 'static) -> Box<dyn FnMut(E)> {
    Box::new(f)
}
