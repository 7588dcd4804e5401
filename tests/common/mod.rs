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
        messages,
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

/// A fresh container in the document, for one test's mount.
pub fn container() -> HtmlElement {
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
        _ => "",
    };
    let selector = if implicit.is_empty() {
        format!("[role={role}]")
    } else {
        format!("[role={role}],{implicit}")
    };
    all(el, &selector)
}

/// The one element of a role whose text is `name` (trimmed), panicking with what exists.
pub fn by_role_named(el: &Element, role: &str, name: &str) -> Element {
    let found = by_role(el, role);
    let names: Vec<String> = found.iter().map(|e| text(e).trim().to_owned()).collect();
    let at = names.iter().position(|n| n == name);
    match at {
        Some(i) => found[i].clone(),
        None => panic!("no {role} named {name:?}; found {names:?}"),
    }
}

pub fn click(el: &Element) {
    el.unchecked_ref::<HtmlElement>().click();
}
