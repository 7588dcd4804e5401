//! The standalone dev page's entry point: readable panics, then the page mounted on
//! `<body>`. Its own bundle (`dev/index.html`), so the framed widget never downloads it.

use leptos::prelude::*;
use social_widget::host::standalone::StandalonePage;

fn main() {
    console_error_panic_hook::set_once();
    mount_to_body(StandalonePage);
}
