//! Entry point: readable panics in the console, then the app mounted on `<body>`.

use leptos::prelude::*;
use social_widget::app::App;

fn main() {
    console_error_panic_hook::set_once();
    mount_to_body(App);
}
