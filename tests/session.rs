//! The session inside a workspace: a 401 to a call that used the token ends it (and only
//! that token's), the tab keeps it in `sessionStorage`, and the sign-in form says why it
//! is back and what went wrong, in words.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use leptos::{mount::mount_to, prelude::*};
use social_widget::{
    client,
    components::sign_in::SignIn,
    session::{Ended, Session},
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const KEY: &str = "social-widget:session";

/// Effects need the executor that mounting a view starts.
fn executor() {
    std::mem::forget(mount_to(container(), || ()));
}

fn storage() -> web_sys::Storage {
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
}

#[wasm_bindgen_test]
async fn a_401_ends_the_session_of_that_token_only() {
    executor();
    storage().remove_item(KEY).unwrap();
    let net = FakeNetwork::install();
    let session = Session::start();
    let token = session.token();
    assert_eq!(token.get_untracked(), None);

    session.offer("token-one".into());
    assert_eq!(token.get_untracked().as_deref(), Some("token-one"));
    assert_eq!(
        storage().get_item(KEY).unwrap().as_deref(),
        Some("token-one")
    );

    // A late 401 of another token changes nothing.
    net.problem(401, "about:blank", "Unauthorized", "The session ended.");
    let _ = client::me("token-zero").await;
    assert_eq!(token.get_untracked().as_deref(), Some("token-one"));

    net.problem(401, "about:blank", "Unauthorized", "The session ended.");
    assert_eq!(
        client::me("token-one").await,
        Err(client::ApiError::Unauthorized)
    );
    assert_eq!(token.get_untracked(), None);
    assert_eq!(session.ended.get_untracked(), Ended::Expired);
    assert_eq!(
        storage().get_item(KEY).unwrap(),
        None,
        "the tab forgot it too"
    );
}

#[wasm_bindgen_test]
async fn a_workspace_resending_its_token_does_not_replace_the_agents_session() {
    executor();
    storage().remove_item(KEY).unwrap();
    let net = FakeNetwork::install();
    let session = Session::start();
    let token = session.token();
    session.offer("from-the-workspace".into());
    // The workspace's token ends; the agent signs in on the form.
    net.problem(401, "about:blank", "Unauthorized", "The session ended.");
    let _ = client::me("from-the-workspace").await;
    session.begin("signed-in-here".into());

    // The workspace sends its state again (on `ready`): the same, refused, token.
    session.offer("from-the-workspace".into());
    assert_eq!(token.get_untracked().as_deref(), Some("signed-in-here"));
    // A new token from the workspace is taken.
    session.offer("new-from-the-workspace".into());
    assert_eq!(
        token.get_untracked().as_deref(),
        Some("new-from-the-workspace")
    );
    // Offered again, it changes nothing.
    session.begin("signed-in-again".into());
    session.offer("new-from-the-workspace".into());
    assert_eq!(token.get_untracked().as_deref(), Some("signed-in-again"));
}

#[wasm_bindgen_test]
async fn signing_out_forgets_the_token_and_the_drafts() {
    executor();
    let _net = FakeNetwork::install();
    storage()
        .set_item("social-widget:draft:7", r#"{"text":"private"}"#)
        .unwrap();
    storage().set_item("unrelated", "kept").unwrap();
    let session = Session::start();
    session.begin("to-end".into());
    session.sign_out();
    idle().await;
    assert_eq!(session.token().get_untracked(), None);
    assert_eq!(session.ended.get_untracked(), Ended::SignedOut);
    assert_eq!(storage().get_item("social-widget:draft:7").unwrap(), None);
    assert_eq!(
        storage().get_item("unrelated").unwrap().as_deref(),
        Some("kept")
    );
    storage().remove_item("unrelated").unwrap();
}

#[wasm_bindgen_test]
async fn the_tab_keeps_the_session_across_a_reload() {
    executor();
    storage().set_item(KEY, "kept-token").unwrap();
    let session = Session::start();
    assert_eq!(
        session.token().get_untracked().as_deref(),
        Some("kept-token")
    );
    storage().remove_item(KEY).unwrap();
}

#[wasm_bindgen_test]
async fn the_sign_in_form_says_why_and_signs_in() {
    let net = FakeNetwork::install();
    let el = container();
    let signed_in = RwSignal::new(None::<String>);
    let _view = mount_to(el.clone(), move || {
        view! {
            <SignIn
                demo=false
                agent=Signal::stored(None)
                ended=Signal::stored(Ended::Expired)
                on_signed_in=Callback::new(move |token| signed_in.set(Some(token)))
            />
        }
    });
    settle().await;
    assert!(text(&el).contains("Your session ended."), "{}", text(&el));

    let email = labelled(&el, "E-mail");
    let password = labelled(&el, "Password");
    type_input(&email, "dana@acme-outdoor.example");
    type_input(&password, "wrong");
    net.problem(401, "about:blank", "Unauthorized", "no");
    click(&by_role_named(&el, "button", "Sign in"));
    idle().await;
    assert!(
        text(&el).contains("The e-mail or password is not right."),
        "{}",
        text(&el)
    );
    assert_eq!(signed_in.get_untracked(), None);

    net.problem(
        429,
        "about:blank",
        "Too Many Requests",
        "Too many failed sign-ins: try again in 15 minutes.",
    );
    click(&by_role_named(&el, "button", "Sign in"));
    idle().await;
    assert!(
        text(&el).contains("try again in 15 minutes"),
        "{}",
        text(&el)
    );

    type_input(&password, "demo-password");
    net.reply(
        200,
        r#"{"token": "new-token", "expires_at": 1700000000000}"#,
    );
    click(&by_role_named(&el, "button", "Sign in"));
    idle().await;
    assert_eq!(signed_in.get_untracked().as_deref(), Some("new-token"));
    let sent = net.requests();
    let last = sent.last().unwrap();
    assert_eq!(last.url, "/api/session");
    assert_eq!(
        last.body.as_deref(),
        Some(r#"{"email":"dana@acme-outdoor.example","password":"demo-password"}"#)
    );
    assert_eq!(last.authorization, None, "no token goes with a sign-in");
}
