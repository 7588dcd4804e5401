//! The admin settings page's entry point: readable panics, then the page mounted on
//! `<body>`. Its own bundle (`admin/index.html`), so the framed widget never downloads it.

use leptos::prelude::*;
use social_widget::admin::page::AdminPage;

fn main() {
    console_error_panic_hook::set_once();
    mount_to_body(AdminPage);
}
