//! Entry point: readable panics in the console, then the app mounted on `<body>`.

use leptos::prelude::*;
use social_widget::app::App;

fn main() {
    console_error_panic_hook::set_once();
    mount_to_body(App);
    // index.html's skeleton filled the frame until now; removed in the same task as the
    // mount, so no frame is painted with neither.
    if let Some(skeleton) = document().get_element_by_id("skeleton") {
        skeleton.remove();
    }
}
