//! Shared by the component tests: hand-built conversations, and DOM helpers that read the
//! page the way an agent does (by role, name and text).
#![allow(dead_code)]

use leptos::prelude::*;
use social_api::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

// ---- Fixtures -------------------------------------------------------------------------

pub const BRAND: &str = "Acme Support";

pub fn brand() -> BrandChannel {
    BrandChannel {
        platform_id: "page-1".into(),
        name: BRAND.into(),
        handle: Some("acme".into()),
        disconnected: false,
    }
}

pub fn available(name: &str, handle: Option<&str>) -> Profile {
    Profile::Available(PublicProfile {
        display_name: name.into(),
        handle: handle.map(Into::into),
        picture_url: None,
        profile_url: Some(format!("https://example.com/{}", name.replace(' ', "."))),
        locale: Some("fr_FR".into()),
        timezone: Some("Europe/Paris".into()),
        follower_count: Some(1234),
    })
}

pub fn message(id: i64, author: Author, space: Space, text: &str) -> Message {
    Message {
        id: MessageId(id),
        platform_id: None,
        author,
        space,
        text: text.into(),
        reply_to: None,
        sent_at: Timestamp(1_700_000_000_000 + id * 60_000),
        liked_by_brand: false,
        delivery: Delivery::Sent,
        private_reply: false,
        edited: false,
        deleted: false,
        consumer_reaction: None,
    }
}

pub fn agent(name: &str) -> Author {
    Author::Agent {
        id: AgentId(7),
        name: name.into(),
    }
}

pub fn post(text: &str) -> PostContext {
    PostContext {
        platform_id: "post-1".into(),
        text: text.into(),
        author: BRAND.into(),
        posted_at: Timestamp(1_699_990_000_000),
        attachment_url: Some("https://example.com/pic.jpg".into()),
        permalink: "https://facebook.com/acme/posts/1".into(),
        liked_by_brand: false,
        by_brand: true,
        deleted: false,
    }
}

/// A conversation with the given consumer profile, post and messages.
pub fn conversation(
    id: i64,
    source: Source,
    profile: Profile,
    post: Option<PostContext>,
    messages: Vec<Message>,
) -> Conversation {
    Conversation {
        id: ConversationId(id),
        source,
        brand: brand(),
        consumer: Consumer {
            platform_id: format!("consumer-{id}"),
            profile,
        },
        post,
        // Assigned to the agent the tests act as.
        assigned_to: Some(Assignee {
            id: human().id,
            name: human().name,
        }),
        messages,
        event_cursor: 0,
        facts: Default::default(),
        older_cursor: None,
        skill: None,
        engagement: None,
    }
}

/// A Facebook comment thread that moved to Messenger.
pub fn facebook_thread() -> Conversation {
    let mut reply = message(
        3,
        agent("Dana"),
        Space::Public,
        "Sorry to hear that, Jane! We sent you a DM.",
    );
    reply.reply_to = Some(MessageId(2));
    let mut dm = message(
        4,
        Author::Consumer,
        Space::Private,
        "Thanks, my order number is 123.",
    );
    dm.liked_by_brand = true;
    let messages = vec![
        message(
            2,
            Author::Consumer,
            Space::Public,
            "My parcel never arrived and nobody answers the phone.",
        ),
        reply,
        dm,
        message(
            5,
            agent("Dana"),
            Space::Internal,
            "Checked the carrier: lost in transit.",
        ),
    ];
    let post = Some(post("Our spring sale starts today!"));
    conversation(
        1,
        Source::Facebook,
        available("Jane Doe", None),
        post,
        messages,
    )
}

/// An X DM-only conversation.
pub fn x_dm() -> Conversation {
    let mut pending = message(
        12,
        Author::Bot {
            name: "Acme Bot".into(),
        },
        Space::Private,
        "We are looking into it.",
    );
    pending.delivery = Delivery::Pending;
    let mut failed = message(13, agent("Sam"), Space::Private, "Could you share a photo?");
    failed.delivery = Delivery::Failed {
        reason: "the consumer closed their DMs".into(),
    };
    conversation(
        2,
        Source::X,
        available("Kai Rivers", Some("kai_r")),
        None,
        vec![
            message(
                11,
                Author::Consumer,
                Space::Private,
                "Hi, my refund is late.",
            ),
            pending,
            failed,
        ],
    )
}

// ---- DOM helpers ----------------------------------------------------------------------

/// A fresh container in the document, for one test's mount. Drafts kept in the tab by an
/// earlier test are forgotten, so every test starts from empty drafts.
pub fn container() -> HtmlElement {
    if let Some(storage) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = storage.clear();
    }
    let document = document();
    let el: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&el).unwrap();
    el
}

/// Lets Leptos apply pending changes and finish ready futures.
pub async fn settle() {
    for _ in 0..4 {
        leptos::task::tick().await;
    }
}

/// The text as the agent reads it.
pub fn text(el: &Element) -> String {
    el.text_content().unwrap_or_default()
}

pub fn all(el: &Element, selector: &str) -> Vec<Element> {
    let list = el.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.unchecked_into())
        .collect()
}

pub fn one(el: &Element, selector: &str) -> Option<Element> {
    el.query_selector(selector).unwrap()
}

/// Elements of an ARIA role (explicit, or implicit for the few tags these tests use).
pub fn by_role(el: &Element, role: &str) -> Vec<Element> {
    let implicit = match role {
        "button" => "button",
        "link" => "a[href]",
        "heading" => "h1,h2,h3,h4,h5,h6",
        "img" => "img",
        "listitem" => "li",
        "article" => "article",
        "form" => "form[aria-label]",
        "region" => "section[aria-label]",
        _ => "",
    };
    let selector = if implicit.is_empty() {
        format!("[role={role}]")
    } else {
        format!("[role={role}],{implicit}")
    };
    all(el, &selector)
}

/// An element's accessible name as these tests need it: `aria-label`, else its text.
pub fn name_of(el: &Element) -> String {
    el.get_attribute("aria-label")
        .unwrap_or_else(|| text(el).trim().to_owned())
}

/// The one element of a role named `name` (trimmed), panicking with what exists.
pub fn by_role_named(el: &Element, role: &str, name: &str) -> Element {
    let found = by_role(el, role);
    let names: Vec<String> = found.iter().map(name_of).collect();
    let at = names.iter().position(|n| n == name);
    match at {
        Some(i) => found[i].clone(),
        None => panic!("no {role} named {name:?}; found {names:?}"),
    }
}

pub fn click(el: &Element) {
    el.unchecked_ref::<HtmlElement>().click();
}

/// The one button whose name starts with `prefix` ("Like ", "Reply to ", "Retry "):
/// buttons name what they act on, so a test names the action and finds the button.
pub fn button(el: &Element, prefix: &str) -> Element {
    let found: Vec<Element> = by_role(el, "button")
        .into_iter()
        .filter(|b| name_of(b).starts_with(prefix))
        .collect();
    match found.as_slice() {
        [one] => one.clone(),
        _ => panic!(
            "not one button named {prefix:?}…; found {:?}",
            by_role(el, "button")
                .iter()
                .map(name_of)
                .collect::<Vec<_>>()
        ),
    }
}

/// Whether a button whose name starts with `prefix` is there.
pub fn has_button(el: &Element, prefix: &str) -> bool {
    by_role(el, "button")
        .iter()
        .any(|b| name_of(b).starts_with(prefix))
}

/// Whether an element of `role` named `name` is there.
pub fn has_role_named(el: &Element, role: &str, name: &str) -> bool {
    by_role(el, role).iter().any(|e| name_of(e) == name)
}

/// The form control whose `<label>` reads `name` (textbox, radio, checkbox).
pub fn labelled(el: &Element, name: &str) -> Element {
    let labels = all(el, "label");
    let names: Vec<String> = labels.iter().map(|l| text(l).trim().to_owned()).collect();
    let label = names
        .iter()
        .position(|n| n == name)
        .map(|i| labels[i].clone())
        .unwrap_or_else(|| panic!("no control labelled {name:?}; labels: {names:?}"));
    // Looked up inside `el`, not by document id, so a mount a failed test left behind
    // cannot answer for this one.
    let control = match label.get_attribute("for") {
        Some(id) => one(el, &format!("[id=\"{id}\"]")),
        None => one(&label, "input,textarea,select"),
    };
    control.unwrap_or_else(|| panic!("the label {name:?} names no control"))
}

/// Whether a control labelled `name` is there.
pub fn has_labelled(el: &Element, name: &str) -> bool {
    all(el, "label").iter().any(|l| text(l).trim() == name)
}

/// The text of the elements an element's `aria-describedby` names.
pub fn description(el: &Element) -> String {
    let ids = el.get_attribute("aria-describedby").unwrap_or_default();
    // Looked up in the test's own container (the ancestor just under `<body>`), so a mount
    // a failed test left behind cannot answer for this one.
    let mut root = el.clone();
    while let Some(parent) = root.parent_element() {
        if parent.tag_name() == "BODY" {
            break;
        }
        root = parent;
    }
    ids.split_whitespace()
        .filter_map(|id| one(&root, &format!("[id=\"{id}\"]")))
        .map(|d| text(&d))
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn attr(el: &Element, name: &str) -> Option<String> {
    el.get_attribute(name)
}

pub fn is_checked(el: &Element) -> bool {
    el.unchecked_ref::<web_sys::HtmlInputElement>().checked()
}

/// The message box: the composer's one textbox, whatever its label says.
pub fn message_box(el: &Element) -> web_sys::HtmlTextAreaElement {
    one(el, "form.composer textarea")
        .expect("the composer's message box")
        .unchecked_into()
}

/// The message box's label, which says what it writes ("Public reply", …).
pub fn message_box_label(el: &Element) -> String {
    let id = message_box(el).id();
    one(el, &format!("label[for=\"{id}\"]"))
        .map(|label| text(&label).trim().to_owned())
        .unwrap_or_default()
}

/// The composer's send button, whatever it is named for.
pub fn send_button(el: &Element) -> Element {
    one(el, "form.composer button[type=submit]").expect("the send button")
}

/// Types as the agent does: the new value, then an `input` event.
pub fn type_text(textarea: &web_sys::HtmlTextAreaElement, value: &str) {
    textarea.set_value(value);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &init).unwrap();
    textarea.dispatch_event(&event).unwrap();
}

/// Types into an `<input>` as a person does: the new value, then an `input` event.
pub fn type_input(input: &Element, value: &str) {
    let input: &web_sys::HtmlInputElement = input.unchecked_ref();
    input.set_value(value);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &init).unwrap();
    input.dispatch_event(&event).unwrap();
}

/// A key pressed in `el`; returns whether the page prevented the key's default action.
pub fn press_key(el: &Element, key: &str, shift: bool) -> bool {
    press_key_with(el, key, shift, false)
}

/// A key pressed with Shift and/or Ctrl held.
pub fn press_key_with(el: &Element, key: &str, shift: bool, ctrl: bool) -> bool {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_shift_key(shift);
    init.set_ctrl_key(ctrl);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    el.dispatch_event(&event).unwrap();
    event.default_prevented()
}

/// Waits in the browser's event loop.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Lets a faked network answer arrive and Leptos apply it.
pub async fn idle() {
    settle().await;
    sleep(20).await;
    settle().await;
}

// ---- Acting agent and the network -----------------------------------------------------

pub fn human() -> Agent {
    Agent {
        id: AgentId(7),
        name: "Dana".into(),
        kind: AgentKind::Human,
        role: Role::Agent,
    }
}

/// The tests' "now": an hour after the first fixture message, so Meta's windows are open.
pub const NOW: Timestamp = Timestamp(1_700_000_000_000 + 3_600_000);

pub const TOKEN: &str = "test-token";

/// An X conversation on a tweet, the consumer public only.
pub fn x_public() -> Conversation {
    let mut tweet = message(
        21,
        Author::Consumer,
        Space::Public,
        "@acme my order is late",
    );
    tweet.platform_id = Some("tweet-21".into());
    let mut post = post("Spring sale!");
    post.permalink = "https://x.com/acme/status/1".into();
    conversation(
        3,
        Source::X,
        available("Kai Rivers", Some("kai_r")),
        Some(post),
        vec![tweet],
    )
}

/// An X conversation on the consumer's own tweet mentioning the brand: the brand may like
/// the tweet.
pub fn x_consumer_tweet() -> Conversation {
    let mut c = x_public();
    c.id = ConversationId(4);
    if let Some(post) = &mut c.post {
        post.author = "Kai Rivers".into();
        post.text = "@acme where is my order?".into();
        post.by_brand = false;
    }
    c
}

/// The original post or tweet, as the region the agent sees.
pub fn post_region(el: &Element) -> Element {
    one(el, "section.post").expect("the post is shown")
}

/// The conversation panel with `conversations` to open by `id`, acting as [`human`].
pub fn mount_panel(
    el: &HtmlElement,
    id: Signal<Option<ConversationId>>,
    conversations: Vec<Conversation>,
) -> impl Sized {
    use social_widget::{
        components::conversation_panel::ConversationPanel,
        state::{Actor, ConversationModel},
    };
    leptos::mount::mount_to(el.clone(), move || {
        let conversations = conversations.clone();
        let actor = Actor {
            agent: human(),
            token: TOKEN.into(),
        };
        let model = ConversationModel::new(id, move |id| {
            let found = conversations.iter().find(|c| c.id == id).cloned();
            async move { found.ok_or(social_widget::state::Failure::Said("Not found.".into())) }
        })
        .acting_as(Signal::stored(Some(actor)))
        .at(Signal::stored(NOW));
        view! { <ConversationPanel model idle="Nothing open"/> }
    })
}

/// One conversation open in the panel, acting as [`human`].
pub async fn open_conversation(conversation: Conversation) -> (HtmlElement, impl Sized) {
    let el = container();
    let id = conversation.id;
    let view = mount_panel(&el, Signal::stored(Some(id)), vec![conversation]);
    settle().await;
    (el, view)
}

/// A request the widget made, as the fake network saw it.
#[derive(Debug, Clone)]
pub struct Sent {
    pub method: String,
    pub url: String,
    pub key: Option<String>,
    pub authorization: Option<String>,
    pub body: Option<String>,
}

/// Replaces `window.fetch` with a fake that records requests and answers from a queue.
pub struct FakeNetwork;

impl FakeNetwork {
    pub fn install() -> Self {
        js_sys::eval(
            r#"
            window.__requests = [];
            window.__replies = [];
            window.__held = [];
            window.fetch = function (url, init) {
                init = init || {};
                const headers = new Headers(init.headers || {});
                window.__requests.push({
                    method: init.method || 'GET', url: String(url),
                    key: headers.get('Idempotency-Key'), authorization: headers.get('Authorization'),
                    body: init.body === undefined ? null : String(init.body),
                });
                const reply = window.__replies.shift() || { network: true };
                const answer = () => reply.network
                    ? Promise.reject(new TypeError('Failed to fetch'))
                    : Promise.resolve(new Response(reply.body, {
                        status: reply.status,
                        headers: Object.assign({ 'Content-Type': reply.type }, reply.headers),
                    }));
                if (!reply.hold) return answer();
                return new Promise((resolve, reject) => {
                    window.__held.push(() => answer().then(resolve, reject));
                });
            };
            "#,
        )
        .unwrap();
        FakeNetwork
    }

    fn queue(&self, reply: &str) {
        js_sys::eval(&format!("window.__replies.push({reply})")).unwrap();
    }

    fn json(value: &str) -> String {
        js_sys::JSON::stringify(&wasm_bindgen::JsValue::from_str(value))
            .unwrap()
            .as_string()
            .unwrap()
    }

    /// The next request is answered `status` with `body` (JSON).
    pub fn reply(&self, status: u16, body: &str) {
        let body = Self::json(body);
        self.queue(&format!(
            "{{status: {status}, body: {body}, type: 'application/json'}}"
        ));
    }

    /// [`FakeNetwork::reply`] with more headers (a `Link`, say).
    pub fn reply_with(&self, status: u16, body: &str, headers: &[(&str, &str)]) {
        let body = Self::json(body);
        let headers: serde_json::Map<String, serde_json::Value> = headers
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).into()))
            .collect();
        self.queue(&format!(
            "{{status: {status}, body: {body}, type: 'application/json', headers: {}}}",
            serde_json::Value::Object(headers)
        ));
    }

    /// The next request is answered only when [`FakeNetwork::release`] is called.
    pub fn hold(&self, status: u16, body: &str) {
        let body = Self::json(body);
        self.queue(&format!(
            "{{hold: true, status: {status}, body: {body}, type: 'application/json'}}"
        ));
    }

    /// The next request is answered with a problem.
    pub fn problem(&self, status: u16, kind: &str, title: &str, detail: &str) {
        let problem =
            serde_json::json!({"type": kind, "title": title, "status": status, "detail": detail});
        let body = Self::json(&problem.to_string());
        self.queue(&format!(
            "{{status: {status}, body: {body}, type: 'application/problem+json'}}"
        ));
    }

    /// The next request gets no answer at all.
    pub fn fail(&self) {
        self.queue("{network: true}");
    }

    /// Answers the held requests.
    pub fn release(&self) {
        js_sys::eval("window.__held.splice(0).forEach((go) => go())").unwrap();
    }

    pub fn requests(&self) -> Vec<Sent> {
        let list = js_sys::eval("window.__requests").unwrap();
        let list: js_sys::Array = list.unchecked_into();
        list.iter()
            .map(|r| {
                let get = |k: &str| {
                    js_sys::Reflect::get(&r, &k.into())
                        .ok()
                        .and_then(|v| v.as_string())
                };
                Sent {
                    method: get("method").unwrap_or_default(),
                    url: get("url").unwrap_or_default(),
                    key: get("key"),
                    authorization: get("authorization"),
                    body: get("body"),
                }
            })
            .collect()
    }
}

/// A message (or any answer) as the server sends it.
pub fn json_of<T: serde::Serialize>(answer: &T) -> String {
    serde_json::to_string(answer).unwrap()
}
