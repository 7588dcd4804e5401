//! What the page's inline script (in `index.html`, before the wasm) kept for the widget:
//! messages posted to the window before the widget listened, and LivePerson's callbacks,
//! since its SDK hears the workspace's handshake only if `init()` ran first; and the reads
//! it started ahead for the first focus. The script puts them on `window.__socialWidget`;
//! the bridges drain the queues and take over, the client takes the reads.

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// The inline script's object; absent when the page has no such script (tests, trunk).
#[derive(Clone)]
pub struct Bootstrap(Object);

impl Bootstrap {
    /// The page's bootstrap object, if its script ran.
    pub fn find() -> Option<Self> {
        let window = web_sys::window()?;
        let value = Reflect::get(&window, &"__socialWidget".into()).ok()?;
        value.dyn_into::<Object>().ok().map(Bootstrap)
    }

    fn get(&self, name: &str) -> JsValue {
        Reflect::get(&self.0, &name.into()).unwrap_or(JsValue::UNDEFINED)
    }

    /// LivePerson's `lpTag.agentSDK`, when the page loaded it and the script ran `init()`.
    pub fn liveperson_sdk(&self) -> Option<Object> {
        self.get("sdk").dyn_into::<Object>().ok()
    }

    /// Takes what the queue named `name` holds (`messages` or `lp`), leaving it empty.
    pub fn take(&self, name: &str) -> Vec<JsValue> {
        let queue = self.get(name);
        let Some(queue) = queue.dyn_ref::<Array>() else {
            return Vec::new();
        };
        let taken: Vec<JsValue> = queue.iter().collect();
        queue.set_length(0);
        taken
    }

    /// A callback for LivePerson's SDK that queues `{kind, path, value}` in this page's
    /// current generation (the inline script's `callback`).
    pub fn callback(&self, kind: &str, path: &str) -> JsValue {
        match self.get("callback").dyn_ref::<Function>() {
            Some(make) => make
                .call2(&self.0, &kind.into(), &path.into())
                .unwrap_or(JsValue::UNDEFINED),
            None => JsValue::UNDEFINED,
        }
    }

    /// Calls `wake` whenever something joins a queue from now on.
    pub fn on_wake(&self, wake: &Function) {
        let _ = Reflect::set(&self.0, &"wake".into(), wake);
    }

    /// The read the script started ahead for `url` with `token` (the first focus's session,
    /// workspace id and conversation, while the wasm downloaded), taken at most once.
    pub fn prefetched(&self, url: &str, token: &str) -> Option<Promise> {
        let take = self.get("prefetched").dyn_into::<Function>().ok()?;
        let read = take.call2(&self.0, &url.into(), &token.into()).ok()?;
        read.dyn_into::<Promise>().ok()
    }

    /// Stops the script's own message queue: the widget listens itself from now on.
    pub fn release_messages(&self) {
        if let Some(release) = self.get("release").dyn_ref::<Function>() {
            let _ = release.call0(&self.0);
        }
    }
}
