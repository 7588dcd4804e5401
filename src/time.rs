//! Timestamps as the agent reads them: the browser's locale through `Intl.DateTimeFormat`,
//! so the widget carries no date library.

use js_sys::{Array, Date, Intl::DateTimeFormat, Object, Reflect};
use social_api::Timestamp;
use wasm_bindgen::JsValue;

thread_local! {
    // Building a formatter is slow; one per page is enough.
    static FORMAT: DateTimeFormat = {
        let options = Object::new();
        for (key, value) in [("month", "short"), ("day", "numeric"), ("hour", "2-digit"), ("minute", "2-digit")] {
            let _ = Reflect::set(&options, &key.into(), &value.into());
        }
        DateTimeFormat::new(&Array::new(), &options)
    };
}

fn date(at: Timestamp) -> Date {
    Date::new(&JsValue::from_f64(at.0 as f64))
}

/// "12 Mar, 14:05" in the browser's locale and timezone.
pub fn format(at: Timestamp) -> String {
    FORMAT.with(|f| {
        f.format()
            .call1(&JsValue::NULL, &date(at))
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    })
}

/// The machine-readable form for `<time datetime>`.
pub fn iso(at: Timestamp) -> String {
    let date = date(at);
    // `toISOString` throws on an invalid date; show no machine time rather than abort.
    if date.get_time().is_nan() {
        return String::new();
    }
    String::from(date.to_iso_string())
}

/// The browser's time now.
pub fn now() -> Timestamp {
    Timestamp(Date::now() as i64)
}

/// "Now" as a signal that moves on every half minute, so controls bound to a time window
/// (Messenger's 24 hours) close on screen when the window does, without a reload.
pub fn live_clock() -> leptos::prelude::Signal<Timestamp> {
    use leptos::prelude::*;
    let (now_signal, set_now) = signal(now());
    let ticking = set_interval_with_handle(
        move || set_now.set(now()),
        std::time::Duration::from_secs(30),
    );
    if let Ok(handle) = ticking {
        on_cleanup(move || handle.clear());
    }
    now_signal.into()
}
